#!/usr/bin/env bash
# Idle memory of the gateway and its executor (scenario 6's processes), measured the
# way bench/findings.md's step tables are: a release build with one pooled kernel,
# /proc/PID/smaps_rollup 8 s after /readyz first answers 200. With --poll, /readyz is
# asked every 2 s meanwhile, as a Kubernetes probe would. The kernel is not counted.
#
#   bench/idle_memory.sh [--poll] [BIN_DIR]      # BIN_DIR defaults to .build/release
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
POLL=
[ "${1:-}" = --poll ] && { POLL=1; shift; }
BIN=${1:-$ROOT/.build/release}
unset SSL_CERT_FILE SSL_KEY_FILE REQUESTS_CA_BUNDLE CURL_CA_BUNDLE SSL_CERT_DIR
HOME_DIR=$(mktemp -d /tmp/spin-idle.XXXXXX)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
TOKEN=$(openssl rand -hex 24)
PATH="$ROOT/.venv/bin:$PATH" SPIN_HOME="$HOME_DIR" SPIN_BIND=127.0.0.1 SPIN_PORT="$PORT" \
    SPIN_TOKEN="$TOKEN" SPIN_KERNEL_POOL=1 "$BIN/spin-gateway" >"$HOME_DIR/log" 2>&1 &
GATEWAY=$!
trap 'kill -TERM $GATEWAY 2>/dev/null; wait $GATEWAY 2>/dev/null; rm -rf "$HOME_DIR"' EXIT
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
for _ in 1 2 3 4; do
    sleep 2
    [ -n "$POLL" ] && curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null
done
EXECUTOR=$(pgrep -P "$GATEWAY" -f spin-executor)
total=0
for pair in "gateway $GATEWAY" "executor $EXECUTOR"; do
    set -- $pair
    rss=$(awk '/^Rss:/ {print $2}' "/proc/$2/smaps_rollup")
    pss=$(awk '/^Pss:/ {print $2}' "/proc/$2/smaps_rollup")
    code=$(awk -v exe="$(readlink "/proc/$2/exe")" \
        '/^[0-9a-f]+-[0-9a-f]+ / {on = ($2 == "r-xp" && $6 == exe)} on && /^Rss:/ {sum += $2} END {print sum}' "/proc/$2/smaps")
    awk -v name="$1" -v rss="$rss" -v pss="$pss" -v code="$code" 'BEGIN {
        printf "%-9s VmRSS %5.1f MB  PSS %5.1f MB  own code resident %4.1f MB\n", name, rss / 1024, pss / 1024, code / 1024 }'
    total=$((total + rss))
done
awk -v total="$total" -v poll="${POLL:+ (/readyz every 2 s)}" 'BEGIN { printf "pair      VmRSS %5.1f MB%s\n", total / 1024, poll }'
