#!/usr/bin/env bash
# Starts the runtime on this machine with the embedded defaults: state in
# ./.spin, the local ipykernel from .venv, a token from SPIN_TOKEN or a new one.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(swift build --show-bin-path)"

export SPIN_HOME="${SPIN_HOME:-$PWD/.spin}"
export JUPYTER_PATH="$PWD/.venv/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
export PATH="$PWD/.venv/bin:$PATH"
if [ -z "${SPIN_TOKEN:-}" ]; then
  SPIN_TOKEN="$(openssl rand -hex 24)"
  export SPIN_TOKEN
  token_note="generated for this run"
else
  token_note="from SPIN_TOKEN"
fi
# This machine may set these globally for OpenSSL clients; for the runtime
# they mean "serve HTTPS with this certificate", so only keep them when both
# are meant for us (SPIN_SSL=1).
if [ "${SPIN_SSL:-0}" != "1" ]; then unset SSL_CERT_FILE SSL_KEY_FILE; fi
mkdir -p "$SPIN_HOME"

if [ -x "$bin/spin-gateway" ] && [ ! -f Sources/Gateway/Placeholder.swift ]; then
  export SPIN_BIND="${SPIN_BIND:-127.0.0.1}" SPIN_PORT="${SPIN_PORT:-8888}"
  scheme=http; [ -n "${SSL_KEY_FILE:-}" ] && scheme=https
  echo "SPIN Runtime on ${scheme}://${SPIN_BIND}:${SPIN_PORT}/  (token ${token_note})"
  # A token the user chose is never echoed; a generated one must be shown once
  # so that it can be used.
  if [ "$token_note" != "from SPIN_TOKEN" ]; then echo "  token: ${SPIN_TOKEN}"; fi
  echo "  try:   curl -H \"Authorization: Bearer <token>\" ${scheme}://${SPIN_BIND}:${SPIN_PORT}/api/kernelspecs"
  exec "$bin/spin-gateway"
fi

export SPIN_EXECUTOR_SOCKET="${SPIN_EXECUTOR_SOCKET:-$SPIN_HOME/run/executor.sock}"
echo "SPIN executor on the Unix socket $SPIN_EXECUTOR_SOCKET"
echo "  try:   curl --unix-socket $SPIN_EXECUTOR_SOCKET http://localhost/api/kernelspecs"
exec "$bin/spin-executor"
