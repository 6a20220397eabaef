#!/usr/bin/python3
"""Import time and peak memory of `ironc import` against a peer, in one run.

For each model: the median wall time and peak RSS of N runs of
`ironc import --quiet MODEL` (read, check, convert, shape inference, MLIR
with weights as resource blobs, fold, verify) and of the peer, ONNX's own
Python loader doing `onnx.load` + `onnx.checker.check_model` in a fresh
interpreter (reading and checking only). Prints both, the ratio, and peak
RSS as a multiple of the model's file size: the importer is meant to hold
no more than about three copies of the weights at once.

    /usr/bin/python3 bench/import_bench.py [--runs 5] [--ironc build/bin/ironc]
        [MODEL.onnx ...]      (default: resnet50 from the build tree's zoo)
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

PEER = ("import onnx, sys; m = onnx.load(sys.argv[1]); "
        "onnx.checker.check_model(m)")


def measure(cmd):
    """Wall seconds and peak RSS (bytes) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"import_bench: {' '.join(cmd)} failed:\n{err}")
    return wall, usage.ru_maxrss * 1024


def baseline_rss(ironc):
    """Peak RSS of ironc doing nothing but start (shared libraries)."""
    _, rss = measure([ironc, "--version"])
    return rss


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--ironc", default=os.path.join(ROOT, "build", "bin", "ironc"))
    args = parser.parse_args()
    models = args.models or [os.path.join(ROOT, "build", "zoo", "resnet50.opset17.onnx")]
    for m in models:
        if not os.path.exists(m):
            sys.exit(f"import_bench: {m} not found (build the zoo: ctest -R zoo.export)")

    base = baseline_rss(args.ironc)
    print(f"ironc start-up RSS (libraries, no model): {base / 2**20:.0f} MiB")
    print(f"{'model':32} {'MB':>7} {'iron s':>8} {'peer s':>8} {'peer/iron':>9} "
          f"{'iron RSS MiB':>12} {'(-start)/size':>13} {'peer RSS MiB':>12}")
    for model in models:
        size = os.path.getsize(model)
        iron, peer = [], []
        for _ in range(args.runs):  # interleaved, so drift hits both alike
            iron.append(measure([args.ironc, "import", "--quiet", model]))
            peer.append(measure([sys.executable, "-c", PEER, model]))
        it = statistics.median(w for w, _ in iron)
        pt = statistics.median(w for w, _ in peer)
        irss = max(r for _, r in iron)
        prss = max(r for _, r in peer)
        print(f"{os.path.basename(model):32} {size / 1e6:7.1f} {it:8.3f} {pt:8.3f} "
              f"{pt / it:9.2f} {irss / 2**20:12.0f} {(irss - base) / size:13.2f} "
              f"{prss / 2**20:12.0f}")


if __name__ == "__main__":
    main()
