#!/usr/bin/env bash
# Installs oneDNN's headers and library (Debian: libdnnl-dev), which `npm run build:native`
# needs to build ConvLens' native kernels. Needs root (or sudo) and Debian's package mirror.
set -euo pipefail
if [ -f /usr/include/oneapi/dnnl/dnnl.hpp ]; then
  echo "setup: oneDNN headers already installed"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
echo "setup: apt-get install libdnnl-dev"
$SUDO apt-get install -y -qq libdnnl-dev >/dev/null 2>&1 || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq libdnnl-dev >/dev/null; }
