//! The assertion's validity window on a timeline, with now and the allowed skew.

use samlscope_core::report::TimeWindow;
use samlscope_core::saml::time::Instant;
use yew::prelude::*;

use super::{date, fixed};

/// The assertion's window against now, with the skew drawn as a margin.
pub(super) fn time_window(w: Option<&TimeWindow>) -> Html {
    let Some(w) = w else { return html! {} };
    let parse = |s: &Option<String>| {
        s.as_deref()
            .and_then(|t| Instant::parse(t).ok())
            .map(|(i, _)| i.0)
    };
    let Some((now, _)) = Instant::parse(&w.now).ok() else {
        return html! {};
    };
    let now = now.0;
    let skew = w.skew_seconds.saturating_mul(1000);
    let points: Vec<(&str, i64)> = [
        ("IssueInstant", parse(&w.issue_instant)),
        ("NotBefore", parse(&w.not_before)),
        ("NotOnOrAfter", parse(&w.not_on_or_after)),
        ("Subject NotOnOrAfter", parse(&w.subject_not_on_or_after)),
    ]
    .into_iter()
    .filter_map(|(l, t)| t.map(|t| (l, t)))
    .collect();
    let lo = points
        .iter()
        .map(|p| p.1)
        .chain([now])
        .min()
        .unwrap_or(now)
        .saturating_sub(skew);
    let hi = points
        .iter()
        .map(|p| p.1)
        .chain([now])
        .max()
        .unwrap_or(now)
        .saturating_add(skew);
    let range = (hi - lo).max(1) as f64;
    let at = |t: i64| ((t - lo) as f64 / range * 100.0).clamp(0.0, 100.0);
    let start = parse(&w.not_before).or(parse(&w.issue_instant));
    let end = parse(&w.not_on_or_after).or(parse(&w.subject_not_on_or_after));
    let window = match (start, end) {
        (Some(s), Some(e)) => {
            let (l, r) = (at(s.saturating_sub(skew)), at(e.saturating_add(skew)));
            html! { <span class="window" style={format!("left:{}%;width:{}%", fixed(l, 1), fixed((r - l).max(0.5), 1))}></span> }
        }
        _ => html! {},
    };
    let inside = match (start, end) {
        (Some(s), Some(e)) => now >= s - skew && now < e + skew,
        _ => true,
    };
    html! {
        <section class="card time" data-testid="time-window">
            <h2>{ "Time window" }</h2>
            <div class="timeline">
                { window }
                <span class={classes!("now", (!inside).then_some("outside"))} style={format!("left:{}%", fixed(at(now), 1))} title="now"></span>
            </div>
            <dl class="small">
                <dt>{ "Checked at" }</dt><dd><code>{ w.now.clone() }</code>{ format!(" (skew ±{} s)", w.skew_seconds) }</dd>
                { for points.iter().map(|(l, t)| html! { <><dt>{ *l }</dt><dd><code>{ date(*t) }</code>{ relative(*t - now) }</dd></> }) }
            </dl>
        </section>
    }
}

fn relative(delta_ms: i64) -> String {
    let s = delta_ms / 1000;
    let (n, unit) = match s.abs() {
        a if a < 120 => (a, "s"),
        a if a < 7200 => (a / 60, "min"),
        a if a < 172_800 => (a / 3600, "h"),
        a => (a / 86_400, "days"),
    };
    if s >= 0 {
        format!(" (in {n} {unit})")
    } else {
        format!(" ({n} {unit} ago)")
    }
}
