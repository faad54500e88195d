"""The Python package: the command line's numbers exactly, DataFrames of the documented
shape, located errors, the study commands, and the GIL released while simulating."""

import os
import signal
import subprocess
import sys
import threading
import time

import pandas as pd
import pytest

import repatsim

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIRST_WAVE = os.path.join(ROOT, "scenarios", "first-wave-2023.toml")


def cli():
    """The repatsim binary of this checkout (REPATSIM_BIN, else built in release)."""
    path = os.environ.get("REPATSIM_BIN") or os.path.join(ROOT, "target", "release", "repatsim")
    if not os.path.exists(path):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    return path


def test_the_same_seed_gives_exactly_the_command_lines_numbers(tmp_path):
    out = tmp_path / "out"
    subprocess.run(
        [cli(), "run", FIRST_WAVE, "-n", "60", "--seed", "7", "--set", "site.sinuiju-quarantine.beds=400",
         "--no-what-if", "-q", "--people", "0,59", "--out", str(out)],
        check=True, stdout=subprocess.DEVNULL,
    )
    r = repatsim.run(FIRST_WAVE, replications=60, seed=7, threads=2, set={"site.sinuiju-quarantine.beds": 400},
                     people=[0, 59])
    for name, frame in [("replications", r.replications), ("timeseries", r.timeseries), ("dictionary", r.dictionary),
                        ("people", r.people)]:
        pd.testing.assert_frame_equal(frame, pd.read_csv(out / f"{name}.csv"), check_exact=True, obj=name)
    assert r.summary_json["replications"] == 60
    assert r.summary_json["seed"] == 7
    assert set(r.people["replication"]) == {0, 59}
    assert repatsim.run(FIRST_WAVE, replications=2).people is None


def test_the_summary_is_indexed_by_metric_with_the_planners_percentiles():
    r = repatsim.run(FIRST_WAVE, replications=30, seed=1)
    for column in ["mean", "sd", "ci95_low", "ci95_high", "p05", "p10", "p50", "p90", "p95"]:
        assert column in r.summary.columns, column
    row = r.summary.loc["makespan_days"]
    values = r.replications["makespan_days"]
    assert row["mean"] == pytest.approx(values.mean(), rel=1e-12)
    assert row["ci95_low"] <= row["mean"] <= row["ci95_high"]
    # Every column of replications.csv but the first two is described in the dictionary.
    assert list(r.dictionary["metric"][: len(r.replications.columns) - 2]) == list(r.replications.columns[2:])
    assert set(r.dictionary.columns) == {"metric", "label", "unit", "kind", "better", "description"}
    assert r.findings and all(isinstance(f, str) for f in r.findings)
    assert len(r.replications) == 30


def test_a_dict_or_a_string_runs_the_same_plan_as_the_file():
    by_file = repatsim.run(FIRST_WAVE, replications=20, seed=3)
    as_dict = repatsim.load(FIRST_WAVE)
    assert as_dict["scenario"]["name"] == "first-wave-2023"
    by_dict = repatsim.run(as_dict, replications=20, seed=3)
    pd.testing.assert_frame_equal(by_file.replications, by_dict.replications, check_exact=True)
    with open(FIRST_WAVE) as f:
        by_text = repatsim.run(f.read(), replications=20, seed=3)
    pd.testing.assert_frame_equal(by_file.replications, by_text.replications, check_exact=True)
    # A change made in the dict is run; one that cannot work is refused with the reason.
    site = next(s for s in as_dict["site"] if s["name"] == "sinuiju-quarantine")
    site["beds"] = 400
    fewer = repatsim.run(as_dict, replications=20, seed=3)
    assert fewer.summary.loc["site.sinuiju-quarantine.peak_occupancy", "max"] == 400
    assert fewer.summary.loc["makespan_days", "mean"] > by_file.summary.loc["makespan_days", "mean"]
    as_dict["scenario"]["horizon_days"] = 5
    with pytest.raises(repatsim.ScenarioError, match="longer than the horizon of 5 days"):
        repatsim.run(as_dict)


def test_scenario_errors_raise_with_the_located_message():
    text = open(FIRST_WAVE).read().replace('kind = "origin"', 'kind = "orign"', 1)
    with pytest.raises(repatsim.ScenarioError) as e:
        repatsim.run(text)
    message = str(e.value)
    assert "<string>:" in message and "orign" in message, message
    with pytest.raises(repatsim.ScenarioError, match="no site is named `nowhere`"):
        repatsim.run(FIRST_WAVE, replications=2, set={"site.nowhere.beds": 3})
    with pytest.raises(repatsim.ScenarioError, match="cannot read"):
        repatsim.load("no/such/plan.toml")
    assert issubclass(repatsim.ScenarioError, ValueError)


def test_compare_sweep_and_plan():
    c = repatsim.compare(FIRST_WAVE, vs_set={"site.sinuiju-quarantine.beds": 300}, replications=40, seed=1)
    assert list(c.columns) == ["metric", "a_mean", "b_mean", "diff", "ci95_low", "ci95_high", "n", "verdict"]
    row = c.set_index("metric").loc["makespan_days"]
    assert row["diff"] == pytest.approx(row["b_mean"] - row["a_mean"], abs=1e-9)
    s = repatsim.sweep(FIRST_WAVE, "site.sinuiju-quarantine.beds=300..500:100", metrics=["makespan_days@p90"],
                       replications=20, seed=1)
    assert len(s) == 3
    assert (s["without_value"] == 0).all() and s["value"].notna().all()
    p = repatsim.plan(FIRST_WAVE, "site.sinuiju-quarantine.beds=100..2000", "makespan_days@mean<=30",
                      replications=20, seed=1)
    assert p["answer"] is not None and 100 <= p["answer"] <= 2000


def test_the_gil_is_released_while_simulating():
    done = threading.Event()
    counted = [0]

    def work():
        repatsim.run(FIRST_WAVE, replications=3000, threads=1)
        done.set()

    t = threading.Thread(target=work)
    started = time.perf_counter()
    t.start()
    while not done.is_set():
        counted[0] += 1
    t.join()
    elapsed = time.perf_counter() - started
    # With the GIL held for the whole run, this thread could not count at all while it
    # ran; released, it counts all along (millions of times per second).
    assert elapsed > 0.2, elapsed
    assert counted[0] > 100_000 * elapsed, (counted[0], elapsed)


INTERRUPTED_CHILD = """
import sys, repatsim
call = {
    "run": lambda: repatsim.run(sys.argv[1], replications=100_000, threads=1),
    "compare": lambda: repatsim.compare(sys.argv[1], vs_set={"leg.hotel-customs-shuttle.vehicles": 7},
                                        replications=100_000, threads=1),
}[sys.argv[2]]
print("started", flush=True)
try:
    call()
except KeyboardInterrupt:
    print("interrupted", flush=True)
    sys.exit(0)
print("finished", flush=True)
sys.exit(1)
"""


@pytest.mark.parametrize("call", ["run", "compare"])
def test_ctrl_c_interrupts_a_long_batch(call):
    # 100,000 replications on one thread take half a minute or more; Ctrl-C (SIGINT)
    # a second in must raise KeyboardInterrupt within a few seconds. It used to be seen
    # only when the call returned.
    child = subprocess.Popen([sys.executable, "-c", INTERRUPTED_CHILD, FIRST_WAVE, call],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "started"
    time.sleep(1.0)
    child.send_signal(signal.SIGINT)
    sent = time.perf_counter()
    out, err = child.communicate(timeout=60)
    waited = time.perf_counter() - sent
    assert child.returncode == 0 and out.strip() == "interrupted", (child.returncode, out, err)
    assert waited < 5.0, waited


def test_bad_arguments_are_named_before_anything_runs():
    with pytest.raises(ValueError, match="threads: must be at least 1, got 0"):
        repatsim.run(FIRST_WAVE, replications=2, threads=0)
    with pytest.raises(ValueError, match="replications: must be at least 2, got -5"):
        repatsim.compare(FIRST_WAVE, vs_set={"leg.hotel-customs-shuttle.vehicles": 7}, replications=-5)
    with pytest.raises(ValueError, match="seed: must be at least 0, got -1"):
        repatsim.sweep(FIRST_WAVE, "site.sinuiju-quarantine.beds=100,200", seed=-1)
    with pytest.raises(TypeError, match="replications: a whole number, not float"):
        repatsim.run(FIRST_WAVE, replications=2.5)
    with pytest.raises(TypeError, match="set: a mapping of parameter paths to values"):
        repatsim.run(FIRST_WAVE, replications=2, set=["site.x.beds=4"])
    with pytest.raises(TypeError, match="vs_set: a mapping"):
        repatsim.compare(FIRST_WAVE, vs_set="leg.bus.vehicles=2")
    # What the command line refuses is refused here too, before anything runs (they ran
    # until the kernel killed Python).
    with pytest.raises(ValueError, match="at most 100,000,000"):
        repatsim.run(FIRST_WAVE, replications=10**12)
    with pytest.raises(ValueError, match="seed: must be at most 18446744073709551615"):
        repatsim.run(FIRST_WAVE, replications=2, seed=2**64)
    with pytest.raises(ValueError, match="at most 100,000,000"):
        repatsim.compare(FIRST_WAVE, vs_set={"leg.hotel-customs-shuttle.vehicles": 7}, replications=10**9)
    with pytest.raises(ValueError, match="person records, more than 5000000"):
        repatsim.run(FIRST_WAVE, replications=8000, people=range(8000))


def test_a_replication_asked_for_twice_gives_its_people_once():
    once = repatsim.run(FIRST_WAVE, replications=2, people=[0]).people
    twice = repatsim.run(FIRST_WAVE, replications=2, people=[0, 0]).people
    assert len(twice) == len(once) > 0
    pd.testing.assert_frame_equal(once, twice)


def test_what_a_researcher_passes_from_pandas_and_numpy_is_taken_or_refused_by_name(tmp_path):
    import numpy as np

    # A value read off a DataFrame is a NumPy number: taken as the number it is.
    beds = pd.Series([300, 400]).iloc[0]
    assert isinstance(beds, np.integer)
    a = repatsim.run(FIRST_WAVE, replications=np.int64(2), seed=np.int64(1), set={"site.sinuiju-quarantine.beds": beds})
    b = repatsim.run(FIRST_WAVE, replications=2, seed=1, set={"site.sinuiju-quarantine.beds": 300})
    pd.testing.assert_frame_equal(a.replications, b.replications)
    # One metric alone is one metric, not a list of its letters.
    s = repatsim.sweep(FIRST_WAVE, "site.sinuiju-quarantine.beds=300..400:100", metrics="makespan_days@p90",
                       replications=2, seed=1)
    assert list(s["metric"]) == ["makespan_days", "makespan_days"] and list(s["stat"]) == ["p90", "p90"]
    # A study needs two replications for a CI, as on the command line (compare ran 2).
    with pytest.raises(ValueError, match="replications: must be at least 2, got 1"):
        repatsim.compare(FIRST_WAVE, vs_set={"site.sinuiju-quarantine.beds": 300}, replications=1)
    # A file name in capitals is still a file name.
    with pytest.raises(repatsim.ScenarioError, match="cannot read"):
        repatsim.run(str(tmp_path / "Nosuch.TOML"), replications=2)
    # What the command line refuses, the package refuses with the same words.
    with pytest.raises(repatsim.ScenarioError, match="sweep needs a step"):
        repatsim.sweep(FIRST_WAVE, "site.sinuiju-quarantine.beds=300..400", replications=2)
    with pytest.raises(repatsim.ScenarioError, match="drop the ':STEP'"):
        repatsim.plan(FIRST_WAVE, "site.sinuiju-quarantine.beds=100..900:100", "makespan_days@mean<=30", replications=2)
    with pytest.raises(repatsim.ScenarioError, match="does not vary scenario.seed"):
        repatsim.sweep(FIRST_WAVE, "scenario.seed=1..3:1", replications=2)
    with pytest.raises(repatsim.ScenarioError, match="can never be met; a share is written from 0 to 1"):
        repatsim.plan(FIRST_WAVE, "site.sinuiju-quarantine.beds=100..900", "all_home@mean>=90", replications=2)
    with pytest.raises(ValueError, match="people: replication indices are whole numbers >= 0"):
        repatsim.run(FIRST_WAVE, replications=2, people=[-1])
    # A path with a space around it is the path.
    assert len(repatsim.run(" " + FIRST_WAVE + " ", replications=2).replications) == 2
