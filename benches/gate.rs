//! The speed gate CI runs: ratios measured in the same run, so a noisy or slower
//! machine does not move them, compared with `benches/gate-baseline.json`.
//!
//! - `hold/N/engine-vs-heap`: the engine's hold model (N events pending) against a bare
//!   `BinaryHeap` doing the same work: time per event, engine / heap.
//! - `replication/NAME/vs-heap`: the time per event of a whole replication of a
//!   shipped scenario, against the bare `BinaryHeap`'s time per event (hold model,
//!   1,000 pending): a fixed yardstick the code does not change, so a faster calendar
//!   shows as a smaller ratio rather than as a larger share for the model.
//!
//! All are "smaller is better". Each round measures every ratio once, interleaved; the
//! median over the rounds is compared with the baseline. A ratio worse than the baseline
//! by more than the tolerance (1.5x: only a large drop) is measured again in fresh
//! rounds, and the gate fails only if the drop repeats. The events per replication are
//! deterministic and compared exactly: a change means the model changed (not a failure,
//! but said, so the baseline is renewed on purpose).
//!
//! ```sh
//! cargo bench --bench gate                      # check against the baseline
//! cargo bench --bench gate -- --json FILE       # also write every figure as JSON
//! cargo bench --bench gate -- --write-baseline  # renew benches/gate-baseline.json
//! cargo bench --bench gate -- --baseline FILE   # compare with another baseline
//! ```
//! `--json` writes the layout benchmark-tracking actions read ("customSmallerIsBetter":
//! `[{"name", "unit", "value"}]`), the ratios and the absolute times.

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use repatsim::engine::Simulation;
use repatsim::model::{Network, World};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

const BASELINE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/gate-baseline.json");
const STEPS: usize = 200_000;
const ROUNDS: usize = 7;

/// The stored figures a run is compared with.
#[derive(serde::Serialize, serde::Deserialize)]
struct Baseline {
    /// How much worse than the baseline a ratio may get before the gate fails.
    tolerance: f64,
    /// Smaller-is-better ratios.
    ratios: BTreeMap<String, f64>,
    /// Events of replications 1..=REPS of each scenario, summed.
    events: BTreeMap<String, u64>,
}

fn increments() -> Vec<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(42);
    (0..1 << 20).map(|_| -(1.0 - rng.random::<f64>()).ln()).collect()
}

/// Seconds per event of the hold model through the engine, `n` pending.
fn hold_engine(n: usize, inc: &[f64]) -> f64 {
    let mut sim: Simulation<u64> = Simulation::with_capacity(n);
    for (i, d) in inc.iter().take(n).enumerate() {
        sim.schedule_at(*d, i as u64);
    }
    let t = Instant::now();
    for k in n..n + STEPS {
        let e = sim.next_event(f64::INFINITY).expect("never empty");
        sim.schedule_in(inc[k & (inc.len() - 1)], black_box(e));
    }
    t.elapsed().as_secs_f64() / STEPS as f64
}

/// The same with a bare binary heap of (time bits, sequence, payload).
fn hold_heap(n: usize, inc: &[f64]) -> f64 {
    let mut heap: BinaryHeap<Reverse<(u64, u64, u64)>> = BinaryHeap::with_capacity(n);
    for (i, d) in inc.iter().take(n).enumerate() {
        heap.push(Reverse((d.to_bits(), i as u64, i as u64)));
    }
    let (mut k, mut seq) = (n, n as u64);
    let t = Instant::now();
    for _ in 0..STEPS {
        let Reverse((bits, _, e)) = heap.pop().expect("never empty");
        let now = f64::from_bits(bits);
        heap.push(Reverse(((now + inc[k & (inc.len() - 1)]).to_bits(), seq, black_box(e))));
        seq += 1;
        k += 1;
    }
    t.elapsed().as_secs_f64() / STEPS as f64
}

/// A shipped scenario, how many replications a round runs, and its compiled network.
struct Scenario {
    name: &'static str,
    reps: u64,
    net: Arc<Network>,
}

fn scenarios() -> Vec<Scenario> {
    [("first-wave-2023", 100), ("full-return", 2)]
        .into_iter()
        .map(|(name, reps)| {
            let file = format!("{}/scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
            let sc = repatsim::scenario::load(&file)
                .unwrap_or_else(|e| panic!("{e}"))
                .scenario;
            Scenario {
                name,
                reps,
                net: Arc::new(Network::new(Arc::new(sc))),
            }
        })
        .collect()
}

/// Seconds per event over replications 1..=reps (a reused world, as in a batch), and
/// the events.
fn replication(s: &Scenario) -> (f64, u64) {
    let mut world = World::new(Arc::clone(&s.net));
    let t = Instant::now();
    let events: u64 = (1..=s.reps).map(|r| black_box(world.run(r)).events).sum();
    (t.elapsed().as_secs_f64() / events as f64, events)
}

/// What a round (or the medians of rounds) gives: the ratios, the absolute figures
/// behind them, and the events per scenario.
type Figures = (BTreeMap<String, f64>, BTreeMap<String, f64>, BTreeMap<String, u64>);

/// One round: every ratio once, and the absolute figures behind them.
fn round(inc: &[f64], scenarios: &[Scenario]) -> Figures {
    let (mut ratios, mut absolute, mut events) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    let mut heap_small = 0.0;
    for n in [100usize, 1_000, 100_000] {
        let (e, h) = (hold_engine(n, inc), hold_heap(n, inc));
        if n == 1_000 {
            heap_small = h;
        }
        ratios.insert(format!("hold/{n}/engine-vs-heap"), e / h);
        absolute.insert(format!("hold/{n}/engine ns per event"), e * 1e9);
        absolute.insert(format!("hold/{n}/binary-heap ns per event"), h * 1e9);
    }
    for s in scenarios {
        let (per_event, ev) = replication(s);
        ratios.insert(format!("replication/{}/vs-heap", s.name), per_event / heap_small);
        absolute.insert(format!("replication/{} ns per event", s.name), per_event * 1e9);
        absolute.insert(
            format!("replication/{} us per replication", s.name),
            per_event * 1e6 * ev as f64 / s.reps as f64,
        );
        events.insert(s.name.to_string(), ev);
    }
    (ratios, absolute, events)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// Medians over `ROUNDS` rounds.
fn measure(inc: &[f64], scenarios: &[Scenario]) -> Figures {
    let rounds: Vec<Figures> = (0..ROUNDS).map(|_| round(inc, scenarios)).collect();
    let med = |pick: &dyn Fn(&Figures) -> &BTreeMap<String, f64>| {
        pick(&rounds[0])
            .keys()
            .map(|k| (k.clone(), median(rounds.iter().map(|r| pick(r)[k]).collect())))
            .collect::<BTreeMap<_, _>>()
    };
    (med(&|r| &r.0), med(&|r| &r.1), rounds[0].2.clone())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let inc = increments();
    let scenarios = scenarios();
    if args.iter().any(|a| a == "--test") {
        // `cargo bench -- --test`: run everything once, untimed.
        round(&inc, &scenarios);
        println!("gate: ran once (test mode)");
        return;
    }
    let (ratios, absolute, events) = measure(&inc, &scenarios);
    if let Some(i) = args.iter().position(|a| a == "--json") {
        let path = args.get(i + 1).expect("--json FILE");
        let mut out: Vec<serde_json::Value> = ratios
            .iter()
            .map(|(k, v)| serde_json::json!({"name": k, "unit": "ratio", "value": v}))
            .collect();
        out.extend(absolute.iter().map(|(k, v)| {
            let (name, unit) = k.split_once(' ').unwrap_or((k, ""));
            serde_json::json!({"name": name, "unit": unit, "value": v})
        }));
        std::fs::write(path, serde_json::to_string_pretty(&out).expect("numbers") + "\n").expect("write --json");
    }
    if args.iter().any(|a| a == "--write-baseline") {
        let b = Baseline {
            tolerance: 1.5,
            ratios,
            events,
        };
        std::fs::write(BASELINE, serde_json::to_string_pretty(&b).expect("numbers") + "\n").expect("write baseline");
        println!("gate: wrote {BASELINE}");
        return;
    }
    let file = match args.iter().position(|a| a == "--baseline") {
        Some(i) => args.get(i + 1).expect("--baseline FILE").clone(),
        None => BASELINE.to_string(),
    };
    let baseline: Baseline = serde_json::from_str(&std::fs::read_to_string(&file).expect("read the baseline"))
        .expect("a baseline written by --write-baseline");
    let verdicts = compare(&baseline, &ratios, &absolute);
    for (name, want) in &baseline.events {
        match events.get(name) {
            Some(got) if got != want => println!(
                "gate: note: {name} ran {got} events in replications 1..=N, the baseline {want}: the model changed; renew the baseline (--write-baseline) if that was meant"
            ),
            _ => {}
        }
    }
    let slow: Vec<&String> = verdicts.iter().filter(|(_, ok)| !ok).map(|(k, _)| k).collect();
    if slow.is_empty() {
        println!("gate: pass");
        return;
    }
    // A drop must repeat in fresh rounds before it fails the build.
    println!("gate: {} beyond tolerance; measuring again", slow.len());
    let (again, absolute, _) = measure(&inc, &scenarios);
    let verdicts = compare(&baseline, &again, &absolute);
    let failed: Vec<&String> = verdicts
        .iter()
        .filter(|(k, ok)| !ok && slow.contains(&k))
        .map(|(k, _)| k)
        .collect();
    if failed.is_empty() {
        println!("gate: pass (the drop did not repeat)");
    } else {
        println!(
            "gate: FAIL: a repeatable drop of more than {}x in {failed:?}",
            baseline.tolerance
        );
        std::process::exit(1);
    }
}

/// Prints each ratio against the baseline; true where within tolerance.
fn compare(
    baseline: &Baseline,
    ratios: &BTreeMap<String, f64>,
    absolute: &BTreeMap<String, f64>,
) -> Vec<(String, bool)> {
    println!(
        "{:<40} {:>10} {:>10} {:>8}",
        "ratio (smaller is better)", "now", "baseline", "now/base"
    );
    let mut out = Vec::new();
    for (k, now) in ratios {
        let Some(base) = baseline.ratios.get(k) else {
            println!("{k:<40} {now:>10.3} {:>10} (not in the baseline)", "-");
            continue;
        };
        let ok = *now <= base * baseline.tolerance;
        println!(
            "{k:<40} {now:>10.3} {base:>10.3} {:>8.2}{}",
            now / base,
            if ok { "" } else { "  SLOWER" }
        );
        out.push((k.clone(), ok));
    }
    for (k, v) in absolute {
        println!("  {k}: {v:.1}");
    }
    out
}
