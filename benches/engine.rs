//! The classic hold model: `n` events pending; repeatedly pop the earliest and push one at
//! now + Exp(1). Run through the engine's public API and, side by side, through a bare
//! `std::collections::BinaryHeap` doing the same work, so the ratio is visible.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use repatsim::engine::Simulation;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;

/// Steps timed per iteration.
const STEPS: usize = 100_000;

/// Exp(1) increments, drawn once so both loops use the same numbers and neither times RNG.
fn increments(len: usize) -> Vec<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(42);
    (0..len).map(|_| -(1.0 - rng.random::<f64>()).ln()).collect()
}

fn hold(c: &mut Criterion) {
    let inc = increments(1 << 20);
    let mut group = c.benchmark_group("hold");
    group.throughput(Throughput::Elements(STEPS as u64));
    group.sample_size(20);
    for n in [100usize, 1_000, 100_000, 1_000_000] {
        group.bench_with_input(BenchmarkId::new("engine", n), &n, |b, &n| {
            let mut sim: Simulation<u64> = Simulation::with_capacity(n);
            for (i, d) in inc.iter().take(n).enumerate() {
                sim.schedule_at(*d, i as u64);
            }
            let mut k = n;
            b.iter(|| {
                for _ in 0..STEPS {
                    let e = sim.next_event(f64::INFINITY).expect("never empty");
                    sim.schedule_in(inc[k & (inc.len() - 1)], black_box(e));
                    k += 1;
                }
            });
        });
        group.bench_with_input(BenchmarkId::new("binary_heap", n), &n, |b, &n| {
            // (time bits, sequence, payload): the same 24 bytes and ordering as the engine.
            let mut heap: BinaryHeap<Reverse<(u64, u64, u64)>> = BinaryHeap::with_capacity(n);
            let mut seq = 0u64;
            for (i, d) in inc.iter().take(n).enumerate() {
                heap.push(Reverse((d.to_bits(), seq, i as u64)));
                seq += 1;
            }
            let mut k = n;
            b.iter(|| {
                for _ in 0..STEPS {
                    let Reverse((t, _, e)) = heap.pop().expect("never empty");
                    let now = f64::from_bits(t);
                    heap.push(Reverse(((now + inc[k & (inc.len() - 1)]).to_bits(), seq, black_box(e))));
                    seq += 1;
                    k += 1;
                }
            });
        });
    }
    group.finish();
}

criterion_group!(benches, hold);
criterion_main!(benches);
