//! Charts and the HTML report: every chart is a valid PNG and SVG of the stated size with
//! something drawn in its plotting area, bands are ordered, `report` redraws the same
//! files, and report.html references every chart and carries the summary's figures.

mod common;
use assert_cmd::Command;
use common::repo;
use repatsim::metrics::fmt_num;
use repatsim::report::charts::SIZE;
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
fn every_chart_is_a_drawn_png_and_svg_and_the_report_holds_them_all() {
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
    for name in &names {
        let (w, h, rgb) = decode(&dir.join(format!("{name}.png")));
        assert_eq!((w, h), SIZE, "{name}");
        // The plotting area (inside the axes, below the title) is not blank: count pixels
        // that are not the white background.
        let (x0, x1, y0, y1) = (w / 5, w * 9 / 10, h / 8, h * 8 / 10);
        let mut drawn = 0;
        for y in y0..y1 {
            for x in x0..x1 {
                let i = ((y * w + x) * 3) as usize;
                if rgb[i..i + 3] != [255, 255, 255] {
                    drawn += 1;
                }
            }
        }
        let area = (x1 - x0) * (y1 - y0);
        assert!(
            drawn > area / 100,
            "{name}: only {drawn} of {area} plotting-area pixels drawn"
        );
        let svg = std::fs::read_to_string(dir.join(format!("{name}.svg"))).unwrap();
        assert!(
            svg.starts_with(&format!("<svg width=\"{}\" height=\"{}\"", SIZE.0, SIZE.1)),
            "{name}.svg"
        );
        assert!(svg.trim_end().ends_with("</svg>"), "{name}.svg is whole");
        let shapes = svg.matches("<polygon").count() + svg.matches("<polyline").count() + svg.matches("<rect").count();
        assert!(shapes > 3, "{name}.svg draws {shapes} shapes");
    }

    // The report: one self-contained page with every chart inline and the summary figures.
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(
        !html.contains("http://")
            || html.matches("http://").count() == html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count(),
        "no links off the page but SVG namespaces"
    );
    for name in &names {
        assert!(
            html.contains(&format!("data-chart=\"{name}\"")),
            "report.html misses {name}"
        );
        assert!(html.contains(&format!("href=\"{name}.png\"")));
    }
    assert_eq!(html.matches("<svg ").count(), names.len(), "every chart inline as SVG");
    let summary: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
    for metric in [
        "makespan_days",
        "home",
        "evaded",
        "site.sinuiju-quarantine.peak_occupancy",
        "cohort.yanbian-workers.mean_door_to_door_days",
    ] {
        let m = &summary["metrics"][metric];
        for key in ["mean", "ci95_low", "ci95_high"] {
            let figure = fmt_num(m[key].as_f64().unwrap());
            assert!(
                html.contains(&format!(">{figure}<"))
                    || html.contains(&format!("[{figure},"))
                    || html.contains(&format!(" {figure}]")),
                "{metric} {key} = {figure} not in report.html"
            );
        }
    }
    assert!(html.contains("first-wave-2023") && html.contains("Findings"));
    assert!(html.contains("slip away before pickup"), "evasion finding");

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
        }
    }
    let charts = repatsim::report::charts::charts(&b).unwrap();
    let q = charts
        .iter()
        .find(|c| c.name == "occupancy-quarantine")
        .expect("the bed-limited quarantine has a chart");
    assert!(q.svg.contains("capacity (50)"), "the 50-bed line is labelled");
    assert!(q.caption.contains("50 beds"));
}
