#!/usr/bin/python3
"""Compare Iron's outputs for one ONNX model against onnxruntime's.

    /usr/bin/python3 test/models/compare_ort.py MODEL.onnx [--tol 1e-4]
        [--seed 0] [--work-dir DIR] [--ironc build/bin/ironc]
        [--iron-run build/bin/iron-run] [--node node]

Generates seeded random inputs from the model's graph inputs (floats:
standard normal; integer and bool inputs whose name contains "mask": ones;
other integer inputs: uniform in [0, 1000), uint8/int8 in their range; other
bools: 0/1), writes them as .npy, then

  * compiles with `ironc compile MODEL -o WORK/model.iron` and runs
    `iron-run WORK/model.iron --input NAME=FILE ... --output-dir WORK/iron`;
  * runs test/ort/run_ort.js (onnxruntime-node, CPU, one thread, all graph
    optimisations) on the same files, writing WORK/ort;

and compares every graph output: the relative L2 error ||iron - ort|| /
||ort|| (in float64) must be <= --tol (for integer/bool outputs: exact
equality). Prints one line per output and exits 0 if all pass, 1 if not.

If onnxruntime-node is not installed (no test/ort/node_modules/
onnxruntime-node), or node is missing, it prints a SKIPPED line and exits 77
(ctest's SKIP_RETURN_CODE). Work files go to a temporary directory that is
removed afterwards unless --work-dir is given.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ORT_DIR = os.path.join(ROOT, "test", "ort")
RUN_ORT = os.path.join(ORT_DIR, "run_ort.js")
SKIP = 77

NP_TYPES = {
    onnx.TensorProto.FLOAT: np.float32,
    onnx.TensorProto.DOUBLE: np.float64,
    onnx.TensorProto.INT64: np.int64,
    onnx.TensorProto.INT32: np.int32,
    onnx.TensorProto.INT16: np.int16,
    onnx.TensorProto.INT8: np.int8,
    onnx.TensorProto.UINT8: np.uint8,
    onnx.TensorProto.BOOL: np.bool_,
}


def safe_file_name(name):
    """Output file stem, as iron-run and run_ort.js write it."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name) or "output"


def graph_inputs(model):
    """[(name, numpy dtype, shape, pinned)] for the non-initializer inputs.

    Symbolic or unknown dimensions become 1; `pinned` says whether any did
    (those shapes are passed to ironc with --input-shape)."""
    inits = {t.name for t in model.graph.initializer}
    out = []
    for vi in model.graph.input:
        if vi.name in inits:
            continue
        tt = vi.type.tensor_type
        if tt.elem_type not in NP_TYPES:
            raise SystemExit(f"compare_ort: input '{vi.name}': element type "
                             f"{onnx.TensorProto.DataType.Name(tt.elem_type)} is not supported")
        shape, pinned = [], False
        for d in tt.shape.dim:
            if d.HasField("dim_value") and d.dim_value > 0:
                shape.append(d.dim_value)
            else:
                shape.append(1)
                pinned = True
        out.append((vi.name, NP_TYPES[tt.elem_type], tuple(shape), pinned))
    return out


def make_input(name, dtype, shape, rng):
    """Seeded random data for one input, chosen by type and name."""
    dtype = np.dtype(dtype)
    mask = "mask" in name.lower()
    if dtype.kind == "f":
        return rng.standard_normal(shape).astype(dtype)
    if dtype.kind == "b":
        return np.ones(shape, dtype) if mask else rng.integers(0, 2, shape).astype(dtype)
    if mask:
        return np.ones(shape, dtype)
    info = np.iinfo(dtype)
    lo, hi = max(0, int(info.min)), min(1000, int(info.max) + 1)
    return rng.integers(lo, hi, shape).astype(dtype)


def run(cmd, what):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if proc.returncode != 0:
        print(f"FAIL: {what} exited with {proc.returncode}: {' '.join(cmd)}")
        print(proc.stdout.decode(errors="replace").rstrip())
        sys.exit(1)
    return proc.stdout.decode(errors="replace")


def compare(iron, ref):
    """(relative L2 error, max abs error, ok-or-None) of iron against ref."""
    if iron.shape != ref.shape:
        return None, None, f"shape {iron.shape} != onnxruntime's {ref.shape}"
    if iron.dtype != ref.dtype:
        return None, None, f"dtype {iron.dtype} != onnxruntime's {ref.dtype}"
    a = iron.astype(np.float64)
    b = ref.astype(np.float64)
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        if np.array_equal(a, b, equal_nan=True):
            return 0.0, 0.0, None
        return float("inf"), float("inf"), "non-finite values differ"
    diff = np.linalg.norm(a - b)
    norm = np.linalg.norm(b)
    rel = diff / norm if norm > 0 else diff
    maxabs = float(np.max(np.abs(a - b))) if a.size else 0.0
    return float(rel), maxabs, None


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model")
    p.add_argument("--tol", type=float, default=1e-4,
                   help="bound on the relative L2 error (default 1e-4)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--work-dir", help="keep inputs, artifact and outputs here")
    p.add_argument("--ironc", default=os.path.join(ROOT, "build", "bin", "ironc"))
    p.add_argument("--iron-run", default=os.path.join(ROOT, "build", "bin", "iron-run"))
    p.add_argument("--node", default=shutil.which("node") or "node")
    args = p.parse_args()

    if not os.path.isdir(os.path.join(ORT_DIR, "node_modules", "onnxruntime-node")):
        print("SKIPPED: onnxruntime-node is not installed (scripts/bootstrap.sh test installs it)")
        return SKIP
    if shutil.which(args.node) is None and not os.access(args.node, os.X_OK):
        print("SKIPPED: node is not installed (scripts/bootstrap.sh test installs it)")
        return SKIP
    for tool in (args.ironc, args.iron_run):
        if not os.access(tool, os.X_OK):
            print(f"FAIL: {tool} not found (build it: ninja -C build ironc iron-run)")
            return 1

    model = onnx.load(args.model, load_external_data=False)
    inputs = graph_inputs(model)
    outputs = [o.name for o in model.graph.output]

    work = args.work_dir or tempfile.mkdtemp(prefix="iron-ort-")
    try:
        os.makedirs(work, exist_ok=True)
        in_dir = os.path.join(work, "inputs")
        iron_dir = os.path.join(work, "iron")
        ort_dir = os.path.join(work, "ort")
        for d in (in_dir, iron_dir, ort_dir):
            os.makedirs(d, exist_ok=True)

        rng = np.random.default_rng(args.seed)
        feeds, shapes = [], []
        for i, (name, dtype, shape, pinned) in enumerate(inputs):
            data = make_input(name, dtype, shape, rng)
            path = os.path.join(in_dir, f"{i}_{safe_file_name(name)}.npy")
            np.save(path, data)
            feeds += ["--input", f"{name}={path}"]
            if pinned:
                shapes.append(f"--input-shape={name}={'x'.join(map(str, shape))}")
            print(f"input {name}: {data.dtype} {'x'.join(map(str, shape)) or 'scalar'}")

        artifact = os.path.join(work, "model.iron")
        run([args.ironc, "compile", args.model, "-o", artifact] + shapes, "ironc compile")
        run([args.iron_run, artifact] + feeds + ["--output-dir", iron_dir], "iron-run")
        run([args.node, RUN_ORT, args.model] + feeds + ["--output-dir", ort_dir],
            "run_ort.js")

        failed = 0
        worst = 0.0
        for name in outputs:
            stem = safe_file_name(name)
            ref_path = os.path.join(ort_dir, stem + ".npy")
            iron_path = os.path.join(iron_dir, stem + ".npy")
            if not os.path.exists(iron_path):  # stricter naming: only [A-Za-z0-9]
                alt = os.path.join(iron_dir, re.sub(r"[^A-Za-z0-9]", "_", name) + ".npy")
                iron_path = alt if os.path.exists(alt) else iron_path
            if not os.path.exists(iron_path) or not os.path.exists(ref_path):
                print(f"output {name}: missing ({iron_path} or {ref_path})  FAIL")
                failed += 1
                continue
            a, b = np.load(iron_path), np.load(ref_path)
            rel, maxabs, problem = compare(a, b)
            shape = "x".join(map(str, b.shape)) or "scalar"
            if problem:
                print(f"output {name}: {shape} {b.dtype}: {problem}  FAIL")
                failed += 1
                continue
            exact = b.dtype.kind in "iub"
            ok = (rel == 0.0) if exact else (rel <= args.tol)
            worst = max(worst, rel)
            print(f"output {name}: {shape} {b.dtype}  rel L2 {rel:.3e}  max abs {maxabs:.3e}"
                  f"  (|ort| rms {np.sqrt(np.mean(b.astype(np.float64) ** 2)):.3e})"
                  f"  {'ok' if ok else 'FAIL'}")
            failed += not ok
        verdict = "PASS" if not failed else "FAIL"
        print(f"{verdict}: {os.path.basename(args.model)}: worst relative L2 error "
              f"{worst:.3e} (bound {args.tol:g}), {failed} of {len(outputs)} output(s) failed")
        return 0 if not failed else 1
    finally:
        if not args.work_dir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
