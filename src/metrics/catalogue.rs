//! The catalogue of a scenario's metrics and time series: for each, the column name,
//! a human label, the unit, the kind, which way is better, whether it is a headline
//! figure, and a one-line description. Built once per scenario from the keys the model
//! emits; every output reads it.

use super::key::{Better, Kind, MetricKey, Place, Scope, SeriesKey, Stat, TimeUse, Unit};
use crate::scenario::Scenario;
use crate::stats::Support;
use std::collections::HashMap;

/// Everything an output needs to know about one metric.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricInfo {
    pub key: MetricKey,
    /// The column name in `replications.csv` and the key in `summary.json`,
    /// e.g. `site.sinuiju-quarantine.peak_occupancy`.
    pub id: String,
    /// For people, e.g. "Peak occupancy, Sinuiju quarantine".
    pub label: String,
    pub unit: Unit,
    pub kind: Kind,
    pub better: Better,
    /// Shown in the report's main table and the compare summary.
    pub headline: bool,
    /// One sentence saying what is counted or timed.
    pub description: String,
}

/// Everything an output needs to know about one time series.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesInfo {
    pub key: SeriesKey,
    /// The `series` column of `timeseries.csv`, e.g. `site.dandong-hotel.occupancy`.
    pub id: String,
    pub label: String,
    pub unit: Unit,
    pub kind: Kind,
    pub better: Better,
    pub description: String,
}

/// The metrics of one scenario, in the order the model emits them.
#[derive(Clone, Debug, Default)]
pub struct Catalogue {
    metrics: Vec<MetricInfo>,
    by_key: HashMap<MetricKey, usize>,
    by_id: HashMap<String, usize>,
}

impl PartialEq for Catalogue {
    fn eq(&self, other: &Self) -> bool {
        self.metrics == other.metrics
    }
}

impl Catalogue {
    /// The catalogue of `keys` (in emission order) for scenario `sc`.
    pub fn new(sc: &Scenario, keys: &[MetricKey]) -> Self {
        let metrics: Vec<MetricInfo> = keys.iter().map(|&k| MetricInfo::of(sc, k)).collect();
        let by_key = metrics.iter().enumerate().map(|(i, m)| (m.key, i)).collect();
        let by_id = metrics.iter().enumerate().map(|(i, m)| (m.id.clone(), i)).collect();
        Self { metrics, by_key, by_id }
    }

    /// Number of metrics.
    pub fn len(&self) -> usize {
        self.metrics.len()
    }

    /// True if there are none.
    pub fn is_empty(&self) -> bool {
        self.metrics.is_empty()
    }

    /// Every metric, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, MetricInfo> {
        self.metrics.iter()
    }

    /// The metric at column `i`.
    pub fn get(&self, i: usize) -> &MetricInfo {
        &self.metrics[i]
    }

    /// The column of a metric, if the scenario has it.
    pub fn index(&self, key: MetricKey) -> Option<usize> {
        self.by_key.get(&key).copied()
    }

    /// The column of a metric given by its id (as users type it), if any.
    pub fn index_of_id(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The metric given by its id, if any.
    pub fn by_id(&self, id: &str) -> Option<&MetricInfo> {
        self.index_of_id(id).map(|i| &self.metrics[i])
    }

    /// The id nearest to a misspelt one, for "did you mean".
    pub fn suggest(&self, id: &str) -> Option<&str> {
        crate::scenario::error::did_you_mean(id, self.metrics.iter().map(|m| m.id.as_str()))
    }

    /// The column ids, in order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.metrics.iter().map(|m| m.id.as_str())
    }
}

/// A name as people read it: `sinuiju-quarantine` -> "Sinuiju quarantine".
pub fn humanize(name: &str) -> String {
    let spaced = name.replace(['-', '_'], " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The name of the element a scope refers to, as written in the scenario.
pub(crate) fn element_name(sc: &Scenario, scope: Scope) -> &str {
    match scope {
        Scope::Overall | Scope::Cost => "",
        Scope::Cohort(c) => &sc.cohorts[c as usize].name,
        Scope::Category(g) => &sc.categories[g as usize].name,
        Scope::Site(s) | Scope::InStage(Place::Site(s)) => &sc.sites[s as usize].name,
        Scope::Leg(l) | Scope::InStage(Place::Leg(l)) => &sc.legs[l as usize].name,
        Scope::Checkpoint(k) | Scope::InStage(Place::Checkpoint(k)) => &sc.checkpoints[k as usize].name,
        Scope::Input(i) => &sc.uncertain[i as usize].path,
        Scope::Pool(p) => &sc.pools[p as usize].name,
    }
}

/// The column slug of a statistic.
fn slug(sc: &Scenario, stat: Stat) -> String {
    let s = match stat {
        Stat::MakespanDays => "makespan_days",
        Stat::AllHome => "all_home",
        Stat::Stalled => "stalled",
        Stat::Home => "home",
        Stat::Evaded => "evaded",
        Stat::NotHome => "not_home",
        Stat::NotNotified => "not_notified",
        Stat::Events => "events",
        Stat::Total => "total",
        Stat::PerPersonHome => "per_person_home",
        Stat::EvadedOf(g) => return format!("evaded.{}", sc.categories[g as usize].name),
        Stat::MeanDoorToDoorDays => "mean_door_to_door_days",
        Stat::P50DoorToDoorDays => "p50_door_to_door_days",
        Stat::P90DoorToDoorDays => "p90_door_to_door_days",
        Stat::MaxDoorToDoorDays => "max_door_to_door_days",
        Stat::Approved => "approved",
        Stat::MeanApprovalWaitHours => "mean_approval_wait_hours",
        Stat::WaitingPersonHours => "waiting_person_hours",
        Stat::MeanHours(u) => return format!("mean_hours_{}", u.as_str()),
        Stat::PeakOccupancy => "peak_occupancy",
        Stat::MeanOccupancy => "mean_occupancy",
        Stat::BedUtilization => "bed_utilization",
        Stat::FullShare => "full_share",
        Stat::Admitted => "admitted",
        Stat::MeanStayHours => "mean_stay_hours",
        Stat::MeanBedWaitHours => "mean_bed_wait_hours",
        Stat::MaxBedWaitHours => "max_bed_wait_hours",
        Stat::PeakBedQueue => "peak_bed_queue",
        Stat::TestedPositive => "tested_positive",
        Stat::Cost => "cost",
        Stat::Served => "served",
        Stat::MeanWaitHours => "mean_wait_hours",
        Stat::MaxWaitHours => "max_wait_hours",
        Stat::PWait => "p_wait",
        Stat::MeanQueue => "mean_queue",
        Stat::PeakQueue => "peak_queue",
        Stat::Utilization => "utilization",
        Stat::MeanServiceMinutes => "mean_service_minutes",
        Stat::PeakHolding => "peak_holding",
        Stat::MeanHolding => "mean_holding",
        Stat::Trips => "trips",
        Stat::Passengers => "passengers",
        Stat::SeatUtilization => "seat_utilization",
        Stat::MeanTravelHours => "mean_travel_hours",
        Stat::MissedDepartures => "missed_departures",
        Stat::MissedCheckins => "missed_checkins",
        Stat::GaveUp => "gave_up",
        Stat::Balked => "balked",
        Stat::TurnedAway => "turned_away",
        Stat::CancelledDepartures => "cancelled_departures",
        Stat::DeparturesLostToClosures => "departures_lost_to_closures",
        Stat::Breakdowns => "breakdowns",
        Stat::PeakInUse => "peak_in_use",
        Stat::HeldHours => "held_hours",
        Stat::PoolWaitPersonHours => "waiting_for_pools_person_hours",
        Stat::BedHoldPersonHours => "waiting_for_beds_person_hours",
        Stat::People => "people",
        Stat::Drawn => "drawn",
    };
    s.to_string()
}

impl MetricKey {
    /// The column name: `scope.element.statistic`, `cost.statistic`, or the bare
    /// statistic for the whole return.
    pub fn id(&self, sc: &Scenario) -> String {
        let stat = slug(sc, self.stat);
        let element = element_name(sc, self.scope);
        match self.scope {
            Scope::Overall => stat,
            Scope::Cost => format!("cost.{stat}"),
            Scope::Cohort(_) => format!("cohort.{element}.{stat}"),
            Scope::Category(_) => format!("category.{element}.{stat}"),
            Scope::Site(_) => format!("site.{element}.{stat}"),
            Scope::Leg(_) => format!("leg.{element}.{stat}"),
            Scope::Checkpoint(_) => format!("checkpoint.{element}.{stat}"),
            Scope::InStage(_) => format!("in_stage.{element}.{stat}"),
            Scope::Input(_) => format!("input.{element}"),
            Scope::Pool(_) => format!("pool.{element}.{stat}"),
        }
    }
}

/// The fixed properties of a statistic: its label, unit, kind, better direction and
/// whether it is a headline figure.
struct Props {
    label: &'static str,
    unit: Unit,
    kind: Kind,
    better: Better,
    headline: bool,
    /// What is measured; `{}` stands for the element.
    what: &'static str,
}

const fn props(
    label: &'static str,
    unit: Unit,
    kind: Kind,
    better: Better,
    headline: bool,
    what: &'static str,
) -> Props {
    Props {
        label,
        unit,
        kind,
        better,
        headline,
        what,
    }
}

/// The properties of each statistic, one line per statistic (kept as a table).
#[rustfmt::skip]
fn stat_props(key: MetricKey) -> Props {
    use Better::*;
    use Kind::{Count, Duration, Fraction as Share, Level, Money};
    use Unit::*;
    let leg = matches!(key.scope, Scope::Leg(_));
    let pool = matches!(key.scope, Scope::Pool(_));
    let overall = key.scope == Scope::Overall;
    match key.stat {
        Stat::MakespanDays => props("Days until everyone is home", Days, Duration, Lower, true, "Time from the start until every journey had ended: the last person released or notified reached home, slipped away or was turned away (only in replications where every journey ended)."),
        Stat::AllHome => props("Everyone home within the horizon", Fraction, Share, Higher, true, "1 if everyone released or notified got home (or evaded, or was turned away) within the horizon, else 0; its mean is the share of replications."),
        Stat::Stalled => props("Stalled", Fraction, Share, Lower, true, "1 if the run stopped because nothing more could move anyone, else 0."),
        Stat::Home => props("People home", People, Count, Higher, overall, "People home at the end{}."),
        Stat::Evaded => props("People who slipped away", People, Count, Lower, true, "People who slipped away{} (from notice until they boarded an escorted leg)."),
        Stat::NotHome => props("People not yet home", People, Count, Lower, overall, "People not home, evaded or turned away at the end{}: on their way, or never released or notified (not_notified counts those of cohorts with waves among them)."),
        Stat::NotNotified => props("People never notified", People, Count, Lower, true, "People of cohorts with waves who were never notified."),
        Stat::Events => props("Events processed", Events, Count, Neither, true, "Simulation events handled in the replication."),
        Stat::Total => props("Total cost", Currency, Money, Lower, true, "Sum of the costs of sites (bed-nights), legs (trips and seats), checkpoints (open hours) and pools (units on duty)."),
        Stat::PerPersonHome => props("Cost per person home", Currency, Money, Lower, true, "Total cost divided by the people home (with a warm-up, both counted after it)."),
        Stat::EvadedOf(_) => props("Slipped away", People, Count, Lower, false, "People of this category who slipped away{} (from notice until they boarded an escorted leg)."),
        Stat::MeanDoorToDoorDays => props("Mean door-to-door time", Days, Duration, Lower, true, "Mean time from release or notice to arrival home, over people home{}."),
        Stat::P50DoorToDoorDays => props("Median door-to-door time", Days, Duration, Lower, false, "Median time from release or notice to arrival home, over people home{}."),
        Stat::P90DoorToDoorDays => props("90th percentile of door-to-door time", Days, Duration, Lower, true, "Door-to-door time that 90% of the people home{} stay within."),
        Stat::MaxDoorToDoorDays => props("Longest door-to-door time", Days, Duration, Lower, false, "Longest time from release or notice to arrival home{}."),
        Stat::Approved => props("People approved to leave", People, Count, Neither, false, "People who passed the approval quota of{}."),
        Stat::MeanApprovalWaitHours => props("Mean wait for approval", Hours, Duration, Lower, false, "Mean wait for approval to leave the origin (zero for those approved at once){}."),
        Stat::WaitingPersonHours if pool => props("Person-hours held for units", PersonHours, Duration, Lower, true, "Time people spent waiting at legs and checkpoints while their departures or services were held for units of{} (off duty, all in use, or another stage first in line), summed over people, with waits still under way at the end; at a timetabled leg, the people a departure time left behind for want of units (as many as the vehicles held back could have taken), until the next."),
        Stat::WaitingPersonHours if matches!(key.scope, Scope::Site(_)) => props("Person-hours waiting for a bed once ready to enter", PersonHours, Duration, Lower, false, "Time people spent waiting for a bed at{} once ready to enter it (their previous stage done; a wait to board a leg that reserves these beds is the leg's), summed over people, with waits still under way at the end (after any warm-up: from its end)."),
        Stat::WaitingPersonHours => props("Person-hours of waiting", PersonHours, Duration, Lower, false, match key.scope { Scope::Site(_) => "Time people spent waiting for a bed at{}, summed over people, with waits still under way at the end (after any warm-up: from its end).", Scope::Leg(_) => "Time people spent waiting to board{}, summed over people, with waits still under way at the end (after any warm-up: from its end).", Scope::Checkpoint(_) => "Time people spent in the line of{} (or away from it, to come back after giving up), summed over people, with waits still under way at the end (after any warm-up: from its end).", _ => "Time people spent waiting for approval to leave{}, summed over people, with waits still under way at the end." }),
        Stat::MeanHours(u) => props("Hours per person", Hours, Duration, if u.is_waiting() { Lower } else { Neither }, false, "Mean hours per member{} who set out (released, or notified by a wave), spent this way until home, evasion, turning away or the end; undefined when nobody set out."),
        Stat::PeakOccupancy => props("Peak occupancy", People, Level, Neither, true, "The most people holding a bed at{} at once (held for a positive time: people passing through in one instant do not count)."),
        Stat::MeanOccupancy => props("Mean occupancy", People, Level, Neither, false, "People holding a bed at{}, averaged over time from the start (or warm-up) to the end."),
        Stat::BedUtilization => props("Bed utilisation", Fraction, Share, Neither, true, "Mean occupancy divided by the beds of{}."),
        Stat::FullShare => props("Share of time full", Fraction, Share, Neither, true, "Share of the time (from the start or warm-up to the end) with every bed of{} taken or promised: while it lasts, nobody else gets in."),
        Stat::Admitted => props("People admitted", People, Count, Neither, false, "People who took a bed at{}."),
        Stat::MeanStayHours => props("Mean stay", Hours, Duration, Neither, false, "Mean time from entering to leaving{} (the stay plus any wait for the next stage)."),
        Stat::MeanBedWaitHours => props("Mean wait for a bed once ready to enter", Hours, Duration, Lower, true, "Mean wait for a bed at{}, per person admitted or still waiting at the end (with their wait so far, so the mean is then a lower bound)."),
        Stat::MaxBedWaitHours => props("Longest wait for a bed once ready to enter", Hours, Duration, Lower, false, "Longest wait for a bed at{}, a wait still under way at the end included (so far)."),
        Stat::PeakBedQueue => props("Most people waiting for a bed", People, Level, Lower, false, "The most people waiting elsewhere for a bed at{} at once (held for a positive time)."),
        Stat::TestedPositive => props("People tested positive", People, Count, Neither, false, "People who tested positive at the end of their stay at{}."),
        Stat::Cost if pool => props("Cost", Currency, Money, Lower, false, "Cost of{}: units times hours on duty times the cost per unit-hour."),
        Stat::Cost => props("Cost", Currency, Money, Lower, false, "Cost of{}."),
        Stat::Served => props("People served", People, Count, Neither, false, "People whose service at{} ended."),
        Stat::MeanWaitHours if leg => props("Mean wait to board", Hours, Duration, Lower, true, "Mean wait from being ready to boarding{}, per passenger or person still waiting to board at the end (with their wait so far, so the mean is then a lower bound)."),
        Stat::MeanWaitHours => props("Mean wait in line", Hours, Duration, Lower, true, "Mean wait in the line of{}, per person whose service started or who was still in line at the end (with their wait so far, so the mean is then a lower bound); for one who gave up and came back, every try and the time away between them."),
        Stat::MaxWaitHours if leg => props("Longest wait to board", Hours, Duration, Lower, false, "Longest wait from being ready to boarding{}, a wait still under way at the end included (so far)."),
        Stat::MaxWaitHours => props("Longest wait in line", Hours, Duration, Lower, false, "Longest wait in the line of{}, a wait still under way at the end included (so far)."),
        Stat::PWait => props("Share who waited", Fraction, Share, Lower, false, "Share of the people whose service started at{}, or who were still in line at the end, who waited in line at all."),
        Stat::MeanQueue => props("Mean line length", People, Level, Lower, false, "People in the line of{}, averaged over time."),
        Stat::PeakQueue if leg => props("Most people waiting to board", People, Level, Lower, false, "The most people waiting to board{} at once (held for a positive time: people who board the moment they arrive do not count)."),
        Stat::PeakQueue => props("Longest line", People, Level, Lower, false, "The most people in the line of{} at once (held for a positive time: people served the moment they arrive do not count)."),
        Stat::Utilization if pool => props("Unit utilisation", Fraction, Share, Neither, true, "Unit-hours in use divided by units times hours on duty for{} (a job under way when a shift ends is finished, so it can exceed 1 with shifts)."),
        Stat::Utilization => props("Booth utilisation", Fraction, Share, Neither, true, "Busy booth-hours divided by booths times open hours at{} (a service under way at closing is finished, so it can exceed 1 where services run past short opening hours)."),
        Stat::MeanServiceMinutes => props("Mean service time", Minutes, Duration, Neither, false, "Mean service time per person at{}."),
        Stat::PeakHolding => props("Most people held for beds", People, Level, Lower, true, "The most people at once who came through{} and waited for a bed at the next site (held for a positive time)."),
        Stat::MeanHolding => props("Mean people held for beds", People, Level, Lower, false, "People who came through{} waiting for a bed at the next site, averaged over time."),
        Stat::Trips => props("Trips", Trips, Count, Neither, false, "Departures of{}."),
        Stat::Passengers => props("Passengers", People, Count, Neither, false, "People carried by{}."),
        Stat::SeatUtilization => props("Seat utilisation", Fraction, Share, Neither, true, "Passengers divided by trips times seats on{}."),
        Stat::MeanTravelHours => props("Mean ride time", Hours, Duration, Neither, false, "Mean time aboard{}, per passenger."),
        Stat::GaveUp => props("Times people gave up waiting", People, Count, Lower, true, "People whose patience ran out in the line of{} before their service started (each time, when they retry)."),
        Stat::Balked => props("Times people found the line full", People, Count, Lower, true, "People who arrived at{} when its line was full (max_line) and could not join (each time, when they retry)."),
        Stat::TurnedAway => props("People turned away", People, Count, Lower, true, match key.scope { Scope::Overall => "People who gave up at a checkpoint (patience out or line full) and left the return: neither home nor evaded.", Scope::Checkpoint(_) => "People who gave up at{} (patience out or line full) and left the return.", _ => "People who gave up at a checkpoint (patience out or line full) and left the return{}." }),
        Stat::MissedCheckins => props("Check-in windows missed", People, Count, Lower, false, "People still in line at{} when a check-in window closed, or arriving after it closed before their departure (counted each time): they wait for the next departure's window."),
        Stat::MissedDepartures if pool => props("Departures lost for want of units", Departures, Count, Lower, false, "Timetabled departure times at which people waited and a vehicle was at hand but none left, for want of the units it needed from{} (off duty, all in use, or another stage first in line)."),
        Stat::MissedDepartures => props("Departures missed for want of a vehicle", Departures, Count, Lower, false, "Timetabled departures of{} that found people waiting but no vehicle."),
        Stat::CancelledDepartures => props("Departures cancelled", Departures, Count, Lower, false, "Timetabled departures of{} cancelled with people waiting."),
        Stat::DeparturesLostToClosures => props("Departures lost to closures", Departures, Count, Lower, false, "Timetabled departures of{} that fell in a closure with people waiting."),
        Stat::Breakdowns => props("Breakdowns", Breakdowns, Count, Lower, false, "Trips of{} that broke down."),
        Stat::PeakInUse => props("Most units in use", Units, Level, Neither, true, "The most units of{} in use at once (held for a positive time)."),
        Stat::HeldHours => props("Hours stages were held for units", Hours, Duration, Lower, false, "Hours legs and checkpoints had people waiting and were held for units of{} (off duty, all in use, or another stage first in line), summed over the stages, with stretches under way at the end."),
        Stat::BedHoldPersonHours => props("Person-hours held back for beds ahead", PersonHours, Duration, Lower, false, "Of the waiting to board{}, the person-hours of the people waiting beyond the beds it could reserve for them at the time, while those beds were fewer than the fleet could carry of the line at once (they could not have left even with every vehicle there), with waits still under way at the end; the rest of the waiting is for transport."),
        Stat::PoolWaitPersonHours => props("Person-hours held for pool units", PersonHours, Duration, Lower, false, "Of the waiting at{}, the person-hours while it was held for units of a pool (escorts, drivers, staff or a shared fleet), with waits still under way at the end."),
        Stat::People => props("People held up here at the end", People, Count, Lower, false, "People neither home, evaded nor turned away when the run ends who are in{} (in its line, served, aboard or staying) or done with the stage before and waiting to enter it (to board, or for a bed); at an origin, also those not yet released, notified or approved."),
        Stat::Drawn => props("Drawn value", Unit::Input, Kind::Input, Neither, false, "The value the replication drew for{} from its [[uncertain]] distribution."),
    }
}

/// The unit of an uncertain input, from the name of the field it draws: durations by
/// their suffix, probabilities and shares as fractions, a cohort's size in people;
/// anything else as the field itself counts it.
fn input_unit(path: &str) -> Unit {
    let field = path.rsplit('.').next().unwrap_or(path);
    if field.ends_with("_hours") {
        Unit::Hours
    } else if field.ends_with("_minutes") {
        Unit::Minutes
    } else if field.ends_with("_days") {
        Unit::Days
    } else if field.contains("probability") || field.ends_with("share") {
        Unit::Fraction
    } else if path.starts_with("cohort.") && field == "size" {
        Unit::People
    } else {
        Unit::Input
    }
}

/// How an element is named in a description: " at `sinuiju-quarantine`" and the like.
fn of_element(sc: &Scenario, scope: Scope) -> String {
    let name = element_name(sc, scope);
    match scope {
        Scope::Overall | Scope::Cost => String::new(),
        Scope::Cohort(_) => format!(" (cohort `{name}`)"),
        Scope::Category(_) => format!(" (category `{name}`)"),
        Scope::Site(_) | Scope::InStage(Place::Site(_)) => format!(" site `{name}`"),
        Scope::Leg(_) | Scope::InStage(Place::Leg(_)) => format!(" leg `{name}`"),
        Scope::Checkpoint(_) | Scope::InStage(Place::Checkpoint(_)) => format!(" checkpoint `{name}`"),
        Scope::Input(i) => format!(" `{name}` ({})", sc.uncertain[i as usize].dist.describe()),
        Scope::Pool(_) => format!(" pool `{name}`"),
    }
}

impl MetricInfo {
    /// Why `target`'s bound decides it whatever happens for this metric in `sc` (see
    /// [`crate::stats::target::Target::bound_outside`]): the one call of `check`,
    /// `validate`, `plan`, `sweep` and the Python package.
    pub fn bound_problem(&self, sc: &Scenario, target: &crate::stats::target::Target) -> Option<String> {
        target.bound_outside(self.support(sc), self.unit == Unit::Fraction)
    }

    /// The values the metric can take in one replication of `sc`, which its mean's
    /// confidence interval keeps to: 0/1 outcomes, shares that cannot pass 100% (a
    /// pool's or a checkpoint's utilisation can, as a job under way at the end of a
    /// shift or an opening is finished, and a site's after its beds are cut), people
    /// counted once each at most as many as there are (of the plan, or of a cohort;
    /// not with uncertain inputs, which may draw other sizes), a drawn input as it was
    /// drawn, and everything else zero or more.
    pub fn support(&self, sc: &Scenario) -> Support {
        let people = match self.key.scope {
            Scope::Cohort(c) => u64::from(sc.cohorts[c as usize].size),
            _ => sc.population(),
        };
        match self.key.stat {
            Stat::AllHome | Stat::Stalled => Support::Indicator,
            Stat::PWait | Stat::FullShare | Stat::SeatUtilization => Support::UnitInterval,
            Stat::Drawn => Support::Real,
            // Each person at most once (giving up, finding the line full and missing a
            // check-in are counted each time, and are not here).
            Stat::Home
            | Stat::Evaded
            | Stat::NotHome
            | Stat::NotNotified
            | Stat::EvadedOf(_)
            | Stat::TurnedAway
            | Stat::Approved
            | Stat::Admitted
            | Stat::Served
            | Stat::Passengers
            | Stat::People
            | Stat::TestedPositive
            | Stat::PeakOccupancy
            | Stat::MeanOccupancy
            | Stat::PeakQueue
            | Stat::MeanQueue
            | Stat::PeakBedQueue
            | Stat::PeakHolding
            | Stat::MeanHolding
                if sc.uncertain.is_empty() =>
            {
                Support::AtMost(people)
            }
            _ => Support::NonNegative,
        }
    }

    /// The catalogue entry of `key` in scenario `sc`.
    pub fn of(sc: &Scenario, key: MetricKey) -> Self {
        let p = stat_props(key);
        let element = element_name(sc, key.scope);
        let mut label = p.label.to_string();
        if let Stat::MeanHours(u) = key.stat {
            label = format!("Hours per person {}", u.words());
        }
        // "Everyone home" counts those who slipped away or were turned away as done: in
        // a plan where that can happen the label says so (a tester read "Everyone home
        // within the horizon 100%" beside 81.95 of 100 people home).
        // Where waves leave some people never notified, "everyone" is everyone notified
        // (a tester's plan read "Everyone home within the horizon 100%" with 400 of 1,000
        // never told to leave).
        match (key.scope, key.stat) {
            (Scope::Overall, Stat::MakespanDays) => label = format!("Days until {}", everyone_is_home(sc)),
            (Scope::Overall, Stat::AllHome) => {
                let how = ended_otherwise(sc).map_or(String::new(), |h| format!(" {h}"));
                label = capitalized(&format!("{} home{how} within the horizon", everyone(sc)));
            }
            _ => {}
        }
        if let Scope::Input(_) = key.scope {
            label = format!("Drawn {element}");
        } else if !element.is_empty() {
            label.push_str(", ");
            label.push_str(&humanize(element));
        }
        if let Stat::EvadedOf(g) = key.stat {
            label.push_str(", ");
            label.push_str(&sc.categories[g as usize].name);
        }
        let description = p.what.replace("{}", &of_element(sc, key.scope));
        let unit = match key.scope {
            Scope::Input(i) => input_unit(&sc.uncertain[i as usize].path),
            _ => p.unit,
        };
        MetricInfo {
            key,
            id: key.id(sc),
            label,
            unit,
            kind: p.kind,
            better: p.better,
            headline: p.headline,
            description,
        }
    }
}

/// People of cohorts with waves whom no wave notifies in `sc` (the waves notify fewer
/// than the cohort holds, or some fell beyond the horizon and were dropped): they never
/// set out, and a return "ends" without them.
pub fn never_notified(sc: &Scenario) -> u64 {
    (0..sc.cohorts.len())
        .map(|c| u64::from(sc.cohorts[c].size) - sc.people_who_set_out(c))
        .sum()
}

/// Whom "everyone" means in `sc`: "everyone", or "everyone notified" where waves leave
/// some people never notified ([`never_notified`]; or may, with uncertain wave inputs).
pub fn everyone(sc: &Scenario) -> &'static str {
    let waves_drawn = sc.cohorts.iter().any(|c| c.has_waves)
        && sc
            .uncertain
            .iter()
            .any(|u| u.path.starts_with("wave") || (u.path.starts_with("cohort.") && u.path.ends_with(".size")));
    if never_notified(sc) > 0 || waves_drawn {
        "everyone notified"
    } else {
        "everyone"
    }
}

/// "everyone is home", as `sc` makes it true: "everyone notified is home or slipped
/// away" where waves leave some unnotified and people can slip away.
pub fn everyone_is_home(sc: &Scenario) -> String {
    let how = ended_otherwise(sc).map_or(String::new(), |h| format!(" {h}"));
    format!("{} is home{how}", everyone(sc))
}

/// "everyone home", as `sc` makes it true (see [`everyone_is_home`]).
pub fn everyone_home(sc: &Scenario) -> String {
    let how = ended_otherwise(sc).map_or(String::new(), |h| format!(" {h}"));
    format!("{} home{how}", everyone(sc))
}

/// `s` with its first letter in upper case.
pub fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or(String::new(), |f| f.to_uppercase().collect::<String>() + c.as_str())
}

/// True if someone in `sc` can slip away: a cohort with an evasion hazard, waves to
/// notify it (evasion runs from notice, so without waves its hazard, warned of, makes
/// nobody slip away) and people of a category whose multiplier is not 0. Labels and
/// findings speak of slipping away only then.
pub fn can_slip_away(sc: &Scenario) -> bool {
    sc.cohorts.iter().enumerate().any(|(i, c)| {
        let hazard = c.evasion_per_hour > 0.0
            || sc
                .uncertain
                .iter()
                .any(|u| u.path == format!("cohort.{}.evasion_per_hour", c.name));
        let notified = sc.waves.iter().any(|w| w.cohort.0 as usize == i);
        let willing = c.mix.is_empty()
            || sc.uncertain.iter().any(|u| u.path.ends_with(".evasion_multiplier"))
            || c.mix
                .iter()
                .any(|&(cat, n)| n > 0 && sc.categories[cat.0 as usize].evasion_multiplier > 0.0);
        hazard && notified && willing
    })
}

/// How else than home a journey can end in `sc`, in words ("or slipped away"), if it
/// can: evasion before pickup, or giving up at a checkpoint that turns people away.
pub fn ended_otherwise(sc: &Scenario) -> Option<&'static str> {
    let evade = can_slip_away(sc);
    let turn_away = sc.checkpoints.iter().any(|k| {
        (k.patience_hours.is_some() || k.max_line.is_some()) && k.give_up == crate::scenario::GiveUp::TurnedAway
    });
    match (evade, turn_away) {
        (false, false) => None,
        (true, false) => Some("or slipped away"),
        (false, true) => Some("or turned away"),
        (true, true) => Some("(or slipped away, or turned away)"),
    }
}

impl SeriesInfo {
    /// The catalogue entry of a time series in scenario `sc`.
    pub fn of(sc: &Scenario, key: SeriesKey) -> Self {
        let (id, label, better, description) = match key {
            SeriesKey::Home => (
                "people_home".to_string(),
                "People home".to_string(),
                Better::Higher,
                "People home so far.".to_string(),
            ),
            SeriesKey::SiteOccupancy(s) => {
                let n = &sc.sites[s as usize].name;
                (
                    format!("site.{n}.occupancy"),
                    format!("Occupancy, {}", humanize(n)),
                    Better::Neither,
                    format!("People holding a bed at site `{n}`."),
                )
            }
            SeriesKey::SiteBedQueue(s) => {
                let n = &sc.sites[s as usize].name;
                (
                    format!("site.{n}.waiting_for_bed"),
                    format!("Waiting for a bed, {}", humanize(n)),
                    Better::Lower,
                    format!("People waiting elsewhere for a bed at site `{n}`."),
                )
            }
            SeriesKey::LegHolding(l) => {
                let n = &sc.legs[l as usize].name;
                (
                    format!("leg.{n}.holding"),
                    format!("Held for beds after {}", humanize(n)),
                    Better::Lower,
                    format!("People off leg `{n}` waiting for a bed at the next site."),
                )
            }
            SeriesKey::CheckpointHolding(k) => {
                let n = &sc.checkpoints[k as usize].name;
                (
                    format!("checkpoint.{n}.holding"),
                    format!("Held for beds after {}", humanize(n)),
                    Better::Lower,
                    format!("People through checkpoint `{n}` waiting for a bed at the next site."),
                )
            }
            SeriesKey::PoolInUse(p) => {
                let n = &sc.pools[p as usize].name;
                (
                    format!("pool.{n}.in_use"),
                    format!("Units in use, {}", humanize(n)),
                    Better::Neither,
                    format!("Units of pool `{n}` taken by departures or services."),
                )
            }
        };
        SeriesInfo {
            key,
            id,
            label,
            unit: if matches!(key, SeriesKey::PoolInUse(_)) {
                Unit::Units
            } else {
                Unit::People
            },
            kind: Kind::Level,
            better,
            description,
        }
    }
}

/// The label of a use of time, for legends ("Waiting for transport").
pub fn time_use_label(u: TimeUse) -> String {
    humanize(u.words())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn humanized_names() {
        assert_eq!(humanize("sinuiju-quarantine"), "Sinuiju quarantine");
        assert_eq!(humanize("a_b"), "A b");
        assert_eq!(humanize(""), "");
    }
}
