//! Branching routes: a share of people take extra stages at a point of their route, each
//! person drawn on their own (so two plans send the same people the same way), every
//! alternative checked for physical sense before the run.

mod common;

use common::{origin_and_home, parse};
use repatsim::model::{Network, World, catalogue};
use std::collections::BTreeSet;
use std::sync::Arc;

fn desk(servers: u32, share: &str) -> String {
    format!(
        r#"{}
[[checkpoint]]
name = "desk"
servers = {servers}
service_minutes = 6

[[checkpoint]]
name = "screening"
servers = 2
service_minutes = 30

[[cohort]]
name = "crowd"
origin = "origin"
size = 4000
arrival = {{ process = "regular", every_hours = 0.02 }}
route = ["desk", {{ share = {share}, via = ["screening"] }}, "home"]
"#,
        origin_and_home("branching", 20, 5, "")
    )
}

/// The people whose service at `screening` started, in replication `rep`.
fn screened(text: &str, rep: u64) -> BTreeSet<u32> {
    let net = Arc::new(Network::new(Arc::new(parse(text))));
    let k = net
        .scenario
        .checkpoints
        .iter()
        .position(|c| c.name == "screening")
        .unwrap();
    let (_, rows) = World::new(net).run_traced(rep);
    rows.iter()
        .filter(|r| r.kind.as_str() == "service_start" && r.stage == repatsim::model::TraceStage::Checkpoint(k as u16))
        .filter_map(|r| r.person)
        .collect()
}

#[test]
fn a_share_of_people_takes_the_branch_and_the_rest_go_straight_on() {
    let text = desk(4, "0.25");
    let net = Arc::new(Network::new(Arc::new(parse(&text))));
    let cat = catalogue(&net);
    let served = cat.index_of_id("checkpoint.screening.served").unwrap();
    let home = cat.index_of_id("home").unwrap();
    let mut total = 0.0;
    for rep in 0..10 {
        let v = repatsim::experiment::run_one(&net, rep).metric_values(&net);
        assert_eq!(v[home], 4000.0, "everyone gets home, branch or not");
        total += v[served];
    }
    // 40,000 draws of probability 0.25: mean 10,000, sd ~87.
    assert!((total - 10_000.0).abs() < 350.0, "{total} of 40,000 screened");
}

#[test]
fn the_same_people_take_the_branch_in_every_plan() {
    // Another number of desks changes every time in the run, but not who is screened.
    let a = screened(&desk(4, "0.25"), 3);
    let b = screened(&desk(9, "0.25"), 3);
    assert!(a.len() > 800 && a.len() < 1200, "{}", a.len());
    assert_eq!(a, b);
    // A larger share screens a superset: those drawn below 0.25 are below 0.4 too.
    let c = screened(&desk(4, "0.4"), 3);
    assert!(a.is_subset(&c) && c.len() > a.len());
    // Another replication draws afresh.
    assert_ne!(a, screened(&desk(4, "0.25"), 4));
}

#[test]
fn bad_branches_are_refused_with_the_reason() {
    let refuse = |text: &str, what: &str| match repatsim::scenario::parse(text, "b.toml") {
        Ok(_) => panic!("accepted: {what}"),
        Err(e) => {
            let m = e.to_string();
            assert!(m.contains(what), "{m}");
        }
    };
    refuse(&desk(4, "1.5"), "share must be between 0 and 1");
    refuse(
        &desk(4, "0.1").replace("via = [\"screening\"]", "via = []"),
        "no stages in `via`",
    );
    refuse(
        &desk(4, "0.1").replace("via = [\"screening\"]", "via = [\"screenin\"]"),
        "did you mean `screening`",
    );
}
