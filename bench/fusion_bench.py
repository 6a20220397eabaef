#!/usr/bin/python3
"""Fusion's effect on the host, measured and predicted, for every zoo model.

For each model, in one run:
1. compile it with and without fusion (`ironc compile`, `--no-fuse`): kernel
   count and planned arena of both;
2. measure both artifacts with `iron-run --bench N` (median of N timed
   runs), alternating which goes first over --rounds rounds, and take the
   median over the rounds;
3. predict both with `ironc analyze --target HOST` (the report's `fusion`
   block holds the latency without and with fusion);
4. print the measured and the predicted change of latency.

The host description comes from `ironc target probe` (run once, unless
--target names one). The fused artifact is compiled with `--target HOST`,
so the measured graph is the one the prediction is about; with --ungated it
is compiled without a target (every legal fusion, as plain `ironc compile`
does) and the prediction column then describes a different graph.

    /usr/bin/python3 bench/fusion_bench.py [--models resnet50,...]
        [--target host.yaml] [--runs 20] [--rounds 3] [--json out.json]
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ZOO = [
    "resnet50", "mobilenet_v2", "mobilenet_v3_small", "efficientnet_b0",
    "squeezenet1_1", "shufflenet_v2_x1_0", "dscnn_kws", "resnet8_cifar",
    "mobilenet_v1_025_vww", "fc_autoencoder", "bert_encoder", "gpt2_decoder",
]


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in (0, 8):  # 8: a fit/budget verdict, still a report
        sys.exit("failed (%d): %s\n%s%s" % (p.returncode, " ".join(cmd),
                                             p.stdout, p.stderr))
    return p.stdout


def compile_stats(ironc, model, artifact, flags):
    out = run([ironc, "compile", model, "-o", artifact] + flags)
    kernels = int(re.search(r"kernels: (\d+)", out).group(1))
    arena = int(re.search(r"arena: (\d+) bytes", out).group(1))
    return kernels, arena


def measure(iron_run, artifact, runs):
    out = run([iron_run, artifact, "--bench", str(runs)])
    return float(re.search(r"median ([0-9.]+) ms", out).group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", default=",".join(ZOO))
    ap.add_argument("--target", help="an existing host description")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--zoo", default=os.path.join(ROOT, "build", "zoo"))
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "bin"))
    ap.add_argument("--json", help="write the numbers here")
    ap.add_argument("--ungated", action="store_true",
                    help="compile the fused artifact without --target")
    args = ap.parse_args()

    ironc = os.path.join(args.bin, "ironc")
    iron_run = os.path.join(args.bin, "iron-run")
    work = tempfile.mkdtemp(prefix="iron-fusion-")
    target = args.target
    if not target:
        target = os.path.join(work, "host.yaml")
        print("probing the host ...", flush=True)
        run([ironc, "target", "probe", "-o", target])

    rows = []
    for name in args.models.split(","):
        model = os.path.join(args.zoo, name + ".opset17.onnx")
        if not os.path.exists(model):
            print("%-22s missing (export the zoo first)" % name)
            continue
        fused = os.path.join(work, name + ".fused.iron")
        unfused = os.path.join(work, name + ".unfused.iron")
        kf, af = compile_stats(ironc, model, fused,
                               [] if args.ungated else ["--target", target])
        ku, au = compile_stats(ironc, model, unfused, ["--no-fuse"])
        times = {"fused": [], "unfused": []}
        for r in range(args.rounds):
            order = ["unfused", "fused"] if r % 2 == 0 else ["fused", "unfused"]
            for label in order:
                times[label].append(measure(
                    iron_run, fused if label == "fused" else unfused,
                    args.runs))
        mf = statistics.median(times["fused"])
        mu = statistics.median(times["unfused"])
        report = os.path.join(work, name + ".json")
        run([ironc, "analyze", model, "--target", target, "--report", report])
        with open(report) as f:
            fusion = json.load(f)["targets"][0]["fusion"]
        pu, pf = fusion["latency_before_ms"], fusion["latency_after_ms"]
        rows.append({
            "model": name, "kernels_unfused": ku, "kernels_fused": kf,
            "arena_unfused_bytes": au, "arena_fused_bytes": af,
            "measured_unfused_ms": mu, "measured_fused_ms": mf,
            "measured_change_pct": 100 * (mf / mu - 1),
            "predicted_unfused_ms": pu, "predicted_fused_ms": pf,
            "predicted_change_pct": 100 * (pf / pu - 1),
            "predicted_kernels_unfused": fusion["kernels_before"],
            "predicted_kernels_fused": fusion["kernels_after"],
        })
        r = rows[-1]
        print("%-22s kernels %4d -> %4d  arena %9d -> %9d  measured %8.3f -> "
              "%8.3f ms (%+5.1f%%)  predicted %+5.1f%%" %
              (name, ku, kf, au, af, mu, mf, r["measured_change_pct"],
               r["predicted_change_pct"]), flush=True)

    print()
    print("| model | kernels | arena bytes | measured ms | measured change "
          "| predicted change |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print("| %s | %d -> %d | %d -> %d | %.3f -> %.3f | %+.1f%% | %+.1f%% |"
              % (r["model"], r["kernels_unfused"], r["kernels_fused"],
                 r["arena_unfused_bytes"], r["arena_fused_bytes"],
                 r["measured_unfused_ms"], r["measured_fused_ms"],
                 r["measured_change_pct"], r["predicted_change_pct"]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"target": target, "ungated": args.ungated,
                       "runs": args.runs,
                       "rounds": args.rounds, "models": rows}, f, indent=1)


if __name__ == "__main__":
    main()
