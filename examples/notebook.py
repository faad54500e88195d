"""A researcher's notebook, as a script: two quarantine plans for the first wave
compared on the same random numbers, with the uncertainty drawn. Run it with the Python
package installed (pip install ./python) from the repository root:

    python examples/notebook.py [OUT_DIR]

It writes OUT_DIR/plans.png (default target/notebook) and asserts what it prints, so CI
catches a change that breaks it.
"""

import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import repatsim  # noqa: E402

SCENARIO = "scenarios/first-wave-2023.toml"
out = sys.argv[1] if len(sys.argv) > 1 else "target/notebook"
os.makedirs(out, exist_ok=True)

# Two plans for the Sinuiju quarantine, where the 500 people bussed from Dandong stay a
# week: 400 beds or 500 (the scenario as written has 1,000).
BEDS = "site.sinuiju-quarantine.beds"
plan = repatsim.load(SCENARIO)
written = next(s["beds"] for s in plan["site"] if s["name"] == "sinuiju-quarantine")
print(f"the scenario as written has {written} beds at Sinuiju; comparing 400 and 500")
base = repatsim.run(SCENARIO, replications=200, seed=7, set={BEDS: 400})
more = repatsim.run(SCENARIO, replications=200, seed=7, set={BEDS: 500})

# What changes, with the paired 95% CI of the difference.
c = repatsim.compare(SCENARIO, set={BEDS: 400}, vs_set={BEDS: 500}, replications=200, seed=7).set_index("metric")
row = c.loc["makespan_days"]
print(f"days until everyone is home: {row.a_mean:.2f} with 400 beds, {row.b_mean:.2f} with 500 "
      f"(difference {row['diff']:+.2f}, 95% CI {row.ci95_low:+.2f} to {row.ci95_high:+.2f}: {row.verdict})")
# The comparison runs the same replications as the two runs above ...
assert abs(row.a_mean - base.summary.loc["makespan_days", "mean"]) < 1e-9
assert abs(row.b_mean - more.summary.loc["makespan_days", "mean"]) < 1e-9
# ... and 100 more beds spare the last hundred a week's wait for a bed.
assert row.ci95_high < -5, row
assert row.verdict == "b_better"

# People home over time: the mean of each plan with the band where 90% of replications lie.
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
for result, label, colour in [(base, "400 beds", "tab:blue"), (more, "500 beds", "tab:orange")]:
    home = result.timeseries[result.timeseries["series"] == "people_home"]
    days = home["time_hours"] / 24
    left.plot(days, home["mean"], color=colour, label=label)
    left.fill_between(days, home["p05"], home["p95"], color=colour, alpha=0.2)
left.set(xlabel="days from the start", ylabel="people home", title="People home (mean, 5% to 95% of replications)")
# Each plan's spread over replications (box: middle half; whiskers: the rest).
right.boxplot([base.replications["makespan_days"], more.replications["makespan_days"]],
              orientation="horizontal", tick_labels=["400 beds", "500 beds"], widths=0.5)
right.set(xlabel="days until everyone is home", title="Days until everyone is home, 200 replications each")
left.legend(loc="lower right")
fig.tight_layout()
fig.savefig(os.path.join(out, "plans.png"), dpi=110)
print(f"wrote {os.path.join(out, 'plans.png')}")
