#!/usr/bin/env python3
"""Exports the results of `cargo bench` (criterion's target/criterion/**/new/) as JSON
in the "smaller is better" layout that benchmark-tracking actions read
(github-action-benchmark's customSmallerIsBetter, Bencher's JSON adapter):

    cargo bench && python3 benches/criterion-json.py > bench.json

    [{"name": "replication/first-wave-2023", "unit": "ns", "value": 282492.3,
      "range": "± 9872.1", "extra": "mean of 100 samples; 95% CI 273037.5 to 292781.8"}, ...]

One entry per benchmark (its full id), the mean time per iteration in nanoseconds with
the half-width of criterion's 95% confidence interval. Benchmarks with a throughput also
get an entry "<id> per element" (nanoseconds per element). Sorted by name, so the file
diffs cleanly. Usage: criterion-json.py [TARGET_DIR] (default: target).
"""

import json
import os
import sys


def main():
    root = os.path.join(sys.argv[1] if len(sys.argv) > 1 else "target", "criterion")
    if not os.path.isdir(root):
        sys.exit(f"{root}: no criterion results; run `cargo bench` first")
    out = []
    for d, _, files in os.walk(root):
        if os.path.basename(d) != "new" or "estimates.json" not in files:
            continue
        with open(os.path.join(d, "benchmark.json")) as f:
            bench = json.load(f)
        with open(os.path.join(d, "estimates.json")) as f:
            mean = json.load(f)["mean"]
        samples = ""
        if os.path.exists(os.path.join(d, "sample.json")):
            with open(os.path.join(d, "sample.json")) as f:
                samples = f"mean of {len(json.load(f)['iters'])} samples; "
        lo, hi = mean["confidence_interval"]["lower_bound"], mean["confidence_interval"]["upper_bound"]
        entry = {
            "name": bench["full_id"],
            "unit": "ns",
            "value": round(mean["point_estimate"], 3),
            "range": f"± {round((hi - lo) / 2, 3)}",
            "extra": f"{samples}95% CI {lo:.1f} to {hi:.1f}",
        }
        out.append(entry)
        throughput = bench.get("throughput") or {}
        elements = throughput.get("Elements") or throughput.get("Bytes")
        if elements:
            out.append({
                "name": bench["full_id"] + " per element",
                "unit": "ns",
                "value": round(mean["point_estimate"] / elements, 4),
                "range": f"± {round((hi - lo) / 2 / elements, 4)}",
            })
    out.sort(key=lambda e: e["name"])
    json.dump(out, sys.stdout, indent=2, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
