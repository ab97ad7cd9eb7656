# syntax=docker/dockerfile:1
# SPIN Runtime image.
#
#   docker build -t spin-runtime .                       # release build inside swift:6.3-bookworm
#   docker build --target runtime-ci -t spin-runtime:ci CONTEXT   # host-built binaries in CONTEXT/ci-binaries/ (CI)
#
# Stage order matters: the legacy builder (no BuildKit) builds every stage before
# the requested --target, so the stages that need no Swift image come first.

ARG DEBIAN_IMAGE=debian:bookworm-slim
ARG SWIFT_IMAGE=swift:6.3-bookworm

# ---------------------------------------------------------------------------
# ci-binaries: binaries built on the host, taken from the build context:
#   ci-binaries/bin/spin-gateway, ci-binaries/bin/spin-executor
#   ci-binaries/lib/*.so   (the Swift runtime libraries of a non-static build; may be empty)
# tests/deploy/deploy_support.py (build_ci_image) prepares such a context. The legacy builder runs this
# stage for every target, so it must not fail where there is no ci-binaries/ folder
# (a release build from the repository root): the glob matches nothing there, and
# Package.swift, present in both contexts, keeps the COPY from being empty.
FROM ${DEBIAN_IMAGE} AS ci-binaries
COPY Package.swift ci-binarie[s] /opt/spin/ci/
RUN mkdir -p /opt/spin/ci/bin /opt/spin/ci/lib

# ---------------------------------------------------------------------------
# build-ca: optional extra CA certificates trusted ONLY while building, for networks
# whose TLS-intercepting proxy pip must trust: put *.crt files in build-ca/ of the
# build context. Not installed into the image's trust store.
FROM ${DEBIAN_IMAGE} AS build-ca
COPY Package.swift build-c[a] /ca/
RUN rm -f /ca/Package.swift

# ---------------------------------------------------------------------------
# base: everything the runtime needs except the two binaries.
FROM ${DEBIAN_IMAGE} AS base
ENV DEBIAN_FRONTEND=noninteractive \
    LANG=C.UTF-8
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        ca-certificates curl tini \
        libzmq5 libssh2-1 libcurl4 \
        python3 python3-venv \
        openssh-client bash \
 && rm -rf /var/lib/apt/lists/*

# Python for the kernels: a venv with ipykernel, pandas and requests (PyPI wheels).
# The kernelspec lands in /opt/spin/venv/share/jupyter/kernels/python3.
COPY --from=build-ca /ca/ /tmp/build-ca/
RUN set -e; \
    if ls /tmp/build-ca/*.crt >/dev/null 2>&1; then \
        cat /etc/ssl/certs/ca-certificates.crt /tmp/build-ca/*.crt > /tmp/pip-ca.pem; \
        export PIP_CERT=/tmp/pip-ca.pem; \
    fi; \
    python3 -m venv /opt/spin/venv; \
    /opt/spin/venv/bin/pip install --no-cache-dir --disable-pip-version-check \
        ipykernel pandas requests; \
    rm -rf /tmp/build-ca /tmp/pip-ca.pem; \
    find /opt/spin/venv -name '__pycache__' -prune -exec rm -rf {} +; \
    /opt/spin/venv/bin/python -c "import ipykernel, pandas, requests"

# Non-root user; it owns the state volume and the socket folder.
RUN groupadd --system --gid 10001 spin \
 && useradd --system --uid 10001 --gid spin --home-dir /opt/spin/home --create-home --shell /bin/bash spin \
 && mkdir -p /opt/spin/bin /opt/spin/lib /opt/spin/var /opt/spin/run \
 && chown spin:spin /opt/spin/var /opt/spin/run \
 && chmod 0700 /opt/spin/run \
 && echo /opt/spin/lib > /etc/ld.so.conf.d/spin.conf

# The container starts as root only so the gateway can open a TLS key that only root
# (or the host's user) may read, as `openssl` and certbot write them; it then becomes
# spin (SPIN_RUN_AS) before it listens or starts the executor, and the executor and
# kernels never run as root. `--user 10001` (or Kubernetes' runAsUser) skips all that.
ENV SPIN_HOME=/opt/spin \
    SPIN_RUN_AS=10001:10001 \
    HOME=/opt/spin/home \
    PATH=/opt/spin/bin:/opt/spin/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    JUPYTER_PATH=/opt/spin/venv/share/jupyter \
    SPIN_BIND=0.0.0.0 \
    SPIN_PORT=8888 \
    PYTHONUNBUFFERED=1

# Named volumes copy the image's content on first use: an empty /opt/spin/var owned
# by spin means a fresh `-v spin-runtime-data:/opt/spin/var` is writable by spin.
VOLUME ["/opt/spin/var"]
EXPOSE 8888
WORKDIR /opt/spin/home

# /healthz is open without a token; honours SPIN_PORT and HTTPS (self-signed or
# private CA certificates are fine here: it only checks that the gateway answers).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["/bin/sh", "-c", "if [ -n \"$SSL_KEY_FILE\" ]; then s=https; else s=http; fi; curl -fsS -k -o /dev/null --max-time 4 \"$s://127.0.0.1:${SPIN_PORT:-8888}/healthz\""]

# tini is PID 1: forwards SIGTERM to the gateway and reaps orphans (kernels' children,
# shell cells). The gateway spawns /opt/spin/bin/spin-executor beside itself.
ENTRYPOINT ["/usr/bin/tini", "--", "/opt/spin/bin/spin-gateway"]
STOPSIGNAL SIGTERM

# ---------------------------------------------------------------------------
# runtime-ci: the image built from host binaries (tests, CI).
# The legacy builder also runs this stage on the way to `runtime`, where the context
# has no ci-binaries/: then it only says so instead of failing.
FROM base AS runtime-ci
COPY --from=ci-binaries /opt/spin/ci/bin/ /opt/spin/bin/
COPY --from=ci-binaries /opt/spin/ci/lib/ /opt/spin/lib/
RUN if [ -e /opt/spin/bin/spin-gateway ]; then \
        test -x /opt/spin/bin/spin-gateway && test -x /opt/spin/bin/spin-executor \
        && ldconfig \
        && ! ldd /opt/spin/bin/spin-gateway /opt/spin/bin/spin-executor | grep 'not found' \
        && ldconfig -p | grep -q 'libcurl.so.4 ' && ldconfig -p | grep -q 'libssh2.so.1 '; \
    else \
        echo "runtime-ci: no ci-binaries/bin in the build context (fine unless this is --target runtime-ci)"; \
    fi

# ---------------------------------------------------------------------------
# build: release build with the official Swift image, with the flags `make release`
# uses (scripts/link/release-flags: Swift stdlib linked statically, run-time exclusivity
# checks off, code laid out by lld in scripts/link/order.txt's order).
FROM ${SWIFT_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        libzmq3-dev libssh2-1-dev libcurl4-openssl-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift Package.resolved ./
COPY Sources ./Sources
COPY Tests ./Tests
COPY scripts/link ./scripts/link
RUN swift package resolve
RUN swift build $(scripts/link/release-flags) --product spin-gateway \
 && swift build $(scripts/link/release-flags) --product spin-executor \
 && mkdir -p /opt/spin/bin /opt/spin/lib \
 && cp "$(swift build -c release --show-bin-path)/spin-gateway" \
       "$(swift build -c release --show-bin-path)/spin-executor" /opt/spin/bin/ \
 && strip /opt/spin/bin/spin-gateway /opt/spin/bin/spin-executor

# ---------------------------------------------------------------------------
# runtime: the published image (default target, last stage).
FROM base AS runtime
COPY --from=build /opt/spin/bin/ /opt/spin/bin/
# libcurl and libssh2 are opened by the first HTTP and SSH cell (not linked, so ldd
# does not list them): check they are there.
RUN ldconfig \
 && ! ldd /opt/spin/bin/spin-gateway /opt/spin/bin/spin-executor | grep 'not found' \
 && ldconfig -p | grep -q 'libcurl.so.4 ' && ldconfig -p | grep -q 'libssh2.so.1 '
