//! From the file as written ([`RawFile`]) to a checked [`Scenario`]: every name
//! resolved, every number in range, every route able to reach home.
//!
//! The checking order, one file per table:
//! 1. [`header`]: `[scenario]` (start, horizon, seed...), which the dated fields need;
//! 2. [`names`]: the shared name space of sites, legs and checkpoints;
//! 3. [`sites`]: categories, then sites;
//! 4. [`pools`], then [`legs`] and [`checkpoints`], which refer to sites and pools;
//! 5. [`cohorts`] with their [`routes`] and [`arrivals`], which refer to all of them;
//! 6. [`waves`], [`disruptions`] (closures, outbreaks), [`changes`] (capacities
//!    that change on dates), [`targets`] (what `repatsim check` checks) and
//!    [`uncertain`] inputs (their ranges are tried whole in `scenario::uncertain`);
//! 7. [`feasibility`]: plans that cannot work, on the assembled scenario, and
//!    [`finish`]: plans that can never finish (never open, never departing, journeys
//!    longer than the horizon, isolation nowhere).
//!
//! Every problem is collected by the [`checker::Checker`] with its field and span; a
//! scenario is produced only if none was found.

pub mod arrivals;
pub mod changes;
pub mod checker;
pub mod checkpoints;
pub mod cohorts;
pub mod disruptions;
pub mod feasibility;
pub mod finish;
pub mod header;
pub mod legs;
pub mod names;
pub mod pools;
pub mod routes;
pub mod sites;
pub mod targets;
pub mod uncertain;
pub mod waves;

pub use checker::{MAX_COUNT, MAX_HORIZON_DAYS, merge_windows};

use super::error::Diagnostic;
use super::raw::RawFile;
use super::types::*;
use checker::{Checker, to_u16_len};
use cohorts::CohortContext;
use names::{CategoryNames, Names};

/// Checks `raw` (parsed from `text`, named `file`) and builds the scenario, or returns
/// every problem found. Warnings (legal but likely unintended) come back with the
/// scenario.
pub fn validate(raw: RawFile, file: &str, text: &str) -> Result<(Scenario, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut ck = Checker::default();
    let header = header::check(&mut ck, &raw);
    to_u16_len(&mut ck, "site", raw.site.len(), None);
    to_u16_len(&mut ck, "leg", raw.leg.len(), None);
    to_u16_len(&mut ck, "checkpoint", raw.checkpoint.len(), None);
    to_u16_len(&mut ck, "cohort", raw.cohort.len(), None);
    // One category index is kept for the implicit category `all`.
    if raw.category.len() >= u16::MAX as usize {
        ck.error(
            "category",
            raw.category.last().map(|c| c.span()),
            format!("too many categories ({}); at most {}", raw.category.len(), u16::MAX - 1),
            None,
        );
    }
    let names = Names::register(&mut ck, &raw, text);
    let mut categories = sites::check_categories(&mut ck, &raw);
    let category_names = CategoryNames(categories.iter().map(|c| c.name.clone()).collect());
    let sites = sites::check_sites(&mut ck, &raw, &names);
    let pools = pools::check_pools(&mut ck, &raw, &header);
    let pool_names = pools::Pools::new(&pools, &raw);
    let legs = legs::check_legs(&mut ck, &raw, &names, &sites, &header, &pool_names);
    let checkpoints = checkpoints::check_checkpoints(&mut ck, &raw, &names, &header, &legs, &pool_names);
    let cx = CohortContext {
        raw: &raw,
        text,
        names: &names,
        sites: &sites,
        categories: &category_names,
        header: &header,
    };
    let mut cohorts = cohorts::check_cohorts(&mut ck, &cx, &mut categories);
    let waves = waves::check_waves(&mut ck, &raw, &mut cohorts, header.horizon_days);
    // Waves are indexed by 16 bits in the event calendar: refuse, never wrap.
    to_u16_len(&mut ck, "wave", waves.len(), raw.wave.last().map(|w| w.span()));
    let (closures, outbreaks) = disruptions::check_disruptions(&mut ck, &raw, &names, &header);
    let changes = changes::check_changes(&mut ck, &raw, &names, &header, &sites, &legs, &checkpoints, &pool_names);
    let targets = targets::check_targets(&mut ck, &raw);
    let uncertain = uncertain::check_uncertain(&mut ck, &raw, text);

    if !ck.errors.is_empty() {
        return Err(ck.take_errors());
    }
    let h = raw.scenario.get_ref();
    let scenario = Scenario {
        name: h.name.get_ref().clone(),
        description: h.description.trim().to_string(),
        file: file.to_string(),
        source_text: text.to_string(),
        start: header.start_dt,
        start_week_hours: header.start_week,
        horizon_hours: header.horizon_days.unwrap_or(1.0) * 24.0,
        seed: header.seed,
        replications: header.replications,
        warmup_hours: header.warmup_hours,
        sites,
        legs,
        checkpoints,
        cohorts,
        categories,
        waves,
        closures,
        outbreaks,
        changes,
        currency: h.currency.clone().unwrap_or_default(),
        target_days: header.target_days,
        targets,
        uncertain,
        pools,
    };
    feasibility::warn_unfillable_vehicles(&mut ck, &scenario, &raw);
    feasibility::check_reservations(&mut ck, &scenario, &raw);
    feasibility::check_seat_reservations(&mut ck, &scenario, &raw);
    finish::check_checkpoints_open(&mut ck, &scenario, &raw);
    finish::check_departures_run(&mut ck, &scenario, &raw);
    finish::check_legs_open(&mut ck, &scenario, &raw);
    finish::check_journeys_fit(&mut ck, &scenario, &raw);
    finish::check_isolation_sites(&mut ck, &scenario, &raw);
    pools::check_pools_usable(&mut ck, &scenario, &raw);
    if !ck.errors.is_empty() {
        return Err(ck.take_errors());
    }
    Ok((scenario, ck.warnings))
}
