#!/usr/bin/python3
"""Damages an .iron artifact in many ways and runs iron-run on each copy.

Every run must end with a documented exit code (0 if the damage only hit
weight values, 2 for a rejected artifact, 3 or 6 for a kernel that refuses
its operands) -- never a signal or another code.

    corrupt_artifact.py IRON_RUN MODEL.iron WORKDIR [--flips N] [--seed S]
"""
import os
import random
import subprocess
import sys

iron_run, model, work = sys.argv[1:4]
flips = int(sys.argv[sys.argv.index("--flips") + 1]) if "--flips" in sys.argv else 300
seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1
rng = random.Random(seed)
data = open(model, "rb").read()
os.makedirs(work, exist_ok=True)

cases = [("empty", b""), ("truncated-8", data[:8]), ("truncated-half", data[: len(data) // 2]),
         ("truncated-1", data[:-1]), ("bad-identifier", data[:4] + b"XXXX" + data[8:])]
for i in range(flips):
    # Half the flips hit the tables (FlatBuffers writes them last, so they
    # sit at the front of the buffer), half anywhere (mostly weights).
    span = len(data) if i % 2 else max(64, len(data) // 8)
    pos = rng.randrange(span)
    mutated = bytearray(data)
    mutated[pos] ^= 1 << rng.randrange(8)
    cases.append((f"flip-{pos}", bytes(mutated)))

allowed = {0, 2, 3, 6}
counts = {}
bad = []
for name, blob in cases:
    path = os.path.join(work, "m.iron")
    with open(path, "wb") as f:
        f.write(blob)
    r = subprocess.run([iron_run, path], capture_output=True, timeout=60)
    counts[r.returncode] = counts.get(r.returncode, 0) + 1
    if r.returncode not in allowed:
        bad.append((name, r.returncode, r.stderr.decode(errors="replace")[-200:]))
print("exit codes:", dict(sorted(counts.items())))
for name, code, err in bad:
    print(f"BAD {name}: exit {code}: {err}")
sys.exit(1 if bad else 0)
