//! The fuzz target's entry point over its seed corpus: every shipped scenario is
//! simulated with nobody lost, every malformed one is rejected, and neither panics.

mod common;
use common::*;
use repatsim::fuzz::{Verdict, parse_validate_run};

#[test]
fn shipped_scenarios_run_and_malformed_ones_are_rejected() {
    for path in shipped_scenarios() {
        let v = parse_validate_run(&std::fs::read(&path).unwrap());
        assert!(
            matches!(v, Verdict::Simulated { .. } | Verdict::Validated),
            "{}: {v:?}",
            path.display()
        );
    }
    for entry in std::fs::read_dir(repo("tests/bad_scenarios")).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(
            parse_validate_run(&std::fs::read(&path).unwrap()),
            Verdict::Rejected,
            "{}",
            path.display()
        );
    }
    // Garbage of every sort.
    for junk in [
        &b""[..],
        b"\xff\xfe\x00",
        b"[scenario]\n",
        b"[[site]]\nname = 1",
        b"[scenario]\nname = \"x\"\nstart = 1979-05-27T07:32:00\nhorizon_days = 1e308",
    ] {
        assert_eq!(parse_validate_run(junk), Verdict::Rejected);
    }
}

/// The command-line paths of the fuzz target over its pinned inputs (each a case that
/// once hung, panicked or allocated without bound), then over deterministic mutations
/// of them: `REPATSIM_FUZZ_ITERATIONS` sets how many (default 150; run thousands by hand
/// before a release).
#[test]
fn command_paths_survive_their_corpus_and_mutations() {
    let mut inputs: Vec<Vec<u8>> = Vec::new();
    for entry in std::fs::read_dir(repo("tests/fuzz_commands")).unwrap() {
        inputs.push(std::fs::read(entry.unwrap().path()).unwrap());
    }
    inputs.sort();
    for input in &inputs {
        repatsim::fuzz::drive_commands(input);
    }
    let iterations: u64 = std::env::var("REPATSIM_FUZZ_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    // A small xorshift generator: reproducible without a dependency.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let tokens: [&[u8]; 12] = [
        b"0",
        b"-1",
        b"1e308",
        b"NaN",
        b"..",
        b"[",
        b"]",
        b"\"",
        b"\n",
        b"=",
        b"99999999999999999999",
        b"|",
    ];
    for _ in 0..iterations {
        let mut data = inputs[(next() % inputs.len() as u64) as usize].clone();
        for _ in 0..1 + next() % 4 {
            if data.is_empty() {
                break;
            }
            let at = (next() % data.len() as u64) as usize;
            match next() % 3 {
                0 => {
                    let t = tokens[(next() % tokens.len() as u64) as usize];
                    data.splice(at..at, t.iter().copied());
                }
                1 => {
                    let end = (at + 1 + (next() % 8) as usize).min(data.len());
                    data.drain(at..end);
                }
                _ => data[at] = (next() % 256) as u8,
            }
        }
        repatsim::fuzz::drive_commands(&data);
    }
}
