"""repatsim from Python: run, compare, sweep and plan repatriation scenarios, with the
results as pandas DataFrames.

The simulation is the Rust one the command line runs (in parallel, with the GIL
released), and the same seed gives exactly the command line's numbers::

    import repatsim
    r = repatsim.run("scenarios/first-wave-2023.toml", replications=200, seed=7,
                     set={"site.sinuiju-quarantine.beds": 400})
    r.summary.loc["makespan_days", ["mean", "ci95_low", "ci95_high", "p90"]]

A scenario is a path to a TOML file, a TOML string, or a dict (as :func:`load` returns).
Scenario errors raise :class:`ScenarioError`, whose message locates the problem.
"""

from __future__ import annotations

import io
import json
import numbers
import os
import tomllib
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import pandas as pd
import tomli_w

from . import _native
from ._native import ScenarioError

__all__ = ["run", "compare", "sweep", "plan", "load", "Result", "ScenarioError"]
__version__ = _native.__version__



def _source(scenario: Any) -> tuple[str, str]:
    """The scenario's TOML text and the label its messages use."""
    if isinstance(scenario, Mapping):
        return tomli_w.dumps(dict(scenario)), "<dict>"
    # One line naming a .toml file (any case) or an existing file is a path; TOML text
    # always has a newline ("Nosuch.TOML" was read as TOML and failed as "key with no
    # value" instead of "cannot read").
    if isinstance(scenario, os.PathLike) or (
        isinstance(scenario, str)
        and "\n" not in scenario
        and (scenario.strip().lower().endswith(".toml") or os.path.isfile(scenario.strip()))
    ):
        path = os.fspath(scenario)
        path = path.strip() if isinstance(path, str) else path
        try:
            with open(path, "rb") as f:
                raw = f.read()
        except OSError as e:
            raise ScenarioError(f"cannot read scenario file {path}: {e.strerror}") from None
        try:
            return raw.decode("utf-8"), path
        except UnicodeDecodeError as e:
            raise ScenarioError(f"{path}: not UTF-8 text (byte {e.start}); save the file as UTF-8") from None
    if isinstance(scenario, str):
        return scenario, "<string>"
    raise TypeError(f"a scenario is a path, a TOML string or a dict, not {type(scenario).__name__}")


def _set(overrides: Mapping[str, Any] | None, name: str = "set") -> list[str]:
    """`{"site.x.beds": 400}` as `--set` takes it: numbers as written, texts and lists as TOML."""
    if overrides is not None and not isinstance(overrides, Mapping):
        raise TypeError(
            f"{name}: a mapping of parameter paths to values, e.g. {{'site.quarantine.beds': 400}}, "
            f"not {type(overrides).__name__}"
        )
    out = []
    for path, value in (overrides or {}).items():
        if isinstance(value, bool) or type(value).__name__ == "bool_":
            raise TypeError(f"set {path}: a number, text or list, not a bool")
        # numbers.Integral and Real take NumPy's numbers too (a value read off a
        # DataFrame is a numpy.int64), written as Python writes them.
        if isinstance(value, numbers.Integral):
            out.append(f"{path}={int(value)!r}")
        elif isinstance(value, numbers.Real):
            out.append(f"{path}={float(value)!r}")
        elif isinstance(value, str):
            out.append(f"{path}={json.dumps(value)}")
        elif isinstance(value, (list, tuple)):
            out.append(f"{path}={json.dumps(list(value))}")
        else:
            raise TypeError(f"set {path}: a number, text or list, not {type(value).__name__}")
    return out


def _counts(replications: Any = None, seed: Any = None, threads: Any = None, *, least: int = 1, **more: Any) -> None:
    """Refuses counts the simulator cannot take, naming the argument (as the command line
    does), before Rust sees them: a negative number would otherwise fail as an anonymous
    OverflowError, and threads=0 would be taken as "all cores"."""
    def whole(name: str, value: Any, least: int) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{name}: a whole number, not {type(value).__name__}")
        if value < least:
            raise ValueError(f"{name}: must be at least {least}, got {value}")
        # Past 64 bits Rust cannot take it (a bare OverflowError said nothing of which).
        if value > 2**64 - 1:
            raise ValueError(f"{name}: must be at most {2**64 - 1}, got {value}")
    # The studies (compare, sweep, plan) need two replications for a CI, as on the
    # command line; compare used to run 2 when asked for 1, without a word.
    whole("replications", replications, least)
    whole("seed", seed, 0)
    whole("threads", threads, 1)
    for name, value in more.items():
        whole(name, value, 0)


def _int(value: Any) -> int | None:
    """A whole number checked by `_counts` (a NumPy integer too), as Python's int."""
    return None if value is None else int(value)


def _csv(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text))


def load(scenario: Any) -> dict:
    """A scenario as a dict (TOML dates as datetime), checked first: an invalid scenario
    raises ScenarioError. ``run(load(path))`` runs the same plan as ``run(path)``."""
    text, label = _source(scenario)
    _native.validate(text, label)
    return tomllib.loads(text)


@dataclass
class Result:
    """The outcome of :func:`run`: the tables ``repatsim run --out`` writes, as DataFrames."""

    #: One row per replication (as replications.csv): ``replication``, ``end`` and a column per metric.
    replications: pd.DataFrame
    #: Indexed by metric: n, mean, sd, ci95_low, ci95_high, min, p05, p10, p50, p90, p95, max.
    summary: pd.DataFrame
    #: Tidy time series (as timeseries.csv).
    timeseries: pd.DataFrame
    #: metric, label, unit, kind, better, description (as dictionary.csv).
    dictionary: pd.DataFrame
    #: The report's findings, as sentences.
    findings: list[str]
    #: The whole summary (as summary.json): scenario, seed, replications, metrics, left behind...
    summary_json: dict = field(repr=False)
    #: Per-person records of the replications asked for with ``people=`` (as people.csv:
    #: one row per visit of a person to a stage, with arrival, start, end and wait), else None.
    people: pd.DataFrame | None = None


def run(
    scenario: Any,
    replications: int | None = None,
    seed: int | None = None,
    threads: int | None = None,
    set: Mapping[str, Any] | None = None,
    what_if: bool = False,
    people: Sequence[int] = (),
) -> Result:
    """Runs replications of a scenario (default: its ``replications``) on ``threads``
    (default: all cores; results do not depend on it). ``set`` overrides fields by
    parameter path; ``what_if=True`` also runs the paired what-if on the bottleneck (as
    the command line does), which adds a finding. ``people=[0, 5]`` also returns the
    per-person records of those replications (``Result.people``)."""
    _counts(replications, seed, threads)
    for p in people:
        if isinstance(p, bool) or not isinstance(p, numbers.Integral) or p < 0:
            raise ValueError(f"people: replication indices are whole numbers >= 0, not {p!r}")
    text, label = _source(scenario)
    out = _native.run(text, label, _int(replications), _int(seed), _int(threads), _set(set), what_if, list(people))
    summary_json = json.loads(out["summary_json"])
    summary = pd.DataFrame.from_dict(summary_json["metrics"], orient="index")
    summary.index.name = "metric"
    return Result(
        replications=_csv(out["replications_csv"]),
        summary=summary,
        timeseries=_csv(out["timeseries_csv"]),
        dictionary=_csv(out["dictionary_csv"]),
        findings=list(out["findings"]),
        summary_json=summary_json,
        people=_csv(out["people_csv"]) if "people_csv" in out else None,
    )


def compare(
    a: Any,
    b: Any | None = None,
    vs_set: Mapping[str, Any] | None = None,
    replications: int | None = None,
    seed: int | None = None,
    threads: int | None = None,
    set: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Scenario A against B (or A changed by ``vs_set``) on the same replications and
    random numbers. One row per metric: metric, a_mean, b_mean, diff (B - A), ci95_low,
    ci95_high (of the paired differences), n, verdict (``b_better``, ``b_worse``,
    ``b_higher``, ``b_lower``, ``same``, ``no_detectable_difference``,
    ``not_enough_data``, ``undefined``)."""
    _counts(replications, seed, threads, least=2)
    a_text, a_label = _source(a)
    b_text, b_label = _source(b) if b is not None else (None, None)
    text = _native.compare(a_text, a_label, b_text, b_label, _set(vs_set, "vs_set"), _int(replications), _int(seed), _int(threads), _set(set))
    return _csv(text).rename(
        columns={
            "difference_mean": "diff",
            "difference_ci95_low": "ci95_low",
            "difference_ci95_high": "ci95_high",
        }
    )


def sweep(
    scenario: Any,
    vary: str | Sequence[str],
    metrics: Sequence[str] = (),
    replications: int | None = None,
    seed: int | None = None,
    threads: int | None = None,
    set: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Each value (or pair of values) of one or two parameters on the same random
    numbers, e.g. ``vary="site.sinuiju-quarantine.beds=200..600:100"``; ``metrics`` as
    ``"METRIC@STAT"`` (one, or a list; default ``makespan_days@mean``). One row per point
    and metric (as sweep.csv). A range needs its step (``1..4:1``).
    A makespan percentile is ``inf`` where it falls among replications that did not get
    everyone home within the horizon (and the mean NaN); ``without_value`` counts them."""
    _counts(replications, seed, threads, least=2)
    axes = [vary] if isinstance(vary, str) else list(vary)
    # One metric may be given alone ("makespan_days@p90"): a string is not a list of
    # its letters (that failed as "metric `@`: no metric").
    metrics = [metrics] if isinstance(metrics, str) else list(metrics)
    text, label = _source(scenario)
    return _csv(_native.sweep(text, label, axes, metrics, _int(replications), _int(seed), _int(threads), _set(set)))


def plan(
    scenario: Any,
    vary: str,
    target: str,
    replications: int | None = None,
    seed: int | None = None,
    threads: int | None = None,
    set: Mapping[str, Any] | None = None,
    confirm: int | None = None,
    tolerance: float | None = None,
) -> dict:
    """The smallest (or largest) value of a parameter in ``LO..HI`` meeting a target, e.g.
    ``plan(path, "site.sinuiju-quarantine.beds=100..1000", "makespan_days@p90<=20")``:
    the JSON ``repatsim plan --json`` prints, as a dict (``answer``, ``confirmed``, the
    trials...). ``tolerance`` (for a parameter that is not a whole number) defaults to
    0.01, or a thousandth of the range if that is finer."""
    _counts(replications, seed, threads, least=2, confirm=confirm)
    text, label = _source(scenario)
    return json.loads(
        _native.plan(
            text, label, vary, target, _int(replications), _int(seed), _int(threads), _set(set), _int(confirm), None if tolerance is None else float(tolerance)
        )
    )
