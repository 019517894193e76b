//! Rendering of an [`Inspection`]: the verdict banner, checks, identity, certificates, the time
//! window, metadata and AuthnRequest views. Pure functions of the view model and callbacks.

mod certificates;
mod metadata;
mod request;
mod time_window;
mod xml_panel;

use crate::inspect::{Inspection, Outcome};
use crate::xml_view::Region;
use samlscope_core::report::{Check, Report, SignedRegion, Status, Verdict};
use samlscope_core::saml::time::Instant;
use samlscope_core::saml::{Attribute, Identity};
use yew::prelude::*;

use certificates::certificate_card;
use metadata::{metadata, sp_metadata};
use request::request;
use time_window::time_window;
pub use xml_panel::line_for_offset;
use xml_panel::xml_panel;

/// Callbacks the views need from the page.
#[derive(Clone, PartialEq)]
pub struct Actions {
    /// Scroll the XML view to this byte offset.
    pub focus: Callback<usize>,
    /// Use this ID as the expected request ID.
    pub use_request_id: Callback<String>,
    /// Use this metadata as trust.
    pub use_as_trust: Callback<String>,
    /// Use an SP's entity ID and default ACS URL (from its metadata) as the SP settings.
    pub use_sp_settings: Callback<(String, Option<String>, String)>,
    /// Check as of this time (the "Check at" field).
    pub check_at: Callback<String>,
}

/// Attribute names JumpCloud (and most IdPs) use for group membership.
const GROUP_ATTRIBUTES: [&str; 4] = ["memberOf", "groups", "group", "Groups"];

pub fn outcome(i: &Inspection, actions: &Actions, now: Instant) -> Html {
    match &i.outcome {
        Outcome::Empty => html! {
            <section class="placeholder" data-testid="verdict-empty">
                <p>{ "Paste a SAMLResponse, an AuthnRequest, or IdP or SP metadata above, drop a file on it, or load an example." }</p>
            </section>
        },
        Outcome::Undecodable(why) => html! {
            <section class="banner invalid" data-testid="verdict" role="status">
                <strong>{ "Not a SAML message: " }</strong>{ why.clone() }
            </section>
        },
        Outcome::Verdict(report) => verdict(report, i.valid_when_issued.as_deref(), actions),
        Outcome::Metadata { xml, info } => metadata(xml, info, actions, now),
        Outcome::SpMetadata { xml, info } => sp_metadata(xml, info, actions),
        Outcome::Request {
            xml,
            info,
            relay_state,
            redirect_signed,
        } => request(xml, info, relay_state.as_deref(), *redirect_signed, actions),
    }
}

fn status_icon(s: Status) -> &'static str {
    match s {
        Status::Pass => "✔",
        Status::Fail => "✖",
        Status::Warn => "!",
        Status::Skipped => "–",
    }
}

fn status_class(s: Status) -> &'static str {
    match s {
        Status::Pass => "pass",
        Status::Fail => "fail",
        Status::Warn => "warn",
        Status::Skipped => "skipped",
    }
}

/// The note under an invalid verdict whose message passes every check as of its IssueInstant.
fn old_not_misconfigured(issued: &str, actions: &Actions) -> Html {
    let at = issued.to_owned();
    let cb = actions.check_at.clone();
    html! {
        <p class="detail" data-testid="valid-when-issued">
            { format!("As of its IssueInstant ({issued}) this message passes every check: it is old, not misconfigured. ") }
            <button type="button" onclick={Callback::from(move |_| cb.emit(at.clone()))}>{ "Check at issue time" }</button>
        </p>
    }
}

fn verdict(r: &Report, valid_when_issued: Option<&str>, actions: &Actions) -> Html {
    let failed: Vec<&Check> = r.failed().collect();
    let warnings = r.checks.iter().filter(|c| c.status == Status::Warn).count();
    let (class, word) = match (r.verdict, warnings) {
        (Verdict::Invalid, _) => ("invalid", "invalid".to_owned()),
        (Verdict::Valid, 0) => ("valid", "valid".to_owned()),
        (Verdict::Valid, n) => (
            "warn",
            format!("valid with {n} warning{}", if n == 1 { "" } else { "s" }),
        ),
    };
    let detail = if failed.is_empty() {
        format!("{} checks passed or were not applicable.", r.checks.len())
    } else if failed.len() == 1 {
        format!("1 of {} checks failed.", r.checks.len())
    } else {
        format!(
            "{} of {} checks failed. Fix the first one first: later checks often follow from it.",
            failed.len(),
            r.checks.len()
        )
    };
    html! {
        <>
            <section class={classes!("banner", class)} data-testid="verdict" role="status" aria-live="polite">
                <span class="word">{ word }</span>
                <span class="kind">{ format!("{:?}", r.message_kind) }</span>
                if let Some(issuer) = &r.issuer {
                    <span class="issuer">{ "from " }<code>{ issuer.clone() }</code>
                        if r.jumpcloud { <span class="tag">{ "JumpCloud" }</span> }
                    </span>
                }
                <p class="detail">{ detail }</p>
                if let Some(issued) = valid_when_issued {
                    { old_not_misconfigured(issued, actions) }
                }
            </section>
            if !failed.is_empty() {
                <section class="failures">
                    <h2>{ "What to fix" }</h2>
                    { for failed.iter().map(|c| check_card(c, actions)) }
                </section>
            }
            <div class="columns">
                <div class="col">
                    { identity_card(r) }
                    { time_window(r.time_window.as_ref()) }
                    { for r.certificates.iter().map(certificate_card) }
                </div>
                <div class="col">
                    <details class="checks" open=true>
                        <summary><h2>{ format!("All checks ({})", r.checks.len()) }</h2></summary>
                        <ul class="check-list">
                            { for r.checks.iter().map(|c| check_row(c, actions)) }
                        </ul>
                    </details>
                </div>
            </div>
            { xml_panel(&r.xml, &regions(r, false), actions, "Decoded message") }
            if let Some(plain) = &r.decrypted_assertion {
                { xml_panel(plain, &regions(r, true), actions, "Decrypted assertion") }
            }
        </>
    }
}

/// The signed regions of the message's text, or of the decrypted assertion's.
fn regions(r: &Report, in_decrypted_assertion: bool) -> Vec<Region> {
    r.signed_regions
        .iter()
        .filter(|s| s.in_decrypted_assertion == in_decrypted_assertion)
        .map(region)
        .collect()
}

fn region(s: &SignedRegion) -> Region {
    Region {
        covered: s.span,
        signature: s.signature_span,
    }
}

fn focus_button(c: &Check, actions: &Actions) -> Html {
    match c.span {
        Some(span) => {
            let focus = actions.focus.clone();
            html! {
                <button class="link" type="button" title="Show this in the XML below"
                    onclick={Callback::from(move |_| focus.emit(span.start))}>
                    { "show in XML" }
                </button>
            }
        }
        None => html! {},
    }
}

fn expected_found(c: &Check) -> Html {
    html! {
        <>
            if let Some(e) = &c.expected {
                <div class="ef"><span class="label">{ "expected" }</span><code>{ e.clone() }</code></div>
            }
            if let Some(f) = &c.found {
                <div class="ef"><span class="label">{ "found" }</span><code>{ f.clone() }</code></div>
            }
        </>
    }
}

fn check_card(c: &Check, actions: &Actions) -> Html {
    html! {
        <article class="card failure" data-testid={format!("failure-{}", c.id.as_str())}>
            <h3><span class="icon fail">{ "✖" }</span>{ c.message.clone() }</h3>
            <p class="id"><code>{ c.id.as_str() }</code>{ " " }{ focus_button(c, actions) }</p>
            { expected_found(c) }
            if let Some(fix) = &c.fix {
                <p class="fix"><strong>{ "Fix: " }</strong>{ fix.clone() }</p>
            }
        </article>
    }
}

fn check_row(c: &Check, actions: &Actions) -> Html {
    let has_detail = c.expected.is_some() || c.found.is_some() || c.fix.is_some();
    html! {
        <li class={classes!("check", status_class(c.status))} data-testid={format!("check-{}", c.id.as_str())}
            data-status={status_class(c.status)}>
            <span class="icon" aria-label={status_class(c.status)}>{ status_icon(c.status) }</span>
            <span class="msg">{ c.message.clone() }</span>
            <code class="id">{ c.id.as_str() }</code>
            { focus_button(c, actions) }
            if has_detail && c.status != Status::Pass {
                <div class="more">
                    { expected_found(c) }
                    if let Some(fix) = &c.fix { <p class="fix">{ fix.clone() }</p> }
                </div>
            }
        </li>
    }
}

fn identity_card(r: &Report) -> Html {
    let (identity, verified) = match (&r.identity, &r.unverified_identity) {
        (Some(i), _) => (i, true),
        (None, Some(i)) => (i, false),
        (None, None) => {
            return html! {
                <section class="card identity"><h2>{ "User" }</h2>
                    <p class="muted">{ "No user: nothing in this message could be read as a verified assertion." }</p>
                </section>
            };
        }
    };
    let name_id = identity.name_id.as_ref();
    html! {
        <section class={classes!("card", "identity", (!verified).then_some("unverified"))}>
            <h2>{ if verified { "User (verified)" } else { "User claimed (NOT verified — do not trust)" } }</h2>
            <dl>
                <dt>{ "NameID" }</dt>
                <dd>
                    if let Some(n) = name_id {
                        <code data-testid={ if verified { "name-id" } else { "claimed-name-id" } }>{ n.value.clone() }</code>
                        if n.comment_inside { <span class="tag bad">{ "comment inside" }</span> }
                        if n.encrypted { <span class="tag" title="sent as an EncryptedID, decrypted here with the SP key">{ "decrypted" }</span> }
                        if let Some(f) = &n.format { <div class="muted small">{ f.clone() }</div> }
                    } else {
                        <span class="muted">{ "none" }</span>
                    }
                </dd>
                { session_rows(identity) }
            </dl>
            { groups(&identity.attributes) }
            if !identity.attributes.is_empty() {
                <table class="attributes">
                    <thead><tr><th>{ "Attribute" }</th><th>{ "Values" }</th></tr></thead>
                    <tbody>{ for identity.attributes.iter().map(attribute_row) }</tbody>
                </table>
            }
        </section>
    }
}

fn session_rows(i: &Identity) -> Html {
    let row = |label: &'static str, v: &Option<String>| match v {
        Some(v) => html! { <><dt>{ label }</dt><dd><code>{ v.clone() }</code></dd></> },
        None => html! {},
    };
    html! {
        <>
            { row("Session index", &i.session_index) }
            { row("Authenticated at", &i.authn_instant) }
            { row("Session ends", &i.session_not_on_or_after) }
            { row("Authn context", &i.authn_context_class) }
        </>
    }
}

fn groups(attributes: &[Attribute]) -> Html {
    let groups: Vec<&String> = attributes
        .iter()
        .filter(|a| GROUP_ATTRIBUTES.contains(&a.name.as_str()))
        .flat_map(|a| a.values.iter())
        .collect();
    if groups.is_empty() {
        return html! {};
    }
    html! {
        <p class="groups" data-testid="groups"><span class="label">{ "Groups" }</span>
            { for groups.iter().map(|g| html! { <span class="chip">{ (*g).clone() }</span> }) }
        </p>
    }
}

fn attribute_row(a: &Attribute) -> Html {
    html! {
        <tr>
            <td><code>{ a.name.clone() }</code>
                if a.encrypted { <span class="tag" title="sent as an EncryptedAttribute, decrypted here with the SP key">{ "decrypted" }</span> }
                if let Some(f) = &a.friendly_name { <div class="muted small">{ f.clone() }</div> }
            </td>
            <td>
                if a.values.is_empty() { <span class="muted">{ "(no value)" }</span> }
                { for a.values.iter().map(|v| html! { <div><code>{ v.clone() }</code></div> }) }
                if a.comment_inside { <span class="tag bad">{ "comment inside" }</span> }
            </td>
        </tr>
    }
}

fn date(ms: i64) -> String {
    Instant(ms).to_rfc3339()
}

/// `x` with `decimals` digits after the point (0 to 3), by integer arithmetic: the standard
/// float formatting with a precision weighs about 4 KB gzip in the page, more than all its uses.
pub fn fixed(x: f64, decimals: u32) -> String {
    let scale = 10_i64.pow(decimals.min(3));
    // Saturating cast; the values shown here (percentages, milliseconds) are small.
    let n = (x * scale as f64).round() as i64;
    let sign = if n < 0 { "-" } else { "" };
    let (whole, frac) = (
        n.unsigned_abs() / scale as u64,
        n.unsigned_abs() % scale as u64,
    );
    match decimals.min(3) {
        0 => format!("{sign}{whole}"),
        d => format!("{sign}{whole}.{frac:0width$}", width = d as usize),
    }
}

#[cfg(test)]
mod tests {
    use super::fixed;

    #[test]
    fn fixed_point_text_matches_the_standard_formatting() {
        for x in [
            0.0, 0.04, 0.05, 1.25, 12.345, 99.95, 100.0, 1234.5678, -0.5, -3.21,
        ] {
            for d in 0..=3u32 {
                let std = format!("{x:.*}", d as usize);
                let ours = fixed(x, d);
                // Both round to nearest; they may differ only on exact binary ties, where
                // the standard rounds half to even.
                let parse = |s: &str| s.parse::<f64>().unwrap();
                assert!(
                    (parse(&std) - parse(&ours)).abs() <= 10f64.powi(-(d as i32)) + 1e-9,
                    "{x} {d}: {std} vs {ours}"
                );
            }
        }
        assert_eq!(fixed(12.345, 1), "12.3");
        assert_eq!(fixed(0.5, 0), "1");
        assert_eq!(fixed(1.005, 3), "1.005");
        assert_eq!(fixed(-0.25, 2), "-0.25");
        assert_eq!(fixed(3.0, 2), "3.00");
    }
}
