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
