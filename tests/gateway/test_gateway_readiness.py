"""`/readyz` asks the executor for its kernelspecs (a small request of the gateway's own on
the executor's socket): ready only on a 200 that lists at least one; every broken answer
is a clear 503 in time, and the gateway stays up."""

import pytest


def test_ready_counts_the_executors_kernelspecs(make_gateway):
    gateway = make_gateway().start()
    response = gateway.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ready", "kernelspecs": 2}


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("none", "found no kernelspec"),
        ("status500", "status 500"),
        ("garbage", "not a kernelspec list"),
        ("huge", "over 4 MiB"),
        ("hang", "within 3 s"),
        ("close", "not reachable"),
    ],
)
def test_a_broken_answer_is_503_in_time_and_the_gateway_stays_up(make_gateway, mode, reason):
    gateway = make_gateway(env={"STAND_IN_KERNELSPECS": mode}).start(wait_ready=False)
    gateway.wait_for(lambda: gateway.get("/echo/up", headers=gateway.auth()).status_code == 200, "the stand-in executor")
    for _ in range(3):
        # The probe gives up after its own 3 s; the request's timeout catches a hang.
        response = gateway.get("/readyz", timeout=20)
        assert response.status_code == 503, response.text
        error = response.json()["error"]
        assert error["code"] == "executor_not_ready"
        assert reason in error["message"], error
    assert gateway.get("/healthz").status_code == 200
    assert gateway.get("/echo/still-up", headers=gateway.auth()).status_code == 200
