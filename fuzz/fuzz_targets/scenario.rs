//! Any bytes as a scenario file: parse, validate and run must never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = repatsim::fuzz::parse_validate_run(data);
});
