//! Turning results into outputs: the console summary ([`console`]), `summary.json`
//! ([`json`]), the CSV files ([`csv`]), charts ([`charts`]), the report page ([`html`],
//! with [`findings`] computed from the results), and the output directory
//! ([`outdir`], all from one run or visibly incomplete; read back by [`dir`]) that one
//! [`export::Exporter`] per format writes into.

pub mod charts;
pub mod console;
pub mod csv;
pub mod dir;
pub mod export;
pub mod findings;
pub mod html;
pub mod inputs;
pub mod json;
pub mod network;
pub mod outdir;
pub mod people;
pub mod study;
pub mod timeline;
pub mod waiting;

pub use console::{describe_stuck, summary_table};
pub use dir::{OutputDir, OutputError};
pub use export::{Exporter, ReportOptions, RunReport, write_run};
pub use json::{ShardInfo, summary_document, summary_json};
pub use waiting::{Wait, limiting_stage, waiting_by_stage};
