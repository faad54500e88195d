//! One exporter per output format, as hyperfine has: each writes its files of a run into
//! an output directory. A new format (Parquet, xlsx) is one new implementation added to
//! [`run_exporters`].

use super::charts::Chart;
use super::dir::{self, MergeData, OutputDir, OutputError};
use super::json::{ShardInfo, summary_document};
use crate::experiment::Batch;
use crate::experiment::whatif::WhatIf;
use rayon::prelude::*;

/// A finished run and what its outputs share (drawn once, for both the files and the
/// report page): the charts, the plan, the timeline, and the what-if on the bottleneck.
pub struct RunReport<'a> {
    pub batch: &'a Batch,
    pub shard: Option<ShardInfo>,
    pub charts: Vec<Chart>,
    pub network_svg: String,
    /// The timeline of the representative replication (not for a shard, whose
    /// replications are not the whole run's).
    pub timeline_svg: Option<String>,
    pub what_if: Option<WhatIf>,
    /// The run asked for the what-if (a shard's is run by the merge of its parts).
    pub what_if_wanted: bool,
    /// The replications whose people the run writes (`--people`).
    pub people_asked: Option<Vec<u64>>,
}

/// What a report computes beyond the batch (both need simulation: one traced
/// replication, and the what-if's reruns).
#[derive(Clone, Debug)]
pub struct ReportOptions {
    /// Run the paired what-if on the bottleneck.
    pub what_if: bool,
    /// Draw the timeline of a representative replication.
    pub timeline: bool,
    /// Worker threads for the what-if.
    pub threads: Option<usize>,
    /// A what-if already computed (read back from `summary.json` when redrawing), used
    /// instead of running it again.
    pub known_what_if: Option<WhatIf>,
    /// The replications whose people the run writes (`--people`), recorded so that a
    /// resume can refuse another list.
    pub people: Option<Vec<u64>>,
    /// Raised by Ctrl-C or SIGTERM: the what-if gives up ([`OutputError::Stopped`]).
    pub stop: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

impl Default for ReportOptions {
    fn default() -> Self {
        Self {
            what_if: true,
            timeline: true,
            threads: None,
            known_what_if: None,
            people: None,
            stop: None,
        }
    }
}

impl<'a> RunReport<'a> {
    /// Draws the charts, the plan and the timeline of `batch`, and runs the what-if.
    pub fn new(batch: &'a Batch, shard: Option<ShardInfo>, options: &ReportOptions) -> Result<Self, OutputError> {
        // The charts, and the timeline (a traced replication), side by side.
        let (charts, timeline_svg) = rayon::join(
            || super::charts::charts(batch).map_err(|e| OutputError::Chart(e.to_string())),
            || {
                (options.timeline && shard.is_none() && !batch.is_empty()).then(|| {
                    let k = super::timeline::representative(batch);
                    let mut world = crate::model::World::new(std::sync::Arc::clone(&batch.network));
                    let (_, rows) = world.run_traced(k);
                    super::timeline::timeline_svg(batch, k, &rows, &world)
                })
            },
        );
        let charts = charts?;
        let what_if = match &options.known_what_if {
            Some(w) => Some(w.clone()),
            // The output directory holds the scenario it ran: the command names that copy.
            None if shard.is_none() => super::findings::what_if_for(batch, options, dir::SCENARIO_COPY)?,
            None => None,
        };
        Ok(Self {
            batch,
            shard,
            charts,
            network_svg: super::network::network_svg(batch),
            timeline_svg,
            what_if,
            what_if_wanted: options.what_if,
            people_asked: options.people.clone(),
        })
    }
}

/// Writes some of the files of a run.
pub trait Exporter {
    /// The files it writes, for listing.
    fn files(&self, report: &RunReport) -> Vec<String>;
    /// Writes them into `dir`.
    fn export(&self, report: &RunReport, dir: &OutputDir) -> Result<(), OutputError>;
}

/// `scenario.toml`: the scenario text that was run.
pub struct ScenarioCopy;
impl Exporter for ScenarioCopy {
    fn files(&self, _: &RunReport) -> Vec<String> {
        vec![dir::SCENARIO_COPY.into()]
    }
    fn export(&self, r: &RunReport, d: &OutputDir) -> Result<(), OutputError> {
        d.write(dir::SCENARIO_COPY, r.batch.scenario().source_text.as_bytes())
    }
}

/// `replications.csv`, `metrics.csv`, `timeseries.csv` and `dictionary.csv`.
pub struct CsvFiles;
impl Exporter for CsvFiles {
    fn files(&self, _: &RunReport) -> Vec<String> {
        [dir::REPLICATIONS, dir::METRICS, dir::TIMESERIES, dir::DICTIONARY]
            .map(String::from)
            .to_vec()
    }
    fn export(&self, r: &RunReport, d: &OutputDir) -> Result<(), OutputError> {
        let b = r.batch;
        // Side by side; the two files of every replication's metrics, the largest, also
        // format their rows in parallel.
        let ((replications, metrics), (timeseries, dictionary)) = rayon::join(
            || {
                rayon::join(
                    || d.write_with(dir::REPLICATIONS, |w| super::csv::write_replications(w, b)),
                    || d.write_with(dir::METRICS, |w| super::csv::write_metrics_long(w, b)),
                )
            },
            || {
                rayon::join(
                    || {
                        d.write_with(dir::TIMESERIES, |w| {
                            super::csv::write_timeseries(w, &b.timeseries, b.scenario().start)
                        })
                    },
                    || d.write_with(dir::DICTIONARY, |w| super::csv::write_dictionary(w, b)),
                )
            },
        );
        replications.and(metrics).and(timeseries).and(dictionary)
    }
}

/// `merge-data.json`: exact histograms and totals for `merge`.
pub struct MergeFile;
impl Exporter for MergeFile {
    fn files(&self, _: &RunReport) -> Vec<String> {
        vec![dir::MERGE_DATA.into()]
    }
    fn export(&self, r: &RunReport, d: &OutputDir) -> Result<(), OutputError> {
        let data = MergeData::of(r.batch, r.what_if_wanted, r.people_asked.clone());
        d.write_with(dir::MERGE_DATA, |w| {
            serde_json::to_writer(w, &data).map_err(std::io::Error::other)
        })
    }
}

/// Every chart as PNG and SVG.
pub struct ChartFiles;
impl Exporter for ChartFiles {
    fn files(&self, r: &RunReport) -> Vec<String> {
        r.charts
            .iter()
            .flat_map(|c| [format!("{}.png", c.name), format!("{}.svg", c.name)])
            .collect()
    }
    fn export(&self, r: &RunReport, d: &OutputDir) -> Result<(), OutputError> {
        for c in &r.charts {
            d.write(&format!("{}.png", c.name), &c.png)?;
            d.write(&format!("{}.svg", c.name), c.svg.as_bytes())?;
        }
        Ok(())
    }
}

/// `report.html`, `network.svg` and `timeline.svg`.
pub struct HtmlReport;
impl Exporter for HtmlReport {
    fn files(&self, r: &RunReport) -> Vec<String> {
        let mut f = vec![dir::REPORT.to_string(), dir::NETWORK.to_string()];
        if r.timeline_svg.is_some() {
            f.push(dir::TIMELINE.into());
        }
        f
    }
    fn export(&self, r: &RunReport, d: &OutputDir) -> Result<(), OutputError> {
        d.write(dir::NETWORK, r.network_svg.as_bytes())?;
        if let Some(t) = &r.timeline_svg {
            d.write(dir::TIMELINE, t.as_bytes())?;
        }
        d.write(dir::REPORT, super::html::report_html(r).as_bytes())
    }
}

/// `summary.json`, written last so a directory with a summary is complete.
pub struct SummaryJson;
impl Exporter for SummaryJson {
    fn files(&self, _: &RunReport) -> Vec<String> {
        vec![dir::SUMMARY.into()]
    }
    fn export(&self, r: &RunReport, d: &OutputDir) -> Result<(), OutputError> {
        let mut doc = summary_document(r.batch, r.shard, true);
        if let (Some(w), Some(obj)) = (&r.what_if, doc.as_object_mut()) {
            obj.insert("what_if".into(), serde_json::to_value(w).expect("numbers and text"));
        }
        let mut text = serde_json::to_string_pretty(&doc).expect("JSON of numbers");
        text.push('\n');
        d.write(dir::SUMMARY, text.as_bytes())
    }
}

/// The exporters of a run directory, in the order they write (the summary last).
pub fn run_exporters() -> Vec<Box<dyn Exporter + Send + Sync>> {
    vec![
        Box::new(ScenarioCopy),
        Box::new(CsvFiles),
        Box::new(MergeFile),
        Box::new(ChartFiles),
        Box::new(HtmlReport),
        Box::new(SummaryJson),
    ]
}

/// Writes every output file of a run into `dir`; returns the report (for the console)
/// and the files written.
pub fn write_run<'a>(
    dir: &OutputDir,
    batch: &'a Batch,
    shard: Option<ShardInfo>,
    options: &ReportOptions,
) -> Result<(RunReport<'a>, Vec<String>), OutputError> {
    // On the run's threads: the files are independent (each written atomically into the
    // staging directory), and the CSV files format their rows in parallel.
    let (written, _) = crate::experiment::on_pool(options.threads, || {
        let report = RunReport::new(batch, shard, options)?;
        let exporters = run_exporters();
        let (summary, others) = exporters.split_last().expect("at least one exporter");
        others.par_iter().try_for_each(|e| e.export(&report, dir))?;
        // The summary last, when everything it lists is written.
        summary.export(&report, dir)?;
        let files = exporters.iter().flat_map(|e| e.files(&report)).collect();
        Ok((report, files))
    })
    .map_err(|e| OutputError::BadOut(e.to_string()))?;
    written
}

/// Redraws the charts and `report.html` of an output directory (of shard `shard`, as
/// it was written: without the timeline); returns the chart names.
pub fn redraw(
    dir: &OutputDir,
    batch: &Batch,
    shard: Option<ShardInfo>,
    options: &ReportOptions,
) -> Result<Vec<String>, OutputError> {
    let report = RunReport::new(batch, shard, options)?;
    ChartFiles.export(&report, dir)?;
    HtmlReport.export(&report, dir)?;
    Ok(report.charts.iter().map(|c| c.name.clone()).collect())
}
