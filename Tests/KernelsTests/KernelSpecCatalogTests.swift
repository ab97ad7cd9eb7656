import Foundation
import Testing
@testable import Kernels

@Suite struct KernelSpecCatalogTests {
    func makeSpec(in folder: String, name: String, argv: [String] = ["python", "-m", "ipykernel_launcher", "-f", "{connection_file}"]) throws {
        let directory = "\(folder)/\(name)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let json = try JSONSerialization.data(withJSONObject: ["argv": argv, "display_name": name, "language": "python"])
        try json.write(to: URL(fileURLWithPath: "\(directory)/kernel.json"))
        try Data([0x89]).write(to: URL(fileURLWithPath: "\(directory)/logo-64x64.png"))
    }

    func temporaryFolder() -> String {
        let path = NSTemporaryDirectory() + "spin-catalog-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func removeFolders(_ paths: String...) {
        for path in paths { try? FileManager.default.removeItem(atPath: path) }
    }

    @Test func earlierPathsWinAndBrokenSpecsAreSkipped() throws {
        let first = temporaryFolder(), second = temporaryFolder()
        defer { removeFolders(first, second) }
        try makeSpec(in: first, name: "python3", argv: ["first"])
        try makeSpec(in: second, name: "python3", argv: ["second"])
        try makeSpec(in: second, name: "other")
        try FileManager.default.createDirectory(atPath: "\(second)/broken", withIntermediateDirectories: true)
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: "\(second)/broken/kernel.json"))
        let specs = KernelSpecCatalog(searchPaths: [first, second]).discover()
        #expect(Set(specs.keys) == ["python3", "other"])
        #expect(specs["python3"]?.definition.argv == ["first"])
        #expect(specs["python3"]?.resourceFiles == ["logo-64x64.png"])
        #expect(KernelSpecCatalog.defaultName(in: specs) == "python3")
    }

    @Test func standardPathsComeFromTheEnvironment() {
        let catalog = KernelSpecCatalog(environment: ["JUPYTER_PATH": "/a:/b", "HOME": "/home/u", "VIRTUAL_ENV": "/venv"])
        #expect(catalog.searchPaths == [
            "/a/kernels", "/b/kernels", "/home/u/.local/share/jupyter/kernels", "/venv/share/jupyter/kernels",
            "/usr/local/share/jupyter/kernels", "/usr/share/jupyter/kernels",
        ])
    }

    @Test func kernelsNeverSeeTheRuntimesSecrets() throws {
        let folder = temporaryFolder()
        defer { removeFolders(folder) }
        try makeSpec(in: folder, name: "python3")
        let spec = try #require(KernelSpecCatalog(searchPaths: [folder]).discover()["python3"])
        let environment = KernelEnvironment.make(
            runtime: ["SPIN_TOKEN": "t", "SSL_KEY_FILE": "k", "SSL_CERT_FILE": "c", "DATABASE_URL": "d", "PATH": "/bin"],
            spec: spec
        )
        #expect(environment == ["DATABASE_URL": "d", "PATH": "/bin", "JPY_PARENT_PID": String(getpid())])
    }

    @Test func connectionFilesArePrivate() throws {
        let parent = temporaryFolder()
        defer { removeFolders(parent) }
        let folder = parent + "/kernels"
        let provisioner = KernelProvisioner(connectionFolder: folder, runtimeEnvironment: [:])
        let info = ConnectionInfoFixture.make()
        try provisioner.writeConnectionFile(info, to: folder + "/k.json")
        let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/k.json")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let folderAttributes = try FileManager.default.attributesOfItem(atPath: folder)
        #expect((folderAttributes[.posixPermissions] as? Int) == 0o700)
    }
}

import JupyterProtocol

enum ConnectionInfoFixture {
    static func make() -> ConnectionInfo {
        ConnectionInfo(shellPort: 1, iopubPort: 2, stdinPort: 3, controlPort: 4, hbPort: 5, key: "k", kernelName: "python3")
    }
}
