extension HTTPTestServer {
    /// The Python side: endpoints for JSON, text, an image, echo, redirects, a
    /// redirect loop, an endless body, a huge declared length and a slow answer.
    static let serverScript = #"""
        import http.server, json, os, ssl, sys, threading, time, base64

        PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def send(self, status, body, ctype, extra=()):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for name, value in extra:
                    self.send_header(name, value)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def endless(self, declared):
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                if declared:
                    self.send_header("Content-Length", str(1 << 40))
                else:
                    self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                chunk = b"x" * 65536
                try:
                    while True:
                        if declared:
                            self.wfile.write(chunk)
                        else:
                            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                except OSError:
                    self.close_connection = True

            def handle_any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = self.path
                if path == "/json":
                    self.send(200, json.dumps({"hello": "world", "n": [1, 2, 3]}).encode(), "application/json",
                              [("X-Multi", "a"), ("X-Multi", "b")])
                elif path == "/json-as-text":
                    self.send(200, b'{"k": true}', "text/plain")
                elif path == "/text":
                    self.send(200, "plain text \u00e9".encode(), "text/plain; charset=utf-8")
                elif path == "/png":
                    self.send(200, PNG, "image/png")
                elif path == "/binary":
                    self.send(200, bytes(range(256)), "application/octet-stream")
                elif path == "/echo":
                    echo = {"method": self.command, "headers": [[k, v] for k, v in self.headers.items()],
                            "body": body.decode("utf-8", "replace")}
                    self.send(200, json.dumps(echo).encode(), "application/json")
                elif path == "/status/418":
                    self.send(418, b"teapot", "text/plain")
                elif path == "/redirect":
                    self.send(302, b"moved", "text/plain", [("Location", "/json")])
                elif path == "/redirect-cross":
                    self.send(307, b"", "text/plain", [("Location", "https://localhost:%d/echo" % self.server.server_address[1])])
                elif path == "/redirect-same":
                    self.send(307, b"", "text/plain", [("Location", "/echo")])
                elif path == "/see-other":
                    self.send(303, b"", "text/plain", [("Location", "/echo")])
                elif path == "/redirect-file":
                    self.send(302, b"", "text/plain", [("Location", "file:///etc/passwd")])
                elif path.startswith("/loop"):
                    self.send(302, b"", "text/plain", [("Location", "/loop")])
                elif path == "/endless":
                    self.endless(False)
                elif path == "/declared-huge":
                    self.endless(True)
                elif path == "/slow":
                    time.sleep(60)
                    self.send(200, b"late", "text/plain")
                else:
                    self.send(404, b"not found", "text/plain")

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = handle_any

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain("server.pem", "server.key")
        server.socket = context.wrap_socket(server.socket, server_side=True)

        wrong = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        wrong.daemon_threads = True
        wrong_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        wrong_context.load_cert_chain("wrong.pem", "wrong.key")
        wrong.socket = wrong_context.wrap_socket(wrong.socket, server_side=True)
        threading.Thread(target=wrong.serve_forever, daemon=True).start()

        def watch_parent():
            sys.stdin.read()
            os._exit(0)

        threading.Thread(target=watch_parent, daemon=True).start()
        print(server.server_address[1], wrong.server_address[1], flush=True)
        server.serve_forever()
        """#
}
