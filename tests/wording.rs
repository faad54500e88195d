//! Sentences count right: one booth, seat, vehicle, unit, bed, replication or thread is
//! never written in the plural, in any text a run writes (console, report, charts), and
//! a checkpoint with its only booth idle is not told to move booths away.

use assert_cmd::Command;

/// Everything is one: a van of one seat with one escort, one booth, one replication on
/// one thread.
const ONES: &str = r#"
[scenario]
name = "ones"
start = 2023-08-28T00:00:00
horizon_days = 5
replications = 1

[[site]]
name = "camp"
kind = "origin"

[[site]]
name = "port"
kind = "transit"

[[site]]
name = "home"
kind = "home"

[[pool]]
name = "escort"
size = 1

[[leg]]
name = "van"
from = "camp"
to = "port"
mode = "bus"
vehicles = 1
seats = 1
travel_hours = 0.5
return_hours = 0.5
departure = "when_full"
needs = [{ pool = "escort", units = 1, held = "round_trip" }]

[[checkpoint]]
name = "desk"
site = "port"
servers = 1
service_minutes = 10

[[cohort]]
name = "three"
origin = "camp"
size = 3
arrival = { process = "all_at_once", at_hours = 1 }
route = ["van", "desk", "home"]
"#;

const WORDS: [&str; 9] = [
    "day",
    "booth",
    "seat",
    "vehicle",
    "unit",
    "bed",
    "replication",
    "thread",
    "plan",
];

/// Places in `text` where a count of exactly 1 is followed by one of [`WORDS`] in the
/// plural ("1 booths"), except "1 of 1 replications".
fn one_in_plural(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for word in WORDS {
        let needle = format!("1 {word}s");
        for (at, _) in text.match_indices(&needle) {
            let before = &text[..at];
            let prev = before.chars().next_back();
            let counts_one = !prev.is_some_and(|c| c.is_ascii_digit() || c == '.' || c == ',');
            let after = text[at + needle.len()..].chars().next();
            let whole_word = !after.is_some_and(|c| c.is_alphanumeric());
            if counts_one && whole_word && !before.ends_with(" of ") {
                let mut from = before.len().saturating_sub(60);
                while !text.is_char_boundary(from) {
                    from -= 1;
                }
                found.push(text[from..at + needle.len()].to_string());
            }
        }
    }
    found
}

/// Where nobody ever waits at an idle checkpoint of three booths, a booth may be
/// spared, and the finding says how to see what it would cost.
#[test]
fn spare_booths_only_where_nobody_waits() {
    let sc = repatsim::scenario::parse(&ONES.replace("servers = 1", "servers = 3"), "threes.toml")
        .unwrap()
        .scenario;
    let batch = repatsim::experiment::run(&sc, &repatsim::experiment::RunOptions::new(0..3)).unwrap();
    assert_eq!(batch.summary("checkpoint.desk.waiting_person_hours").unwrap().mean, 0.0);
    let f = repatsim::report::findings::findings(&batch, None);
    let desk = f
        .iter()
        .find(|s| s.contains("`desk` is idle"))
        .unwrap_or_else(|| panic!("{f:?}"));
    assert!(
        desk.contains("(3 booths): nobody waited in its line, so a booth might be moved elsewhere"),
        "{desk}"
    );
    assert!(desk.contains("--vs-set checkpoint.desk.servers=2"), "{desk}");
}

#[test]
fn the_detector_finds_what_it_should() {
    assert_eq!(one_in_plural("on 1 booths, 11 booths, 0.1 booths, 2,1 booths").len(), 1);
    assert!(one_in_plural("in 1 of 1 replications; 1 seatsy").is_empty());
}

/// Every text a run of `scenario` with one replication writes: the console, then
/// report.html and each SVG, by name.
fn texts_of_one_replication(scenario: &str) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.toml");
    std::fs::write(&file, scenario).unwrap();
    let out = dir.path().join("out");
    let run = Command::cargo_bin("repatsim")
        .unwrap()
        .args(["run", file.to_str().unwrap(), "-n", "1", "--threads", "1", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let mut texts = vec![("stdout".to_string(), String::from_utf8(run.stdout).unwrap())];
    for e in std::fs::read_dir(&out).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "svg" || x == "html") {
            texts.push((p.display().to_string(), std::fs::read_to_string(&p).unwrap()));
        }
    }
    texts
}

/// One replication that does not get everyone home, with one uncertain input: the
/// findings and the list of who is stuck count one replication and one input.
#[test]
fn one_unfinished_replication_with_one_uncertain_input_reads_right() {
    let text = ONES.replace("horizon_days = 5", "horizon_days = 0.08")
        + "\n[[uncertain]]\npath = \"leg.van.travel_hours\"\ndist = { dist = \"uniform\", min = 0.4, max = 0.6 }\n";
    let texts = texts_of_one_replication(&text);
    let console = &texts[0].1;
    assert!(
        console.contains("In the one replication, not everyone is home"),
        "{console}"
    );
    assert!(console.contains("(in the one replication)"), "{console}");
    let wrong = plurals_of_one(&texts);
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(!texts.iter().any(|t| t.1.contains("the 1 uncertain")));
}

/// Places in any of `texts` where a count of one reads as plural, by file.
fn plurals_of_one(texts: &[(String, String)]) -> Vec<String> {
    texts
        .iter()
        .flat_map(|(name, text)| one_in_plural(text).into_iter().map(move |w| format!("{name}: ...{w}")))
        .collect()
}

#[test]
fn a_count_of_one_is_singular_everywhere() {
    let texts = texts_of_one_replication(ONES);
    let console = &texts[0].1;
    assert!(console.contains("1 replication (seed"), "{console}");
    assert!(console.contains("1 thread,"), "{console}");
    assert!(console.contains("its only booth has time to spare"), "{console}");
    assert!(!console.contains("moved elsewhere"), "{console}");
    assert!(texts.len() > 4, "the report and its charts were written");
    let html = &texts.iter().find(|t| t.0.ends_with("report.html")).unwrap().1;
    for expected in ["1 booth", "1 seat", "1 unit", "1 replication"] {
        assert!(html.contains(expected), "report.html lacks {expected:?}");
    }
    let wrong = plurals_of_one(&texts);
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// One person over a one-day horizon: "1 person", "a horizon of 1 day", and the
/// replication named as one, not as a range.
#[test]
fn one_person_and_one_day_read_right() {
    let text = ONES
        .replace("size = 3", "size = 1")
        .replace("horizon_days = 5", "horizon_days = 1");
    let texts = texts_of_one_replication(&text);
    let console = &texts[0].1;
    assert!(console.contains("(seed 1, replication 0), 1 person;"), "{console}");
    let html = &texts.iter().find(|t| t.0.ends_with("report.html")).unwrap().1;
    assert!(html.contains("a horizon of 1 day;"), "{html}");
    assert!(!texts.iter().any(|t| t.1.contains("1 people")));
    assert!(
        console.contains("Everyone is home by 2023-08-28 01:40 in the one replication (day 0.069)"),
        "{console}"
    );
    let wrong = plurals_of_one(&texts);
    assert!(wrong.is_empty(), "{wrong:#?}");
}
