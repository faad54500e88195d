#!/usr/bin/env python3
"""Measures what docs/SCALING.md's sizing table states, on this machine.

    python3 deploy/measure-scaling.py [path/to/repatsim]

Prints a Markdown table: replications per second per core for the shipped scenarios,
the speed-up on all cores, peak memory of one worker, the size of a part per 1,000
replications, and the time to merge 100 and 1,000 parts. The parts to merge are
generated: one real part is copied with its replication numbers shifted, so the merge
does its full work (reading, checking, appending every part) without hours of runs.
Run it on an otherwise idle machine (no build running).
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/release/repatsim")


def run(args):
    """Runs repatsim; returns (stderr, wall seconds, peak resident memory in MB)."""
    with tempfile.NamedTemporaryFile(mode="r") as peak:
        t = time.perf_counter()
        # GNU time writes the peak resident set size (kB) of the command it ran.
        p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", peak.name, BIN] + args,
                           capture_output=True, text=True)
        wall = time.perf_counter() - t
        if p.returncode != 0:
            sys.exit(f"repatsim {' '.join(args)} failed: {p.stderr}")
        return p.stderr, wall, int(peak.read().split()[-1]) / 1024


def replication_seconds(stderr):
    m = re.search(r"events in ([0-9.]+) s on (\d+) threads", stderr)
    return float(m.group(1)), int(m.group(2))


def du(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


def main():
    rows = []
    tmp = tempfile.mkdtemp(prefix="repatsim-measure.")
    try:
        for name, n in [("first-wave-2023", 4000), ("full-return", 60)]:
            sc = os.path.join(ROOT, "scenarios", name + ".toml")
            err, _, mem1 = run(["run", sc, "-n", str(n), "--threads", "1", "-v", "-q", "--no-what-if", "--json"])
            s1, _ = replication_seconds(err)
            err, _, _ = run(["run", sc, "-n", str(n), "-v", "-q", "--no-what-if", "--json"])
            sall, threads = replication_seconds(err)
            rows.append((f"{name}: replications per second on one core", f"{n / s1:,.0f} ({1000 * s1 / n:.3g} ms each)"))
            rows.append((f"{name}: speed-up on {threads} cores", f"{s1 / sall:.2f}x"))
            # Peak memory of one worker process (one thread) that writes a part.
            part = os.path.join(tmp, name)
            _, _, mem = run(["run", sc, "-n", str(n), "--threads", "1", "-q", "--no-what-if", "--out", part])
            rows.append((f"{name}: peak memory of a one-core worker writing a part of {n:,}", f"{mem:.0f} MB"))
        # Size of a part per 1,000 replications (first wave; charts included).
        part = os.path.join(tmp, "part1000")
        run(["run", os.path.join(ROOT, "scenarios/first-wave-2023.toml"), "-n", "1000", "--shard", "1/1",
             "-q", "--no-what-if", "--out", part])
        csv = os.path.getsize(os.path.join(part, "replications.csv"))
        rows.append(("first-wave-2023: size of a part of 1,000 replications",
                     f"{du(part) / 1e6:.1f} MB ({csv / 1e6:.1f} MB of it replications.csv)"))
        # Merge time: parts of 100 replications, generated from one real part.
        base = os.path.join(tmp, "base")
        run(["run", os.path.join(ROOT, "scenarios/first-wave-2023.toml"), "-n", "100", "-q", "--no-what-if", "--out", base])
        for count in (100, 1000):
            parts = generate(base, count, os.path.join(tmp, f"parts{count}"))
            _, wall, mem = run(["merge"] + parts + ["--out", os.path.join(tmp, f"merged{count}")])
            rows.append((f"merge {count:,} parts of 100 replications (first wave)", f"{wall:.1f} s"))
            for p in parts:
                shutil.rmtree(p)
    finally:
        shutil.rmtree(tmp)
    print("| what | measured |\n|---|---|")
    for what, value in rows:
        print(f"| {what} | {value} |")


def generate(base, count, where):
    """`count` copies of the part `base` with replication numbers shifted to follow each other."""
    with open(os.path.join(base, "merge-data.json")) as f:
        merge = json.load(f)
    n = merge["replications"]
    with open(os.path.join(base, "replications.csv")) as f:
        header, *lines = f.read().splitlines()
    os.makedirs(where)
    parts = []
    for i in range(count):
        d = os.path.join(where, f"part-{i + 1}")
        os.makedirs(d)
        shutil.copy(os.path.join(base, "scenario.toml"), d)
        m = dict(merge, first_replication=i * n, planned=[i * n, (i + 1) * n])
        with open(os.path.join(d, "merge-data.json"), "w") as f:
            json.dump(m, f)
        with open(os.path.join(d, "replications.csv"), "w") as f:
            f.write(header + "\n")
            for j, line in enumerate(lines):
                f.write(f"{i * n + j}," + line.split(",", 1)[1] + "\n")
        parts.append(d)
    return parts


if __name__ == "__main__":
    main()
