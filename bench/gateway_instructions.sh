#!/usr/bin/env bash
# Instructions the gateway spends per proxied request (callgrind), a figure the shared
# machine's noise does not move: N authenticated `GET /api/status` requests over TLS on
# one keep-alive connection (curl), counted from after a 200-request warm-up.
#
#   bench/gateway_instructions.sh [N]      # default 1000; needs make release first
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
env -i PATH=/usr/bin:/bin HOME="$WORK" SPIN_TOKEN=bench-token SPIN_HOME="$WORK/home" SPIN_BIND=127.0.0.1 \
    SPIN_PORT="$PORT" SPIN_KERNEL_POOL=0 SPIN_LOG_LEVEL=info SSL_CERT_FILE="$WORK/cert.pem" SSL_KEY_FILE="$WORK/key.pem" \
    valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.out.%p" "$WORK/bin/spin-gateway" >"$WORK/gateway.log" 2>&1 &
trap 'pkill -TERM -f "valgrind.*$WORK/bin/spin-gateway" || true' EXIT
for _ in $(seq 120); do curl -sk "https://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.5; done
urls() { for _ in $(seq "$1"); do printf "https://127.0.0.1:%s/api/status " "$PORT"; done; }
# shellcheck disable=SC2046
curl -sk -H "Authorization: token bench-token" $(urls 200) >/dev/null
callgrind_control -z >/dev/null
# shellcheck disable=SC2046
curl -sk -H "Authorization: token bench-token" $(urls "$N") >/dev/null
callgrind_control -d >/dev/null
sleep 1
OUT=$(ls "$WORK"/callgrind.out.*.1)
TOTAL=$(awk '/^totals:/ {print $2}' "$OUT")
echo "gateway instructions per proxied request: $((TOTAL / N))  ($OUT)"
