#!/usr/bin/python3
"""Inference latency of Iron's runtime against onnxruntime, in one run.

For each zoo model: compile it with `ironc compile`, then measure
`iron-run MODEL.iron --bench N` (Iron's runtime, one thread) and
`node test/ort/run_ort.js MODEL.onnx --bench N` (onnxruntime-node, CPU
execution provider, intra/inter-op threads 1, sequential, all graph
optimisations) on the same seeded random inputs. Both time N runs after
max(1, N/10) warm-up runs inside one process and report the median, so
process start-up, model loading and session creation are not counted.
The two are interleaved over --rounds rounds (alternating which goes first)
and each cell is the median of the rounds' medians.

    /usr/bin/python3 bench/ort_bench.py [--models resnet50,bert_encoder]
        [--opset 17] [--rounds 3] [--runs N | --budget 2.0]
        [--zoo build/zoo] [--ironc build/bin/ironc]
        [--iron-run build/bin/iron-run] [--node node]

Without --runs, N is chosen per model and per runtime so that one
measurement's timed runs take about --budget seconds (3 <= N <= 1000),
from one probe run of each. The zoo comes from
`/usr/bin/python3 test/models/export_zoo.py --out build/zoo` (or
`ctest -R zoo.export`); onnxruntime-node from `npm install --ignore-scripts`
in test/ort (scripts/bootstrap.sh test does it).

The table's ratio is ORT time / Iron time: above 1 Iron is faster, below 1
onnxruntime is (0.5 = Iron takes twice as long). The last line is the
geometric mean of the ratios.
"""

import argparse
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

import numpy as np
import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RUN_ORT = os.path.join(ROOT, "test", "ort", "run_ort.js")
sys.path.insert(0, os.path.join(ROOT, "test", "models"))
from compare_ort import graph_inputs, make_input, safe_file_name  # noqa: E402

ZOO = ["resnet50", "mobilenet_v2", "mobilenet_v3_small", "efficientnet_b0",
       "squeezenet1_1", "shufflenet_v2_x1_0", "dscnn_kws", "resnet8_cifar",
       "mobilenet_v1_025_vww", "fc_autoencoder", "bert_encoder", "gpt2_decoder"]
IRON_LINE = re.compile(r"latency over (\d+) runs .*: median ([0-9.]+) ms, p90 ([0-9.]+) ms")


def check_output(cmd):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = proc.stdout.decode(errors="replace")
    if proc.returncode != 0:
        sys.exit(f"ort_bench: {' '.join(cmd)} exited with {proc.returncode}:\n{out}")
    return out


def iron_median(args, artifact, feeds, runs):
    out = check_output([args.iron_run, artifact, "--bench", str(runs)] + feeds)
    m = IRON_LINE.search(out)
    if not m:
        sys.exit(f"ort_bench: no latency line in iron-run's output:\n{out}")
    return float(m.group(2))


def ort_median(args, model, feeds, runs):
    out = check_output([args.node, RUN_ORT, model, "--bench", str(runs)] + feeds)
    for line in out.splitlines():
        if line.startswith("{"):
            return float(json.loads(line)["median_ms"])
    sys.exit(f"ort_bench: no JSON line in run_ort.js's output:\n{out}")


def pick_runs(args, probe_ms):
    if args.runs:
        return args.runs
    return max(3, min(1000, int(args.budget * 1e3 / max(probe_ms, 1e-3))))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", help="comma-separated zoo names (default: all)")
    p.add_argument("--opset", type=int, default=17)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--runs", type=int, help="timed runs per measurement (default: from --budget)")
    p.add_argument("--budget", type=float, default=2.0,
                   help="seconds of timed runs per measurement when --runs is not given")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--zoo", default=os.path.join(ROOT, "build", "zoo"))
    p.add_argument("--ironc", default=os.path.join(ROOT, "build", "bin", "ironc"))
    p.add_argument("--iron-run", default=os.path.join(ROOT, "build", "bin", "iron-run"))
    p.add_argument("--node", default=shutil.which("node") or "node")
    args = p.parse_args()

    models = args.models.split(",") if args.models else ZOO
    paths = [os.path.join(args.zoo, f"{m}.opset{args.opset}.onnx") for m in models]
    for path in paths:
        if not os.path.exists(path):
            sys.exit(f"ort_bench: {path} not found (export the zoo: "
                     f"/usr/bin/python3 test/models/export_zoo.py --out {args.zoo})")
    if not os.path.isdir(os.path.join(ROOT, "test", "ort", "node_modules", "onnxruntime-node")):
        sys.exit("ort_bench: onnxruntime-node is not installed "
                 "(cd test/ort && npm install --ignore-scripts)")
    ort_version = json.load(open(os.path.join(
        ROOT, "test", "ort", "node_modules", "onnxruntime-node", "package.json")))["version"]
    node_version = check_output([args.node, "--version"]).strip()

    print(f"Iron ({args.iron_run}) vs onnxruntime-node {ort_version} (node {node_version}), "
          f"CPU EP, 1 thread each; opset {args.opset}, {args.rounds} interleaved rounds")
    print(f"host: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"{'model':22} {'runs iron/ort':>13} {'Iron ms':>10} {'ORT ms':>10} {'ORT/Iron':>9}")
    ratios = []
    with tempfile.TemporaryDirectory(prefix="iron-ort-bench-") as work:
        for name, path in zip(models, paths):
            model = onnx.load(path, load_external_data=False)
            rng = np.random.default_rng(args.seed)
            feeds, shapes = [], []
            for i, (iname, dtype, shape, pinned) in enumerate(graph_inputs(model)):
                f = os.path.join(work, f"{name}.{i}_{safe_file_name(iname)}.npy")
                np.save(f, make_input(iname, dtype, shape, rng))
                feeds += ["--input", f"{iname}={f}"]
                if pinned:
                    shapes.append(f"--input-shape={iname}={'x'.join(map(str, shape))}")
            del model
            artifact = os.path.join(work, f"{name}.iron")
            check_output([args.ironc, "compile", path, "-o", artifact] + shapes)

            n_iron = pick_runs(args, 0 if args.runs else iron_median(args, artifact, feeds, 1))
            n_ort = pick_runs(args, 0 if args.runs else ort_median(args, path, feeds, 1))
            iron, ort = [], []
            for r in range(args.rounds):
                order = ("iron", "ort") if r % 2 == 0 else ("ort", "iron")
                for which in order:
                    if which == "iron":
                        iron.append(iron_median(args, artifact, feeds, n_iron))
                    else:
                        ort.append(ort_median(args, path, feeds, n_ort))
            it, ot = statistics.median(iron), statistics.median(ort)
            ratios.append(ot / it)
            print(f"{name:22} {f'{n_iron}/{n_ort}':>13} {it:10.3f} {ot:10.3f} {ot / it:9.3f}",
                  flush=True)
            os.remove(artifact)
    if ratios:
        geo = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
        print(f"{'geometric mean':22} {'':>13} {'':>10} {'':>10} {geo:9.3f}")


if __name__ == "__main__":
    main()
