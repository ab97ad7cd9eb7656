"""A Jupyter kernel that answers `execute_request` on shell before it publishes the run on iopub.

ipykernel sends a run's `busy`, `execute_input` and output from its iopub thread and the
`execute_reply` from the main thread, on another socket: nothing orders the two channels, and
now and then a client sees the reply first. This kernel makes that order certain (the reply,
then after `LAG` seconds busy → execute_input → stream → idle), so the console's handling of
it can be tested. Everything else is the real wire protocol: ZeroMQ sockets bound from the
connection file, messages signed by jupyter_client's Session.

Usage (as a kernelspec's argv): python reply_first_kernel.py {connection_file}
"""

import json
import sys
import time

import zmq
from jupyter_client.session import Session

LAG = 0.3


class ReplyFirstKernel:
    def __init__(self, connection_file):
        with open(connection_file) as f:
            info = json.load(f)
        self.session = Session(key=info["key"].encode(), signature_scheme=info["signature_scheme"], username="kernel")
        context = zmq.Context()

        def bind(kind, port):
            socket = context.socket(kind)
            socket.bind(f"{info['transport']}://{info['ip']}:{info[port]}")
            return socket

        self.shell = bind(zmq.ROUTER, "shell_port")
        self.control = bind(zmq.ROUTER, "control_port")
        self.stdin = bind(zmq.ROUTER, "stdin_port")
        self.iopub = bind(zmq.PUB, "iopub_port")
        self.heartbeat = bind(zmq.REP, "hb_port")
        self.count = 0

    def publish(self, parent, msg_type, content):
        self.session.send(self.iopub, msg_type, content, parent=parent)

    def status(self, parent, state):
        self.publish(parent, "status", {"execution_state": state})

    def kernel_info(self, socket, identities, request):
        self.status(request, "busy")
        self.session.send(socket, "kernel_info_reply", {
            "status": "ok", "protocol_version": "5.3", "implementation": "reply-first",
            "implementation_version": "1.0", "banner": "reply-first test kernel",
            "language_info": {"name": "python", "version": "3", "mimetype": "text/x-python", "file_extension": ".py"},
        }, parent=request, ident=identities)
        self.status(request, "idle")

    def execute(self, socket, identities, request):
        self.count += 1
        code = request["content"].get("code", "")
        self.session.send(socket, "execute_reply", {
            "status": "ok", "execution_count": self.count, "user_expressions": {}, "payload": [],
        }, parent=request, ident=identities)
        time.sleep(LAG)
        self.status(request, "busy")
        self.publish(request, "execute_input", {"code": code, "execution_count": self.count})
        self.publish(request, "stream", {"name": "stdout", "text": f"ran: {code}\n"})
        self.status(request, "idle")

    def handle(self, socket):
        identities, parts = self.session.feed_identities(socket.recv_multipart())
        request = self.session.deserialize(parts)
        kind = request["header"]["msg_type"]
        if kind == "kernel_info_request":
            self.kernel_info(socket, identities, request)
        elif kind == "execute_request":
            self.execute(socket, identities, request)
        elif kind == "shutdown_request":
            self.session.send(socket, "shutdown_reply", {"status": "ok", "restart": False}, parent=request, ident=identities)
            sys.exit(0)

    def serve(self):
        poller = zmq.Poller()
        for socket in (self.shell, self.control, self.heartbeat):
            poller.register(socket, zmq.POLLIN)
        while True:
            for socket, _ in poller.poll():
                if socket is self.heartbeat:
                    self.heartbeat.send_multipart(self.heartbeat.recv_multipart())
                else:
                    self.handle(socket)


if __name__ == "__main__":
    ReplyFirstKernel(sys.argv[1]).serve()
