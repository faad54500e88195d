//! report.html as a person sees it: rendered by real headless Chromium (Debian's
//! `chromium`; `.ci/run` installs it when missing and runs this test with
//! `--ignored`). The page must render (a screenshot that is not blank), run its script,
//! hold every chart in the rendered DOM, and log nothing to the console (no errors).

mod common;
use assert_cmd::Command;
use common::repo;
use std::path::{Path, PathBuf};

/// The Chromium to use: `$REPATSIM_CHROMIUM`, else `chromium` on the PATH.
fn chromium() -> PathBuf {
    if let Ok(p) = std::env::var("REPATSIM_CHROMIUM") {
        return PathBuf::from(p);
    }
    for dir in std::env::var("PATH").unwrap_or_default().split(':') {
        let p = Path::new(dir).join("chromium");
        if p.exists() {
            return p;
        }
    }
    panic!(
        "no chromium: install Debian's `chromium` (apt-get install -y chromium; .ci/run does) or set REPATSIM_CHROMIUM"
    );
}

/// Runs headless Chromium on `page` with `args`; returns (stdout, stderr).
fn headless(page: &Path, profile: &Path, args: &[&str]) -> (String, String) {
    let out = std::process::Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
#[ignore = "needs Debian's chromium; .ci/run installs it and runs this test with --ignored"]
fn the_report_renders_in_a_real_browser() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    Command::cargo_bin("repatsim")
        .unwrap()
        .arg("run")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .args(["-n", "100", "-q", "--out"])
        .arg(&dir)
        .assert()
        .success();
    let page = dir.join("report.html");
    let charts: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".png").map(String::from))
        .collect();
    assert!(charts.len() >= 7, "{charts:?}");

    // The rendered DOM: the script ran, every chart is there, the plan and the timeline.
    let (dom, log) = headless(&page, &tmp.path().join("profile-dom"), &["--dump-dom"]);
    assert!(dom.contains("data-ready=\"1\""), "the page's script did not run");
    for c in &charts {
        assert!(
            dom.contains(&format!("data-chart=\"{c}\"")),
            "{c} is not in the rendered page"
        );
    }
    assert!(dom.contains("aria-label=\"The network of first-wave-2023\""));
    assert!(dom.contains("aria-label=\"Timeline of replication"));
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:#?}");

    // A screenshot that is not blank: text, tables and drawings on a white page ink a few
    // percent of its pixels (a blank or failed page: none).
    let shot = tmp.path().join("report.png");
    let (_, log) = headless(
        &page,
        &tmp.path().join("profile-shot"),
        &["--window-size=1300,2400", &format!("--screenshot={}", shot.display())],
    );
    assert!(
        !log.lines().any(|l| l.contains(":CONSOLE")),
        "console messages while rendering"
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let pixels = (info.width * info.height) as usize;
    let inked = buf[..pixels * channels]
        .chunks(channels)
        .filter(|p| p[..3].iter().any(|&c| c < 235))
        .count();
    eprintln!("{inked} of {pixels} pixels inked");
    assert!(
        inked * 50 > pixels,
        "the screenshot is nearly blank: {inked} of {pixels} pixels inked"
    );
}
