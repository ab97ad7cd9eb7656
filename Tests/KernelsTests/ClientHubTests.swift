import JupyterProtocol
import Testing
@testable import Kernels

@Suite struct ClientHubTests {
    let factory = MessageFactory(session: "kernel")

    func reply(to request: JupyterMessage, _ type: String = "execute_reply") -> JupyterMessage {
        factory.make(type, parent: request.header)
    }

    @Test func iopubReachesEveryoneRepliesOnlyTheSender() {
        var hub = ClientHub<String>()
        let (alice, _) = hub.attach(session: "a", sink: "alice")
        _ = hub.attach(session: "b", sink: "bob")
        let request = MessageFactory(session: "a").make("execute_request")
        hub.recordRequest(request.msgID, from: alice)
        #expect(Set(hub.route(.iopub, reply(to: request, "stream")).map(\.sink)) == ["alice", "bob"])
        #expect(hub.route(.shell, reply(to: request)).map(\.sink) == ["alice"])
        #expect(hub.route(.shell, factory.make("execute_reply")).isEmpty, "a reply to nobody's request goes nowhere")
    }

    @Test func aDetachedSessionBuffersAndReplaysInOrder() {
        var hub = ClientHub<String>()
        let (first, _) = hub.attach(session: "s", sink: "first")
        let request = MessageFactory(session: "s").make("execute_request")
        hub.recordRequest(request.msgID, from: first)
        hub.detach(first, now: 0)
        let outputs = (0..<3).map { _ in reply(to: request, "stream") }
        for output in outputs { #expect(hub.route(.iopub, output).isEmpty) }
        #expect(hub.route(.shell, reply(to: request)).isEmpty)
        let (_, missed) = hub.attach(session: "s", sink: "second")
        #expect(missed.map(\.1.msgID) == outputs.map(\.msgID) + [missed.last!.1.msgID])
        #expect(missed.map(\.0) == [.iopub, .iopub, .iopub, .shell])
        let (_, again) = hub.attach(session: "s", sink: "third")
        #expect(again.isEmpty, "a replay is delivered once")
    }

    @Test func buffersAreBounded() {
        var limits = ClientHubLimits()
        limits.bufferedMessages = 2
        var hub = ClientHub<String>(limits: limits)
        let (client, _) = hub.attach(session: "s", sink: "x")
        hub.detach(client, now: 0)
        let outputs = (0..<5).map { _ in factory.make("stream") }
        for output in outputs { _ = hub.route(.iopub, output) }
        let (_, missed) = hub.attach(session: "s", sink: "y")
        #expect(missed.map(\.1.msgID) == outputs.suffix(2).map(\.msgID), "the newest are kept")
    }

    @Test func staleDetachedSessionsExpire() {
        var limits = ClientHubLimits()
        limits.detachedSeconds = 10
        var hub = ClientHub<String>(limits: limits)
        let (client, _) = hub.attach(session: "s", sink: "x")
        hub.detach(client, now: 0)
        _ = hub.route(.iopub, factory.make("stream"))
        hub.expire(now: 11)
        let (_, missed) = hub.attach(session: "s", sink: "y")
        #expect(missed.isEmpty)
    }

    @Test func aSessionWithAnotherClientStillConnectedDoesNotBuffer() {
        var hub = ClientHub<String>()
        let (one, _) = hub.attach(session: "s", sink: "one")
        _ = hub.attach(session: "s", sink: "two")
        hub.detach(one, now: 0)
        #expect(hub.route(.iopub, factory.make("stream")).map(\.sink) == ["two"])
        #expect(hub.clientCount == 1)
    }
}
