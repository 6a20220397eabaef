#!/usr/bin/env bash
# Sets up a Debian 12 machine for Iron, builds it, and runs one job:
#
#   scripts/bootstrap.sh example   install, build, compile and analyze the bundled example
#   scripts/bootstrap.sh test      install, build, run the whole test suite
#
# Idempotent and non-interactive; run as root (or with sudo available).
# BUILD_DIR (default: build) and JOBS (default: all cores) can be set.
set -euo pipefail

mode=${1:-}
case "$mode" in
  example|test) ;;
  *) echo "usage: $0 example|test" >&2; exit 1 ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
jobs=${JOBS:-$(nproc)}

# Everything comes from Debian's own archive.
build_packages=(
  build-essential cmake ninja-build ccache git python3
  llvm-19-dev libmlir-19-dev mlir-19-tools llvm-19-tools
  libonnx-dev libprotobuf-dev protobuf-compiler
  libflatbuffers-dev flatbuffers-compiler libgtest-dev
)
# The test suite also needs ONNX's backend test data and PyTorch (with
# Debian's ONNX Python package) to export the model zoo.
test_packages=(
  libonnx-testdata python3-onnx python3-numpy python3-torch python3-torchvision
)

packages=("${build_packages[@]}")
[ "$mode" = test ] && packages+=("${test_packages[@]}")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  echo "==> installing ${#missing[@]} Debian package(s): ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The zoo's onnxruntime comparison (zoo.ort.*) needs onnxruntime-node, which
# ships its CPU binaries in the npm tarball (no install scripts needed).
if [ "$mode" = test ]; then
  if ! command -v node >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    echo "==> installing Debian's nodejs and npm"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends nodejs npm
  fi
  if command -v npm >/dev/null 2>&1; then
    echo "==> npm install in test/ort (onnxruntime-node)"
    (cd "$root/test/ort" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null) ||
      echo "==> warning: npm install failed; the zoo.ort.* tests will be skipped" >&2
  else
    echo "==> warning: node has no npm; the zoo.ort.* tests will be skipped" >&2
  fi
fi

echo "==> configuring and building in $build"
start=$(date +%s)
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$build" -j "$jobs"
echo "==> built in $(( $(date +%s) - start )) s"

if [ "$mode" = example ]; then
  echo "==> ironc compile examples/dscnn_kws.onnx --target st-stm32f746"
  "$build/bin/ironc" compile "$root/examples/dscnn_kws.onnx" \
    --target st-stm32f746 -o "$build/dscnn_kws.iron"
  echo "==> ironc analyze examples/dscnn_kws.onnx on two microcontrollers"
  # Exit 8 would mean the model does not fit: it does on both.
  "$build/bin/ironc" analyze "$root/examples/dscnn_kws.onnx" \
    --target st-stm32f746 --target nordic-nrf52840 --assume-precision int8 \
    --report "$build/dscnn_kws.report.json" --html "$build/dscnn_kws.report.html"
  echo "==> reports: $build/dscnn_kws.report.json, $build/dscnn_kws.report.html"
else
  echo "==> running the test suite"
  cd "$build"
  ctest --output-on-failure -j "$jobs"
fi
