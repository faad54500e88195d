//! The deployment script behind docs/SCALING.md's Slurm and Kubernetes examples runs
//! the right shard from each scheduler's environment, and the merged parts equal an
//! unsharded run; a shard run again (a requeued task) leaves a finished folder alone.
//! (deploy/slurm-test.sh runs the same on a real Slurm cluster, with a preempted task.)

mod common;
use assert_cmd::cargo::cargo_bin;
use common::repo;
use std::path::Path;
use std::process::Command;

fn shard(out: &Path, env: &[(&str, String)]) -> String {
    let mut cmd = Command::new("bash");
    cmd.arg(repo("deploy/repatsim-shard.sh"))
        .env("SCENARIO", repo("scenarios/first-wave-2023.toml"))
        .env("REPLICATIONS", "90")
        .env("OUT", out)
        .env("REPATSIM", cargo_bin("repatsim"))
        .env("THREADS", "1");
    for v in [
        "SLURM_ARRAY_TASK_ID",
        "SLURM_ARRAY_TASK_MIN",
        "SLURM_ARRAY_TASK_COUNT",
        "JOB_COMPLETION_INDEX",
        "SHARD_INDEX",
        "SHARD_COUNT",
    ] {
        cmd.env_remove(v);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{err}");
    err
}

fn merge(parts: &Path, out: &Path) {
    let mut cmd = Command::new(cargo_bin("repatsim"));
    cmd.arg("merge");
    for i in 1..=3 {
        cmd.arg(parts.join(format!("part-{i}")));
    }
    let o = cmd.arg("--out").arg(out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn slurm_and_kubernetes_shards_merge_to_the_unsharded_run() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    let o = Command::new(cargo_bin("repatsim"))
        .arg("run")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .args(["-n", "90", "-q", "--out"])
        .arg(&whole)
        .output()
        .unwrap();
    assert!(o.status.success());

    let slurm = tmp.path().join("slurm");
    // An array declared as --array=5-7: task ids 5, 6, 7 are shards 1, 2, 3.
    for id in 5..=7 {
        shard(
            &slurm,
            &[
                ("SLURM_ARRAY_TASK_ID", id.to_string()),
                ("SLURM_ARRAY_TASK_MIN", "5".into()),
                ("SLURM_ARRAY_TASK_COUNT", "3".into()),
            ],
        );
    }
    let k8s = tmp.path().join("k8s");
    for index in 0..3 {
        shard(
            &k8s,
            &[("JOB_COMPLETION_INDEX", index.to_string()), ("SHARD_COUNT", "3".into())],
        );
    }
    // A requeued task whose shard finished leaves it as it is.
    let again = shard(
        &slurm,
        &[
            ("SLURM_ARRAY_TASK_ID", "6".into()),
            ("SLURM_ARRAY_TASK_MIN", "5".into()),
            ("SLURM_ARRAY_TASK_COUNT", "3".into()),
        ],
    );
    assert!(again.contains("nothing to run"), "{again}");
    for parts in [&slurm, &k8s] {
        let merged = parts.join("merged");
        merge(parts, &merged);
        for f in ["replications.csv", "timeseries.csv", "merge-data.json"] {
            assert_eq!(
                std::fs::read(whole.join(f)).unwrap(),
                std::fs::read(merged.join(f)).unwrap(),
                "{f} from {}",
                parts.display()
            );
        }
    }
}

/// `summary.json` without its timings.
fn summary(dir: &Path) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
    v.as_object_mut().unwrap().remove("performance");
    v
}

/// Shards run with `--no-what-if` merge to what the unsharded run with it wrote: no
/// what-if in the summary or the report (the merge ran one before).
#[test]
fn shards_without_the_what_if_merge_without_it() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |out: &Path, extra: &[&str]| {
        let o = Command::new(cargo_bin("repatsim"))
            .arg("run")
            .arg(repo("scenarios/first-wave-2023.toml"))
            .args(["-n", "30", "-q", "--no-what-if"])
            .args(extra)
            .arg("--out")
            .arg(out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    let whole = tmp.path().join("whole");
    run(&whole, &[]);
    for i in 1..=3 {
        run(&tmp.path().join(format!("part-{i}")), &["--shard", &format!("{i}/3")]);
    }
    let merged = tmp.path().join("merged");
    merge(tmp.path(), &merged);
    let s = summary(&merged);
    assert!(s.get("what_if").is_none(), "{s}");
    assert_eq!(s, summary(&whole));
    let html = std::fs::read_to_string(merged.join("report.html")).unwrap();
    assert!(!html.contains("What to change"));
    assert_eq!(
        std::fs::read(whole.join("merge-data.json")).unwrap(),
        std::fs::read(merged.join("merge-data.json")).unwrap()
    );
}
