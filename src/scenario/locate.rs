//! Where a value sits in a scenario's text, read from the TOML's own spans: the dotted
//! field path (elements of arrays named by their `name`) and the byte range of its
//! `key = value` entry. Tables, arrays of tables, inline tables and arrays of inline
//! tables (as `tomli_w` writes a dict from Python) are all found alike; reading the
//! line above for a `[table]` header found none of the last two.

use std::ops::Range;
use toml_edit::{Document, Item, Key, Table, Value};

/// A `key = value` entry of a scenario's text.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The field's dotted path, e.g. `checkpoint.booth.servers`.
    pub path: String,
    /// The key as written in its table.
    pub key: String,
    /// From the key's first byte to the value's last.
    pub span: Range<usize>,
    /// True when the entry sits in an inline table (`{ a = 1, b = 2 }`).
    pub inline: bool,
}

/// The innermost entry whose key or value holds byte `offset` of `text`, if the text is
/// valid TOML and one does.
pub fn entry_at(text: &str, offset: usize) -> Option<Entry> {
    let doc = Document::parse(text).ok()?;
    let mut path = Vec::new();
    in_table(doc.as_table(), offset, &mut path)
}

fn holds(span: Option<Range<usize>>, offset: usize) -> bool {
    span.is_some_and(|s| s.contains(&offset))
}

/// Runs `f` with element `index` of the array whose key ends `path` named as the
/// checks name it: `leg.bus` by its `name`, else `target[0]` by its index.
fn in_element<T>(path: &mut Vec<String>, name: Option<&str>, index: usize, f: impl FnOnce(&mut Vec<String>) -> T) -> T {
    match name.filter(|n| !n.is_empty() && !n.contains(['.', ' '])) {
        Some(n) => {
            path.push(n.to_string());
            let out = f(path);
            path.pop();
            out
        }
        None => {
            let key = path.pop().unwrap_or_default();
            path.push(format!("{key}[{index}]"));
            let out = f(path);
            path.pop();
            path.push(key);
            out
        }
    }
}

fn in_table(t: &Table, offset: usize, path: &mut Vec<String>) -> Option<Entry> {
    for (k, item) in t.iter() {
        path.push(k.to_string());
        let found = match item {
            Item::Value(v) => t.key(k).and_then(|key| in_value(key, v, offset, path, false)),
            Item::Table(inner) => in_table(inner, offset, path),
            Item::ArrayOfTables(a) => a.iter().enumerate().find_map(|(i, el)| {
                in_element(path, el.get("name").and_then(Item::as_str), i, |p| {
                    in_table(el, offset, p)
                })
            }),
            Item::None => None,
        };
        path.pop();
        if found.is_some() {
            return found;
        }
    }
    None
}

fn in_value(key: &Key, v: &Value, offset: usize, path: &mut Vec<String>, inline: bool) -> Option<Entry> {
    if !(holds(v.span(), offset) || holds(key.span(), offset)) {
        return None;
    }
    let inner = match v {
        Value::InlineTable(t) => in_inline(t, offset, path),
        Value::Array(a) => a.iter().enumerate().find_map(|(i, el)| match el {
            Value::InlineTable(t) if holds(el.span(), offset) => {
                in_element(path, t.get("name").and_then(Value::as_str), i, |p| {
                    in_inline(t, offset, p)
                })
            }
            _ => None,
        }),
        _ => None,
    };
    inner.or_else(|| {
        let start = key.span().map_or(0, |s| s.start);
        Some(Entry {
            path: path.join("."),
            key: key.get().to_string(),
            span: start..v.span().map_or(start, |s| s.end),
            inline,
        })
    })
}

fn in_inline(t: &toml_edit::InlineTable, offset: usize, path: &mut Vec<String>) -> Option<Entry> {
    t.iter().find_map(|(k, v)| {
        path.push(k.to_string());
        let found = t.key(k).and_then(|key| in_value(key, v, offset, path, true));
        path.pop();
        found
    })
}

/// `text` with the value at `span` replaced by `value` (padded with spaces, every other
/// byte in place), if it fits and the text stays TOML: a value of the wrong type stands
/// in for a right one, so the reader goes on to the next problem (blanking a required
/// field instead stopped it at "missing field").
pub fn replace_value(text: &str, span: Range<usize>, value: &str) -> Option<String> {
    if value.len() > span.len() || text.get(span.clone())?.contains('\n') {
        return None;
    }
    let out = format!(
        "{}{value}{}{}",
        &text[..span.start],
        " ".repeat(span.len() - value.len()),
        &text[span.end..]
    );
    let valid = Document::parse(out.as_str()).is_ok();
    valid.then_some(out)
}

/// `text` with the entry at `span` blanked out (spaces, newlines kept), so that every
/// other byte keeps its offset; in an inline table the comma beside it goes too. The
/// text stays valid TOML, and the next problem is found where it is written.
pub fn blank_entry(text: &str, entry: &Entry) -> String {
    let mut range = entry.span.clone();
    if entry.inline {
        let after = &text[range.end..];
        let skipped = after.len() - after.trim_start_matches([' ', '\t']).len();
        if after[skipped..].starts_with(',') {
            range.end += skipped + 1;
        } else {
            let before = &text[..range.start];
            let trimmed = before.trim_end_matches([' ', '\t', '\n', '\r']);
            if trimmed.ends_with(',') {
                range.start = trimmed.len() - 1;
            }
        }
    }
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..range.start]);
    out.extend(text[range.clone()].chars().map(|c| if c == '\n' { '\n' } else { ' ' }));
    // Multi-byte characters become one space each: pad to keep the byte offsets.
    let blanked = out.len() - range.start;
    out.extend(std::iter::repeat_n(' ', range.len() - blanked));
    out.push_str(&text[range.end..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_found_in_tables_and_inline_tables_alike() {
        let text = "[[leg]]\nname = \"bus\"\nseats = \"20\"\n\n[scenario]\nname = \"x\"\n\
                    checkpoint = [\n  { name = \"booth\", servers = 2.5, service_minutes = 6 },\n]\n";
        let at = |needle: &str| text.find(needle).unwrap();
        let e = entry_at(text, at("\"20\"")).unwrap();
        assert_eq!(
            (e.path.as_str(), e.key.as_str(), e.inline),
            ("leg.bus.seats", "seats", false)
        );
        assert_eq!(&text[e.span.clone()], "seats = \"20\"");
        let e = entry_at(text, at("2.5")).unwrap();
        assert_eq!((e.path.as_str(), e.inline), ("scenario.checkpoint.booth.servers", true));
        let blanked = blank_entry(text, &e);
        assert_eq!(blanked.len(), text.len());
        assert!(blanked.contains("{ name = \"booth\",") && !blanked.contains("2.5"));
        assert!(blanked.parse::<toml_edit::DocumentMut>().is_ok(), "{blanked}");
        // The last entry of an inline table takes the comma before it.
        let e = entry_at(text, at("6 }")).unwrap();
        let blanked = blank_entry(text, &e);
        assert!(blanked.parse::<toml_edit::DocumentMut>().is_ok(), "{blanked}");
        assert!(entry_at("not = [valid", 3).is_none());
    }
}
