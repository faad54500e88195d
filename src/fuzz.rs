//! The entry point of the fuzz target (`fuzz/`): any bytes as a scenario file are
//! parsed, validated and, if valid and small, simulated for one replication. It must
//! never panic, hang or lose anyone; a test runs it over every scenario shipped and every
//! malformed one in `tests/bad_scenarios/`.

use crate::model::{Network, World};
use std::sync::Arc;

/// Largest population simulated (bigger valid scenarios are only validated).
const MAX_PEOPLE: u64 = 20_000;
/// Longest horizon simulated, in hours.
const MAX_HORIZON_HOURS: f64 = 90.0 * 24.0;

/// What became of one input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Rejected with located diagnostics.
    Rejected,
    /// Valid; simulated, with everyone accounted for.
    Simulated { events: u64 },
    /// Valid but too big to simulate here.
    Validated,
}

/// Parses, validates and (when small) runs `data`; panics only on a broken invariant
/// (someone lost), which is what a fuzzer should find.
pub fn parse_validate_run(data: &[u8]) -> Verdict {
    let text = String::from_utf8_lossy(data);
    let Ok(loaded) = crate::scenario::parse(&text, "fuzz.toml") else {
        return Verdict::Rejected;
    };
    let mut sc = loaded.scenario;
    if sc.population() > MAX_PEOPLE {
        return Verdict::Validated;
    }
    sc.horizon_hours = sc.horizon_hours.min(MAX_HORIZON_HOURS);
    sc.warmup_hours = sc.warmup_hours.min(sc.horizon_hours / 2.0);
    let net = Arc::new(Network::new(Arc::new(sc)));
    let r = World::new(Arc::clone(&net)).run(0);
    let held: u64 = r.holdings.iter().map(|h| h.people).sum();
    assert_eq!(r.home + r.evaded + held, r.population, "people lost");
    Verdict::Simulated { events: r.events }
}
