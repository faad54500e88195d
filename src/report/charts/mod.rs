//! Charts drawn with plotters as PNG and SVG. Every chart shares one frame: a title, a
//! plot area with units on both axes, and a legend in its own panel to the right so it
//! never covers data. Colours mean one thing across all charts ([`palette`]). The SVG
//! carries alt text and a `<title>` tooltip with the exact value over every bar and
//! point. Text uses DejaVu Sans embedded in the binary, so the charts look the same on
//! any machine, with or without system fonts.

pub mod palette;

use crate::metrics::fmt_num;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::error::Error;

/// Width and height of every chart, in pixels.
pub const SIZE: (u32, u32) = (1000, 600);

/// Width of the legend panel at the right of a chart, in pixels.
pub const LEGEND_WIDTH: u32 = 250;

static FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

/// Registers the embedded font once; plotters looks fonts up by family name.
fn fonts() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // The font is compiled in and known to be valid; a failure here is a bug.
        if plotters::style::register_font("sans-serif", FontStyle::Normal, FONT).is_err() {
            panic!("the embedded DejaVu Sans font does not load");
        }
    });
}

/// One chart, drawn both as PNG and SVG, with what it shows in words.
#[derive(Clone, Debug)]
pub struct Chart {
    /// File stem, e.g. `people-home`.
    pub name: String,
    pub title: String,
    /// One line saying what the chart shows.
    pub caption: String,
    /// What the chart shows, for people who cannot see it (alt text).
    pub alt: String,
    pub png: Vec<u8>,
    pub svg: String,
}

/// A drawing area on one of the two backends.
pub enum Area<'a> {
    Png(DrawingArea<BitMapBackend<'a>, Shift>),
    Svg(DrawingArea<SVGBackend<'a>, Shift>),
}

/// Calls `$body` with `$root` bound to the concrete drawing area, whichever backend.
macro_rules! on_area {
    ($area:expr, |$root:ident| $body:expr) => {
        match $area {
            Area::Png($root) => $body,
            Area::Svg($root) => $body,
        }
    };
}

/// Clears `root`, splits off the legend panel (bound to `$side`), and builds the chart
/// frame every chart shares on the rest: title, margins, axis label areas, ranges.
macro_rules! frame {
    ($root:ident, $side:ident, $title:expr, $y_area:expr, $x:expr, $y:expr) => {{
        $root.fill(&WHITE)?;
        let (plot, side) = $root.split_horizontally(SIZE.0 - LEGEND_WIDTH);
        $side = side;
        let (title, size) = $crate::report::charts::fit_title($title);
        ChartBuilder::on(&plot)
            .caption(title, ("sans-serif", size))
            .margin(15)
            .x_label_area_size(50)
            .y_label_area_size($y_area)
            .build_cartesian_2d($x, $y)?
    }};
}

/// A chart title and a font size that fits it across the plot (21 px down to 13 px,
/// then shortened with an ellipsis), so a long title is never cut off at the edges.
pub fn fit_title(title: &str) -> (String, u32) {
    // DejaVu Sans averages about 0.47 em per character; the plot is about 720 px wide.
    let room = 720.0 / 0.47;
    let n = title.chars().count().max(1) as f64;
    let size = (room / n).floor().clamp(13.0, 21.0) as u32;
    let fits = (room / f64::from(size)).floor() as usize;
    if title.chars().count() <= fits {
        (title.to_string(), size)
    } else {
        let cut: String = title.chars().take(fits.saturating_sub(1)).collect();
        (format!("{}…", cut.trim_end()), size)
    }
}

/// A hover text over a rectangle of the chart, in pixels.
#[derive(Clone, Debug)]
pub struct Tip {
    pub x0: i32,
    pub y0: i32,
    pub x1: i32,
    pub y1: i32,
    pub text: String,
}

/// What a legend entry looks like.
#[derive(Clone, Copy, Debug)]
pub enum Mark {
    /// A line of this colour and width.
    Line(RGBColor, u32),
    /// A dashed line.
    Dashed(RGBColor),
    /// A filled box of this colour and opacity.
    Fill(RGBColor, f64),
    /// A filled triangle (a mark for a value with no place on the axis).
    Triangle(RGBColor),
}

/// Draws the legend entries top to bottom in the side panel, wrapping long labels.
pub fn draw_legend<DB: DrawingBackend>(
    side: &DrawingArea<DB, Shift>,
    entries: &[(String, Mark)],
) -> Result<(), Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    let style = ("sans-serif", 14).into_font().color(&BLACK);
    let mut y = 60;
    for (label, mark) in entries {
        let (x0, x1, yc) = (8, 36, y + 7);
        match *mark {
            Mark::Line(c, w) => side.draw(&PathElement::new(vec![(x0, yc), (x1, yc)], c.stroke_width(w)))?,
            Mark::Dashed(c) => {
                for k in 0..3 {
                    let a = x0 + k * 10;
                    side.draw(&PathElement::new(vec![(a, yc), (a + 6, yc)], c.stroke_width(2)))?;
                }
            }
            Mark::Fill(c, a) => side.draw(&Rectangle::new([(x0, yc - 6), (x1, yc + 6)], c.mix(a).filled()))?,
            Mark::Triangle(c) => side.draw(&TriangleMarker::new(((x0 + x1) / 2, yc), 6, c.filled()))?,
        }
        for line in wrap(label, 26) {
            side.draw(&Text::new(line, (44, y), style.clone()))?;
            y += 17;
        }
        y += 8;
    }
    Ok(())
}

/// `text` broken into lines of at most about `width` characters, at spaces; a word
/// longer than a line (a parameter path such as `site.capital-quarantine.beds=198`) is
/// broken after a `.`, `-`, `=`, `_`, `/`, `,` or `:` within the line, or else cut, so
/// no text runs past the legend panel.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match lines.last_mut() {
            Some(l) if l.chars().count() + 1 + word.chars().count() <= width => {
                l.push(' ');
                l.push_str(word);
            }
            _ => lines.extend(break_word(word, width)),
        }
    }
    lines
}

/// `word` in pieces of at most `width` characters, each ending after a punctuation mark
/// where there is one in it.
fn break_word(word: &str, width: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest: Vec<char> = word.chars().collect();
    while rest.len() > width {
        let cut = rest[..width]
            .iter()
            .rposition(|c| ".-=_/,:".contains(*c))
            .map_or(width, |i| i + 1);
        pieces.push(rest.drain(..cut).collect());
    }
    pieces.push(rest.into_iter().collect());
    pieces
}

/// Draws one chart on a given area and returns the hover texts (in pixels).
pub(crate) type Painter<'p> = dyn Fn(Area<'_>) -> Result<Vec<Tip>, Box<dyn Error>> + 'p;

/// Escapes text for SVG and HTML.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Renders `draw` to PNG bytes and an SVG string of [`SIZE`]; the SVG gets `alt` as its
/// accessible name and title, and a transparent hover box with a `<title>` per tip.
pub(crate) fn render(alt: &str, draw: &Painter<'_>) -> Result<(Vec<u8>, String), Box<dyn Error>> {
    fonts();
    let (w, h) = SIZE;
    let mut rgb = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, SIZE).into_drawing_area();
        draw(Area::Png(root))?;
    }
    let mut png = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.write_header()?.write_image_data(&rgb)?;
    }
    let mut svg = String::new();
    let tips = {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        draw(Area::Svg(root))?
    };
    Ok((png, annotate_svg(svg, alt, &tips)))
}

/// Adds the accessible name, the title and the hover boxes to an SVG document.
fn annotate_svg(svg: String, alt: &str, tips: &[Tip]) -> String {
    let alt = escape(alt);
    let mut out = String::with_capacity(svg.len() + tips.len() * 120 + alt.len() * 2 + 64);
    let Some(open_end) = svg.find('>') else { return svg };
    let head = svg[..open_end].replacen("<svg", &format!("<svg role=\"img\" aria-label=\"{alt}\""), 1);
    out.push_str(&head);
    out.push('>');
    out.push_str(&format!("<title>{alt}</title>"));
    let body = &svg[open_end + 1..];
    let close = body.rfind("</svg>").unwrap_or(body.len());
    out.push_str(&body[..close]);
    out.push_str("<g class=\"tips\" fill=\"transparent\">");
    for t in tips {
        let (x, y) = (t.x0.min(t.x1), t.y0.min(t.y1));
        let (w, h) = ((t.x1 - t.x0).abs().max(2), (t.y1 - t.y0).abs().max(2));
        out.push_str(&format!(
            "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\"><title>{}</title></rect>",
            escape(&t.text)
        ));
    }
    out.push_str("</g>");
    out.push_str(&body[close..]);
    out
}

/// Axis numbers: whole numbers with thousands separators, others without needless
/// decimals.
pub(crate) fn axis(v: f64) -> String {
    if v.abs() >= 1000.0 {
        crate::metrics::fmt_value(v, crate::metrics::Unit::People)
    } else if v.abs() >= 10.0 || v == v.round() {
        format!("{v:.0}")
    } else {
        fmt_num(v)
    }
}

/// A share as a percentage axis label.
pub(crate) fn percent(v: f64) -> String {
    format!("{:.0}%", 100.0 * v)
}

/// A day number with its calendar date, e.g. "12 (9 Sep)", or "12 (9 Sep 06:00)" when
/// the day does not begin at midnight (a scenario starting at 06:00).
pub(crate) fn day_label(start: chrono::NaiveDateTime, day: f64) -> String {
    let at = start + chrono::Duration::minutes((day * 1440.0).round() as i64);
    if (day - day.round()).abs() >= 1e-9 {
        let d = format!("{day:.2}");
        let d = d.trim_end_matches('0').trim_end_matches('.');
        format!("{d} ({})", at.format("%-d %b %H:%M"))
    } else {
        format!("{day:.0} ({})", date_label(at))
    }
}

/// How many day labels fit under a plot of days `0..x_max` without running into each
/// other: a start at a clock time other than midnight makes every label longer ("10 (16
/// May 06:00)"), so a long run gets fewer of them (at most 8, at least 3).
pub(crate) fn day_label_count(start: chrono::NaiveDateTime, x_max: f64) -> usize {
    // The plot is about 640 px wide; axis labels are 12 px DejaVu Sans, about 6.6 px a
    // character; a label with a fraction of a day ("2.5 (...)") is two characters longer.
    let widest = day_label(start, x_max.floor()).chars().count() + 2;
    let per_label_px = widest as f64 * 6.6 + 24.0;
    ((640.0 / per_label_px).floor() as usize).clamp(3, 8)
}

/// A moment as a date, with its clock time unless it is midnight ("9 Sep" is the start
/// of that day; "9 Sep 06:00" is not).
pub(crate) fn date_label(at: chrono::NaiveDateTime) -> String {
    if at.time() == chrono::NaiveTime::MIN {
        at.format("%-d %b").to_string()
    } else {
        at.format("%-d %b %H:%M").to_string()
    }
}

/// A moment as people read it, e.g. "5 Sep 2023 15:46" ("5 Sep 2023" at midnight), as
/// the findings date the same moments.
pub(crate) fn date_of(start: chrono::NaiveDateTime, day: f64) -> String {
    let at = start + chrono::Duration::minutes((day * 1440.0).round() as i64);
    if at.time() == chrono::NaiveTime::MIN {
        at.format("%-d %b %Y").to_string()
    } else {
        at.format("%-d %b %Y %H:%M").to_string()
    }
}

// After the macros above, which the chart modules use.
pub mod fit;
mod makespan;
pub mod run;
pub mod sensitivity;
pub mod study;

pub use run::charts;
pub use study::{compare_chart, heatmap, sweep_chart};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_wrap_and_dates_read_well() {
        assert_eq!(
            wrap("most people waiting for a bed at once", 14),
            vec!["most people", "waiting for a", "bed at once"]
        );
        let start = chrono::NaiveDate::from_ymd_opt(2023, 8, 28)
            .unwrap()
            .and_hms_opt(6, 0, 0)
            .unwrap();
        assert_eq!(day_label(start, 8.0), "8 (5 Sep 06:00)");
        assert_eq!(day_label(start, 8.75), "8.75 (6 Sep 00:00)");
        assert_eq!(day_label(start.date().and_hms_opt(0, 0, 0).unwrap(), 8.0), "8 (5 Sep)");
        assert_eq!(date_of(start, 8.39), "5 Sep 2023 15:22");
        assert_eq!(date_of(start, 7.75), "5 Sep 2023");
        assert_eq!(axis(104000.0), "104,000");
        assert_eq!(percent(0.321), "32%");
    }

    #[test]
    fn a_word_longer_than_a_line_is_broken_at_its_punctuation() {
        assert_eq!(
            wrap("B: site.capital-quarantine.beds=198", 26),
            vec!["B:", "site.capital-quarantine.", "beds=198"]
        );
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        for line in wrap("a site.with-a-very-long-name-and-no-end=12345678901234567890", 26) {
            assert!(line.chars().count() <= 26, "{line}");
        }
    }

    #[test]
    fn a_long_run_starting_at_a_clock_time_gets_fewer_day_labels() {
        let six = chrono::NaiveDate::from_ymd_opt(2023, 5, 6)
            .unwrap()
            .and_hms_opt(6, 0, 0)
            .unwrap();
        let midnight = six.date().and_hms_opt(0, 0, 0).unwrap();
        // "35 (10 Jun 06:00)": 17 characters, about 140 px with the gap: 4 fit in 640.
        assert_eq!(day_label_count(six, 38.0), 4);
        assert_eq!(day_label_count(midnight, 9.0), 6);
        assert!(day_label_count(midnight, 38.0) > day_label_count(six, 38.0));
    }

    #[test]
    fn svg_gets_alt_text_and_tooltips() {
        let svg = "<svg width=\"10\" height=\"10\"><rect/></svg>".to_string();
        let tips = [Tip {
            x0: 1,
            y0: 2,
            x1: 5,
            y1: 8,
            text: "a < b".into(),
        }];
        let out = annotate_svg(svg, "people & beds", &tips);
        assert!(
            out.starts_with("<svg role=\"img\" aria-label=\"people &amp; beds\" width"),
            "{out}"
        );
        assert!(out.contains("<title>people &amp; beds</title><rect/>"), "{out}");
        assert!(
            out.contains("<rect x=\"1\" y=\"2\" width=\"4\" height=\"6\"><title>a &lt; b</title></rect></g></svg>"),
            "{out}"
        );
    }
}
