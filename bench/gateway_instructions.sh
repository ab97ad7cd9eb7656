#!/usr/bin/env bash
# Instructions the gateway spends per proxied request (callgrind), a figure the shared
# machine's noise does not move: N authenticated `GET /api/status` requests over TLS on
# one keep-alive connection (curl), counted from after a 200-request warm-up. With
# `ws`, N WebSocket echo round trips over TLS instead (a malformed frame the executor
# answers itself: each relayed once each way), after 200 of warm-up.
#
#   bench/gateway_instructions.sh [N] [ws]   # default 1000 requests; needs make release first
#
# Profiles the copy of the release gateway that valgrind can run
# (scripts/link/profile-copy.py) and prints callgrind's file for callgrind_annotate.
set -euo pipefail
N=${1:-1000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/spin-callgrind.XXXXXX)
PORT=${PORT:-18998}
command -v valgrind >/dev/null || { apt-get install -y valgrind >/dev/null; }
mkdir -p "$WORK/bin" "$WORK/home"
"$ROOT/.venv/bin/python" "$ROOT/scripts/link/profile-copy.py" "$ROOT/.build/release/spin-gateway" "$WORK/bin/spin-gateway"
cp "$ROOT/.build/release/spin-executor" "$WORK/bin/"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/key.pem" \
    -out "$WORK/cert.pem" -days 1 -subj /CN=localhost 2>/dev/null
env -i PATH="$ROOT/.venv/bin:/usr/bin:/bin" JUPYTER_PATH="$ROOT/.venv/share/jupyter" HOME="$WORK" SPIN_TOKEN=bench-token SPIN_HOME="$WORK/home" SPIN_BIND=127.0.0.1 \
    SPIN_PORT="$PORT" SPIN_KERNEL_POOL=0 SPIN_LOG_LEVEL=info SSL_CERT_FILE="$WORK/cert.pem" SSL_KEY_FILE="$WORK/key.pem" \
    valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.out.%p" "$WORK/bin/spin-gateway" >"$WORK/gateway.log" 2>&1 &
trap 'pkill -TERM -f "valgrind.*$WORK/bin/spin-gateway" || true' EXIT
for _ in $(seq 120); do curl -sk "https://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.5; done
if [ "${2:-}" = ws ]; then
    KERNEL=$(curl -sk -X POST -H "Authorization: token bench-token" "https://127.0.0.1:$PORT/api/kernels" \
        -d '{"name":"python3"}' | "$ROOT/.venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["id"])')
    "$ROOT/.venv/bin/python" - "$PORT" "$KERNEL" "$N" <<'PY'
import asyncio, ssl, subprocess, sys
from websockets.asyncio.client import connect
port, kernel, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
context = ssl.create_default_context()
context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
async def main():
    async with connect(f"wss://127.0.0.1:{port}/api/kernels/{kernel}/channels", ssl=context,
                       additional_headers={"Authorization": "token bench-token"}, open_timeout=120) as ws:
        async def echo(times):
            for _ in range(times):
                await ws.send("not json")
                await ws.recv()
        await echo(200)
        subprocess.run(["callgrind_control", "-z"], capture_output=True)
        await echo(n)
        subprocess.run(["callgrind_control", "-d"], capture_output=True)
asyncio.run(main())
PY
    WHAT="WebSocket echo round trip"
else
    urls() { for _ in $(seq "$1"); do printf "https://127.0.0.1:%s/api/status " "$PORT"; done; }
    # shellcheck disable=SC2046
    curl -sk -H "Authorization: token bench-token" $(urls 200) >/dev/null
    callgrind_control -z >/dev/null
    # shellcheck disable=SC2046
    curl -sk -H "Authorization: token bench-token" $(urls "$N") >/dev/null
    callgrind_control -d >/dev/null
    WHAT="proxied request"
fi
sleep 1
OUT=$(ls "$WORK"/callgrind.out.*.1)
TOTAL=$(awk '/^totals:/ {print $2}' "$OUT")
echo "gateway instructions per $WHAT: $((TOTAL / N))  ($OUT)"
