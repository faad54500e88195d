//! A scenario and command-line operations on it (overrides, sweep and plan ranges,
//! targets, tampered parts): never a panic, hang or unbounded allocation.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    repatsim::fuzz::drive_commands(data);
});
