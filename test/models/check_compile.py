#!/usr/bin/python3
"""Compiles one zoo model and checks the artifact.

- `ironc compile` succeeds and its arena is within 5% of the lower bound it
  reports (the largest sum of simultaneously live tensors);
- `iron-run` executes the artifact on seeded random inputs and every output
  is finite.

    check_compile.py MODEL.onnx --ironc PATH --iron-run PATH [--workdir DIR]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

import numpy as np


def main():
    p = argparse.ArgumentParser()
    p.add_argument("model")
    p.add_argument("--ironc", required=True)
    p.add_argument("--iron-run", required=True)
    p.add_argument("--max-overhead", type=float, default=5.0, help="percent")
    args = p.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        artifact = os.path.join(tmp, "model.iron")
        out = subprocess.run([args.ironc, "compile", args.model, "-o", artifact],
                             capture_output=True, text=True)
        if out.returncode:
            sys.exit(f"ironc compile failed ({out.returncode}):\n{out.stderr}")
        print(out.stdout, end="")
        m = re.search(r"arena: (\d+) bytes \(lower bound (\d+) bytes", out.stdout)
        if not m:
            sys.exit("no arena line in ironc's output")
        arena, bound = int(m.group(1)), int(m.group(2))
        overhead = 100.0 * (arena / bound - 1) if bound else 0.0
        print(f"arena overhead over the lower bound: {overhead:.2f}%")
        if overhead > args.max_overhead:
            sys.exit(f"arena {arena} exceeds the lower bound {bound} by more than "
                     f"{args.max_overhead}%")

        outdir = os.path.join(tmp, "out")
        os.mkdir(outdir)
        run = subprocess.run([args.iron_run, artifact, "--seed", "1", "--output-dir", outdir],
                             capture_output=True, text=True)
        if run.returncode:
            sys.exit(f"iron-run failed ({run.returncode}):\n{run.stderr}")
        files = sorted(os.listdir(outdir))
        if not files:
            sys.exit("iron-run wrote no outputs")
        for f in files:
            y = np.load(os.path.join(outdir, f))
            if y.dtype.kind == "f" and not np.isfinite(y).all():
                sys.exit(f"output {f} has non-finite values")
            print(f"output {f}: {y.dtype} {y.shape}")


if __name__ == "__main__":
    main()
