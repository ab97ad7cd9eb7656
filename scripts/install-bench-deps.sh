#!/usr/bin/env bash
# Installs what `make bench` needs besides the build: nginx and wrk from apt,
# and the Jupyter peers (Jupyter Server, Kernel Gateway, jupyter_client,
# websockets) into the project's .venv from requirements-bench.txt.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(nginx wrk openssl)

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "installing apt packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The Debian package starts a system nginx where a service manager runs; the
# benchmark starts its own on a free loopback port and never uses that one.

stamp=.venv/.bench-installed
if [ ! -f "$stamp" ] || [ requirements-bench.txt -nt "$stamp" ]; then
  echo "preparing .venv (Jupyter peers for the benchmark)"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check -r requirements-bench.txt
  touch "$stamp"
fi
