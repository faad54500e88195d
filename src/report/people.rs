//! Per-person records (`people.csv`), as Ciw's records are: one row per visit of a
//! person to a stage of their route in chosen replications, with when they arrived
//! there, started (were admitted, boarded, or began service), ended, and how long they
//! waited; each row also carries who the person is and how their journey ended.
//!
//! The records are read off the replication's trace (the replication runs exactly as it
//! does inside a batch), so they agree with every other output by construction: a
//! person joins a stage the moment their previous step ends (released or ready at the
//! origin, a stay, a service or a ride), which is when the model asks for the next step.

/// Most person-records (people x replications) written in one run, by `--people` and
/// by the Python package's `people=`: about 2.3 GB of text at the limit.
pub const MAX_PEOPLE_RECORDS: u64 = 5_000_000;

use super::csv::csv_error;
use crate::model::{Network, TraceKind, TraceRow, TraceStage};

/// The columns of `people.csv`, with unit and meaning (`people-dictionary.csv`).
pub const COLUMNS: &[(&str, &str, &str)] = &[
    ("replication", "index", "The replication (as in replications.csv)."),
    (
        "person",
        "index",
        "The person's number within the replication (as in trace files).",
    ),
    ("cohort", "name", "The person's cohort."),
    (
        "category",
        "name",
        "The person's category (`all` if the scenario has none).",
    ),
    (
        "visit",
        "count",
        "1 for the first stage the person reached after the origin, 2 for the next... (each try at a checkpoint's line is a visit); 0 for the one row of a person who never left the origin.",
    ),
    (
        "kind",
        "name",
        "approval, site, checkpoint, leg or home; origin for a person who never left it.",
    ),
    (
        "stage",
        "name",
        "The stage: the cohort (approval), site, checkpoint, leg or home.",
    ),
    (
        "joined_hours",
        "hours",
        "When the person arrived at the stage: the end of their previous step (released or ready at the origin, a stay, a service, a ride).",
    ),
    (
        "start_hours",
        "hours",
        "When they were approved, admitted to a bed, began service or boarded; empty for a visit left without it: a checkpoint's line left (patience out, or the line full), or a wait the person slipped away from; such a visit ends when they left.",
    ),
    (
        "end_hours",
        "hours",
        "When the stay, service or ride ended (a site without a stay of its own, such as an assembly hotel, is left when the next step starts); empty if it had not ended at the end of the run.",
    ),
    (
        "waited_hours",
        "hours",
        "start_hours - joined_hours: the wait for approval, a bed, a booth or a seat (for a checkpoint left without service, end_hours - joined_hours; time away from a line, to come back to it, counts as waiting at it, as in the checkpoint's metrics). A wait still under way at the end of the run has no row.",
    ),
    (
        "released_hours",
        "hours",
        "When the person was released at the origin (arrival process) or became ready after notice.",
    ),
    (
        "notified_hours",
        "hours",
        "When a wave notified the person; empty without notice.",
    ),
    (
        "outcome",
        "name",
        "home, evaded, turned_away (gave up at a checkpoint and left) or not_home (still on the way, or never released, at the end).",
    ),
    (
        "outcome_hours",
        "hours",
        "When the person reached home, slipped away or was turned away; empty for not_home.",
    ),
];

/// One visit of a person to a stage.
#[derive(Clone, Copy, Debug)]
struct Visit {
    kind: &'static str,
    stage: TraceStage,
    joined: f64,
    start: f64,
    end: f64,
}

/// What is known of one person after the trace.
#[derive(Clone, Debug)]
struct Person {
    visits: Vec<Visit>,
    /// When the person last became free to move on (the end of their last step).
    free_since: f64,
    released: f64,
    notified: f64,
    outcome: &'static str,
    outcome_hours: f64,
}

impl Person {
    fn new() -> Self {
        Person {
            visits: Vec::new(),
            free_since: f64::NAN,
            released: f64::NAN,
            notified: f64::NAN,
            outcome: "not_home",
            outcome_hours: f64::NAN,
        }
    }

    fn open(&mut self, kind: &'static str, stage: TraceStage, t: f64) {
        // A site with no stay of its own (an assembly hotel) is left when the next step
        // starts: people keep their bed until they board.
        if let Some(v) = self.visits.last_mut()
            && v.kind == "site"
            && v.end.is_nan()
        {
            v.end = t;
        }
        self.visits.push(Visit {
            kind,
            stage,
            joined: self.free_since,
            start: t,
            end: f64::NAN,
        });
        self.free_since = t;
    }

    /// The person left a wait without being taken (a checkpoint's line: patience out or
    /// the line full; any wait: slipping away): a visit with no start, ended at `t`.
    fn left_line(&mut self, kind: &'static str, stage: TraceStage, t: f64) {
        self.open(kind, stage, t);
        if let Some(v) = self.visits.last_mut() {
            v.start = f64::NAN;
            v.end = t;
        }
    }

    fn close(&mut self, t: f64) {
        if let Some(v) = self.visits.last_mut() {
            v.end = t;
        }
        self.free_since = t;
    }
}

/// The people of one traced replication, from its trace rows.
fn people(net: &Network, rows: &[TraceRow]) -> Vec<Person> {
    let mut out = vec![Person::new(); net.population as usize];
    for r in rows {
        let Some(p) = r.person else { continue };
        let t = r.time_hours;
        let person = &mut out[p as usize];
        match r.kind {
            TraceKind::Release => {
                person.released = t;
                person.free_since = t;
            }
            TraceKind::Notify => person.notified = t,
            TraceKind::Ready => {
                person.released = t;
                person.free_since = t;
            }
            TraceKind::Approved => {
                person.open("approval", r.stage, t);
                person.close(t);
            }
            TraceKind::Evade => {
                person.outcome = "evaded";
                person.outcome_hours = t;
                // The row's stage is where they were. Staying at a site: that visit
                // ends. Ready and waiting (for approval, a bed, a seat, a booth): that
                // wait is a visit too (the stage's metrics count it), ended without a
                // start. Awaiting pickup at the origin: no visit.
                match r.stage {
                    _ if person.free_since.is_nan() => {}
                    TraceStage::Site(_)
                        if person
                            .visits
                            .last()
                            .is_some_and(|v| v.stage == r.stage && v.end.is_nan()) =>
                    {
                        person.close(t)
                    }
                    TraceStage::Cohort(_) => person.left_line("approval", r.stage, t),
                    TraceStage::Site(_) => person.left_line("site", r.stage, t),
                    TraceStage::Leg(_) => person.left_line("leg", r.stage, t),
                    TraceStage::Checkpoint(_) => person.left_line("checkpoint", r.stage, t),
                    _ => {}
                }
            }
            TraceKind::TurnedAway => {
                person.outcome = "turned_away";
                person.outcome_hours = t;
            }
            TraceKind::Admit => person.open("site", r.stage, t),
            TraceKind::ServiceStart => person.open("checkpoint", r.stage, t),
            TraceKind::GiveUp | TraceKind::LineFull => person.left_line("checkpoint", r.stage, t),
            TraceKind::Board => person.open("leg", r.stage, t),
            TraceKind::StayEnd | TraceKind::ServiceEnd | TraceKind::Alight => person.close(t),
            TraceKind::Home => {
                person.open("home", r.stage, t);
                person.close(t);
                person.outcome = "home";
                person.outcome_hours = t;
            }
            _ => {}
        }
    }
    out
}

/// Writes the records of replication `replication` (its trace `rows`) to `w`, with the
/// header when `header` is true.
pub fn write_people(
    w: &mut csv::Writer<impl std::io::Write>,
    net: &Network,
    replication: u64,
    rows: &[TraceRow],
    header: bool,
) -> std::io::Result<()> {
    if header {
        w.write_record(COLUMNS.iter().map(|c| c.0)).map_err(csv_error)?;
    }
    let sc = &net.scenario;
    let num = |x: f64| if x.is_nan() { String::new() } else { format!("{x}") };
    for (p, person) in people(net, rows).iter().enumerate() {
        let variant = &net.variants[net.person_variant[p] as usize];
        let cohort = &sc.cohorts[variant.cohort as usize].name;
        let category = &sc.categories[variant.category as usize].name;
        for (i, v) in person.visits.iter().enumerate() {
            w.write_record([
                replication.to_string(),
                p.to_string(),
                cohort.clone(),
                category.clone(),
                (i + 1).to_string(),
                v.kind.to_string(),
                v.stage.name(net).to_string(),
                num(v.joined),
                num(v.start),
                num(v.end),
                // Served or not, the time in line (or away from it, to come back).
                num(if v.start.is_nan() { v.end } else { v.start } - v.joined),
                num(person.released),
                num(person.notified),
                person.outcome.to_string(),
                num(person.outcome_hours),
            ])
            .map_err(csv_error)?;
        }
        if person.visits.is_empty() {
            // Never got past the origin: one row (visit 0, at the origin) says who and
            // how it ended.
            let origin = &sc.sites[sc.cohorts[variant.cohort as usize].origin.0 as usize].name;
            let mut row = vec![
                replication.to_string(),
                p.to_string(),
                cohort.clone(),
                category.clone(),
                "0".into(),
                "origin".into(),
                origin.clone(),
            ];
            row.extend(std::iter::repeat_n(String::new(), 4));
            row.extend([
                num(person.released),
                num(person.notified),
                person.outcome.to_string(),
                num(person.outcome_hours),
            ]);
            w.write_record(row).map_err(csv_error)?;
        }
    }
    Ok(())
}

/// Writes `people-dictionary.csv`: column, unit, description.
pub fn write_people_dictionary(out: impl std::io::Write) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["column", "unit", "description"]).map_err(csv_error)?;
    for (c, u, d) in COLUMNS {
        w.write_record([*c, *u, *d]).map_err(csv_error)?;
    }
    w.flush()
}
