#!/usr/bin/python3
"""`ironc analyze` of one zoo model on every bundled target, in one run.

Checks the report against rules that hold for any model and target:
- the JSON follows docs/report.md (schema, version, units in keys);
- every kernel has ONNX node names, a bound, and low <= value <= high for
  latency and energy; the kernels' latencies plus the inference overhead add
  up to the total; shares add up to 1 (within rounding);
- the MACs agree with `ironc import`'s count of the same model, the weights
  with its weight bytes (the report also counts int64 shape constants, so it
  may be larger by under 1%), and every target reports the same work;
- a memory verdict exists per target and `fits` agrees with the numbers;
  exit code 8 when (and only when) something does not fit;
- the HTML page is self-contained and has one roofline per target.

    check_analyze.py MODEL.onnx --ironc build/bin/ironc
"""

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile



def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def close(a, b, rel=1e-6):
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-30)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--ironc", required=True)
    args = ap.parse_args()

    targets = [line.split()[0] for line in subprocess.run(
        [args.ironc, "target", "list"], check=True, stdout=subprocess.PIPE,
        text=True).stdout.splitlines() if line.strip()]
    if len(targets) < 14:
        fail("expected at least 14 bundled targets, got %d" % len(targets))

    imported = subprocess.run([args.ironc, "import", args.model],
                              check=True, stdout=subprocess.PIPE,
                              text=True).stdout
    macs_line = re.search(r"MACs:\s*([0-9]+)", imported)
    weights_line = re.search(r"weights:\s*([0-9]+) bytes", imported)

    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "r.json")
        html = os.path.join(tmp, "r.html")
        cmd = [args.ironc, "analyze", args.model, "--report", report,
               "--html", html]
        for t in targets:
            cmd += ["--target", t]
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
        if p.returncode not in (0, 8):
            fail("ironc analyze exited %d:\n%s" % (p.returncode, p.stderr))
        with open(report) as f:
            r = json.load(f)
        with open(html) as f:
            page = f.read()

    if r.get("schema") != "iron-report" or r.get("schema_version") != "1.3":
        fail("schema")
    if [t["target"]["name"] for t in r["targets"]] != targets:
        fail("targets out of order")
    any_misfit = False
    work = None
    for t in r["targets"]:
        name = t["target"]["name"]
        total = t["total"]
        ks = t["kernels"]
        if total["kernels"] != len(ks) or not ks:
            fail("%s: kernel count" % name)
        s = sum(k["latency_ms"]["value"] for k in ks) + \
            total["inference_overhead_ms"]
        if not close(s, total["latency_ms"]["value"], 1e-9):
            fail("%s: kernels add up to %g ms, total %g ms" %
                 (name, s, total["latency_ms"]["value"]))
        if not close(sum(k["share"] for k in ks) +
                     total["inference_overhead_ms"] /
                     total["latency_ms"]["value"], 1.0, 1e-6):
            fail("%s: shares do not add up to 1" % name)
        for k in ks:
            for key in ("latency_ms", "energy_uj"):
                i = k[key]
                if not (i["low"] <= i["value"] * (1 + 1e-12) and
                        i["value"] <= i["high"] * (1 + 1e-12)):
                    fail("%s: kernel %d %s interval %r" %
                         (name, k["index"], key, i))
                if any(math.isnan(v) or v < 0 for v in i.values()):
                    fail("%s: kernel %d %s %r" % (name, k["index"], key, i))
            if not k["nodes"]:
                fail("%s: kernel %d has no ONNX node" % (name, k["index"]))
            if k["bound"] not in ("compute", "memory", "overhead"):
                fail("%s: bound %r" % (name, k["bound"]))
        # Fusion differs by target but never changes the MACs; folding
        # weights (BatchNormalization into Conv) may only shrink them.
        f = t.get("fusion")
        if f is not None:
            if f["kernels_after"] != len(ks):
                fail("%s: fusion says %d kernels, the report lists %d" %
                     (name, f["kernels_after"], len(ks)))
            if not close(f["latency_after_ms"], total["latency_ms"]["value"]):
                fail("%s: fusion latency %g ms, total %g ms" %
                     (name, f["latency_after_ms"], total["latency_ms"]["value"]))
        this = (total["macs"], t["memory"]["weights_bytes"])
        if work is None:
            work = this
        elif not close(work[0], this[0]):
            fail("%s: %g MACs differ from the first target's %g" %
                 (name, this[0], work[0]))
        work = (work[0], max(work[1], this[1]))
        if not t["memory"]["levels"]:
            fail("%s: no memory verdict" % name)
        for v in t["memory"]["levels"]:
            if v["fits"] != (v["required_bytes"] <= v["capacity_bytes"]):
                fail("%s: verdict %r" % (name, v))
            any_misfit |= not v["fits"]

    if macs_line and int(macs_line.group(1)) != int(work[0]):
        fail("MACs %d, ironc import says %s" % (work[0], macs_line.group(1)))
    if weights_line:
        w = int(weights_line.group(1))
        if not (0.9 * w <= work[1] <= 1.01 * w + 4096):
            fail("weights %d bytes, ironc import says %d" % (work[1], w))
    if (p.returncode == 8) != any_misfit:
        fail("exit code %d but misfit=%s" % (p.returncode, any_misfit))
    if not page.startswith("<!DOCTYPE html>") or "<script src" in page:
        fail("HTML page is not self-contained")
    if page.count("<svg") < len(targets):
        fail("HTML page has %d charts for %d targets" %
             (page.count("<svg"), len(targets)))
    print("OK: %d targets, %d kernels, %.3g MACs, %d bytes of weights%s" % (
        len(targets), len(r["targets"][0]["kernels"]), work[0], work[1],
        ", does not fit some" if any_misfit else ""))


if __name__ == "__main__":
    main()
