//! One replication of the shipped scenarios, with a reused world (as in a batch).

use criterion::{Criterion, criterion_group, criterion_main};
use repatsim::model::{Network, World};
use std::hint::black_box;
use std::sync::Arc;

fn network(path: &str) -> Arc<Network> {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/").to_string() + path;
    let sc = repatsim::scenario::load(&file)
        .unwrap_or_else(|e| panic!("{e}"))
        .scenario;
    Arc::new(Network::new(Arc::new(sc)))
}

fn replication(c: &mut Criterion) {
    let mut group = c.benchmark_group("replication");
    for (name, path, samples) in [
        ("first-wave-2023", "scenarios/first-wave-2023.toml", 100),
        ("full-return", "scenarios/full-return.toml", 10),
    ] {
        let net = network(path);
        let mut world = World::new(Arc::clone(&net));
        let mut rep = 0u64;
        group.sample_size(samples);
        group.bench_function(name, |b| {
            b.iter(|| {
                rep += 1;
                black_box(world.run(rep))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, replication);
criterion_main!(benches);
