#!/usr/bin/python3
"""Checks that fusion does not change what a model computes.

Compiles MODEL twice, fused (the default) and with `--no-fuse`, runs both
artifacts with `iron-run` on the same seeded random inputs and compares
every output: relative L2 error <= --tolerance (default 1e-5). Prints the
kernel count and arena of both compilations.

    check_fusion.py MODEL.onnx --ironc PATH --iron-run PATH
                    [--target NAME] [--tolerance 1e-5] [--keep DIR]

`--target` is passed to both compilations (fusion then keeps only what
pays off there). Exit status: 0 when every output matches, 1 otherwise.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

import numpy as np


def compile_model(ironc, model, artifact, extra):
    cmd = [ironc, "compile", model, "-o", artifact] + extra
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stderr}")
    stats = {}
    m = re.search(r"kernels: (\d+)", out.stdout)
    if m:
        stats["kernels"] = int(m.group(1))
    m = re.search(r"arena: (\d+) bytes", out.stdout)
    if m:
        stats["arena"] = int(m.group(1))
    return stats


def run_model(iron_run, artifact, outdir):
    os.makedirs(outdir, exist_ok=True)
    cmd = [iron_run, artifact, "--seed", "1", "--output-dir", outdir]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stderr}")
    return {f: np.load(os.path.join(outdir, f)) for f in sorted(os.listdir(outdir))}


def relative_l2(a, b):
    a = a.astype(np.float64).ravel()
    b = b.astype(np.float64).ravel()
    norm = np.linalg.norm(b)
    diff = np.linalg.norm(a - b)
    return diff / norm if norm > 0 else diff


def main():
    p = argparse.ArgumentParser()
    p.add_argument("model")
    p.add_argument("--ironc", required=True)
    p.add_argument("--iron-run", required=True)
    p.add_argument("--target", default="")
    p.add_argument("--tolerance", type=float, default=1e-5)
    p.add_argument("--keep", help="write the artifacts and outputs here")
    args = p.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or tmp
        os.makedirs(work, exist_ok=True)
        extra = ["--target", args.target] if args.target else []
        results = {}
        for label, flags in (("fused", []), ("unfused", ["--no-fuse"])):
            artifact = os.path.join(work, f"{label}.iron")
            stats = compile_model(args.ironc, args.model, artifact, flags + extra)
            outputs = run_model(args.iron_run, artifact, os.path.join(work, label))
            results[label] = (stats, outputs)
            print(f"{label:8s} kernels: {stats.get('kernels', '?'):>5}  "
                  f"arena: {stats.get('arena', '?')} bytes")

        fused, unfused = results["fused"][1], results["unfused"][1]
        if sorted(fused) != sorted(unfused):
            sys.exit(f"outputs differ: {sorted(fused)} vs {sorted(unfused)}")
        failed = False
        for name in sorted(fused):
            a, b = fused[name], unfused[name]
            if a.shape != b.shape or a.dtype != b.dtype:
                print(f"{name}: {a.dtype}{a.shape} vs {b.dtype}{b.shape}  FAIL")
                failed = True
                continue
            if a.dtype.kind == "f":
                err = relative_l2(a, b)
                ok = bool(np.isfinite(a).all()) and err <= args.tolerance
            else:
                err = float(np.count_nonzero(a != b))
                ok = err == 0
            print(f"{name}: relative L2 error {err:.3g}  {'ok' if ok else 'FAIL'}")
            failed |= not ok
        sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
