//! The scenario compiled for simulation: every route of every (cohort, category)
//! flattened into one array of steps, so a person's whole position is one index and
//! moving on is `+ 1`; plus the static facts every replication shares.

use crate::engine::StreamKey;
use crate::scenario::{Admission, ChangeWhat, Closable, Scenario, SiteKind, Stage};
use std::sync::Arc;

/// One step of a flattened route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Step {
    /// Waiting at the cohort's origin site.
    Origin(u16),
    /// Staying at a site (assembly, transit, quarantine).
    Site(u16),
    /// On (or waiting for) a leg.
    Leg(u16),
    /// At a checkpoint.
    Checkpoint(u16),
    /// Arrived home (a site of kind home).
    Home(u16),
}

/// A route as followed by one category of one cohort.
#[derive(Clone, Debug)]
pub struct Variant {
    pub cohort: u16,
    pub category: u16,
    /// Index in `steps` of its origin step.
    pub first_step: u32,
    /// Dense priority level: 0 is served first.
    pub level: usize,
    /// Evasion hazard per hour (cohort hazard times category multiplier).
    pub evasion_per_hour: f64,
    /// People of this cohort in this category.
    pub size: u32,
}

/// Random-stream keys of one replication's stochastic elements.
#[derive(Clone, Debug)]
pub struct StreamKeys {
    pub site_stay: Vec<StreamKey>,
    pub site_test: Vec<StreamKey>,
    pub leg_travel: Vec<StreamKey>,
    pub leg_return: Vec<StreamKey>,
    pub leg_cancel: Vec<StreamKey>,
    pub leg_breakdown: Vec<StreamKey>,
    pub checkpoint_service: Vec<StreamKey>,
    pub checkpoint_patience: Vec<StreamKey>,
    pub checkpoint_retry: Vec<StreamKey>,
    pub cohort_arrival: Vec<StreamKey>,
    pub cohort_evasion: Vec<StreamKey>,
    pub cohort_branch: Vec<StreamKey>,
    pub outbreak: Vec<StreamKey>,
}

/// A scenario ready to be replicated: immutable, shared by every replication and thread.
#[derive(Clone, Debug)]
pub struct Network {
    pub scenario: Arc<Scenario>,
    /// Every variant's route, `[Origin, ..., Home]`, one after another.
    pub steps: Vec<Step>,
    /// Which variant each step belongs to.
    pub step_variant: Vec<u16>,
    pub variants: Vec<Variant>,
    /// Index of each cohort's first person; people of cohort c are
    /// `cohort_first_person[c] .. cohort_first_person[c] + size`.
    pub cohort_first_person: Vec<u32>,
    /// The variant of every person (the route without branches, for a branching one).
    pub person_variant: Vec<u16>,
    /// Per variant, its branch alternatives when its route branches: (cumulative
    /// probability, variant), the last at 1; empty otherwise. A person is given one as
    /// they are released, by a draw of their own.
    pub branch_alternatives: Vec<Vec<(f64, u16)>>,
    /// Per wave, how many people it notifies (fewer than asked when its cohort runs out).
    pub wave_sizes: Vec<u32>,
    /// People who will ever be released or notified: the run is finished when all of
    /// them are home or have evaded.
    pub target: u32,
    /// Total number of people.
    pub population: u32,
    /// Number of priority levels.
    pub levels: usize,
    /// Per leg with `admission = "reserve"`, the site whose beds it reserves.
    pub reserve_target: Vec<Option<u16>>,
    /// Per site, the legs that reserve its beds.
    pub reserving_legs: Vec<Vec<u16>>,
    /// Per leg, its feeder legs: those that reserve seats on it (`reserve_seats_on`).
    pub feeders: Vec<Vec<u16>>,
    /// Per leg, the largest fleet it ever has (its file value or a `[[change]]`).
    pub most_vehicles: Vec<u32>,
    /// Per site, true if people can stay there (a route stage or an isolation site).
    pub site_used: Vec<bool>,
    /// Per leg and per checkpoint, the fixed closed windows (closures and holidays).
    pub leg_closed: Vec<Vec<(f64, f64)>>,
    pub checkpoint_closed: Vec<Vec<(f64, f64)>>,
    /// True if any cohort can evade.
    pub evasion: bool,
    /// Per checkpoint, the units each service takes from pools (one of its staff pool,
    /// or none): the same shape as a leg's `needs`.
    pub staff_needs: Vec<Vec<crate::scenario::Need>>,
    pub keys: StreamKeys,
}

fn keys(kind: &str, names: impl Iterator<Item = impl AsRef<str>>, purpose: &str) -> Vec<StreamKey> {
    names.map(|n| StreamKey::new(kind, n.as_ref(), purpose)).collect()
}

/// Every (cohort, category) route flattened: the steps, their variants, and each
/// person's variant.
struct Routes {
    steps: Vec<Step>,
    step_variant: Vec<u16>,
    variants: Vec<Variant>,
    cohort_first_person: Vec<u32>,
    person_variant: Vec<u16>,
    branch_alternatives: Vec<Vec<(f64, u16)>>,
    population: u32,
    target: u32,
    levels: usize,
}

impl Routes {
    fn of(sc: &Scenario) -> Self {
        // Dense priority levels.
        let mut priorities: Vec<u32> = sc.categories.iter().map(|c| c.priority).collect();
        priorities.sort_unstable();
        priorities.dedup();
        let level_of = |p: u32| priorities.iter().position(|&x| x == p).unwrap_or(0);
        let mut r = Routes {
            steps: Vec::new(),
            step_variant: Vec::new(),
            variants: Vec::new(),
            cohort_first_person: Vec::new(),
            person_variant: Vec::new(),
            branch_alternatives: Vec::new(),
            population: 0,
            target: 0,
            levels: priorities.len().max(1),
        };
        for (c, cohort) in sc.cohorts.iter().enumerate() {
            r.cohort_first_person.push(r.population);
            // One variant per category present in the mix, and per branch alternative of
            // its route (the first, without branches, is the one people start with).
            let mut base = Vec::with_capacity(cohort.mix.len());
            for &(cat, size) in &cohort.mix {
                let category = &sc.categories[cat.0 as usize];
                let routes = cohort.routes_of(cat);
                let first = r.variants.len();
                base.push(first as u16);
                let mut cumulative = 0.0;
                let mut alternatives = Vec::new();
                for (a, (p, route)) in routes.iter().enumerate() {
                    r.variants.push(Variant {
                        cohort: c as u16,
                        category: cat.0,
                        first_step: r.steps.len() as u32,
                        level: level_of(category.priority),
                        evasion_per_hour: cohort.evasion_per_hour * category.evasion_multiplier,
                        size,
                    });
                    r.branch_alternatives.push(Vec::new());
                    r.steps.push(Step::Origin(cohort.origin.0));
                    for stage in *route {
                        r.steps.push(match *stage {
                            Stage::Site(s) if sc.sites[s.0 as usize].kind == SiteKind::Home => Step::Home(s.0),
                            Stage::Site(s) => Step::Site(s.0),
                            Stage::Leg(l) => Step::Leg(l.0),
                            Stage::Checkpoint(k) => Step::Checkpoint(k.0),
                        });
                    }
                    r.step_variant.resize(r.steps.len(), (r.variants.len() - 1) as u16);
                    cumulative += p;
                    let last = a + 1 == routes.len();
                    alternatives.push((if last { 1.0 } else { cumulative }, (first + a) as u16));
                }
                if routes.len() > 1 {
                    r.branch_alternatives[first] = alternatives;
                }
            }
            interleave(cohort, &base, &mut r.person_variant);
            r.population += cohort.size;
            r.target += sc.people_who_set_out(c) as u32;
        }
        r
    }
}

/// Categories interleaved evenly through a cohort (smooth weighted round robin), with
/// exactly the apportioned counts: appends each member's variant.
fn interleave(cohort: &crate::scenario::Cohort, base: &[u16], person_variant: &mut Vec<u16>) {
    let counts: Vec<i64> = cohort.mix.iter().map(|&(_, n)| i64::from(n)).collect();
    if counts.len() == 1 {
        person_variant.resize(person_variant.len() + cohort.size as usize, base[0]);
        return;
    }
    let mut current = vec![0i64; counts.len()];
    let total = i64::from(cohort.size);
    for _ in 0..cohort.size {
        for (cur, n) in current.iter_mut().zip(&counts) {
            *cur += n;
        }
        let best = (0..counts.len())
            .max_by_key(|&j| (current[j], std::cmp::Reverse(j)))
            .unwrap_or(0);
        current[best] -= total;
        person_variant.push(base[best]);
    }
}

/// Per wave, how many people it notifies (fewer than asked when its cohort runs out).
fn wave_sizes(sc: &Scenario) -> Vec<u32> {
    let mut sizes = Vec::new();
    let mut notified = vec![0u32; sc.cohorts.len()];
    for w in &sc.waves {
        let c = w.cohort.0 as usize;
        let n = w.notify.min(sc.cohorts[c].size - notified[c]);
        notified[c] += n;
        sizes.push(n);
    }
    sizes
}

/// Per leg with `admission = "reserve"`, the one bed-limited site after it.
fn reserve_targets(sc: &Scenario, steps: &[Step]) -> Vec<Option<u16>> {
    let mut reserve_target = vec![None; sc.legs.len()];
    for (i, leg) in sc.legs.iter().enumerate() {
        if leg.admission != Admission::Reserve {
            continue;
        }
        for (k, st) in steps.iter().enumerate() {
            if *st != Step::Leg(i as u16) {
                continue;
            }
            // The first bed-limited site ahead, past checkpoints, further legs and
            // places without a bed limit: the reservation covers the whole way there.
            let after = steps[k + 1..].iter().find(|s| match s {
                Step::Site(x) => sc.sites[*x as usize].beds.is_some(),
                Step::Home(_) => true,
                _ => false,
            });
            if let Some(Step::Site(s)) = after {
                reserve_target[i] = Some(*s);
            }
        }
    }
    reserve_target
}

/// Per site, true if people can stay there (a route stage or an isolation site).
fn sites_used(sc: &Scenario, steps: &[Step]) -> Vec<bool> {
    let mut site_used: Vec<bool> = (0..sc.sites.len())
        .map(|s| steps.contains(&Step::Site(s as u16)))
        .collect();
    for (s, site) in sc.sites.iter().enumerate() {
        if let Some(t) = &site.testing
            && let crate::scenario::OnPositive::Isolate(iso) = t.on_positive
            && site_used[s]
        {
            site_used[iso.0 as usize] = true;
        }
    }
    site_used
}

/// Closed windows, `(from, to)` in simulated hours, per element.
type Windows = Vec<Vec<(f64, f64)>>;

/// The fixed closed windows (closures and holidays) of every leg and checkpoint.
fn closed_windows(sc: &Scenario) -> (Windows, Windows) {
    let mut leg_closed = vec![Vec::new(); sc.legs.len()];
    let mut checkpoint_closed: Vec<Vec<(f64, f64)>> = sc.checkpoints.iter().map(|k| k.closed.clone()).collect();
    for c in &sc.closures {
        for a in &c.applies_to {
            match a {
                Closable::Leg(l) => leg_closed[l.0 as usize].push((c.from_hours, c.to_hours)),
                Closable::Checkpoint(k) => checkpoint_closed[k.0 as usize].push((c.from_hours, c.to_hours)),
            }
        }
    }
    let merge = |v: Windows| v.into_iter().map(crate::scenario::validate::merge_windows).collect();
    (merge(leg_closed), merge(checkpoint_closed))
}

impl StreamKeys {
    /// The keys of every stochastic element, by kind, name and purpose.
    fn of(sc: &Scenario) -> Self {
        let site_names = || sc.sites.iter().map(|s| &s.name);
        let leg_names = || sc.legs.iter().map(|s| &s.name);
        let cohort_names = || sc.cohorts.iter().map(|s| &s.name);
        StreamKeys {
            site_stay: keys("site", site_names(), "stay"),
            site_test: keys("site", site_names(), "test"),
            leg_travel: keys("leg", leg_names(), "travel"),
            leg_return: keys("leg", leg_names(), "return"),
            leg_cancel: keys("leg", leg_names(), "cancel"),
            leg_breakdown: keys("leg", leg_names(), "breakdown"),
            checkpoint_service: keys("checkpoint", sc.checkpoints.iter().map(|k| &k.name), "service"),
            checkpoint_patience: keys("checkpoint", sc.checkpoints.iter().map(|k| &k.name), "patience"),
            checkpoint_retry: keys("checkpoint", sc.checkpoints.iter().map(|k| &k.name), "retry"),
            cohort_arrival: keys("cohort", cohort_names(), "arrival"),
            cohort_evasion: keys("cohort", cohort_names(), "evasion"),
            cohort_branch: keys("cohort", cohort_names(), "branch"),
            outbreak: keys("outbreak", sc.outbreaks.iter().map(|o| &o.name), "windows"),
        }
    }
}

impl Network {
    /// Compiles a validated scenario.
    pub fn new(scenario: Arc<Scenario>) -> Self {
        let sc = &scenario;
        let r = Routes::of(sc);
        let reserve_target = reserve_targets(sc, &r.steps);
        let mut reserving_legs = vec![Vec::new(); sc.sites.len()];
        for (l, t) in reserve_target.iter().enumerate() {
            if let Some(s) = t {
                reserving_legs[*s as usize].push(l as u16);
            }
        }
        let mut feeders = vec![Vec::new(); sc.legs.len()];
        for (l, leg) in sc.legs.iter().enumerate() {
            if let Some(t) = leg.reserve_seats_on {
                feeders[t.0 as usize].push(l as u16);
            }
        }
        let mut most_vehicles: Vec<u32> = sc.legs.iter().map(|l| l.vehicles).collect();
        for c in &sc.changes {
            if let ChangeWhat::Vehicles { leg, vehicles } = c.what {
                most_vehicles[leg.0 as usize] = most_vehicles[leg.0 as usize].max(vehicles);
            }
        }
        let site_used = sites_used(sc, &r.steps);
        let (leg_closed, checkpoint_closed) = closed_windows(sc);
        let evasion = r.variants.iter().any(|v| v.evasion_per_hour > 0.0);
        Self {
            wave_sizes: wave_sizes(sc),
            keys: StreamKeys::of(sc),
            steps: r.steps,
            step_variant: r.step_variant,
            variants: r.variants,
            cohort_first_person: r.cohort_first_person,
            person_variant: r.person_variant,
            branch_alternatives: r.branch_alternatives,
            target: r.target,
            population: r.population,
            levels: r.levels,
            reserve_target,
            reserving_legs,
            feeders,
            most_vehicles,
            site_used,
            leg_closed,
            checkpoint_closed,
            evasion,
            staff_needs: sc
                .checkpoints
                .iter()
                .map(|k| {
                    k.staff_from
                        .map(|pool| crate::scenario::Need {
                            pool,
                            units: 1,
                            outbound_only: false,
                        })
                        .into_iter()
                        .collect()
                })
                .collect(),
            scenario,
        }
    }

    /// The units stage `c` takes from pools for one departure (a leg) or one service
    /// (a checkpoint).
    pub fn needs_of(&self, c: super::state::Claimant) -> &[crate::scenario::Need] {
        match c {
            super::state::Claimant::Leg(l) => &self.scenario.legs[l as usize].needs,
            super::state::Claimant::Checkpoint(k) => &self.staff_needs[k as usize],
        }
    }

    /// The first trunk leg (one with feeders) ahead of step `pos` on its route: where a
    /// seat promised on a feeder is taken up.
    pub fn trunk_ahead(&self, pos: u32) -> Option<u16> {
        self.steps[pos as usize + 1..].iter().find_map(|s| match *s {
            Step::Leg(l) if !self.feeders[l as usize].is_empty() => Some(Some(l)),
            Step::Home(_) => Some(None),
            _ => None,
        })?
    }

    /// The first bed-limited site ahead of step `pos` on its route (where a reservation
    /// made on the way there is kept), if any.
    pub fn bed_site_ahead(&self, pos: u32) -> Option<u16> {
        self.steps[pos as usize + 1..].iter().find_map(|s| match *s {
            Step::Site(x) if self.scenario.sites[x as usize].beds.is_some() => Some(Some(x)),
            Step::Home(_) => Some(None),
            _ => None,
        })?
    }

    /// True if people off leg or checkpoint `step` may wait there for a bed at the next
    /// site (its holding): on some route the next site limits its beds and the people
    /// reach it without a bed reserved on the way (a leg that reserves beds ahead, with
    /// no bed-limited site between, gets them in without waiting).
    pub fn holds_for_beds(&self, step: Step) -> bool {
        let sc = &self.scenario;
        let limited = |s: &Step| matches!(*s, Step::Site(x) if sc.sites[x as usize].beds.is_some());
        (0..self.steps.len().saturating_sub(1)).any(|k| {
            if self.steps[k] != step || !limited(&self.steps[k + 1]) {
                return false;
            }
            let reserved = self.steps[..=k]
                .iter()
                .rev()
                .take_while(|s| !matches!(s, Step::Origin(_)) && !limited(s))
                .any(|s| matches!(*s, Step::Leg(l) if sc.legs[l as usize].admission == Admission::Reserve));
            !reserved
        })
    }

    /// When people may slip away, in words that claim no more than the routes allow:
    /// "before pickup" if every route of people who may boards an escorted leg first
    /// (from then on they cannot); otherwise when they can, not where they did.
    pub fn evasion_window(&self) -> &'static str {
        let mut words = "before pickup";
        for v in self.variants.iter().filter(|v| v.evasion_per_hour > 0.0) {
            let route = self.steps[v.first_step as usize + 1..]
                .iter()
                .take_while(|s| !matches!(s, Step::Origin(_)));
            let mut legs = route.filter_map(|s| match *s {
                Step::Leg(l) => Some(self.scenario.legs[l as usize].escorted),
                _ => None,
            });
            match legs.next() {
                Some(true) => {}
                _ if !legs.any(|escorted| escorted) => {
                    return "(they can until they are home: some route has no escorted leg)";
                }
                _ => words = "(they can until they board an escorted leg)",
            }
        }
        words
    }

    /// The cohort a step belongs to.
    #[inline]
    pub fn step_cohort(&self, pos: u32) -> usize {
        self.variants[self.step_variant[pos as usize] as usize].cohort as usize
    }

    /// The variant a step belongs to.
    #[inline]
    pub fn variant_of(&self, pos: u32) -> &Variant {
        &self.variants[self.step_variant[pos as usize] as usize]
    }

    /// The name of the place a step refers to.
    pub fn step_name(&self, step: Step) -> &str {
        let sc = &self.scenario;
        match step {
            Step::Origin(s) | Step::Site(s) | Step::Home(s) => &sc.sites[s as usize].name,
            Step::Leg(l) => &sc.legs[l as usize].name,
            Step::Checkpoint(k) => &sc.checkpoints[k as usize].name,
        }
    }
}
