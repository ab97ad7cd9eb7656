import NIOHTTP1

extension AccessPolicy.Subject {
    /// What the access policy looks at in a request head in NIO's HTTP/1 types (the
    /// proxy's requests and WebSocket handshakes).
    init(method: String, target: RequestTarget, headers: HTTPHeaders, clientAddress: String) {
        self.init(
            method: method,
            path: target.path,
            origin: headers.first(name: "Origin"),
            isUpgrade: headers.contains(name: "Upgrade"),
            clientAddress: clientAddress,
            credentials: Credentials(
                authorization: headers["Authorization"],
                query: target.query,
                subprotocols: WebSocketSubprotocols(headerValues: headers["Sec-WebSocket-Protocol"])
            )
        )
    }
}
