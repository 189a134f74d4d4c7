#!/usr/bin/env bash
# Installs and starts the machine-level parts the end-to-end tests use: Docker Engine (the
# agents' runtime), busybox (test images are built from its static binary, since no registry is
# reachable), iproute2/iptables (multi-node tests use network namespaces), openssl (the local
# control plane's serving certificate) and Chromium (the dashboard test). Idempotent; needs root.
set -euo pipefail
command -v kubectl >/dev/null || { echo "kubectl is required (v1.32)" >&2; exit 1; }

need=()
command -v dockerd >/dev/null || need+=(docker.io)
[ -x /bin/busybox ] || need+=(busybox-static)
command -v ip >/dev/null || need+=(iproute2)
command -v iptables >/dev/null || need+=(iptables)
command -v openssl >/dev/null || need+=(openssl)
command -v chromium >/dev/null || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The host's Docker engine, in the background, unless one answers already.
if ! docker info >/dev/null 2>&1; then
  nohup dockerd >/tmp/skiff-ci-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "dockerd did not start:" >&2; tail -20 /tmp/skiff-ci-dockerd.log >&2; exit 1; }
fi
