#!/usr/bin/env bash
# Installs what building, running and testing SPIN Runtime need on a Debian
# machine: the C libraries' dev packages and tools from apt, and a project
# virtualenv (.venv) with ipykernel and the test clients from PyPI.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  pkg-config libzmq3-dev libssh2-1-dev libcurl4-openssl-dev
  curl openssl openssh-server postgresql
  docker.io docker-compose debootstrap shellcheck iptables
  chromium chromium-driver fonts-dejavu-core
)

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

if ! command -v swift >/dev/null; then
  echo "swift is not on PATH: install the Swift 6 toolchain first (https://www.swift.org/install/)." >&2
  exit 1
fi

stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ requirements-dev.txt -nt "$stamp" ]; then
  echo "preparing .venv (ipykernel and test clients)"
  python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
  touch "$stamp"
fi
