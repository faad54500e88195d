//! 1,000 replications of the first wave, on one thread and on all threads.

use criterion::{Criterion, criterion_group, criterion_main};
use repatsim::experiment::{RunOptions, run_network};
use repatsim::model::Network;
use std::hint::black_box;
use std::sync::Arc;

fn batch(c: &mut Criterion) {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/first-wave-2023.toml");
    let sc = repatsim::scenario::load(file)
        .unwrap_or_else(|e| panic!("{e}"))
        .scenario;
    let net = Arc::new(Network::new(Arc::new(sc)));
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut group = c.benchmark_group("batch-1000");
    group.sample_size(10);
    for threads in [1, cores] {
        let opts = RunOptions::new(0..1000).threads(Some(threads));
        group.bench_function(format!("threads-{threads}"), |b| {
            b.iter(|| black_box(run_network(&net, &opts, None).unwrap()))
        });
    }
    group.finish();
}

criterion_group!(benches, batch);
criterion_main!(benches);
