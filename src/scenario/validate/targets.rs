//! `[[target]]`: statistics the plan must meet (`repatsim check`). The syntax is
//! checked here; the metric's name is resolved against the catalogue when checked.

use super::checker::{Checker, span};
use crate::scenario::raw::*;
use crate::scenario::types::PlanTarget;
use crate::stats::target::{Op, StatSpec, Target};

/// Checks every `[[target]]`.
pub fn check_targets(ck: &mut Checker, raw: &RawFile) -> Vec<PlanTarget> {
    let mut out = Vec::new();
    for (i, t) in raw.target.iter().enumerate() {
        let r = t.get_ref();
        let l = format!("target[{i}]");
        let metric = r.metric.get_ref().trim();
        if metric.is_empty() {
            ck.error(
                format!("{l}.metric"),
                span(&r.metric),
                "the metric is empty",
                Some("name a metric of dictionary.csv, e.g. \"makespan_days\"".into()),
            );
        }
        let stat = match &r.stat {
            None => Some(StatSpec::Mean),
            Some(s) => match StatSpec::parse(s.get_ref()) {
                Ok(stat) if stat.never_bounded().is_some() => {
                    let why = stat.never_bounded().unwrap_or_default();
                    ck.error(
                        format!("{l}.stat"),
                        span(s),
                        why,
                        Some("e.g. stat = \"p90\" or \"mean\"".into()),
                    );
                    None
                }
                Ok(stat) => Some(stat),
                Err(m) => {
                    ck.error(
                        format!("{l}.stat"),
                        span(s),
                        m,
                        Some("e.g. stat = \"p90\" or \"mean\"".into()),
                    );
                    None
                }
            },
        };
        let op = match r.op.get_ref().trim() {
            "<=" => Some(Op::Le),
            "<" => Some(Op::Lt),
            ">=" => Some(Op::Ge),
            ">" => Some(Op::Gt),
            other => {
                ck.error(
                    format!("{l}.op"),
                    span(&r.op),
                    format!("`{other}` is not a comparison"),
                    Some("write one of \"<=\", \"<\", \">=\", \">\"".into()),
                );
                None
            }
        };
        let value = *r.value.get_ref();
        if !value.is_finite() {
            ck.error(
                format!("{l}.value"),
                span(&r.value),
                "the value must be a finite number",
                None,
            );
        }
        if let (Some(stat), Some(op), false) = (stat, op, metric.is_empty()) {
            out.push(PlanTarget {
                target: Target {
                    metric: metric.to_string(),
                    stat,
                    op,
                    value,
                },
                description: r.description.trim().to_string(),
                metric_span: r.metric.span(),
                value_span: r.value.span(),
            });
        }
    }
    out
}
