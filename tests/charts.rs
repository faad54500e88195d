//! Charts and the HTML report tell the same story as the tables: every chart is a drawn
//! PNG and an SVG with alt text and tooltips; a level chart's peak line is the table's
//! peak and its windows reach exactly the table's highest peak; no chart is empty;
//! report.html is one self-contained page with a contents list, the findings, the plan,
//! the timeline, sortable tables and every chart; `report` redraws the same files.

mod common;
use assert_cmd::Command;
use common::repo;
use repatsim::metrics::{MetricKey, SeriesKey, Stat};
use repatsim::report::charts::SIZE;
use repatsim::report::charts::run::level_data;
use std::path::Path;

fn repatsim() -> Command {
    Command::cargo_bin("repatsim").unwrap()
}

/// Decodes a PNG; returns (width, height, RGB bytes).
fn decode(path: &Path) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb, "{}", path.display());
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

fn chart_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".png"))
                .map(String::from)
        })
        .collect();
    names.sort();
    names
}

#[test]
fn every_chart_is_drawn_and_the_report_holds_them_all() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    repatsim()
        .arg("run")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .args(["-n", "200", "-q", "--out"])
        .arg(&dir)
        .assert()
        .success();
    let names = chart_names(&dir);
    for expected in [
        "people-home",
        "makespan",
        "time-use",
        "utilization",
        "evasion",
        "occupancy-sinuiju-quarantine",
        "occupancy-dandong-hotel",
    ] {
        assert!(names.iter().any(|n| n == expected), "no {expected} chart in {names:?}");
    }
    // Nobody waits for beds anywhere in the first wave: no empty holding chart.
    assert!(!names.iter().any(|n| n.starts_with("holding-")), "{names:?}");
    for name in &names {
        let (w, h, rgb) = decode(&dir.join(format!("{name}.png")));
        assert_eq!((w, h), SIZE, "{name}");
        // The plotting area (left of the legend panel, below the title) is not blank.
        let (x0, x1, y0, y1) = (w / 5, w * 7 / 10, h / 8, h * 8 / 10);
        let drawn = (y0..y1)
            .flat_map(|y| (x0..x1).map(move |x| ((y * w + x) * 3) as usize))
            .filter(|&i| rgb[i..i + 3] != [255, 255, 255])
            .count();
        let area = ((x1 - x0) * (y1 - y0)) as usize;
        assert!(
            drawn > area / 100,
            "{name}: only {drawn} of {area} plotting-area pixels drawn"
        );
        let svg = std::fs::read_to_string(dir.join(format!("{name}.svg"))).unwrap();
        assert!(
            svg.starts_with("<svg role=\"img\" aria-label=\""),
            "{name}.svg has no accessible name"
        );
        assert!(
            svg.contains(&format!("width=\"{}\" height=\"{}\"", SIZE.0, SIZE.1)),
            "{name}.svg size"
        );
        assert!(svg.trim_end().ends_with("</svg>"), "{name}.svg is whole");
        let tips = svg.matches("<rect x=").count();
        assert!(
            svg.contains("<g class=\"tips\"") && tips > 3,
            "{name}.svg has {tips} tooltips"
        );
        assert!(
            !svg.contains("-0.000") && !svg.contains(">-0<"),
            "{name}.svg shows a negative zero"
        );
    }

    // The report: one self-contained page.
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let links = html.matches("http://").count() + html.matches("https://").count();
    let namespaces = html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count();
    assert_eq!(links, namespaces, "no link off the page but SVG namespaces");
    for name in &names {
        assert!(
            html.contains(&format!("data-chart=\"{name}\"")),
            "report.html misses {name}"
        );
        assert!(
            html.contains(&format!("href=\"#{name}\"")),
            "the contents list misses {name}"
        );
    }
    // Every chart inline, plus the plan and the timeline.
    assert_eq!(html.matches("<svg ").count(), names.len() + 2);
    for section in [
        "id=\"findings\"",
        "id=\"plan\"",
        "id=\"timeline\"",
        "id=\"metrics\"",
        "data-sort",
    ] {
        assert!(html.contains(section), "report.html has no {section}");
    }
    assert!(html.contains("The bottleneck, where people wait longest in total, is transport on hotel-customs-shuttle"));
    assert!(html.contains("What to change:"), "the what-if is in the findings");
    assert!(
        html.contains("Every journey has ended (home, or left the return) by 2023-09-05 15:")
            && html.contains("in at least 90% of replications"),
        "dates in the findings"
    );
    assert!(dir.join("network.svg").exists() && dir.join("timeline.svg").exists());
    let summary: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["bottleneck"]["stage"], "hotel-customs-shuttle");
    assert!(
        summary["what_if"]["command"]
            .as_str()
            .unwrap()
            .starts_with("repatsim compare")
    );

    // `report` redraws exactly the same files from the saved results.
    let before: Vec<Vec<u8>> = names
        .iter()
        .map(|n| std::fs::read(dir.join(format!("{n}.png"))).unwrap())
        .collect();
    std::fs::remove_file(dir.join("report.html")).unwrap();
    repatsim().arg("report").arg(&dir).assert().success();
    let after: Vec<Vec<u8>> = names
        .iter()
        .map(|n| std::fs::read(dir.join(format!("{n}.png"))).unwrap())
        .collect();
    assert_eq!(before, after);
    assert_eq!(std::fs::read_to_string(dir.join("report.html")).unwrap(), html);
}

/// `report` on one shard's part redraws it as it was written: no timeline appears that
/// the shard never drew (its replications are not the whole run's).
#[test]
fn report_redraws_a_shard_part_as_it_was_written() {
    let tmp = tempfile::tempdir().unwrap();
    let part = tmp.path().join("part-2");
    repatsim()
        .arg("run")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .args(["-n", "6", "--shard", "2/3", "-q", "--no-what-if", "--out"])
        .arg(&part)
        .assert()
        .success();
    let listing = |d: &std::path::Path| {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let (files, html) = (listing(&part), std::fs::read(part.join("report.html")).unwrap());
    assert!(!files.contains(&"timeline.svg".to_string()), "{files:?}");
    std::fs::remove_file(part.join("report.html")).unwrap();
    repatsim().arg("report").arg(&part).assert().success();
    assert_eq!(listing(&part), files);
    assert_eq!(std::fs::read(part.join("report.html")).unwrap(), html);
}

/// The chart of a level draws the table's peak as its peak line, and the largest count
/// in any window of any replication is exactly the table's largest peak: short peaks
/// between grid points are not lost.
#[test]
fn level_charts_peak_where_the_tables_do() {
    for (file, n) in [
        ("scenarios/first-wave-2023.toml", 60),
        ("scenarios/full-return.toml", 4),
        ("scenarios/examples/escort-pool.toml", 20),
    ] {
        let sc = common::load(file);
        let b = common::run(&sc, n, 2);
        for (j, key) in b.timeseries.spec.sources.iter().enumerate() {
            let peak = match *key {
                SeriesKey::SiteOccupancy(s) => MetricKey::site(s, Stat::PeakOccupancy),
                SeriesKey::SiteBedQueue(s) => MetricKey::site(s, Stat::PeakBedQueue),
                SeriesKey::LegHolding(l) => MetricKey::leg(l, Stat::PeakHolding),
                SeriesKey::CheckpointHolding(k) => MetricKey::checkpoint(k, Stat::PeakHolding),
                SeriesKey::PoolInUse(p) => MetricKey::new(repatsim::metrics::Scope::Pool(p), Stat::PeakInUse),
                SeriesKey::Home => continue,
            };
            let table = b.summary_of(peak).expect("every level series has a peak metric");
            let data = level_data(&b, j);
            assert_eq!(
                data.peak_mean,
                Some(table.mean),
                "{file} {key:?}: the peak line is the table's"
            );
            assert_eq!(
                data.drawn_max(),
                table.max,
                "{file} {key:?}: the windows reach the highest peak"
            );
            assert_eq!(data.is_empty(), table.max == 0.0, "{file} {key:?}");
        }
    }
}

#[test]
fn bands_are_ordered_and_capacity_is_drawn_from_the_scenario() {
    let sc = common::load("scenarios/validation/hand-computed.toml");
    let b = common::run(&sc, 3, 1);
    let ts = &b.timeseries;
    for j in 0..ts.spec.sources.len() {
        for k in 0..ts.spec.points {
            let q: Vec<f64> = [0.05, 0.25, 0.5, 0.75, 0.95]
                .iter()
                .map(|&q| ts.quantile(k, j, q))
                .collect();
            assert!(q.windows(2).all(|w| w[0] <= w[1]), "series {j} point {k}: {q:?}");
            let m = [0.05, 0.5, 0.95].map(|q| ts.max_quantile(k, j, q));
            assert!(
                m[0] <= m[1] && m[1] <= m[2] && m[2] <= ts.max_max(k, j),
                "series {j} window {k}: {m:?}"
            );
        }
    }
    let charts = repatsim::report::charts::charts(&b).unwrap();
    let q = charts
        .iter()
        .find(|c| c.name == "occupancy-quarantine")
        .expect("the bed-limited quarantine has a chart");
    assert!(q.svg.contains("capacity: 50 beds"), "the 50-bed line is labelled");
    assert!(q.caption.contains("capacity 50 beds"));
    // People home are drawn against everyone to bring home: those who never got home
    // show as the gap below that line (the axis stopped at the median's top, so 55 of
    // 100 not home were nowhere to be seen).
    let home = charts.iter().find(|c| c.name == "people-home").unwrap();
    let everyone = format!("to bring home: {}", sc.population());
    assert!(home.svg.contains(&everyone), "{everyone} is not in the legend");
}

/// A makespan the same in every replication (one bus of 40 for 120 people, fixed
/// times: home at 1, 3 and 5 hours) is one bar around its value in the middle of an
/// axis an hour wide, not a bar from the value to the edge on an axis whose ticks all
/// read the same.
#[test]
fn a_constant_makespan_is_one_bar_around_its_value() {
    let text = common::origin_and_home("a-bus", 5, 1, "")
        + r#"
[[leg]]
name = "bus"
from = "origin"
to = "home"
mode = "bus"
vehicles = 1
seats = 40
travel_hours = 1
return_hours = 1

[[cohort]]
name = "workers"
origin = "origin"
size = 120
route = ["bus", "home"]
"#;
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a-bus.toml");
    std::fs::write(&file, text).unwrap();
    let out = tmp.path().join("out");
    repatsim()
        .args(["run", file.to_str().unwrap(), "-n", "20", "-q", "--no-what-if", "--out"])
        .arg(&out)
        .assert()
        .success();
    let svg = std::fs::read_to_string(out.join("makespan.svg")).unwrap();
    // Bin tooltips: "A to B days: C replications".
    let bins: Vec<(f64, f64, u32)> = svg
        .split("<title>")
        .filter_map(|t| {
            let t = t.split("</title>").next()?;
            let (range, count) = t.split_once(" days: ")?;
            let (a, b) = range.split_once(" to ")?;
            let c = count.split(' ').next()?.parse().ok()?;
            Some((a.parse().ok()?, b.parse().ok()?, c))
        })
        .collect();
    assert_eq!(bins.len(), 30, "{svg}");
    let full: Vec<usize> = (0..bins.len()).filter(|&i| bins[i].2 > 0).collect();
    assert_eq!(full.len(), 1, "{bins:?}");
    let (a, b, c) = bins[full[0]];
    assert_eq!(c, 20);
    let makespan = 5.0 / 24.0;
    assert!(a - 0.001 <= makespan && makespan <= b + 0.001, "{a} to {b}");
    assert!(
        (12..=17).contains(&full[0]),
        "the bar is in the middle: bin {}",
        full[0]
    );
    let (first, last) = (bins[0].0, bins[29].1);
    assert!(
        last - first > 0.04 && last - first < 0.045,
        "an hour wide: {first} to {last}"
    );
}

/// The makespan histogram counts replications, which are whole: with five replications
/// its axis read "0.200 ... 0.800 replications".
#[test]
fn the_makespan_histogram_counts_whole_replications() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    repatsim()
        .args([
            "run",
            "scenarios/first-wave-2023.toml",
            "-n",
            "5",
            "-q",
            "--no-what-if",
            "--out",
        ])
        .arg(&out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .success();
    let svg = std::fs::read_to_string(out.join("makespan.svg")).unwrap();
    // The y axis's labels are the right-aligned texts.
    let labels: Vec<&str> = svg
        .split("<text ")
        .skip(1)
        .filter(|t| t.contains(r#"text-anchor="end""#))
        .filter_map(|t| t.split('>').nth(1)?.split('<').next())
        .map(str::trim)
        .collect();
    assert!(labels.len() >= 2, "{svg}");
    for l in &labels {
        assert!(
            l.parse::<u32>().is_ok(),
            "a y label that is not a whole count: {l:?} in {labels:?}"
        );
    }
}

/// The timeline, the service starts of its replication, the green windows it draws and
/// when the first checkpoint was closed in that replication.
type Drawn = (String, Vec<f64>, Vec<(f64, f64)>, Vec<(f64, f64)>);
fn timeline_and_starts(text: &str) -> Drawn {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("plan.toml");
    std::fs::write(&file, text).unwrap();
    let out = tmp.path().join("out");
    repatsim()
        .args(["run", file.to_str().unwrap(), "-n", "9", "-q", "--no-what-if", "--out"])
        .arg(&out)
        .assert()
        .success();
    let svg = std::fs::read_to_string(out.join("timeline.svg")).unwrap();
    let rep: u64 = svg
        .split("timeline of replication ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|t| t.parse().ok())
        .unwrap();
    let sc = common::parse(text);
    let mut world = repatsim::model::World::new(common::network(&sc));
    let (_, rows) = world.run_traced(rep);
    let closed = if sc.checkpoints.is_empty() {
        Vec::new()
    } else {
        world.checkpoint_closed(0).to_vec()
    };
    let starts = rows
        .iter()
        .filter(|r| r.kind == repatsim::model::TraceKind::ServiceStart)
        .map(|r| r.time_hours)
        .collect();
    let windows = svg
        .split(" open from hour ")
        .skip(1)
        .filter_map(|t| {
            let (a, rest) = t.split_once(" to ")?;
            let b = rest.split(' ').next()?;
            Some((a.parse().ok()?, b.parse().ok()?))
        })
        .collect();
    (svg, starts, windows, closed)
}

/// The timeline's green windows are when its checkpoint could serve in that
/// replication: not in an outbreak (a tester's showed the post open through one), not
/// while its staff are off duty (one showed "always open" for weekday officers), and
/// every service starts inside one. A leg's vehicles each have a row, more than six
/// too (the seventh drew over the first).
#[test]
fn the_timeline_draws_the_replication_as_it_ran() {
    let head = "[scenario]\nname = \"t\"\nstart = 2024-01-01T00:00:00\nhorizon_days = 30\nseed = 5\n\
                [[site]]\nname = \"camp\"\nkind = \"origin\"\n[[site]]\nname = \"home\"\nkind = \"home\"\n";
    let outbreak = format!(
        "{head}[[checkpoint]]\nname = \"post\"\nsite = \"camp\"\nservers = 2\nservice_minutes = 20\nopen_hours = \"08:00-16:00\"\n\
         [[outbreak]]\nname = \"flu\"\napplies_to = [\"post\"]\nprobability_per_week = 0.9\n\
         duration_days = {{ dist = \"uniform\", min = 1, max = 3 }}\n\
         [[cohort]]\nname = \"g\"\norigin = \"camp\"\nsize = 300\narrival = {{ process = \"per_day\", per_day = [40] }}\nroute = [\"post\", \"home\"]\n"
    );
    let staffed = format!(
        "{head}[[pool]]\nname = \"officers\"\nsize = 2\non_duty_hours = \"08:00-16:00\"\non_duty_days = \"weekdays\"\n\
         [[checkpoint]]\nname = \"post\"\nsite = \"camp\"\nservers = 2\nservice_minutes = 30\nstaff_from = \"officers\"\n\
         [[cohort]]\nname = \"g\"\norigin = \"camp\"\nsize = 200\nroute = [\"post\", \"home\"]\n"
    );
    for (what, text) in [("outbreak", outbreak), ("staff", staffed)] {
        let (_, starts, windows, closed) = timeline_and_starts(&text);
        assert!(!starts.is_empty() && !windows.is_empty(), "{what}");
        for &(a, b) in &windows {
            assert!(
                !closed.iter().any(|&(c, d)| c + 0.051 < b && a + 0.051 < d),
                "{what}: drawn open {a} to {b}, but closed then: {closed:?}"
            );
        }
        if what == "outbreak" {
            assert!(
                !closed.is_empty(),
                "no outbreak in the drawn replication: a test of nothing"
            );
        }
        let shown = windows.iter().map(|w| w.1).fold(0.0, f64::max);
        for t in starts.iter().filter(|&&t| t < shown) {
            // The titles round hours to a tenth from 100 on.
            assert!(
                windows.iter().any(|&(a, b)| a - 0.051 <= *t && *t <= b + 0.051),
                "{what}: a service starts at hour {t}, outside every window drawn: {windows:?}"
            );
        }
        // Closed at night and (staff) at the weekend: never one window for all.
        assert!(windows.len() > 3, "{what}: {windows:?}");
    }
    // Twelve coaches: twelve distinct rows.
    let coaches = format!(
        "{head}[[leg]]\nname = \"coach\"\nfrom = \"camp\"\nto = \"home\"\nmode = \"coach\"\nvehicles = 12\nseats = 10\ntravel_hours = 5\n\
         [[cohort]]\nname = \"g\"\norigin = \"camp\"\nsize = 120\nroute = [\"coach\", \"home\"]\n"
    );
    let (svg, _, _, _) = timeline_and_starts(&coaches);
    let rows: std::collections::BTreeSet<String> = svg
        .split("<rect ")
        .filter(|r| r.contains("<title>coach vehicle "))
        .filter_map(|r| r.split("y=\"").nth(1)?.split('"').next().map(str::to_string))
        .collect();
    assert_eq!(rows.len(), 12, "{rows:?}");
}

/// With an `[[uncertain]]` capacity no one value is the plan's: the occupancy chart
/// draws no capacity line (a tester's drew "capacity: 30 beds" under replications with
/// up to 58) and the drawing gives the range; a timetable a change brings is drawn too
/// (the drawing kept the first one).
#[test]
fn drawn_capacities_and_changed_timetables_are_drawn_as_they_are() {
    let text = r#"
[scenario]
name = "weekly-train"
start = 2024-03-06T00:00:00
horizon_days = 20
seed = 7

[[site]]
name = "camp"
kind = "origin"

[[site]]
name = "q"
kind = "quarantine"
beds = 30
stay_hours = 48

[[site]]
name = "home"
kind = "home"

[[leg]]
name = "train"
from = "camp"
to = "q"
mode = "train"
vehicles = 1
seats = 50
travel_hours = 20
return_hours = 20
departure = "timetable"
timetable = ["tue,fri 10:00"]

[[change]]
at = 2024-03-11T00:00:00
leg = "train"
timetable = ["thu 09:00"]

[[cohort]]
name = "workers"
origin = "camp"
size = 60
route = ["train", "q", "home"]

[[uncertain]]
path = "site.q.beds"
dist = { dist = "uniform", min = 10, max = 60 }
"#;
    let sc = common::parse(text);
    let batch = common::run(&sc, 20, 1);
    let j = batch
        .timeseries
        .spec
        .sources
        .iter()
        .position(|k| *k == SeriesKey::SiteOccupancy(1))
        .unwrap();
    let data = level_data(&batch, j);
    assert_eq!((data.capacity, data.capacity_drawn), (None, Some((10.0, 60.0))));
    assert!(data.capacity_steps.is_empty());
    let svg = repatsim::report::network::network_svg(&batch);
    assert!(svg.contains("10–60 beds (drawn)"), "{svg}");
    assert!(!svg.contains("30 beds"), "{svg}");
    assert!(svg.contains("from 11 Mar: Thu 09:00"), "{svg}");
}

/// The plan drawing shows the limits that hold people (an approval quota at the
/// origin, a checkpoint's quota) and the way back from an isolation site (a tester
/// read it as a dead end, and found neither quota drawn).
#[test]
fn the_plan_drawing_shows_quotas_and_the_way_on_from_isolation() {
    let text = r#"
[scenario]
name = "limits"
start = 2024-01-01T00:00:00
horizon_days = 30
seed = 3

[[site]]
name = "camp"
kind = "origin"

[[site]]
name = "q"
kind = "quarantine"
beds = 50
stay_hours = 72
test_positive_probability = 0.2
positive_isolation_site = "iso"

[[site]]
name = "iso"
kind = "quarantine"
beds = 5
stay_hours = 120

[[site]]
name = "home"
kind = "home"

[[checkpoint]]
name = "post"
site = "camp"
servers = 1
service_minutes = 20
quota_per_day = 20

[[leg]]
name = "bus"
from = "camp"
to = "q"
mode = "bus"
vehicles = 1
seats = 40
travel_hours = 1

[[cohort]]
name = "group"
origin = "camp"
size = 40
approvals_per_day = 10
route = ["post", "bus", "q", "home"]
"#;
    let sc = common::parse(text);
    let batch = common::run(&sc, 4, 1);
    let svg = repatsim::report::network::network_svg(&batch);
    assert!(svg.contains("group approved at most 10 a day"), "{svg}");
    assert!(svg.contains("serves at most 20 a day"), "{svg}");
    // To isolation, and on from it to home: two dashed edges.
    assert_eq!(svg.matches("stroke-dasharray=\"5 3\" marker-end").count(), 2, "{svg}");
}

/// The people-home chart's words give the day the median reaches its final count, as
/// timeseries.csv shows it, not the chart's right edge (a tester read "1,000 by day
/// 31.50; the target is day 30" as a missed target; the median was there on day 28.67).
#[test]
fn the_people_home_caption_dates_when_the_median_got_there() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    repatsim()
        .arg("run")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .args(["-n", "20", "-q", "--no-what-if", "--out"])
        .arg(&out)
        .assert()
        .success();
    let csv = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (day, p50) = (col("time_days"), col("p50"));
    let home: Vec<(f64, f64)> = csv
        .lines()
        .filter(|l| l.starts_with("people_home,"))
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[day].parse().unwrap(), f[p50].parse().unwrap())
        })
        .collect();
    let last = home.last().unwrap().1;
    let settled = home[home.iter().rposition(|h| h.1 != last).unwrap() + 1].0;
    let svg = std::fs::read_to_string(out.join("people-home.svg")).unwrap();
    let said = format!("the median reaches {} by day {settled:.2}", last.round() as u64);
    assert!(svg.contains(&said), "no \"{said}\" in {}", &svg[..300]);
}

/// A sweep over a fractional parameter (a hazard per hour, 0.0001 to 0.0007) spreads
/// its points across the plot (a fixed half-unit of padding squeezed them into one
/// vertical line), and its values read as written, each apart (not 0.002 for 0.0015).
#[test]
fn a_sweep_over_small_fractions_spreads_its_points_and_names_them_as_written() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sw");
    let o = repatsim()
        .arg("sweep")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .args([
            "--vary",
            "cohort.yanbian-workers.evasion_per_hour=0.0005..0.0015:0.00025",
        ])
        .args(["--metric", "evaded@mean", "-n", "4", "-q", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let svg = std::fs::read_to_string(out.join("sweep-evaded-mean.svg")).unwrap();
    let xs: Vec<i64> = svg
        .split("<circle cx=\"")
        .skip(1)
        .map(|c| c.split('"').next().unwrap().parse().unwrap())
        .filter(|&x| x < 740)
        .collect();
    assert_eq!(xs.len(), 5, "{xs:?}");
    assert!(
        xs.windows(2).all(|w| w[1] - w[0] > 100),
        "points squeezed together: {xs:?}"
    );
    for v in ["0.0005", "0.00075", "0.001", "0.00125", "0.0015"] {
        assert!(svg.contains(&format!("at {v}")), "no {v} in the alt text");
    }
}

/// A sweep's makespan percentile beyond the horizon is marked above the horizon, which
/// is drawn (the mark sat at the top of an axis ending below the horizon, reading as a
/// value before it); a mean unknown at every point leaves the axis without numbers (an
/// axis of 0 to 1 day with marks at its top read as a makespan of a day); a whole-number
/// parameter has no ticks between whole numbers.
#[test]
fn a_sweep_chart_marks_beyond_the_horizon_above_it() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("desk.toml");
    std::fs::write(
        &scenario,
        common::desk(r#"{ dist = "exponential", mean = 60 }"#, 0.9, ""),
    )
    .unwrap();
    // The SVG of a sweep of the desk's booths over `vary`, of `stat` of the makespan.
    let sweep_svg = |vary: &str, stat: &str| -> String {
        let out = tmp.path().join(stat);
        let o = repatsim()
            .arg("sweep")
            .arg(&scenario)
            .args(["--vary", &format!("checkpoint.desk.servers={vary}")])
            .args(["--metric", &format!("makespan_days@{stat}"), "-n", "100", "-q", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        std::fs::read_to_string(out.join(format!("sweep-makespan_days-{stat}.svg"))).unwrap()
    };
    let svg = sweep_svg("1..3:1", "p90");
    assert!(svg.contains("horizon (0.900)"), "no horizon in the legend");
    // The y of every point of the matching elements drawn within the plot (left of the
    // legend panel, which starts at x = 740).
    let ys = |tag: &str, colour: &str| -> Vec<i64> {
        svg.split('<')
            .filter(|e| e.starts_with(tag) && e.contains(colour))
            .filter_map(|e| e.split("points=\"").nth(1))
            .flat_map(|p| {
                p.split(['"', ' '])
                    .take_while(|xy| xy.contains(','))
                    .filter_map(|xy| {
                        let (x, y) = xy.split_once(',').unwrap();
                        (x.parse::<i64>().unwrap() < 740).then(|| y.parse::<i64>().unwrap())
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    // The dashed horizon (red, in the plot and its legend sample) and the filled mark.
    let horizon = *ys("polyline", "#D62728").iter().max().unwrap();
    let marks = ys("polygon opacity=\"1\" fill=\"#08306B\"", "");
    assert!(!marks.is_empty(), "no mark for the point beyond the horizon");
    assert!(
        marks.iter().all(|&y| y < horizon),
        "a mark at or below the horizon: {marks:?} vs {horizon}"
    );
    assert!(svg.contains("\n2\n"), "no tick at 2");
    assert!(
        !svg.contains("\n1.50\n") && !svg.contains("\n2.50\n"),
        "ticks between whole numbers"
    );

    let svg = sweep_svg("[1]", "mean");
    assert!(svg.contains("\nunknown\n"), "the unknown mean is not marked");
    for tick in ["\n0\n", "\n0.200\n", "\n0.400\n", "\n1.00\n"] {
        assert!(
            !svg.contains(tick),
            "a number {tick} on an axis with nothing to scale it by"
        );
    }
}
