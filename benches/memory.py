#!/usr/bin/env python3
"""Peak memory per person at a million people, as docs/BENCHMARKS.md measures it.

Runs one replication on one thread of scenarios/full-return.toml (104,000 people) and of
the same scenario with every cohort, wave, bed count, fleet and booth count multiplied
by 10 (1,040,000 people), and prints the peak resident set size of each (GNU time's
`-v`) and the bytes per person between them. Needs a release build:

    cargo build --release && python3 benches/memory.py
"""

import pathlib
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "repatsim"
BASE = ROOT / "scenarios" / "full-return.toml"


def times_ten(text: str) -> str:
    """The scenario with every size, notify, beds, vehicles and servers count x10."""
    return re.sub(
        r"^((?:size|notify|beds|vehicles|servers)\s*=\s*)(\d+)",
        lambda m: f"{m.group(1)}{int(m.group(2)) * 10}",
        text,
        flags=re.M,
    )


def peak_kib(scenario: pathlib.Path) -> int:
    run = subprocess.run(
        ["/usr/bin/time", "-v", str(BIN), "run", str(scenario), "-n", "1", "--threads", "1", "-q", "--no-what-if"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr).group(1))


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        big = pathlib.Path(tmp) / "full-return-x10.toml"
        big.write_text(times_ten(BASE.read_text()))
        small_kib, big_kib = peak_kib(BASE), peak_kib(big)
    extra_people = 1_040_000 - 104_000
    per_person = (big_kib - small_kib) * 1024 / extra_people
    print(f"104,000 people: {small_kib / 1024:.1f} MiB; 1,040,000 people: {big_kib / 1024:.1f} MiB")
    print(f"{per_person:.1f} bytes per person beyond the base")
    return 0


if __name__ == "__main__":
    sys.exit(main())
