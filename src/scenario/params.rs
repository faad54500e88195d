//! Parameter paths: every numeric field of a scenario addressed by a dotted path of
//! element names, e.g. `site.sinuiju-quarantine.beds`, `leg.vladivostok-pyongyang-flight.seats`,
//! `leg.bus.travel_hours.mean`, `cohort.workers.mix.health`, `wave.0.notify`, and the
//! calendar fields as text: `leg.flight.timetable=["tue,fri 10:00"]`,
//! `checkpoint.customs.open_hours="08:00-20:00"`, `checkpoint.customs.open_days=daily`.
//! Overrides edit the scenario text in place (keeping its layout and comments) before
//! it is validated, so an override is checked exactly like a value written in the file.

use super::error::did_you_mean;
use toml_edit::{DocumentMut, Item, Table, Value};

/// A value given for a parameter path.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamValue {
    /// A number with a fraction or an exponent (whole-number fields take it only if it is
    /// whole and exact).
    Number(f64),
    /// A whole number written out, kept exact (seeds beyond 2^53 stay what was typed).
    Whole(i64),
    /// Text, for `open_hours` and `open_days`.
    Text(String),
    /// A list of texts, for `timetable` and `closed_dates`.
    List(Vec<String>),
}

impl ParamValue {
    /// The value as a number, if it is one.
    pub fn as_number(&self) -> Option<f64> {
        match *self {
            ParamValue::Number(x) => Some(x),
            ParamValue::Whole(i) => Some(i as f64),
            _ => None,
        }
    }
}

impl std::fmt::Display for ParamValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParamValue::Number(x) => write!(f, "{x}"),
            ParamValue::Whole(i) => write!(f, "{i}"),
            ParamValue::Text(t) => write!(f, "{t:?}"),
            ParamValue::List(v) => {
                let items: Vec<String> = v.iter().map(|t| format!("{t:?}")).collect();
                write!(f, "[{}]", items.join(","))
            }
        }
    }
}

/// `PATH=VALUE`.
#[derive(Clone, Debug, PartialEq)]
pub struct Override {
    pub path: String,
    pub value: ParamValue,
}

impl Override {
    /// A numeric override.
    pub fn number(path: impl Into<String>, value: f64) -> Self {
        let value = if value.fract() == 0.0 && value.abs() < 9e15 {
            ParamValue::Whole(value as i64)
        } else {
            ParamValue::Number(value)
        };
        Override {
            path: path.into(),
            value,
        }
    }
}

/// Fields that take text (`open_hours = "09:00-17:00"`) or a list of texts
/// (`timetable = ["daily 09:00"]`), by table.
const TEXT_FIELDS: &[(&str, &[&str])] = &[
    ("checkpoint", &["open_hours", "open_days"]),
    ("pool", &["on_duty_hours", "on_duty_days"]),
];
const LIST_FIELDS: &[(&str, &[&str])] = &[("leg", &["timetable"]), ("checkpoint", &["closed_dates"])];

fn field_of(table: &[(&str, &[&str])], kind: &str, field: &str) -> bool {
    table.iter().any(|(k, fs)| *k == kind && fs.contains(&field))
}

/// True if `path` names a field that takes a list of texts (`leg.<l>.timetable`,
/// `checkpoint.<k>.closed_dates`).
pub fn is_list_field(path: &str) -> bool {
    let parts: Vec<&str> = path.split('.').collect();
    parts.len() == 3 && field_of(LIST_FIELDS, parts[0], parts[2])
}

/// Alternatives for one parameter, written as a TOML list: numbers, texts, or (for a
/// list field) texts each standing for a one-entry list, or lists of texts, e.g.
/// `["tue 10:00", "tue,fri 10:00", ["mon 10:00", "thu 16:00"]]`.
pub fn parse_choices(path: &str, text: &str) -> Result<Vec<ParamValue>, String> {
    let doc: DocumentMut = format!("x = {text}")
        .parse()
        .map_err(|_| format!("`{text}` is not a TOML list, e.g. [\"tue 10:00\", \"tue,fri 10:00\"]"))?;
    let Some(Value::Array(items)) = doc.get("x").and_then(Item::as_value) else {
        return Err(format!("`{text}` is not a list of alternatives"));
    };
    let list = is_list_field(path);
    let mut out = Vec::new();
    for item in items.iter() {
        let v = match item {
            Value::Integer(i) => ParamValue::Whole(*i.value()),
            Value::Float(f) if f.value().is_finite() => ParamValue::Number(*f.value()),
            Value::String(t) if list => ParamValue::List(vec![t.value().clone()]),
            Value::String(t) => ParamValue::Text(t.value().clone()),
            Value::Array(a) if list => ParamValue::List(
                a.iter()
                    .map(|x| x.as_str().map(String::from).ok_or("each entry in double quotes"))
                    .collect::<Result<_, _>>()?,
            ),
            other => return Err(format!("`{}` cannot be a value of {path}", other.to_string().trim())),
        };
        out.push(v);
    }
    if out.is_empty() {
        return Err("the list of alternatives is empty".into());
    }
    if out.len() > 1000 {
        return Err(format!("{} alternatives; at most 1,000", out.len()));
    }
    Ok(out)
}

impl ParamValue {
    /// The value as a person reads it: `10`, `tue,fri 10:00`, `mon 10:00; thu 16:00`.
    pub fn plain(&self) -> String {
        match self {
            // 1e308 as written, not its 309 digits.
            ParamValue::Number(x) if *x != 0.0 && (x.abs() >= 1e15 || x.abs() < 1e-6) => format!("{x:e}"),
            ParamValue::Number(x) => format!("{x}"),
            ParamValue::Whole(i) => format!("{i}"),
            ParamValue::Text(t) => t.clone(),
            ParamValue::List(v) => v.join("; "),
        }
    }
}

/// Why an override could not be applied.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParamError {
    pub message: String,
}

fn err(message: impl Into<String>) -> ParamError {
    ParamError {
        message: message.into(),
    }
}

/// Numeric fields each kind of table may take (whether or not the file sets them).
const FIELDS: &[(&str, &[&str])] = &[
    (
        "scenario",
        &["horizon_days", "seed", "replications", "warmup_hours", "target_days"],
    ),
    (
        "site",
        &[
            "beds",
            "stay_hours",
            "cost_per_bed_night",
            "test_positive_probability",
            "positive_extra_stay_hours",
        ],
    ),
    (
        "leg",
        &[
            "vehicles",
            "seats",
            "travel_hours",
            "return_hours",
            "max_wait_hours",
            "cancel_probability",
            "breakdown_probability",
            "repair_hours",
            "cost_per_trip",
            "cost_per_seat",
            "pool_priority",
        ],
    ),
    (
        "checkpoint",
        &[
            "servers",
            "service_minutes",
            "quota_per_day",
            "quota_per_week",
            "cost_per_open_hour",
            "patience_hours",
            "max_line",
            "retry_after_hours",
            "pool_priority",
        ],
    ),
    (
        "cohort",
        &["size", "evasion_per_hour", "approvals_per_day", "approvals_per_week"],
    ),
    ("category", &["priority", "evasion_multiplier"]),
    ("wave", &["at_day", "notify", "lead_hours", "every_days", "count"]),
    ("outbreak", &["probability_per_week", "duration_days"]),
    ("pool", &["size", "cost_per_unit_hour"]),
    // By number in file order, only the field the change sets (see `paths`).
    ("change", &["beds", "servers", "vehicles", "size"]),
];

/// The fields of an element that a `[[change]]` may set later in the run, as
/// (kind, field).
const CHANGEABLE: &[(&str, &str)] = &[
    ("site", "beds"),
    ("checkpoint", "servers"),
    ("leg", "vehicles"),
    ("leg", "timetable"),
    ("pool", "size"),
];

/// A `[[change]]` that sets a path's field again later in the run.
#[derive(Clone, Debug, PartialEq)]
pub struct LaterChange {
    /// Its number in file order (`change.N`).
    pub index: usize,
    /// When, as written (`2024-05-15T00:00:00`).
    pub at: String,
    /// The value it sets, as written.
    pub value: String,
}

/// Notes for a path that a `[[change]]` of `text` sets again later in the run: setting
/// `site.ward.beds` changes only the beds before the change to 200 beds on day 4, so a
/// plan that varied it alone would find nothing (a tester's did). One note per such
/// change, naming the path that sets the value after it (`change.0.beds`).
pub fn changed_later(text: &str, path: &str) -> Vec<String> {
    let field = path.rsplit('.').next().unwrap_or("");
    // Only the first ends it (a second note "holds until" a later date was wrong).
    later_changes(text, path)
        .into_iter()
        .take(1)
        .map(|c| {
            let after = if field == "timetable" {
                String::new()
            } else {
                format!(" (`change.{}.{field}` sets the value after it)", c.index)
            };
            format!(
                "`{path}` holds only until {}, when [[change]] number {} sets it to {}{after}",
                c.at, c.index, c.value
            )
        })
        .collect()
}

/// The `[[change]]`s of `text` that set `path` (`site.ward.beds`) again later.
/// The first, in time, of them is what ends the value set at `path`; a change's own value
/// (`change.0.beds`) is ended by the next change of the same thing.
pub fn later_changes(text: &str, path: &str) -> Vec<LaterChange> {
    let Ok(doc) = text.parse::<DocumentMut>() else {
        return Vec::new();
    };
    let Some(changes) = doc.get("change").and_then(Item::as_array_of_tables) else {
        return Vec::new();
    };
    let at_of = |t: &Table| t.get("at").and_then(Item::as_value).map(bare).unwrap_or_default();
    let parts: Vec<&str> = path.split('.').collect();
    // (kind, name, field) of the thing set, and from when the value set holds.
    let (kind, name, field, from) = match parts[..] {
        ["change", n, field] => {
            let Some(t) = n.parse().ok().and_then(|i: usize| changes.get(i)) else {
                return Vec::new();
            };
            let Some((kind, name)) = ["site", "leg", "checkpoint", "pool"]
                .into_iter()
                .find_map(|k| t.get(k).and_then(Item::as_str).map(|x| (k, x.to_string())))
            else {
                return Vec::new();
            };
            (kind, name, field, Some(at_of(t)))
        }
        [kind, name, field] => (kind, name.to_string(), field, None),
        _ => return Vec::new(),
    };
    if !CHANGEABLE.contains(&(kind, field)) {
        return Vec::new();
    }
    // Local date-times as written (`2024-03-05T00:00:00`) sort as text.
    let mut out: Vec<LaterChange> = changes
        .iter()
        .enumerate()
        .filter(|(_, t)| t.get(kind).and_then(Item::as_str) == Some(name.as_str()))
        .filter_map(|(index, t)| {
            let value = t.get(field)?.as_value().map(bare)?;
            Some(LaterChange {
                index,
                at: at_of(t),
                value,
            })
        })
        .filter(|c| from.as_ref().is_none_or(|f| c.at > *f))
        .collect();
    out.sort_by(|a, b| a.at.cmp(&b.at));
    out
}

/// Fields that take whole numbers.
const WHOLE: &[&str] = &[
    "seed",
    "replications",
    "beds",
    "vehicles",
    "seats",
    "servers",
    "quota_per_day",
    "quota_per_week",
    "max_line",
    "size",
    "approvals_per_day",
    "approvals_per_week",
    "priority",
    "pool_priority",
    "notify",
    "count",
];

/// True if the field a path ends in takes whole numbers (`site.x.beds`: yes).
pub fn is_whole_field(path: &str) -> bool {
    path.rsplit('.').next().is_some_and(|f| WHOLE.contains(&f))
}

/// Parses `PATH=VALUE`: a number (whole numbers written out are kept exact), a quoted
/// or bare text, or a TOML list of texts such as `["tue 10:00", "fri 10:00"]`.
pub fn parse_override(s: &str) -> Result<Override, ParamError> {
    let (path, value) = s.split_once('=').ok_or_else(|| {
        err(format!(
            "`{s}`: write PATH=VALUE, e.g. site.sinuiju-quarantine.beds=2000"
        ))
    })?;
    Ok(Override {
        path: path.trim().to_string(),
        value: parse_value(value.trim()).map_err(|m| err(format!("`{s}`: {m}")))?,
    })
}

/// A value as typed after `PATH=`.
pub fn parse_value(v: &str) -> Result<ParamValue, String> {
    if v.starts_with('[') || v.starts_with('"') {
        let doc: DocumentMut = format!("x = {v}").parse().map_err(|_| {
            format!("`{v}` is not a TOML string or list of strings, e.g. [\"tue 10:00\", \"fri 10:00\"]")
        })?;
        let item = doc.get("x").and_then(Item::as_value).ok_or("no value")?;
        return match item {
            Value::String(t) => Ok(ParamValue::Text(t.value().clone())),
            Value::Array(a) => a
                .iter()
                .map(|x| {
                    x.as_str()
                        .map(String::from)
                        .ok_or_else(|| format!("`{v}`: a list of texts, each in double quotes"))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(ParamValue::List),
            _ => Err(format!("`{v}` is not a string or a list of strings")),
        };
    }
    let digits = v.strip_prefix('-').unwrap_or(v);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return v.parse::<i64>().map(ParamValue::Whole).map_err(|_| {
            format!(
                "`{v}` is too large: whole numbers run from {} to {}",
                i64::MIN,
                i64::MAX
            )
        });
    }
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(ParamValue::Number(x)),
        Ok(_) => Err("the value must be finite".into()),
        Err(_) if !v.is_empty() && v.chars().all(|c| c.is_alphanumeric() || ",-: ".contains(c)) => {
            Ok(ParamValue::Text(v.to_string()))
        }
        Err(_) => Err(format!("`{v}` is not a number, a quoted text or a list of texts")),
    }
}

/// Largest whole number a float holds exactly.
const EXACT: f64 = 9_007_199_254_740_992.0;

fn number(value: &ParamValue, whole: bool) -> Result<Value, String> {
    match *value {
        ParamValue::Whole(i) => Ok(Value::from(i)),
        ParamValue::Number(x) if whole => {
            if x.fract() != 0.0 {
                Err(format!("takes a whole number, not {x}"))
            } else if x.abs() > EXACT {
                Err(format!(
                    "takes a whole number, and {x} is too large to be exact: write its digits"
                ))
            } else {
                Ok(Value::from(x as i64))
            }
        }
        ParamValue::Number(x) if x.fract() == 0.0 && x.abs() < 9e15 => Ok(Value::from(x as i64)),
        ParamValue::Number(x) => Ok(Value::from(x)),
        _ => Err(format!("takes a number, not {value}")),
    }
}

/// The element tables of kind `kind` (array of tables), by name or (waves) index.
fn element<'a>(doc: &'a mut DocumentMut, kind: &str, key: &str) -> Result<&'a mut Table, String> {
    let Some(array) = doc.get_mut(kind).and_then(Item::as_array_of_tables_mut) else {
        return Err(format!("the scenario has no [[{kind}]] tables"));
    };
    if kind == "wave" || kind == "change" {
        let i: usize = key
            .parse()
            .map_err(|_| format!("{kind}s are numbered in file order: {kind}.0, {kind}.1, ...; not `{key}`"))?;
        let n = array.len();
        return array.get_mut(i).ok_or_else(|| match n {
            1 => format!("there is 1 {kind} ({kind}.0)"),
            n => format!("there are {n} {kind}s ({kind}.0 to {kind}.{})", n - 1),
        });
    }
    let names: Vec<String> = array
        .iter()
        .filter_map(|t| t.get("name").and_then(Item::as_str).map(String::from))
        .collect();
    match array
        .iter_mut()
        .find(|t| t.get("name").and_then(Item::as_str) == Some(key))
    {
        Some(t) => Ok(t),
        None => Err(match did_you_mean(key, names.iter().map(String::as_str)) {
            Some(s) => format!("no {kind} is named `{key}`; did you mean `{s}`?"),
            None => format!("no {kind} is named `{key}`; {kind}s are: {}", names.join(", ")),
        }),
    }
}

/// Puts `new` in place of `old`, keeping the spacing and comment around it.
fn replace_keeping_decor(old: &mut Value, mut new: Value) {
    *new.decor_mut() = old.decor().clone();
    *old = new;
}

/// Sets `path` in `doc`.
fn set(doc: &mut DocumentMut, o: &Override) -> Result<(), String> {
    let parts: Vec<&str> = o.path.split('.').collect();
    let kind = parts[0];
    if parts.len() == 3 && (field_of(TEXT_FIELDS, kind, parts[2]) || field_of(LIST_FIELDS, kind, parts[2])) {
        return set_text(doc, o, kind, parts[1], parts[2]);
    }
    let Some((_, fields)) = FIELDS.iter().find(|(k, _)| *k == kind) else {
        let kinds: Vec<&str> = FIELDS.iter().map(|(k, _)| *k).collect();
        return Err(format!("a path starts with one of {}", kinds.join(", ")));
    };
    let (table, rest): (&mut Table, &[&str]) = if kind == "scenario" {
        let t = doc
            .get_mut("scenario")
            .and_then(Item::as_table_mut)
            .ok_or("the scenario has no [scenario] table")?;
        (t, &parts[1..])
    } else {
        if parts.len() < 3 {
            return Err(format!("write {kind}.<name>.<field>"));
        }
        (element(doc, kind, parts[1])?, &parts[2..])
    };
    let field = rest.first().copied().unwrap_or("");
    // A field of a distribution or share table: `travel_hours.mean`, `mix.health`.
    if rest.len() == 2 {
        let inner = table
            .get_mut(field)
            .ok_or_else(|| format!("`{field}` is not set, so it has no `{}`", rest[1]))?;
        let t = inner
            .as_inline_table_mut()
            .ok_or_else(|| format!("`{field}` is a single value; set it directly: {kind}...{field}=VALUE"))?;
        if !t.contains_key(rest[1]) {
            let keys: Vec<String> = t
                .iter()
                .filter(|(_, v)| v.is_integer() || v.is_float())
                .map(|(k, _)| k.to_string())
                .collect();
            return Err(format!(
                "`{field}` has no numeric `{}`; it has: {}",
                rest[1],
                keys.join(", ")
            ));
        }
        let value = number(&o.value, false)?;
        if let Some(old) = t.get_mut(rest[1]) {
            replace_keeping_decor(old, value);
        }
        return Ok(());
    }
    if rest.len() != 1 || !fields.contains(&field) {
        let known = fields.join(", ");
        let hint =
            did_you_mean(field, fields.iter().copied()).map_or(String::new(), |s| format!("did you mean `{s}`? "));
        let texts: Vec<&str> = TEXT_FIELDS
            .iter()
            .chain(LIST_FIELDS)
            .filter(|(k, _)| *k == kind)
            .flat_map(|(_, fs)| fs.iter().copied())
            .collect();
        let also = if texts.is_empty() {
            String::new()
        } else {
            format!("; text fields: {}", texts.join(", "))
        };
        return Err(format!(
            "{hint}numeric fields of a {kind} are: {known} (and `<field>.<parameter>` of a distribution){also}"
        ));
    }
    if kind == "change" && !table.contains_key(field) {
        let sets: Vec<&str> = fields.iter().copied().filter(|f| table.contains_key(f)).collect();
        return Err(format!(
            "this change sets {}, not `{field}`: a change sets one thing",
            sets.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
        ));
    }
    let value = number(&o.value, WHOLE.contains(&field)).map_err(|e| format!("`{field}` {e}"))?;
    match table.get_mut(field).and_then(Item::as_value_mut) {
        Some(old) => replace_keeping_decor(old, value),
        None => {
            table.insert(field, Item::Value(value));
        }
    }
    Ok(())
}

/// Sets a text or list field of element `name` of `kind`.
fn set_text(doc: &mut DocumentMut, o: &Override, kind: &str, name: &str, field: &str) -> Result<(), String> {
    let table = element(doc, kind, name)?;
    let list = field_of(LIST_FIELDS, kind, field);
    let value = match (&o.value, list) {
        (ParamValue::List(v), true) => Value::Array(v.iter().map(|t| t.as_str()).collect()),
        (ParamValue::Text(t), true) => Value::Array(std::iter::once(t.as_str()).collect()),
        (ParamValue::Text(t), false) => Value::from(t.as_str()),
        (v, true) => {
            return Err(format!(
                "`{field}` takes a list of texts such as [\"tue 10:00\"], not {v}"
            ));
        }
        (v, false) => return Err(format!("`{field}` takes a text such as \"09:00-17:00\", not {v}")),
    };
    match table.get_mut(field).and_then(Item::as_value_mut) {
        Some(old) => replace_keeping_decor(old, value),
        None => {
            table.insert(field, Item::Value(value));
        }
    }
    Ok(())
}

/// Site fields that only a site people stay in takes.
const STAY_FIELDS: &[&str] = &[
    "beds",
    "stay_hours",
    "cost_per_bed_night",
    "test_positive_probability",
    "positive_extra_stay_hours",
];

/// Every path of `text` that can be set: the fields of each element, present or not, and
/// the numeric entries of the inline tables present.
pub fn paths(text: &str) -> Vec<String> {
    let Ok(doc) = text.parse::<DocumentMut>() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let inner = |prefix: &str, item: &Item, out: &mut Vec<String>| {
        if let Some(t) = item.as_inline_table() {
            for (k, v) in t.iter() {
                if v.is_integer() || v.is_float() {
                    out.push(format!("{prefix}.{k}"));
                }
            }
        }
    };
    for (kind, fields) in FIELDS {
        if *kind == "scenario" {
            if let Some(t) = doc.get("scenario").and_then(Item::as_table) {
                for f in *fields {
                    out.push(format!("scenario.{f}"));
                    if let Some(item) = t.get(f) {
                        inner(&format!("scenario.{f}"), item, &mut out);
                    }
                }
            }
            continue;
        }
        let Some(array) = doc.get(kind).and_then(Item::as_array_of_tables) else {
            continue;
        };
        for (i, t) in array.iter().enumerate() {
            let key = if *kind == "wave" || *kind == "change" {
                i.to_string()
            } else {
                t.get("name").and_then(Item::as_str).unwrap_or("?").to_string()
            };
            // An origin or home site has neither beds nor a stay (nor a test at its end):
            // `--set` refuses those fields there, so they are not offered.
            let stayless = *kind == "site" && matches!(t.get("kind").and_then(Item::as_str), Some("origin" | "home"));
            for f in *fields {
                if stayless && STAY_FIELDS.contains(f) {
                    continue;
                }
                // A change sets one field; another would make it two changes in one.
                if *kind == "change" && !t.contains_key(f) {
                    continue;
                }
                out.push(format!("{kind}.{key}.{f}"));
                if let Some(item) = t.get(f) {
                    inner(&format!("{kind}.{key}.{f}"), item, &mut out);
                }
            }
            if *kind == "cohort"
                && let Some(item) = t.get("mix")
            {
                inner(&format!("{kind}.{key}.mix"), item, &mut out);
            }
        }
    }
    out
}

/// Every settable path of `text` with its current value as written in the file (TOML),
/// or `None` where the file leaves it to the default: the numeric paths of [`paths`],
/// then the texts and lists (opening hours and days, timetables, closed dates) of the
/// elements present.
pub fn path_values(text: &str) -> Vec<(String, Option<String>)> {
    let Ok(doc) = text.parse::<DocumentMut>() else {
        return Vec::new();
    };
    let mut out: Vec<(String, Option<String>)> = paths(text)
        .into_iter()
        .map(|p| {
            let v = lookup(&doc, &p);
            (p, v)
        })
        .collect();
    for (kind, fields) in TEXT_FIELDS.iter().chain(LIST_FIELDS) {
        let Some(array) = doc.get(kind).and_then(Item::as_array_of_tables) else {
            continue;
        };
        for t in array.iter() {
            let name = t.get("name").and_then(Item::as_str).unwrap_or("?");
            for f in *fields {
                let value = t.get(f).and_then(Item::as_value).map(bare);
                out.push((format!("{kind}.{name}.{f}"), value));
            }
        }
    }
    out
}

/// The value at a numeric `path` of `doc` as written, if the file sets it.
fn lookup(doc: &DocumentMut, path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split('.').collect();
    let (table, rest): (&dyn toml_edit::TableLike, &[&str]) = if parts[0] == "scenario" {
        (doc.get("scenario")?.as_table()?, &parts[1..])
    } else {
        let array = doc.get(parts[0])?.as_array_of_tables()?;
        let t = if parts[0] == "wave" || parts[0] == "change" {
            array.get(parts.get(1)?.parse().ok()?)?
        } else {
            array
                .iter()
                .find(|t| t.get("name").and_then(Item::as_str) == Some(parts[1]))?
        };
        (t, &parts[2..])
    };
    let item = table.get(rest.first()?)?;
    let value = match rest.get(1) {
        None => item.as_value()?,
        Some(sub) => item.as_inline_table()?.get(sub)?,
    };
    Some(bare(value))
}

/// A value as written, without the comments and spaces around it.
fn bare(v: &Value) -> String {
    let mut v = v.clone();
    v.decor_mut().clear();
    v.to_string()
}

/// The file label of a scenario rewritten by `overrides`, for messages that quote the
/// rewritten text: "plan.toml (as changed by site.x.beds=40)", named as written without
/// a flag (they may come from --set, --vs-set or --vary); `label` itself without any.
pub fn rewritten_label(label: &str, overrides: &[Override]) -> String {
    if overrides.is_empty() {
        return label.to_string();
    }
    let o: Vec<String> = overrides
        .iter()
        .map(|o| format!("{}={}", o.path, o.value.plain()))
        .collect();
    format!("{label} (as changed by {})", o.join(", "))
}

/// `text` with every override applied, in order. Errors name the override and suggest
/// the valid path nearest to a misspelt one.
pub fn apply(text: &str, overrides: &[Override]) -> Result<String, ParamError> {
    if overrides.is_empty() {
        return Ok(text.to_string());
    }
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| err(format!("the scenario is not valid TOML: {e}")))?;
    for o in overrides {
        if let Err(why) = set(&mut doc, o) {
            let all = paths(text);
            // (Once is enough: the reason may already name the field meant.)
            let near = did_you_mean(&o.path, all.iter().map(String::as_str))
                .filter(|p| *p != o.path && !why.contains("did you mean"))
                .map_or(String::new(), |p| format!(" (did you mean `{p}`?)"));
            // Named as written, without a flag: it may come from --set, --vs-set or --vary.
            return Err(err(format!("{}={}: {why}{near}", o.path, o.value)));
        }
    }
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"[scenario]
name = "x"
horizon_days = 10

[[site]]
name = "sinuiju-quarantine"
kind = "quarantine"
beds = 1500 # the beds

[[leg]]
name = "bus"
travel_hours = { dist = "triangular", min = 1, mode = 2, max = 3 }

[[wave]]
cohort = "c"
notify = 10
"#;

    fn set1(path: &str, v: f64) -> Result<String, ParamError> {
        apply(TEXT, &[Override::number(path, v)])
    }

    #[test]
    fn a_value_in_a_message_reads_as_written() {
        let label = |v: f64| rewritten_label("a.toml", &[Override::number("site.s.stay_hours", v)]);
        assert_eq!(label(1e308), "a.toml (as changed by site.s.stay_hours=1e308)");
        assert_eq!(label(2.5e-9), "a.toml (as changed by site.s.stay_hours=2.5e-9)");
        assert_eq!(label(168.0), "a.toml (as changed by site.s.stay_hours=168)");
        assert_eq!(label(0.25), "a.toml (as changed by site.s.stay_hours=0.25)");
    }

    #[test]
    fn sets_fields_keeping_the_rest_of_the_file() {
        let t = set1("site.sinuiju-quarantine.beds", 2000.0).unwrap();
        assert!(t.contains("beds = 2000 # the beds"), "{t}");
        assert!(set1("leg.bus.travel_hours.mode", 2.5).unwrap().contains("mode = 2.5"));
        assert!(
            set1("scenario.horizon_days", 30.0)
                .unwrap()
                .contains("horizon_days = 30")
        );
        assert!(set1("wave.0.notify", 99.0).unwrap().contains("notify = 99"));
        // A field the file leaves out can be set too.
        assert!(set1("leg.bus.seats", 45.0).unwrap().contains("seats = 45"));
    }

    #[test]
    fn misspellings_get_suggestions_not_panics() {
        let e = set1("site.sinuju-quarantine.beds", 1.0).unwrap_err().message;
        assert!(e.contains("did you mean `sinuiju-quarantine`"), "{e}");
        let e = set1("site.sinuiju-quarantine.bed", 1.0).unwrap_err().message;
        assert!(e.contains("did you mean `beds`"), "{e}");
        let e = set1("leg.bus.travel_hours.mean", 1.0).unwrap_err().message;
        assert!(e.contains("it has: min, mode, max"), "{e}");
        assert!(
            set1("site.sinuiju-quarantine.beds", 2.5)
                .unwrap_err()
                .message
                .contains("whole number")
        );
        assert!(set1("wave.3.notify", 1.0).is_err());
        assert!(parse_override("nonsense").is_err());
        assert_eq!(
            parse_override("leg.bus.seats=45").unwrap(),
            Override::number("leg.bus.seats", 45.0)
        );
        assert_eq!(
            parse_override("scenario.seed=9007199254740993").unwrap().value,
            ParamValue::Whole(9_007_199_254_740_993)
        );
        assert!(parse_override("scenario.seed=99999999999999999999").is_err());
        let big = parse_override("scenario.seed=1e19").unwrap();
        assert!(
            apply("[scenario]\nseed = 1\n", &[big])
                .unwrap_err()
                .message
                .contains("too large to be exact")
        );
    }

    #[test]
    fn lists_paths() {
        let p = paths(TEXT);
        for want in [
            "site.sinuiju-quarantine.beds",
            "leg.bus.travel_hours.mode",
            "wave.0.notify",
            "scenario.horizon_days",
        ] {
            assert!(p.iter().any(|x| x == want), "{want} not in {p:?}");
        }
    }

    const CHANGED: &str = r#"[scenario]
name = "x"

[[site]]
name = "ward"
kind = "quarantine"
beds = 100

[[change]]
at = 2024-03-05T00:00:00
site = "ward"
beds = 200

[[change]]
at = 2024-03-09T00:00:00
site = "ward"
beds = 50
"#;

    #[test]
    fn a_change_is_a_path_and_a_value_it_sets_again_is_noted() {
        // Each change by number, only the field it sets.
        let p = paths(CHANGED);
        assert!(p.contains(&"change.0.beds".to_string()) && p.contains(&"change.1.beds".to_string()));
        assert!(!p.iter().any(|x| x == "change.0.servers"), "{p:?}");
        let text = apply(CHANGED, &[Override::number("change.1.beds", 70.0)]).unwrap();
        assert!(text.contains("beds = 70") && text.contains("beds = 200"), "{text}");
        let e = apply(CHANGED, &[Override::number("change.0.servers", 3.0)]).unwrap_err();
        assert!(e.to_string().contains("this change sets `beds`, not `servers`"), "{e}");
        let e = apply(CHANGED, &[Override::number("change.2.beds", 3.0)]).unwrap_err();
        assert!(
            e.to_string().contains("there are 2 changes (change.0 to change.1)"),
            "{e}"
        );
        // Setting the ward's beds holds only until the first change, which alone is named;
        // the first change's own value holds until the second.
        let notes = changed_later(CHANGED, "site.ward.beds");
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(
            changed_later(CHANGED, "change.0.beds"),
            vec!["`change.0.beds` holds only until 2024-03-09T00:00:00, when [[change]] number 1 sets it to 50 (`change.1.beds` sets the value after it)".to_string()]
        );
        assert!(changed_later(CHANGED, "change.1.beds").is_empty());
        assert_eq!(
            notes[0],
            "`site.ward.beds` holds only until 2024-03-05T00:00:00, when [[change]] number 0 sets it to 200 (`change.0.beds` sets the value after it)"
        );
        assert!(changed_later(CHANGED, "site.ward.stay_hours").is_empty());
        assert!(changed_later(CHANGED, "site.other.beds").is_empty());
        assert!(changed_later(TEXT, "site.sinuiju-quarantine.beds").is_empty());
    }
}
