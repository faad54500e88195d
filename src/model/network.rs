//! The scenario compiled for simulation: every route flattened into one array of steps,
//! so a person's whole position is one index and moving on is `+ 1`.

use crate::engine::StreamKey;
use crate::scenario::{Scenario, SiteKind, Stage};
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

/// Random-stream keys of one replication's stochastic elements.
#[derive(Clone, Debug)]
pub struct StreamKeys {
    pub site_stay: Vec<StreamKey>,
    pub leg_travel: Vec<StreamKey>,
    pub leg_return: Vec<StreamKey>,
    pub checkpoint_service: Vec<StreamKey>,
    pub cohort_arrival: Vec<StreamKey>,
}

/// A scenario ready to be replicated: immutable, shared by every replication and thread.
#[derive(Clone, Debug)]
pub struct Network {
    pub scenario: Arc<Scenario>,
    /// Every cohort's route, `[Origin, ..., Home]`, one after another.
    pub steps: Vec<Step>,
    /// Which cohort each step belongs to.
    pub step_cohort: Vec<u16>,
    /// Index in `steps` of each cohort's origin step.
    pub cohort_first_step: Vec<u32>,
    /// Index of each cohort's first person; people of cohort c are
    /// `cohort_first_person[c] .. cohort_first_person[c] + size`.
    pub cohort_first_person: Vec<u32>,
    /// Total number of people.
    pub population: u32,
    pub keys: StreamKeys,
}

impl Network {
    /// Compiles a validated scenario.
    pub fn new(scenario: Arc<Scenario>) -> Self {
        let mut steps = Vec::new();
        let mut step_cohort = Vec::new();
        let mut cohort_first_step = Vec::new();
        let mut cohort_first_person = Vec::new();
        let mut population: u32 = 0;
        for (c, cohort) in scenario.cohorts.iter().enumerate() {
            cohort_first_step.push(steps.len() as u32);
            cohort_first_person.push(population);
            population += cohort.size;
            steps.push(Step::Origin(cohort.origin.0));
            for stage in &cohort.route {
                steps.push(match *stage {
                    Stage::Site(s) if scenario.sites[s.0 as usize].kind == SiteKind::Home => Step::Home(s.0),
                    Stage::Site(s) => Step::Site(s.0),
                    Stage::Leg(l) => Step::Leg(l.0),
                    Stage::Checkpoint(k) => Step::Checkpoint(k.0),
                });
            }
            step_cohort.resize(steps.len(), c as u16);
        }
        let keys = StreamKeys {
            site_stay: scenario
                .sites
                .iter()
                .map(|s| StreamKey::new("site", &s.name, "stay"))
                .collect(),
            leg_travel: scenario
                .legs
                .iter()
                .map(|l| StreamKey::new("leg", &l.name, "travel"))
                .collect(),
            leg_return: scenario
                .legs
                .iter()
                .map(|l| StreamKey::new("leg", &l.name, "return"))
                .collect(),
            checkpoint_service: scenario
                .checkpoints
                .iter()
                .map(|k| StreamKey::new("checkpoint", &k.name, "service"))
                .collect(),
            cohort_arrival: scenario
                .cohorts
                .iter()
                .map(|c| StreamKey::new("cohort", &c.name, "arrival"))
                .collect(),
        };
        Self {
            scenario,
            steps,
            step_cohort,
            cohort_first_step,
            cohort_first_person,
            population,
            keys,
        }
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
