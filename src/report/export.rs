//! One exporter per output format, as hyperfine has: each writes its files of a run into
//! an output directory. A new format (Parquet, xlsx) is one new implementation added to
//! [`run_exporters`].

use super::charts::Chart;
use super::dir::{self, MergeData, OutputDir, OutputError};
use super::json::{ShardInfo, summary_document};
use crate::experiment::Batch;

/// A finished run and what its outputs share (the charts are drawn once, for both the
/// chart files and the report page).
pub struct RunReport<'a> {
    pub batch: &'a Batch,
    pub shard: Option<ShardInfo>,
    pub charts: Vec<Chart>,
}

impl<'a> RunReport<'a> {
    /// Draws the charts of `batch`.
    pub fn new(batch: &'a Batch, shard: Option<ShardInfo>) -> Result<Self, OutputError> {
        let charts = super::charts::charts(batch).map_err(|e| OutputError::Chart(e.to_string()))?;
        Ok(Self { batch, shard, charts })
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
        d.write_with(dir::REPLICATIONS, |w| super::csv::write_replications(w, b))?;
        d.write_with(dir::METRICS, |w| super::csv::write_metrics_long(w, b))?;
        d.write_with(dir::TIMESERIES, |w| super::csv::write_timeseries(w, &b.timeseries))?;
        d.write_with(dir::DICTIONARY, |w| super::csv::write_dictionary(w, b))
    }
}

/// `merge-data.json`: exact histograms and totals for `merge`.
pub struct MergeFile;
impl Exporter for MergeFile {
    fn files(&self, _: &RunReport) -> Vec<String> {
        vec![dir::MERGE_DATA.into()]
    }
    fn export(&self, r: &RunReport, d: &OutputDir) -> Result<(), OutputError> {
        let data = MergeData::of(r.batch);
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

/// `report.html`.
pub struct HtmlReport;
impl Exporter for HtmlReport {
    fn files(&self, _: &RunReport) -> Vec<String> {
        vec![dir::REPORT.into()]
    }
    fn export(&self, r: &RunReport, d: &OutputDir) -> Result<(), OutputError> {
        d.write(dir::REPORT, super::html::report_html(r.batch, &r.charts).as_bytes())
    }
}

/// `summary.json`, written last so a directory with a summary is complete.
pub struct SummaryJson;
impl Exporter for SummaryJson {
    fn files(&self, _: &RunReport) -> Vec<String> {
        vec![dir::SUMMARY.into()]
    }
    fn export(&self, r: &RunReport, d: &OutputDir) -> Result<(), OutputError> {
        let mut text =
            serde_json::to_string_pretty(&summary_document(r.batch, r.shard, true)).expect("JSON of numbers");
        text.push('\n');
        d.write(dir::SUMMARY, text.as_bytes())
    }
}

/// The exporters of a run directory, in the order they write (the summary last).
pub fn run_exporters() -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(ScenarioCopy),
        Box::new(CsvFiles),
        Box::new(MergeFile),
        Box::new(ChartFiles),
        Box::new(HtmlReport),
        Box::new(SummaryJson),
    ]
}

/// Writes every output file of a run into `dir`; returns the files written.
pub fn write_run(dir: &OutputDir, batch: &Batch, shard: Option<ShardInfo>) -> Result<Vec<String>, OutputError> {
    let report = RunReport::new(batch, shard)?;
    let mut files = Vec::new();
    for e in run_exporters() {
        e.export(&report, dir)?;
        files.extend(e.files(&report));
    }
    Ok(files)
}

/// Redraws the charts and `report.html` of an output directory; returns the chart names.
pub fn redraw(dir: &OutputDir, batch: &Batch) -> Result<Vec<String>, OutputError> {
    let report = RunReport::new(batch, None)?;
    ChartFiles.export(&report, dir)?;
    HtmlReport.export(&report, dir)?;
    Ok(report.charts.iter().map(|c| c.name.clone()).collect())
}
