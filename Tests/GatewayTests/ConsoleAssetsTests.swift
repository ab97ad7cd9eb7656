import Foundation
import HTTPTypes
import Testing

@testable import Gateway

@Suite struct ConsoleAssetsTests {
    @Test func embeddedFilesAreByteExact() {
        #expect(!ConsoleAssets.files.isEmpty)
        for (name, asset) in ConsoleAssets.files {
            #expect(asset.bytesSHA256 == asset.sha256, "\(name) does not reproduce the file it was generated from")
        }
    }

    @Test func slashIsTheIndexPage() throws {
        let index = try #require(ConsoleRoute.asset(forPath: "/console/"))
        #expect(index.contentType == "text/html; charset=utf-8")
        #expect(ConsoleRoute.asset(forPath: "/console/index.html")?.sha256 == index.sha256)
    }

    @Test(arguments: ["/console/nope.js", "/console/../Package.swift", "/console/%2e%2e/x", "/consolex/app.js", "/app.js"])
    func unknownPathsHaveNoAsset(_ path: String) {
        #expect(ConsoleRoute.asset(forPath: path) == nil)
    }

    @Test func contentTypesFollowTheExtension() {
        for (name, asset) in ConsoleAssets.files {
            if name.hasSuffix(".js") { #expect(asset.contentType == "text/javascript; charset=utf-8") }
            if name.hasSuffix(".css") { #expect(asset.contentType == "text/css; charset=utf-8") }
        }
    }

    @Test func indexReferencesOnlyEmbeddedFiles() throws {
        let index = String(decoding: try #require(ConsoleAssets.files["index.html"]).bytes, as: UTF8.self)
        for marker in [#"src=""#, #"href=""#] {
            for part in index.components(separatedBy: marker).dropFirst() {
                let target = String(part.prefix { $0 != "\"" })
                if target.hasPrefix("#") || target.hasPrefix("data:") { continue }
                #expect(ConsoleAssets.files[target] != nil, "index.html refers to \(target), which is not embedded")
            }
        }
    }

    @Test func headersAreStrict() throws {
        let asset = try #require(ConsoleRoute.asset(forPath: "/console/"))
        let fields = ConsoleRoute.headers(for: asset)
        let policy = try #require(fields[.contentSecurityPolicy])
        #expect(policy.contains("default-src 'self'"))
        #expect(policy.contains("script-src 'self'"))
        #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"))
        #expect(fields[.xContentTypeOptions] == "nosniff")
        #expect(fields[.cacheControl] == "no-cache")
        #expect(fields[.eTag] == asset.etag)
    }

    @Test func etagRevalidation() throws {
        let asset = try #require(ConsoleRoute.asset(forPath: "/console/"))
        #expect(ConsoleRoute.isUnchanged(asset, ifNoneMatch: asset.etag))
        #expect(ConsoleRoute.isUnchanged(asset, ifNoneMatch: "\"other\", \(asset.etag)"))
        #expect(!ConsoleRoute.isUnchanged(asset, ifNoneMatch: "\"other\""))
        #expect(!ConsoleRoute.isUnchanged(asset, ifNoneMatch: nil))
    }
}
