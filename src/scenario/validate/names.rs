//! Names: sites, legs and checkpoints share one name space (routes list all three);
//! categories and cohorts have their own. Resolving a name gives an index or a located
//! error with the nearest valid spelling.

use super::checker::{Checker, check_name, label, span};
use crate::scenario::error::{did_you_mean, line_col};
use crate::scenario::raw::RawFile;
use crate::scenario::types::*;
use std::collections::HashMap;
use std::ops::Range;
use toml::Spanned;

/// What a route-stage name refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Named {
    Site(usize),
    Leg(usize),
    Checkpoint(usize),
}

/// The shared name space of sites, legs and checkpoints.
pub struct Names {
    map: HashMap<String, (Named, Range<usize>)>,
    /// Site names, in file order.
    pub sites: Vec<String>,
    /// Every stage name, in file order (sites, legs, checkpoints).
    pub stages: Vec<String>,
}

impl Names {
    /// Registers every site, leg and checkpoint name, reporting unusable and repeated
    /// names.
    pub fn register(ck: &mut Checker, raw: &RawFile, text: &str) -> Self {
        let mut names = Names {
            map: HashMap::new(),
            sites: Vec::new(),
            stages: Vec::new(),
        };
        type Table<'r> = (&'static str, Vec<&'r Spanned<String>>, fn(usize) -> Named);
        let tables: [Table; 3] = [
            (
                "site",
                raw.site.iter().map(|s| &s.get_ref().name).collect(),
                Named::Site,
            ),
            ("leg", raw.leg.iter().map(|s| &s.get_ref().name).collect(), Named::Leg),
            (
                "checkpoint",
                raw.checkpoint.iter().map(|s| &s.get_ref().name).collect(),
                Named::Checkpoint,
            ),
        ];
        for (kind, list, what) in tables {
            for (i, name) in list.into_iter().enumerate() {
                let field = format!("{}.name", label(kind, i, name.get_ref()));
                check_name(ck, &field, name);
                names.add(ck, field, name, what(i), text);
            }
        }
        names.sites = raw.site.iter().map(|s| s.get_ref().name.get_ref().clone()).collect();
        names
    }

    fn add(&mut self, ck: &mut Checker, field: String, name: &Spanned<String>, what: Named, text: &str) {
        if let Some((_, first)) = self.map.get(name.get_ref()) {
            let first_line = line_col(text, first.start).line;
            ck.error(
                field,
                span(name),
                format!(
                    "the name `{}` is already used (line {first_line}); site, leg and checkpoint names must be unique",
                    name.get_ref()
                ),
                None,
            );
        } else {
            self.map.insert(name.get_ref().clone(), (what, name.span()));
            self.stages.push(name.get_ref().clone());
        }
    }

    /// What `name` refers to, if anything.
    pub fn get(&self, name: &str) -> Option<Named> {
        self.map.get(name).map(|(n, _)| *n)
    }

    /// The site called `name`, or a located error saying what the sites are.
    pub fn resolve_site(&self, ck: &mut Checker, field: String, name: &Spanned<String>) -> Option<SiteId> {
        match self.get(name.get_ref()) {
            Some(Named::Site(i)) => Some(SiteId(i as u16)),
            Some(_) => {
                ck.error(
                    field,
                    span(name),
                    format!("`{}` is not a site (it is a leg or checkpoint)", name.get_ref()),
                    None,
                );
                None
            }
            None => {
                let list = if self.sites.is_empty() {
                    "(none defined)".to_string()
                } else {
                    self.sites.join(", ")
                };
                let help = match did_you_mean(name.get_ref(), self.sites.iter().map(String::as_str)) {
                    Some(s) => format!("did you mean `{s}`? sites are: {list}"),
                    None => format!("sites are: {list}"),
                };
                ck.error(
                    field,
                    span(name),
                    format!("no site is named `{}`", name.get_ref()),
                    Some(help),
                );
                None
            }
        }
    }
}

/// Resolves category names to indices.
pub struct CategoryNames(pub Vec<String>);

impl CategoryNames {
    /// The category called `name`, or a located error listing the categories.
    pub fn resolve(&self, ck: &mut Checker, field: &str, name: &str, at: Option<Range<usize>>) -> Option<CategoryId> {
        match self.0.iter().position(|c| c == name) {
            Some(i) => Some(CategoryId(i as u16)),
            None => {
                let help = match did_you_mean(name, self.0.iter().map(String::as_str)) {
                    Some(s) => format!("did you mean `{s}`? categories are: {}", self.0.join(", ")),
                    None if self.0.is_empty() => "define it with a [[category]] table".to_string(),
                    None => format!("categories are: {}", self.0.join(", ")),
                };
                ck.error(field, at, format!("no category is named `{name}`"), Some(help));
                None
            }
        }
    }
}
