//! Scenario files: TOML parsed in two stages, [`raw`] structures that mirror the file,
//! then a validated, immutable [`Scenario`] with names resolved to indices. Every
//! problem is reported with file, line, column and the field, never a panic.

pub mod clock;
pub mod error;
pub mod locate;
mod missing;
pub mod params;
pub mod raw;
pub mod schema;
pub mod types;
pub mod uncertain;
pub mod validate;

pub use error::{Diagnostic, LineCol, ScenarioError};
pub use types::*;

use std::path::Path;

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read scenario file {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// The file is not UTF-8 text.
    #[error("{path}: {message}")]
    Encoding { path: String, message: String },
    /// The file is far larger than any scenario (read no further than the limit).
    #[error(
        "{path}: larger than {} MiB, far more than a scenario (the shipped ones are under 20 KB): is it the right file?",
        MAX_SCENARIO_BYTES >> 20
    )]
    TooLarge { path: String },
    /// The file was read but is not an acceptable scenario.
    #[error("{0}")]
    Invalid(#[from] ScenarioError),
    /// A `--set` override could not be applied.
    #[error("{path}: {source}")]
    Override {
        path: String,
        #[source]
        source: params::ParamError,
    },
}

/// A scenario accepted together with the warnings it drew.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub scenario: Scenario,
    pub warnings: Vec<Diagnostic>,
}

impl Loaded {
    /// The warnings rendered like errors, for printing.
    pub fn render_warnings(&self) -> String {
        error::render(
            &self.scenario.file,
            &self.scenario.source_text,
            &self.warnings,
            codespan_reporting::diagnostic::Severity::Warning,
        )
    }
}

/// The largest scenario file read: a scenario is kilobytes, and reading one takes
/// about fifty times its size in memory.
pub const MAX_SCENARIO_BYTES: u64 = 4 << 20;

/// Reads a scenario file as text: UTF-8 (a byte-order mark is skipped), with a located
/// message and a hint for anything else (UTF-16, Latin-1 and the like), and at most
/// [`MAX_SCENARIO_BYTES`].
pub fn read_text(path: &Path) -> Result<String, LoadError> {
    use std::io::Read;
    let label = path.display().to_string();
    let io = |source| LoadError::Io {
        path: label.clone(),
        source,
    };
    // Read no more than the limit: a huge file (or /dev/zero) would otherwise take
    // every byte of memory before any error could be given.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_SCENARIO_BYTES + 1).read_to_end(&mut bytes))
        .map_err(io)?;
    if bytes.len() as u64 > MAX_SCENARIO_BYTES {
        return Err(LoadError::TooLarge { path: label });
    }
    let encoding = |message: String| LoadError::Encoding {
        path: label.clone(),
        message,
    };
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(encoding(
            "the file is UTF-16 text; save it as UTF-8 (in most editors: Save As, Encoding: UTF-8)".into(),
        ));
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&bytes);
    match std::str::from_utf8(body) {
        Ok(t) => Ok(t.to_string()),
        Err(e) => {
            let good = &body[..e.valid_up_to()];
            let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
            Err(encoding(format!(
                "line {line}, column {column}: byte 0x{:02X} is not UTF-8; save the file as UTF-8 (in most editors: Save As, Encoding: UTF-8)",
                body[e.valid_up_to()]
            )))
        }
    }
}

/// Reads and validates the scenario at `path`.
pub fn load(path: impl AsRef<Path>) -> Result<Loaded, LoadError> {
    load_with(path, &[])
}

/// Reads the scenario at `path`, applies `overrides` (parameter paths, see [`params`])
/// and validates the result.
pub fn load_with(path: impl AsRef<Path>, overrides: &[params::Override]) -> Result<Loaded, LoadError> {
    let path = path.as_ref();
    let label = path.display().to_string();
    let text = read_text(path)?;
    // An override of what a [[change]] sets again later holds only until then: said.
    let notes: Vec<(String, String)> = overrides
        .iter()
        .flat_map(|o| {
            params::changed_later(&text, &o.path)
                .into_iter()
                .map(|n| (o.path.clone(), n))
        })
        .collect();
    let text = params::apply(&text, overrides).map_err(|source| LoadError::Override {
        path: label.clone(),
        source,
    })?;
    // With overrides, messages quote the text as rewritten: say so in the file label.
    let label = params::rewritten_label(&label, overrides);
    let mut loaded = parse(&text, &label)?;
    loaded.scenario = loaded.scenario.fixed_by(overrides);
    loaded
        .warnings
        .extend(notes.into_iter().map(|(path, note)| Diagnostic::new(path, None, note)));
    Ok(loaded)
}

/// Validates scenario `text`; `file` names it in messages. A scenario with
/// `[[uncertain]]` inputs is also validated at the ends of their ranges.
pub fn parse(text: &str, file: &str) -> Result<Loaded, ScenarioError> {
    let mut loaded = parse_unchecked(text, file, true)?;
    // An uncertain input a [[change]] sets again later is drawn only for the time
    // before it.
    let notes: Vec<Diagnostic> = loaded
        .scenario
        .uncertain
        .iter()
        .enumerate()
        .flat_map(|(i, u)| {
            params::changed_later(text, &u.path).into_iter().map(move |note| {
                Diagnostic::new(
                    format!("uncertain[{i}].path"),
                    None,
                    format!("{note}: the draws hold only until then"),
                )
            })
        })
        .collect();
    loaded.warnings.extend(notes);
    let problems = uncertain::check_ranges(&loaded.scenario);
    if !problems.is_empty() {
        return Err(ScenarioError {
            file: file.to_string(),
            text: text.to_string(),
            diagnostics: problems,
        });
    }
    Ok(loaded)
}

/// As [`parse`] without trying the uncertain ranges (for the scenarios drawn from a
/// checked one, which skip the `[[uncertain]]` tables altogether: `!with_uncertain`).
fn parse_unchecked(text: &str, file: &str, with_uncertain: bool) -> Result<Loaded, ScenarioError> {
    let fail = |diagnostics| ScenarioError {
        file: file.to_string(),
        text: text.to_string(),
        diagnostics,
    };
    let mut raw: raw::RawFile = toml::from_str(text).map_err(|e| fail(type_errors(text, e)))?;
    if !with_uncertain {
        raw.uncertain.clear();
    }
    let (scenario, warnings) = validate::validate(raw, file, text).map_err(fail)?;
    Ok(Loaded { scenario, warnings })
}

/// The most problems of type (a text where a number belongs, an unknown field) one
/// reading reports.
const MAX_TYPE_ERRORS: usize = 20;

/// Every problem of type in `text`, the first being `first`: the reader stops at the
/// first, so a value of the wrong type gets a stand-in of the right type, and any
/// other entry found wrong (an unknown field) is blanked out, every other byte keeping
/// its place, and the text is read again; until it reads, a problem is not in an entry
/// (TOML syntax), or a field is missing only because it was blanked. A file with
/// `seats = "20"` and `vehicles = 2.5` told of the first alone.
fn type_errors(text: &str, first: toml::de::Error) -> Vec<Diagnostic> {
    let mut out = vec![with_choices(from_toml_error(&first, text), &first, text)];
    let mut blanked_keys: Vec<String> = Vec::new();
    let mut current = text.to_string();
    let mut err = first;
    while out.len() < MAX_TYPE_ERRORS {
        let Some(span) = err.span() else {
            break;
        };
        // A value of the wrong type gets one of the right type in its place; anything
        // else (an unknown field) is blanked.
        let stand_in = stand_in_for(err.message());
        match stand_in.and_then(|v| locate::replace_value(&current, span.clone(), v)) {
            Some(replaced) => current = replaced,
            None => {
                let Some(entry) = locate::entry_at(&current, span.start) else {
                    break;
                };
                blanked_keys.push(entry.key.clone());
                current = locate::blank_entry(&current, &entry);
                if toml_edit::Document::parse(current.as_str()).is_err() {
                    break; // blanking broke the TOML (a dotted key): what follows would be noise
                }
            }
        }
        let Err(next) = toml::from_str::<raw::RawFile>(&current) else {
            break;
        };
        let msg = next.message();
        if msg.starts_with("missing field") && blanked_keys.iter().any(|k| msg.contains(&format!("`{k}`"))) {
            break;
        }
        let d = with_choices(from_toml_error(&next, text), &next, &current);
        if out.iter().any(|o| o.span == d.span && o.message == d.message) {
            break;
        }
        out.push(d);
        err = next;
    }
    // The reader stops at the first table missing a field, and may meet a value of the
    // wrong type before it: every missing field is found from the schema instead, named
    // as the checks name elements (`checkpoint.booth`, `target[0]`, also in inline
    // tables, where the reader's position named only the array).
    let missing = missing::missing_fields(text);
    if !missing.is_empty() {
        out.retain(|d| !d.message.starts_with("missing field"));
        out.extend(missing);
    }
    // In the order of the file.
    out.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start));
    out
}

/// `d` with the choices named in its help when `err` refuses a choice written as a
/// number or a table of the wrong kind (`kind = 5` reads "wanted string or table"): the
/// choices are those refused for an empty choice written in its place in `text`.
fn with_choices(mut d: Diagnostic, err: &toml::de::Error, text: &str) -> Diagnostic {
    let Some(span) = err.span().filter(|_| err.message().trim() == "wanted string or table") else {
        return d;
    };
    let (Some(before), Some(after)) = (text.get(..span.start), text.get(span.end..)) else {
        return d;
    };
    let Err(probe) = toml::from_str::<raw::RawFile>(&format!("{before}\"\"{after}")) else {
        return d;
    };
    let Some(tail) = probe.message().strip_prefix("unknown variant ``, expected ") else {
        return d;
    };
    let options: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
    if probe.span().is_some_and(|s| s.start == span.start) && !options.is_empty() {
        d.message = "wanted one of the choices here, in quotes".into();
        d.help = Some(format!(
            "write one of {} in quotes, e.g. \"{}\"",
            options.join(", "),
            options[0]
        ));
    }
    d
}

/// A value of the type an "invalid type" message expects, to stand in for the wrong one
/// while the rest of the file is read.
fn stand_in_for(message: &str) -> Option<&'static str> {
    let expected = message.strip_prefix("invalid type: ")?.split_once(", expected ")?.1;
    if ["i64", "u64", "whole number", "integer", "f64", "a number", "float"]
        .iter()
        .any(|w| expected.contains(w))
    {
        Some("1")
    } else if expected.contains("string") {
        Some("\"\"")
    } else if expected.contains("bool") {
        Some("true")
    } else {
        None
    }
}

/// Turns a TOML or serde error into a diagnostic naming the field it sits on.
fn from_toml_error(e: &toml::de::Error, text: &str) -> Diagnostic {
    let span = e.span();
    let raw_msg = e.message().trim().to_string();
    // The path from the TOML's spans (inline tables and sub-tables, as Python writes a
    // dict, too); read off the lines when the text is not TOML.
    let field = span.as_ref().map_or_else(
        || "scenario file".to_string(),
        |s| match locate::entry_at(text, s.start) {
            Some(e) => e.path,
            None => field_at(text, s.start, &raw_msg),
        },
    );
    // The reader quotes a float with every digit (`1e308` as 309 of them): quote it as
    // written.
    let raw_msg = match (raw_msg.strip_prefix("invalid type: floating point `"), span.as_ref()) {
        (Some(rest), Some(s)) => match (rest.split_once('`'), text.get(s.clone())) {
            (Some((_, tail)), Some(written)) => format!("invalid type: floating point `{}`{tail}", written.trim()),
            _ => raw_msg,
        },
        _ => raw_msg,
    };
    let msg = raw_msg
        .replace("expected i64", "expected a whole number")
        .replace("expected u64", "expected a whole number >= 0")
        .replace("expected f64", "expected a number");
    let mut d = Diagnostic::new(field, span.clone(), msg);
    // A whole number past i64 (`beds = 18446744073709551616`) reads as "integer ... as
    // i128, expected a whole number": say it is too large, not of the wrong type.
    if let Some(n) = raw_msg
        .strip_prefix("invalid type: integer `")
        .and_then(|r| r.split_once("` as i128"))
        .map(|(n, _)| n)
    {
        d.message = format!("{n} is too large for a whole number here (at most {})", i64::MAX);
        d.help = Some("write a smaller whole number; the field's own limit is then checked and named".into());
        return d;
    }
    // "unknown field `x`, expected one of `a`, `b`" / "unknown variant `x`, expected ...".
    if let Some(rest) = raw_msg
        .strip_prefix("unknown field `")
        .or_else(|| raw_msg.strip_prefix("unknown variant `"))
        && let Some((word, tail)) = rest.split_once('`')
    {
        let options: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
        d.help = Some(match error::did_you_mean(word, options.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if options.is_empty() => "remove it".to_string(),
            None => format!("valid here: {}", options.join(", ")),
        });
    } else if let Some(expected) = raw_msg
        .strip_prefix("invalid type: ")
        .and_then(|m| m.split_once(", expected "))
        && !raw_msg.contains("datetime")
    {
        let written = span.as_ref().and_then(|s| text.get(s.clone())).unwrap_or("").trim();
        let wants = expected
            .1
            .replace("i64", "a whole number")
            .replace("u64", "a whole number >= 0")
            .replace("f64", "a number");
        let unquoted = written.trim_matches('"');
        d.help = Some(
            if written.starts_with('"') && wants.contains("number") && unquoted.parse::<f64>().is_ok() {
                format!("remove the quotes: write {unquoted}, not \"{unquoted}\"")
            } else {
                format!("write {wants} here")
            },
        );
    } else if raw_msg.starts_with("missing field") {
        d.help = Some("see the scenario field reference in README.md".into());
    } else if raw_msg.contains("expected a TOML datetime") || raw_msg.contains("expected a datetime") {
        let quoted = span
            .as_ref()
            .and_then(|s| text.get(s.clone()))
            .is_some_and(|t| t.trim_start().starts_with('"'));
        d.help = Some(if quoted {
            "remove the quotes: TOML writes a date-time bare, e.g. start = 2023-08-28T06:00:00".into()
        } else {
            "write a local date-time, e.g. 2023-08-28T06:00:00".into()
        });
    }
    d
}

/// The dotted path of the field at byte `offset`: the enclosing `[table]` header (with
/// the element's name for `[[array]]` tables) and the key on that line.
fn field_at(text: &str, offset: usize, msg: &str) -> String {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = &text[line_start..line_end];
    let on_header = line.trim_start().starts_with('[');
    let key = if on_header {
        None
    } else {
        line.split_once('=')
            .map(|(k, _)| k.trim())
            .filter(|k| !k.is_empty() && k.chars().all(|c| c.is_alphanumeric() || "_-.\"".contains(c)))
            .map(|k| k.trim_matches('"').to_string())
            .or_else(|| {
                msg.strip_prefix("unknown field `")
                    .and_then(|r| r.split_once('`'))
                    .map(|(w, _)| w.to_string())
            })
    };
    // The header at or above this line.
    let table = line_starts(text)
        .filter(|&(p, l)| p <= offset && l.trim_start().starts_with('['))
        .last()
        .map(|(pos, l)| {
            let t = l.trim();
            (
                t.trim_start_matches('[')
                    .split(']')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_string(),
                pos,
                t.starts_with("[["),
            )
        });
    let mut path = String::new();
    if let Some((name, pos, is_array)) = &table {
        path.push_str(name);
        // Name the element of an array table, unless the header itself is the problem.
        let header_unknown = on_header && msg.starts_with("unknown field");
        if *is_array && !header_unknown {
            let body_end = line_starts(text)
                .find(|&(p, l)| p > *pos && l.trim().starts_with('['))
                .map_or(text.len(), |(p, _)| p);
            let element = text[*pos..body_end].lines().skip(1).find_map(|l| {
                let (k, v) = l.split_once('=')?;
                (k.trim() == "name").then(|| v.trim().trim_matches('"').to_string())
            });
            if let Some(n) = element.filter(|n| !n.is_empty() && !n.contains(['.', ' '])) {
                path.push('.');
                path.push_str(&n);
            }
        }
    }
    if let Some(k) = key {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(&k);
    }
    if path.is_empty() { "scenario file".into() } else { path }
}

fn line_starts(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut pos = 0;
    text.split_inclusive('\n').map(move |l| {
        let p = pos;
        pos += l.len();
        (p, l)
    })
}
