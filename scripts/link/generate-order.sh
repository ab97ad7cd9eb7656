#!/usr/bin/env bash
# Regenerates scripts/link/order.txt, the order in which the release link places functions
# (lld --symbol-ordering-file; see release-flags next to it). It lists every function
# the gateway and the executor run from start-up through 15 idle seconds and a little
# traffic (status requests, a kernel started, three cells run over its WebSocket),
# hottest first, as counted by callgrind: first what runs after start-up, then what only
# start-up ran (whose pages each process hands back when start-up ends). They are ~2 MB
# of code; unordered, they are spread over ~17 MB of the 64 KiB windows the kernel maps at each page fault, which was
# most of the idle resident memory (bench/findings.md, scenario 6).
#
#   make release && scripts/link/generate-order.sh   # then make release again to relink
#
# Functions added since the file was made are simply placed after the listed ones, and
# names that no longer exist are ignored, so a stale file costs memory, never correctness.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=${BIN:-$ROOT/.build/release}
WORK=$(mktemp -d /tmp/spin-link-order.XXXXXX)
PORT=${PORT:-18996}
command -v valgrind >/dev/null || { apt-get install -y valgrind >/dev/null; }
mkdir -p "$WORK/bin" "$WORK/home"
# the copies valgrind can run (profile-copy.py says why)
"$ROOT/.venv/bin/python" "$HERE/profile-copy.py" "$BIN/spin-gateway" "$WORK/bin/spin-gateway"
"$ROOT/.venv/bin/python" "$HERE/profile-copy.py" "$BIN/spin-executor" "$WORK/bin/spin-executor.real"
cat >"$WORK/bin/spin-executor" <<WRAP
#!/bin/sh
exec valgrind --tool=callgrind --demangle=no --callgrind-out-file=$WORK/callgrind.executor.%p $WORK/bin/spin-executor.real "\$@"
WRAP
chmod +x "$WORK/bin/spin-executor"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/key.pem" \
    -out "$WORK/cert.pem" -days 1 -subj /CN=localhost 2>/dev/null
TOKEN=$(openssl rand -hex 24)   # a throwaway token: the profiled gateway listens on loopback
env -i PATH="$ROOT/.venv/bin:/usr/bin:/bin" HOME="$WORK" SPIN_TOKEN="$TOKEN" SPIN_HOME="$WORK/home" \
    SPIN_BIND=127.0.0.1 SPIN_PORT="$PORT" SPIN_KERNEL_POOL=1 SSL_CERT_FILE="$WORK/cert.pem" \
    SSL_KEY_FILE="$WORK/key.pem" SPIN_EXECUTOR_BIN="$WORK/bin/spin-executor" \
    valgrind --tool=callgrind --demangle=no --callgrind-out-file="$WORK/callgrind.gateway.%p" \
    "$WORK/bin/spin-gateway" >"$WORK/gateway.log" 2>&1 &
GATEWAY=$!
trap 'kill -TERM $GATEWAY 2>/dev/null || true' EXIT
# -f: until /readyz says ready (its answers before that take other paths)
for _ in $(seq 240); do curl -skf "https://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 1; done
# Start-up ends where each process releases its start-up pages (the executor's once its
# pooled kernel is ready): the profiles so far are start-up's (callgrind.*.1).
released=0
for _ in $(seq 240); do
    released=$(grep -c 'start-up pages released' "$WORK/gateway.log" || true)
    [ "$released" -ge 2 ] && break; sleep 1
done
[ "$released" -ge 2 ] || { echo "no start-up end logged by both processes in 240 s (see $WORK/gateway.log)" >&2; exit 1; }
callgrind_control --dump >/dev/null
sleep 15   # idle: the pool's kernel, timers, metrics
SPIN_TOKEN="$TOKEN" "$ROOT/.venv/bin/python" "$HERE/traffic.py" "$PORT"
sleep 5
kill -TERM $GATEWAY 2>/dev/null || true; wait $GATEWAY 2>/dev/null || true; sleep 3
trap - EXIT
"$ROOT/.venv/bin/python" "$HERE/rank.py" $(ls "$WORK"/callgrind.* | grep -v '\.1$') \
    --start-up "$WORK"/callgrind.*.1 >"$WORK/order.txt"
mv "$WORK/order.txt" "$HERE/order.txt"   # only a finished ranking replaces the order
echo "scripts/link/order.txt: $(wc -l <"$HERE/order.txt") functions (profiles in $WORK)"
