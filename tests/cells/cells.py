"""Sending typed cells and reading what comes back."""

from __future__ import annotations

from typing import Any

from spin_harness import ExecResult, Executor, KernelWS, connect_ws

TIMEOUT = 120


async def open_kernel(executor: Executor, kernel_id: str) -> KernelWS:
    kc = await connect_ws(executor.socket_path, kernel_id, subprotocols=["v1.kernel.websocket.jupyter.org"])
    await kc.wait_ready()
    return kc


def spin(cell_type: str, connection: str | None = None, variable: str | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"cell_type": cell_type}
    if connection:
        meta["connection"] = connection
    if variable:
        meta["variable"] = variable
    return {"spin": meta}


async def run_cell(kc: KernelWS, code: str, cell_type: str = "python", connection: str | None = None,
                   variable: str | None = None, timeout: float = TIMEOUT, **kw: Any) -> ExecResult:
    metadata = spin(cell_type, connection, variable) if cell_type != "python" else None
    msg_id = await kc.send_execute(code, metadata=metadata, **kw)
    return await kc.collect(msg_id, timeout=timeout)


def error_of(result: ExecResult) -> dict[str, Any]:
    errors = result.of_type("error")
    assert errors, f"expected an error output, got: {result.describe()}"
    assert result.reply is not None and result.reply.content["status"] == "error", result.describe()
    return errors[-1].content


def ok(result: ExecResult) -> ExecResult:
    assert result.reply is not None, result.describe()
    assert result.reply.content["status"] == "ok", f"{result.reply.content} / {result.describe()}"
    return result


def put_connection(executor: Executor, name: str, body: dict[str, Any]) -> dict[str, Any]:
    resp = executor.request("PUT", f"/spin/v1/connections/{name}", body)
    assert resp.status in (200, 201), resp.describe()
    return resp.json()
