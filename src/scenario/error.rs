//! Problems found in scenario files, located by file, line and column and rendered
//! with the offending text underlined.

use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Chars, Config};
use std::ops::Range;

/// One problem (or warning) in a scenario file.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Dotted path of the offending field, e.g. `leg.bridge-bus.seats` or `site[2].beds`.
    pub field: String,
    /// What is wrong.
    pub message: String,
    /// What would be valid, or a likely intended spelling.
    pub help: Option<String>,
    /// Byte range in the file text, when known.
    pub span: Option<Range<usize>>,
}

impl Diagnostic {
    /// A problem with `field` at `span`.
    pub fn new(field: impl Into<String>, span: Option<Range<usize>>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
            help: None,
            span,
        }
    }

    /// Adds what would be valid.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// A position in a file, 1-based, columns counted in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Where byte `offset` of `text` lies.
pub fn line_col(text: &str, offset: usize) -> LineCol {
    let offset = offset.min(text.len());
    let offset = (0..=offset).rev().find(|&o| text.is_char_boundary(o)).unwrap_or(0);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    LineCol {
        line,
        column: before[line_start..].chars().count() + 1,
    }
}

/// A scenario file that could not be accepted: every problem found, with the file text
/// so each can be shown in place.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{}", self.render())]
pub struct ScenarioError {
    /// The file name as given by the user.
    pub file: String,
    /// The file's text.
    pub text: String,
    /// The problems, in file order where known.
    pub diagnostics: Vec<Diagnostic>,
}

impl ScenarioError {
    /// Line and column of each diagnostic (line 1, column 1 when the span is unknown).
    pub fn locations(&self) -> Vec<LineCol> {
        self.diagnostics
            .iter()
            .map(|d| {
                d.span
                    .as_ref()
                    .map_or(LineCol { line: 1, column: 1 }, |s| line_col(&self.text, s.start))
            })
            .collect()
    }

    /// Human-readable report of every problem, as printed by the CLI.
    pub fn render(&self) -> String {
        render(&self.file, &self.text, &self.diagnostics, Severity::Error)
    }
}

/// Renders diagnostics with `file:line:column`, the snippet and a caret under the span.
pub fn render(file: &str, text: &str, diagnostics: &[Diagnostic], severity: Severity) -> String {
    let files = SimpleFile::new(file, text);
    let config = Config {
        chars: Chars::ascii(),
        ..Config::default()
    };
    let mut out = String::new();
    for d in diagnostics {
        let span = d.span.clone().unwrap_or(0..0);
        let at = line_col(text, span.start);
        if d.span.is_some()
            && let Some(s) = render_long_line(file, text, d, severity, &span)
        {
            out.push_str(&s);
            continue;
        }
        let mut report = Report::new(severity)
            .with_code(d.field.clone())
            .with_message(d.message.clone());
        if d.span.is_none() {
            report = report.with_notes(vec![format!("in {file}")]);
        } else if text.is_empty() {
            report = report.with_notes(vec![format!("in {file}:{}:{}", at.line, at.column)]);
        } else {
            report = report.with_labels(vec![Label::primary((), span).with_message(format!("`{}`", d.field))]);
        }
        if let Some(h) = &d.help {
            report = report.with_notes(vec![format!("help: {h}")]);
        }
        match term::emit_into_string(&config, &files, &report) {
            Ok(s) => out.push_str(&s),
            Err(_) => out.push_str(&format!(
                "{file}:{}:{}: {}: {}\n",
                at.line, at.column, d.field, d.message
            )),
        }
    }
    out
}

/// Lines longer than this are shown as a window around the span.
const LONG_LINE: usize = 240;
/// Characters of context shown on each side of the span in a long line.
const CONTEXT: usize = 60;

/// A diagnostic on a very long line (an 80 KB route, a 65,000-character name), drawn
/// as a window of the line around the span, so the message stays short; `None` for an
/// ordinary line.
fn render_long_line(
    file: &str,
    text: &str,
    d: &Diagnostic,
    severity: Severity,
    span: &std::ops::Range<usize>,
) -> Option<String> {
    let start = span.start.min(text.len());
    let start = (0..=start).rev().find(|&o| text.is_char_boundary(o)).unwrap_or(0);
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[line_start..line_end];
    if line.chars().count() <= LONG_LINE {
        return None;
    }
    let at = line_col(text, start);
    let col = at.column - 1;
    let width = text
        .get(start..span.end.min(line_end).max(start))
        .map_or(1, |t| t.chars().count())
        .clamp(1, 2 * CONTEXT);
    let from = col.saturating_sub(CONTEXT);
    let shown: String = line.chars().skip(from).take(col - from + width + CONTEXT).collect();
    let lead = if from > 0 { "..." } else { "" };
    let tail = if from + shown.chars().count() < line.chars().count() {
        "..."
    } else {
        ""
    };
    let number = at.line.to_string();
    let pad = " ".repeat(number.len());
    let word = match severity {
        Severity::Warning => "warning",
        _ => "error",
    };
    let mut out = format!(
        "{word}[{}]: {}\n{pad} --> {file}:{}:{}\n{pad} |\n{number} | {lead}{shown}{tail}\n{pad} | {}{} `{}`\n",
        d.field,
        d.message,
        at.line,
        at.column,
        " ".repeat(lead.len() + col - from),
        "^".repeat(width),
        d.field
    );
    if let Some(h) = &d.help {
        out.push_str(&format!("{pad} |\n{pad} = help: {h}\n"));
    }
    out.push('\n');
    Some(out)
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(line_col(text, 6), LineCol { line: 2, column: 1 });
        let eq = text.find("= 2").unwrap();
        assert_eq!(line_col(text, eq), LineCol { line: 2, column: 4 });
    }

    #[test]
    fn rendering_names_file_line_column_and_field() {
        let text = "[[leg]]\nseats = 0\n";
        let d = Diagnostic::new("leg.bus.seats", Some(16..17), "must be at least 1").help("a vehicle needs a seat");
        let e = ScenarioError {
            file: "x.toml".into(),
            text: text.into(),
            diagnostics: vec![d],
        };
        let s = e.render();
        assert!(s.contains("x.toml:2:9"), "{s}");
        assert!(s.contains("leg.bus.seats"), "{s}");
        assert!(s.contains("seats = 0"), "{s}");
        assert!(s.contains("help: a vehicle needs a seat"), "{s}");
    }

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("seatz", ["seats", "vehicles", "from"]), Some("seats"));
        assert_eq!(did_you_mean("zzz", ["seats", "vehicles"]), None);
    }
}
