//! One colour per meaning, the same in every chart: a range across replications, a
//! typical value, capacity, the bottleneck, a target, each use of time, each category,
//! and the two sides of a comparison. (Colours from the Tableau 10 and Okabe-Ito sets,
//! chosen to stay distinct for the common kinds of colour blindness.)

use crate::metrics::TimeUse;
use plotters::style::RGBColor;

/// The spread across replications (bands), drawn light.
pub const SPREAD: RGBColor = RGBColor(31, 119, 180);
/// The typical value (a median or mean line).
pub const TYPICAL: RGBColor = RGBColor(8, 48, 107);
/// A capacity (beds, seats, booths).
pub const CAPACITY: RGBColor = RGBColor(214, 39, 40);
/// The run's peak as the tables report it.
pub const PEAK: RGBColor = RGBColor(148, 103, 189);
/// The bottleneck.
pub const BOTTLENECK: RGBColor = RGBColor(230, 85, 13);
/// Everything else in a ranking (not the bottleneck).
pub const OTHER: RGBColor = RGBColor(158, 202, 225);
/// A target or deadline.
pub const TARGET: RGBColor = RGBColor(0, 0, 0);
/// Everyone a count of people could reach (all to bring home).
pub const EVERYONE: RGBColor = RGBColor(110, 110, 110);
/// Scenario A and scenario B of a comparison.
pub const SIDE_A: RGBColor = RGBColor(31, 119, 180);
pub const SIDE_B: RGBColor = RGBColor(255, 127, 14);

/// The colour of a use of time (the same in every chart).
pub fn time_use(u: TimeUse) -> RGBColor {
    match u {
        TimeUse::AwaitingPickup => RGBColor(199, 199, 199),
        TimeUse::WaitingForApproval => RGBColor(140, 86, 75),
        TimeUse::WaitingForTransport => RGBColor(255, 127, 14),
        TimeUse::Travelling => RGBColor(31, 119, 180),
        TimeUse::WaitingAtCheckpoint => RGBColor(214, 39, 40),
        TimeUse::InCheckpoint => RGBColor(255, 152, 150),
        TimeUse::WaitingForBed => RGBColor(148, 103, 189),
        TimeUse::AtAssembly => RGBColor(188, 189, 34),
        TimeUse::InQuarantine => RGBColor(44, 160, 44),
    }
}

/// The colour of category `index` of a scenario (by its position in the scenario, so
/// the same category has the same colour in every chart of a report).
pub fn category(index: usize) -> RGBColor {
    const C: [RGBColor; 8] = [
        RGBColor(0, 114, 178),
        RGBColor(230, 159, 0),
        RGBColor(0, 158, 115),
        RGBColor(204, 121, 167),
        RGBColor(86, 180, 233),
        RGBColor(213, 94, 0),
        RGBColor(240, 228, 66),
        RGBColor(100, 100, 100),
    ];
    C[index % C.len()]
}

/// A colour on a sequential scale from light (0) to dark (1), for heatmaps.
pub fn scale(t: f64) -> RGBColor {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.5 };
    // From a light yellow through orange to a dark red.
    let lerp = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    RGBColor(lerp(255.0, 128.0), lerp(237.0, 0.0), lerp(160.0, 38.0))
}
