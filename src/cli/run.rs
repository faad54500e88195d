//! `run`, `merge`, `trace`, `report`, `validate` and `validate-theory`.

use super::guard::{check_resources, interrupt_flag, overrides, progress_bar, write_stdout};
use super::{Failure, MergeArgs, RunArgs, TraceArgs};
use crate::experiment::{self, Batch, Precision, RunOptions};
use crate::metrics::{fmt_count, fmt_num, fmt_quantity};
use crate::model::timeseries::MIN_GRID_HOURS;
use crate::model::{Network, World};
use crate::report::people::MAX_PEOPLE_RECORDS;
use crate::report::{self, OutputDir, OutputError, ReportOptions, ShardInfo, dir};
use crate::scenario::{self, params::Override};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn parse_shard(s: &str) -> Result<ShardInfo, Failure> {
    let bad = || Failure::BadInput(format!("--shard {s}: write I/N with 1 <= I <= N, e.g. --shard 2/8"));
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (index, count): (u64, u64) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if count == 0 || index == 0 || index > count {
        return Err(bad());
    }
    Ok(ShardInfo { index, count })
}

fn parse_precision(s: &str, max_replications: u64, net: &Network) -> Result<Precision, Failure> {
    let bad = |m: String| Failure::BadInput(format!("--until-ci {s}: {m}"));
    let (metric, value) = s.split_once('=').ok_or_else(|| {
        bad("write METRIC[@STAT]=HALF_WIDTH, e.g. makespan_days=0.25 or makespan_days@p90=0.5".into())
    })?;
    let ms = crate::experiment::MetricStat::parse(metric).map_err(bad)?;
    if let Some(why) = ms.stat.never_bounded() {
        return Err(bad(why));
    }
    let half_width: f64 = value
        .trim()
        .parse()
        .map_err(|_| bad(format!("`{value}` is not a number")))?;
    if !(half_width > 0.0 && half_width.is_finite()) {
        return Err(bad("the half-width must be a number > 0".into()));
    }
    if max_replications < crate::experiment::MIN_PRECISION_VALUES {
        return Err(bad(format!(
            "--max-replications {max_replications}: at least {} are needed before a CI is worth stopping on",
            crate::experiment::MIN_PRECISION_VALUES
        )));
    }
    let catalogue = crate::model::catalogue(net);
    let metric = ms.metric.as_str();
    if catalogue.index_of_id(metric).is_none() {
        let hint = catalogue
            .suggest(metric)
            .map_or(String::new(), |m| format!(" (did you mean `{m}`?)"));
        return Err(bad(format!("no metric named `{metric}`{hint}")));
    }
    Ok(Precision {
        metric: metric.to_string(),
        stat: ms.stat,
        half_width,
        max_replications,
    })
}

/// `repatsim run`.
pub fn run(args: RunArgs) -> Result<(), Failure> {
    let loaded = scenario::load_with(&args.file, &overrides(&args.set)?)?;
    if !loaded.warnings.is_empty() {
        eprint!("{}", loaded.render_warnings());
    }
    let mut sc = loaded.scenario;
    if let Some(s) = args.seed {
        sc.seed = s;
    }
    if let Some(g) = args.grid_hours
        && !(g >= MIN_GRID_HOURS && g.is_finite())
    {
        return Err(Failure::BadInput(format!(
            "--grid-hours {g}: must be a number of hours >= {MIN_GRID_HOURS} (0.0036 seconds)"
        )));
    }
    // A resumed directory is rewritten whole, as --force would (the lock is taken first,
    // so what is read back cannot change underneath).
    let mut out = match (&args.out, &args.resume) {
        (Some(d), _) => Some(OutputDir::prepare(d, args.force)?),
        (None, Some(d)) if d.join(dir::SUMMARY).is_file() => Some(OutputDir::prepare(d, true)?),
        _ => None,
    };
    let shard = args.shard.as_deref().map(parse_shard).transpose()?;
    let people = args.people.as_deref().map(parse_people).transpose()?;
    if people.is_some() && out.is_none() {
        return Err(Failure::BadInput(
            "--people writes people.csv into the output directory: add --out DIR".into(),
        ));
    }
    if shard.is_some() && args.until_ci.is_some() {
        return Err(Failure::BadInput(
            "--shard and --until-ci cannot be combined: a shard runs a fixed range".into(),
        ));
    }
    if let (Some(n), Some(_)) = (args.replications, &args.until_ci) {
        return Err(Failure::BadInput(format!(
            "-n {n} and --until-ci cannot be combined: --until-ci chooses the number of replications (set the step with --block and the cap with --max-replications)"
        )));
    }
    let n = args.replications.unwrap_or(u64::from(sc.replications));
    let range = match shard {
        Some(s) => experiment::shard_range(n, s.index, s.count),
        None => 0..n,
    };
    if let Some(s) = shard
        && range.is_empty()
    {
        // A folder of findings about nothing would mislead, and a failed task would stop
        // a cluster's array (and the merge waiting on it): the shard succeeds, writing
        // nothing, and `merge` does not ask for it.
        eprintln!(
            "--shard {}/{}: {} split {} ways leave this shard none: nothing to run, no folder written (merge the other shards without it)",
            s.index,
            s.count,
            fmt_quantity(n, "replication"),
            s.count
        );
        return Ok(());
    }
    // Before the run, not after it: a replication outside the range lost the whole run.
    if let Some(k) = people.iter().flatten().find(|k| !range.contains(k)) {
        return Err(Failure::BadInput(format!(
            "--people: replication {k} is not among those this command runs ({}..{}, the last not included)",
            range.start, range.end
        )));
    }
    let net = Arc::new(Network::new(Arc::new(sc)));
    let asked = super::resume::Asked {
        what_if: !args.no_what_if,
        people: people.clone(),
    };
    let done = match &args.resume {
        None => None,
        Some(d) => match super::resume::read(d, &net, &range, args.grid_hours, &asked)? {
            super::resume::Resumed::Complete(n) => {
                eprintln!("{}: complete already ({n} replications); nothing to run", d.display());
                return Ok(());
            }
            super::resume::Resumed::Partial(b) => Some(*b),
        },
    };
    let range = match &done {
        Some(b) => {
            let next = b.first_replication + b.len() as u64;
            if !args.quiet {
                eprintln!(
                    "resuming: {} of {} replications done, running replications {next}..{}",
                    fmt_count(b.len() as u64),
                    fmt_count(range.end - range.start),
                    range.end
                );
            }
            next..range.end
        }
        None => range,
    };
    let planned = if args.until_ci.is_some() {
        args.max_replications
    } else {
        range.end - range.start
    };
    check_resources(
        &net,
        planned,
        args.threads,
        args.grid_hours,
        args.yes,
        args.until_ci.is_none(),
    )?;
    // Without --out too: the series are built (and cost their time) whether or not
    // they are written (a tester's 0.001-hour grid ran 11 s for five replications).
    check_grid_size(&net, args.grid_hours, args.yes)?;
    if args.until_ci.is_some() {
        // The time of the first block, at least, is known before starting.
        let first_block = args.block.max(2).min(args.max_replications);
        check_resources(&net, first_block, args.threads, args.grid_hours, args.yes, true)?;
    }
    let opts = RunOptions {
        replications: range.clone(),
        threads: args.threads.map(|t| t as usize),
        grid_hours: args.grid_hours,
        block: args.block,
        stop: Some(interrupt_flag()),
        progress: None,
    };
    let mut precision_missed = None;
    let mut until_ci: Option<UntilCi> = None;
    let mut batch = match &args.until_ci {
        Some(spec) => {
            let (b, outcome) = run_until_ci(&net, &opts, spec, &args)?;
            if !outcome.met {
                precision_missed = Some(outcome.clone());
            }
            until_ci = Some(outcome);
            b
        }
        None => {
            let bar = progress_bar(range.end - range.start, args.quiet, "replications");
            let b = experiment::run_network(&net, &opts, Some(&|d| bar.set_position(d)))
                .map_err(|e| Failure::Internal(e.to_string()))?;
            bar.finish_and_clear();
            match done {
                Some(mut before) => {
                    before.append(b).map_err(Failure::Internal)?;
                    before
                }
                None => b,
            }
        }
    };
    if args.verbose {
        eprintln!(
            "{} events in {:.3} s on {} threads: {:.2} M events/s",
            batch.timed_events,
            batch.wall_seconds,
            batch.threads,
            batch.timed_events as f64 / batch.wall_seconds.max(1e-9) / 1e6
        );
    }
    let mut options = ReportOptions {
        what_if: !args.no_what_if,
        timeline: true,
        threads: args.threads.map(|t| t as usize),
        known_what_if: None,
        people: people.clone(),
        stop: Some(interrupt_flag()),
    };
    // The what-if before anything is written: a stop during it (hundreds of paired
    // replications; a scheduler's SIGTERM, then its kill seconds later) writes the run's
    // own replications at once, marked interrupted, and the resume tries it.
    if options.what_if && shard.is_none() && !batch.interrupted && (out.is_some() || !args.json) {
        // The output directory holds the scenario it ran: its command names that copy.
        let file = match out {
            Some(_) => dir::SCENARIO_COPY.to_string(),
            None => args.file.display().to_string(),
        };
        match report::findings::what_if_for(&batch, &options, &file) {
            Ok(w) => options.known_what_if = w,
            Err(OutputError::Stopped) => batch.interrupted = true,
            Err(e) => return Err(e.into()),
        }
    }
    let (what_if, written) = match &mut out {
        Some(dir) => {
            let (report, mut files) = report::write_run(dir, &batch, shard, &options)?;
            if let Some(list) = &people {
                // Stopped early: the people of the replications that ran (a resume
                // writes them all); the list is recorded for the resume to check.
                let ran = batch.first_replication..batch.first_replication + batch.len() as u64;
                let list: Vec<u64> = list.iter().copied().filter(|k| ran.contains(k)).collect();
                if !list.is_empty() {
                    files.extend(write_people(dir, &batch, &list)?);
                }
            }
            dir.commit()?;
            // The console names the file the user ran, not the output directory's copy.
            let file = args.file.display().to_string();
            (report.what_if.map(|w| w.for_file(&file, &args.set)), files)
        }
        None => {
            let file = args.file.display().to_string();
            let w = options.known_what_if.clone();
            (w.map(|w| w.for_file(&file, &args.set)), Vec::new())
        }
    };
    if args.json {
        print_json(&batch, shard, until_ci.as_ref())?;
    } else {
        write_stdout(&report::summary_table(&batch, what_if.as_ref(), args.all))?;
    }
    if let Some(dir) = &out
        && !args.quiet
    {
        eprintln!("wrote {}", list_outputs(dir.path(), &written));
    }
    if batch.interrupted {
        // Stopped during the what-if, every replication done: the rest is the what-if.
        let all_done = batch
            .planned
            .as_ref()
            .is_some_and(|p| p.end == batch.first_replication + batch.len() as u64);
        let rest = if all_done { "try the what-if" } else { "run the rest" };
        let resume = match (&out, batch.planned.is_some()) {
            (Some(d), true) if args.resume.is_some() => {
                format!("; to {rest}, repeat this command (--resume {})", d.path().display())
            }
            (Some(d), true) => format!(
                "; to {rest}, repeat the command with --resume {} instead of --out",
                d.path().display()
            ),
            _ => String::new(),
        };
        return Err(Failure::Interrupted(format!(
            "interrupted{}: {} completed (from {}); {}{resume}",
            if all_done { " during the what-if" } else { "" },
            fmt_quantity(batch.len() as u64, "replication"),
            batch.first_replication,
            if out.is_some() {
                "the summary and the output files cover those and are marked partial"
            } else {
                "the summary covers those and is marked partial"
            }
        )));
    }
    if let Some(u) = precision_missed {
        return Err(Failure::NotMet(format!(
            "--until-ci: {}",
            u.why_not_met.unwrap_or_default()
        )));
    }
    Ok(())
}

/// `--people 0,5,9` or `--people 0..3`: the replications whose people are written; a
/// range includes both ends (0, 1, 2 and 3), as `--vary LO..HI` and "replications 0 to
/// 3" do (it left the end out, unlike every other range of the tool).
fn parse_people(s: &str) -> Result<Vec<u64>, Failure> {
    let bad = || Failure::BadInput(format!("--people {s}: write replication numbers as 0, 0,5,9 or 0..3"));
    let mut out = Vec::new();
    for part in s.split(',') {
        match part.split_once("..") {
            Some((a, b)) => {
                let (a, b): (u64, u64) = (
                    a.trim().parse().map_err(|_| bad())?,
                    b.trim().parse().map_err(|_| bad())?,
                );
                if b < a {
                    return Err(bad());
                }
                if b - a >= 1000 {
                    return Err(Failure::BadInput(format!(
                        "--people {s}: at most 1,000 replications' people at a time"
                    )));
                }
                out.extend(a..=b);
            }
            None => out.push(part.trim().parse().map_err(|_| bad())?),
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// Writes people.csv and its dictionary for replications `list` of `batch` (each rerun
/// with its trace, exactly as inside the batch); returns the files written.
fn write_people(dir: &OutputDir, batch: &Batch, list: &[u64]) -> Result<Vec<String>, Failure> {
    let range = batch.first_replication..batch.first_replication + batch.len() as u64;
    if let Some(k) = list.iter().find(|k| !range.contains(k)) {
        return Err(Failure::BadInput(format!(
            "--people: replication {k} is not among those run ({}..{})",
            range.start, range.end
        )));
    }
    let records = u64::from(batch.network.population) * list.len() as u64;
    if records > MAX_PEOPLE_RECORDS {
        return Err(Failure::BadInput(format!(
            "--people: {} people x {} replications is {} person records, more than {}: choose fewer replications",
            fmt_count(u64::from(batch.network.population)),
            list.len(),
            fmt_count(records),
            fmt_count(MAX_PEOPLE_RECORDS)
        )));
    }
    let mut world = World::new(Arc::clone(&batch.network));
    dir.write_with(dir::PEOPLE, |w| {
        let mut csv = ::csv::Writer::from_writer(w);
        for (i, &k) in list.iter().enumerate() {
            let (_, rows) = world.run_traced(k);
            report::people::write_people(&mut csv, &batch.network, k, &rows, i == 0)?;
        }
        csv.flush()
    })?;
    dir.write_with(dir::PEOPLE_DICTIONARY, |w| report::people::write_people_dictionary(w))?;
    Ok(vec![dir::PEOPLE.into(), dir::PEOPLE_DICTIONARY.into()])
}

/// How a `--until-ci` run ended, for the console and the JSON summary.
#[derive(Clone, Debug, serde::Serialize)]
struct UntilCi {
    /// `METRIC@STAT`.
    statistic: String,
    target_half_width: f64,
    /// The half-width reached (null while undefined).
    half_width: f64,
    replications: u64,
    max_replications: u64,
    /// Whether the target was met.
    met: bool,
    /// Why not, when not: the cap reached first, or a statistic that cannot be known
    /// (the mean makespan with replications that never finish).
    why_not_met: Option<String>,
}

/// `run --until-ci`: blocks of replications until the precision target is met or the cap.
fn run_until_ci(
    net: &Arc<Network>,
    opts: &RunOptions,
    spec: &str,
    args: &RunArgs,
) -> Result<(Batch, UntilCi), Failure> {
    let target = parse_precision(spec, args.max_replications, net)?;
    let bar = progress_bar(target.max_replications, args.quiet, "replications");
    let b = experiment::run_until_precise(net, opts, &target, Some(&|d| bar.set_position(d)))
        .map_err(|e| Failure::Internal(e.to_string()))?;
    bar.finish_and_clear();
    let index = b.metric_index(&target.metric).expect("metric checked");
    let column = b.column(index);
    let censored = crate::experiment::check::is_censored(&b, index);
    let half_width = target.half_width_of(&b, index);
    let met = target.is_met(&b, index);
    let values = column.iter().filter(|x| x.is_finite()).count();
    let unfinished = b.len() - values;
    let statistic = format!("{}@{}", target.metric, target.stat.label());
    let why_not_met = if met {
        None
    } else if target.never_met(&b, index) {
        Some(format!(
            "the mean of {} is unknown: {unfinished} of {} replications did not get everyone home within the horizon, and no number of replications makes it known; a percentile counts them (e.g. {}@p50=...)",
            target.metric,
            b.len(),
            target.metric
        ))
    } else if censored && target.estimate(&b, index).ci95_high == f64::INFINITY {
        Some(format!(
            "the cap of {} replications was reached with the 95% CI of {statistic} reaching beyond the horizon ({unfinished} replications did not get everyone home within it)",
            b.len()
        ))
    } else if !censored && values < crate::experiment::MIN_PRECISION_VALUES as usize {
        Some(format!(
            "the cap of {} replications was reached with a value of {} in only {values} of them (it has none in a replication where, e.g., not everyone got home), too few for a CI",
            b.len(),
            target.metric
        ))
    } else {
        Some(format!(
            "the cap of {} replications was reached with the 95% CI half-width of {statistic} at {}, above the target {}",
            b.len(),
            fmt_num(half_width),
            target.half_width
        ))
    };
    eprintln!(
        "--until-ci: {} replications; 95% CI half-width of {statistic} is {} ({} the target {})",
        b.len(),
        if half_width.is_finite() {
            fmt_num(half_width)
        } else {
            "unknown".to_string()
        },
        if met { "within" } else { "NOT within" },
        target.half_width
    );
    let outcome = UntilCi {
        statistic,
        target_half_width: target.half_width,
        half_width,
        replications: b.len() as u64,
        max_replications: target.max_replications,
        met,
        why_not_met,
    };
    Ok((b, outcome))
}

/// The main files written, for the closing note.
fn list_outputs(dir: &Path, written: &[String]) -> String {
    let main = [
        dir::SUMMARY,
        dir::REPLICATIONS,
        dir::METRICS,
        dir::TIMESERIES,
        dir::DICTIONARY,
        dir::REPORT,
    ];
    let charts = written.iter().filter(|f| f.ends_with(".png")).count();
    let mut s = main
        .iter()
        .map(|f| dir.join(f).display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    s.push_str(&format!(" and {charts} charts (PNG and SVG)"));
    s
}

fn print_json(batch: &Batch, shard: Option<ShardInfo>, until_ci: Option<&UntilCi>) -> Result<(), Failure> {
    let mut doc = report::summary_document(batch, shard, false);
    if let (Some(u), Some(map)) = (until_ci, doc.as_object_mut()) {
        map.insert("until_ci".into(), serde_json::to_value(u).unwrap_or_default());
    }
    let mut s = serde_json::to_string_pretty(&doc).map_err(|e| Failure::Internal(e.to_string()))?;
    s.push('\n');
    write_stdout(&s)
}

/// `repatsim merge`.
pub fn merge(args: MergeArgs) -> Result<(), Failure> {
    // A part named twice would count its replications twice (it was taken for a shard
    // of its own: "3 of the shards", one missing).
    let mut seen: Vec<PathBuf> = Vec::new();
    for p in &args.parts {
        let key = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
        if seen.contains(&key) {
            return Err(Failure::BadInput(format!(
                "{}: named twice; name each part once",
                p.display()
            )));
        }
        seen.push(key);
    }
    // --force replaces --out as a whole: naming a part would destroy it (a tester's
    // `merge c1 c2 c3 --out c1 --force`), leaving no part to merge again.
    let out_key = std::fs::canonicalize(&args.out).unwrap_or_else(|_| args.out.clone());
    if seen.contains(&out_key) {
        return Err(Failure::BadInput(format!(
            "--out {}: one of the parts being merged; name a new directory (the parts are kept, to merge again)",
            args.out.display()
        )));
    }
    let mut out = OutputDir::prepare(&args.out, args.force)?;
    let batch = dir::merge_parts(&args.parts)?;
    // The what-if only if every part's run asked for it.
    // The people written by the parts, as the unsharded run with them all records them.
    let mut people: Vec<u64> = args
        .parts
        .iter()
        .filter_map(|p| dir::part_people(p))
        .flatten()
        .collect();
    people.sort_unstable();
    people.dedup();
    let options = ReportOptions {
        what_if: args.parts.iter().all(|p| dir::part_wants_what_if(p)),
        people: (!people.is_empty()).then_some(people),
        ..ReportOptions::default()
    };
    let (report, mut written) = report::write_run(&out, &batch, None, &options)?;
    written.extend(merge_people(&out, &args.parts)?);
    out.commit()?;
    write_stdout(&report::summary_table(&batch, report.what_if.as_ref(), false))?;
    eprintln!(
        "merged {}: {}",
        fmt_quantity(args.parts.len() as u64, "part"),
        list_outputs(out.path(), &written)
    );
    Ok(())
}

/// The parts' `people.csv` (shards run with `--people`) as one file, in replication
/// order with one header, as an unsharded run with the same `--people` writes it (a
/// merge dropped them); returns the files written.
fn merge_people(out: &OutputDir, parts: &[PathBuf]) -> Result<Vec<String>, Failure> {
    let mut files: Vec<(u64, String)> = Vec::new();
    for p in parts {
        let path = p.join(dir::PEOPLE);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        // Rows are in replication order within a part, and parts do not overlap.
        let first = text
            .lines()
            .nth(1)
            .and_then(|l| l.split(',').next())
            .and_then(|r| r.parse::<u64>().ok());
        let Some(first) = first else {
            continue; // a header alone: nothing traced there
        };
        files.push((first, text));
    }
    if files.is_empty() {
        return Ok(Vec::new());
    }
    files.sort_by_key(|(first, _)| *first);
    let header = files[0].1.lines().next().unwrap_or_default().to_string();
    if files.iter().any(|(_, t)| t.lines().next() != Some(header.as_str())) {
        return Err(Failure::BadInput(
            "the parts' people.csv files have different columns (written by different versions of repatsim?)".into(),
        ));
    }
    out.write_with(dir::PEOPLE, |w| {
        use std::io::Write;
        w.write_all(header.as_bytes())?;
        w.write_all(b"\n")?;
        for (_, t) in &files {
            for line in t.lines().skip(1) {
                w.write_all(line.as_bytes())?;
                w.write_all(b"\n")?;
            }
        }
        Ok(())
    })?;
    out.write_with(dir::PEOPLE_DICTIONARY, |w| report::people::write_people_dictionary(w))?;
    Ok(vec![dir::PEOPLE.into(), dir::PEOPLE_DICTIONARY.into()])
}

/// `repatsim report DIR`.
pub fn report(path: &Path) -> Result<(), Failure> {
    let batch = dir::read_part(path)?;
    // The what-if the run computed (its command names the scenario as the user did).
    let known_what_if = std::fs::read(path.join(dir::SUMMARY))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| serde_json::from_value(v.get("what_if")?.clone()).ok());
    let options = ReportOptions {
        what_if: known_what_if.is_some(),
        known_what_if,
        ..ReportOptions::default()
    };
    // A shard's part is redrawn as it was written (no timeline: its replications are
    // not the whole run's).
    let shard = dir::part_shard(path);
    let charts = report::export::redraw(&OutputDir::existing(path), &batch, shard, &options)?;
    eprintln!(
        "wrote {} and {} charts ({}) as PNG and SVG",
        path.join(dir::REPORT).display(),
        charts.len(),
        charts.join(", ")
    );
    Ok(())
}

/// `repatsim trace`.
pub fn trace(args: TraceArgs) -> Result<(), Failure> {
    // Refused before the run: an existing file (a run's summary.json, say) is replaced
    // only when asked.
    // (A dangling link is there too: written through, it would create a file wherever
    // it points.)
    let dangling = |p: &Path| std::fs::symlink_metadata(p).is_ok() && !p.exists();
    if let Some(path) = &args.out
        && (path.is_file() || dangling(path))
        && !args.force
    {
        return Err(Failure::BadInput(format!(
            "--out {}: exists; name a new file, or give --force to replace it",
            path.display()
        )));
    }
    let mut sc = scenario::load_with(&args.file, &overrides(&args.set)?)?.scenario;
    if let Some(s) = args.seed {
        sc.seed = s;
    }
    let net = Arc::new(Network::new(Arc::new(sc)));
    let (result, rows) = World::new(Arc::clone(&net)).run_traced(args.replication);
    let mut bytes = Vec::new();
    report::csv::write_trace(&mut bytes, &net, &rows).map_err(|e| Failure::Internal(e.to_string()))?;
    match &args.out {
        Some(path) => {
            if path.is_dir() {
                return Err(Failure::BadInput(format!(
                    "--out {}: a directory; trace writes one CSV file, e.g. --out trace.csv",
                    path.display()
                )));
            }
            if path.file_name().is_none() {
                return Err(Failure::BadInput(format!("--out {}: not a file name", path.display())));
            }
            dir::write_file(path, &bytes)
                .map_err(|e| Failure::BadInput(format!("--out {}: cannot write it: {e}", path.display())))?;
        }
        None => write_stdout(&String::from_utf8_lossy(&bytes))?,
    }
    eprintln!(
        "replication {}: {} events, {} of {} people home{}",
        args.replication,
        result.events,
        result.home,
        result.population,
        result
            .makespan_hours
            .map_or(String::new(), |h| format!(", makespan {} days", fmt_num(h / 24.0)))
    );
    Ok(())
}

/// `repatsim validate-theory`.
pub fn validate_theory(threads: Option<usize>) -> Result<(), Failure> {
    let outcomes = crate::validation::run_all(threads).map_err(|e| Failure::Internal(e.to_string()))?;
    write_stdout(&crate::validation::markdown_table(&outcomes))?;
    let failed = outcomes.iter().filter(|o| !o.passed).count();
    if failed > 0 {
        return Err(Failure::Internal(format!("{failed} validation check(s) failed")));
    }
    Ok(())
}

/// `repatsim validate`.
pub fn validate(files: &[PathBuf], set: &[Override]) -> Result<(), Failure> {
    let mut failed = String::new();
    for f in files {
        match scenario::load_with(f, set) {
            Ok(loaded) => {
                if !loaded.warnings.is_empty() {
                    eprint!("{}", loaded.render_warnings());
                }
                let sc = &loaded.scenario;
                let unknown = super::check::unknown_target_metrics(
                    sc,
                    &crate::model::catalogue(&Network::new(Arc::new(sc.clone()))),
                );
                if !unknown.is_empty() {
                    failed.push_str(&unknown);
                    continue;
                }
                write_stdout(&format!(
                    "{}: ok ({} in {}; {}, {}, {})\n",
                    f.display(),
                    crate::metrics::fmt_people(sc.population()),
                    count(sc.cohorts.len(), "cohort"),
                    count(sc.sites.len(), "site"),
                    count(sc.legs.len(), "leg"),
                    count(sc.checkpoints.len(), "checkpoint")
                ))?;
            }
            Err(e) => failed.push_str(&e.to_string()),
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Failure::BadInput(failed))
    }
}

/// "1 leg", "2 legs".
fn count(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// Rows of `timeseries.csv` beyond which a run asks for `--yes`: about 450 MB of text.
const MAX_TIMESERIES_ROWS: usize = 1_000_000;

/// Refuses (unless `yes`) a time grid so fine that the time series (`timeseries.csv`
/// with `--out`) would run to gigabytes: a tester's `--grid-hours 0.0001` wrote 2.2 GB
/// for 40 people, silently.
fn check_grid_size(net: &Arc<Network>, grid_hours: Option<f64>, yes: bool) -> Result<(), Failure> {
    let spec = crate::model::timeseries::SeriesSpec::new(net, grid_hours);
    let rows = spec.points.saturating_mul(spec.names.len());
    if rows <= MAX_TIMESERIES_ROWS || yes {
        return Ok(());
    }
    // The grid has floor(end / grid) + 1 points per series: the least grid that fits,
    // written with three significant digits rounded up (so that it fits as printed).
    let points_allowed = (MAX_TIMESERIES_ROWS / spec.names.len().max(1)).max(2) - 1;
    let least = spec.end_hours / points_allowed as f64;
    let digits = 2 - least.log10().floor() as i32;
    let step = 10f64.powi(-digits);
    let coarsest_needed = format!("{:.*}", digits.max(0) as usize, (least / step).ceil() * step);
    Err(Failure::BadInput(format!(
        "--grid-hours {}: {} grid points x {} series make {} rows of time series (timeseries.csv, about {:.1} GB); \
         use --grid-hours {} or more, or --yes to write them anyway",
        spec.grid_hours,
        crate::metrics::fmt_count(spec.points as u64),
        spec.names.len(),
        crate::metrics::fmt_count(rows as u64),
        rows as f64 * 460.0 / 1e9,
        coarsest_needed
    )))
}
