#!/usr/bin/env bash
# Installs the machine-level parts the end-to-end tests use (idempotent; needs root).
set -euo pipefail
command -v kubectl >/dev/null || { echo "kubectl is required (v1.32)" >&2; exit 1; }
