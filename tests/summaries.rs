//! A batch's summaries (computed once and kept, the metrics side by side on a pool) are
//! always those of the rows it holds now.

mod common;

use repatsim::experiment::{self, RunOptions};
use repatsim::stats::Summary;

/// Summaries compared by their bits (NaN fields are equal when both are NaN).
fn same(a: &Summary, b: &Summary) -> bool {
    format!("{a:?}") == format!("{b:?}")
}

#[test]
fn summaries_are_those_of_the_rows_held_now() {
    let sc = common::load("scenarios/first-wave-2023.toml");
    let mut batch = common::run(&sc, 30, 2);
    // Computed here off any pool (one by one) and on a pool (side by side): the same
    // summaries, equal to summarising each column afresh.
    let off_pool: Vec<Summary> = batch.summaries().into_iter().map(|(_, s)| s).collect();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    let fresh = common::run(&sc, 30, 2);
    let on_pool: Vec<Summary> = pool.install(|| fresh.summaries().into_iter().map(|(_, s)| s).collect());
    assert_eq!(off_pool.len(), batch.catalogue.len());
    for (i, (a, b)) in off_pool.iter().zip(&on_pool).enumerate() {
        let support = batch.catalogue.get(i).support(batch.scenario());
        // The makespan's percentiles are order statistics (see `censored_summary`).
        let direct = if repatsim::experiment::check::is_censored(&batch, i) {
            repatsim::experiment::check::censored_summary(&batch.column(i), support)
        } else {
            Summary::of_on(&batch.column(i), support)
        };
        assert!(
            same(a, &direct) && same(b, &direct),
            "column {i}: {a:?} / {b:?} / {direct:?}"
        );
    }

    // Rows added after the summaries were read (through the public field, as a reader of
    // saved results does) are part of the next summary.
    let home = batch.metric_index("home").expect("a home metric");
    let before = batch.summary("home").unwrap();
    let mut row = batch.rows[0].clone();
    row[home] = 1.0e6;
    batch.rows.push(row);
    let after = batch.summary("home").unwrap();
    assert_eq!(after.n, before.n + 1);
    assert_eq!(after.max, 1.0e6);
    let support = batch.catalogue.get(home).support(batch.scenario());
    assert!(same(&after, &Summary::of_on(&batch.column(home), support)));
    assert!(same(&batch.summaries()[home].1, &after));

    // And so are the replications of a batch appended to it.
    let mut first = common::run(&sc, 20, 2);
    let _ = first.summaries();
    let next = experiment::run(&sc, &RunOptions::new(20..30).threads(Some(2))).unwrap();
    first.append(next).unwrap();
    let whole = common::run(&sc, 30, 2);
    for ((_, a), (_, b)) in first.summaries().iter().zip(whole.summaries().iter()) {
        assert!(same(a, b), "{a:?} / {b:?}");
    }
}
