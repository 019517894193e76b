//! Rendering of an [`Inspection`]: the verdict banner, checks, identity, certificates, the time
//! window, metadata and AuthnRequest views. Pure functions of the view model and callbacks.

use crate::inspect::{Inspection, Outcome};
use crate::xml_view::{self, Coverage, Region, TokenKind};
use samlscope_core::metadata::{AuthnRequestInfo, MetadataInfo, SpMetadataInfo};
use samlscope_core::report::{
    CertificateCard, Check, Report, SignedRegion, Status, TimeWindow, Verdict,
};
use samlscope_core::saml::time::Instant;
use samlscope_core::saml::{Attribute, Identity};
use samlscope_core::trust::CertificateInfo;
use yew::prelude::*;

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

fn certificate_card(c: &CertificateCard) -> Html {
    let role = match c.role {
        "trusted" => "Trusted certificate (configured)",
        "keyinfo" => "Certificate in the message (KeyInfo)",
        other => other,
    };
    let matches = c.matches_trusted.map(|m| {
        if m {
            html! { <span class="tag good">{ "matches the trusted certificate" }</span> }
        } else {
            html! { <span class="tag bad">{ "does NOT match the trusted certificate" }</span> }
        }
    });
    html! {
        <section class="card certificate">
            <h2>{ role }</h2>
            { matches.unwrap_or_default() }
            { certificate_facts(&c.info) }
        </section>
    }
}

pub fn certificate_facts(info: &CertificateInfo) -> Html {
    html! {
        <dl>
            <dt>{ "Subject" }</dt><dd>{ info.subject.clone() }</dd>
            <dt>{ "Issuer" }</dt><dd>{ info.issuer.clone() }
                if info.self_signed { <span class="muted">{ " (self-signed)" }</span> }</dd>
            <dt>{ "Valid" }</dt><dd>{ validity_bar(info.not_before, info.not_after) }</dd>
            <dt>{ "Key" }</dt><dd>{ format!("{} {} bits", info.key_algorithm, info.key_bits) }</dd>
            <dt>{ "SHA-256" }</dt><dd><code class="fp">{ info.sha256_fingerprint.clone() }</code></dd>
            <dt>{ "SHA-1" }</dt><dd><code class="fp">{ info.sha1_fingerprint.clone() }</code></dd>
            <dt>{ "Serial" }</dt><dd><code>{ info.serial.clone() }</code></dd>
        </dl>
    }
}

/// Certificate lifetime as a bar with "now" marked; Unix seconds.
fn validity_bar(not_before: i64, not_after: i64) -> Html {
    let now = crate::clock::now().unix_seconds();
    let span = (not_after - not_before).max(1) as f64;
    let pos = (((now - not_before) as f64 / span) * 100.0).clamp(0.0, 100.0);
    let state = if now < not_before {
        "not yet valid"
    } else if now >= not_after {
        "expired"
    } else if not_after - now < 30 * 86_400 {
        "expires within 30 days"
    } else {
        "valid now"
    };
    let class = match state {
        "valid now" => "good",
        "expires within 30 days" => "warn",
        _ => "bad",
    };
    html! {
        <div class="validity">
            <div class="bar"><span class="now" style={format!("left:{}%", fixed(pos, 1))}></span></div>
            <div class="small">{ format!("{} → {}", date(not_before * 1000), date(not_after * 1000)) }
                { " " }<span class={classes!("tag", class)}>{ state }</span></div>
        </div>
    }
}

/// The assertion's window against now, with the skew drawn as a margin.
fn time_window(w: Option<&TimeWindow>) -> Html {
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

/// The decoded XML, pretty-printed, with signed regions and everything outside them marked.
pub fn xml_panel(text: &str, regions: &[Region], _actions: &Actions, title: &str) -> Html {
    let tokens = xml_view::tokenize(text);
    let lines = xml_view::lines(text, &tokens);
    let truncated = lines.len() > xml_view::MAX_LINES;
    let shown = &lines[..lines.len().min(xml_view::MAX_LINES)];
    let legend = if regions.is_empty() {
        html! { <p class="legend"><span class="unsigned">{ "No verified signature covers any part of this message." }</span></p> }
    } else {
        html! {
            <p class="legend">
                <span class="signed">{ "covered by a verified signature" }</span>
                <span class="sig">{ "the signature" }</span>
                <span class="unsigned">{ "outside every verified signature (not vouched for)" }</span>
            </p>
        }
    };
    html! {
        <section class="card xml" data-testid="xml">
            <h2>{ title.to_owned() }</h2>
            { legend }
            <div class="code" role="region" aria-label={title.to_owned()} tabindex="0">
                { for shown.iter().enumerate().map(|(n, line)| {
                    let toks = &tokens[line.tokens.clone()];
                    let unsigned = toks.iter().any(|t| xml_view::coverage(t, regions) == Coverage::Unsigned);
                    let line_class = if unsigned { "unsigned" } else { "covered" };
                    let indent = "  ".repeat(line.depth.min(40));
                    html! {
                        <div class={classes!("line", line_class)} id={format!("xml-line-{n}")} data-start={toks.first().map(|t| t.start).unwrap_or(0).to_string()}>
                            <span class="indent">{ indent }</span>
                            { for toks.iter().map(|t| token(text, t, regions)) }
                        </div>
                    }
                }) }
            </div>
            if truncated {
                <p class="muted">{ format!("Showing the first {} of {} lines.", xml_view::MAX_LINES, lines.len()) }</p>
            }
        </section>
    }
}

fn token(text: &str, t: &xml_view::Token, regions: &[Region]) -> Html {
    let cov = xml_view::coverage(t, regions).class();
    let s = &text[t.start..t.end];
    match t.kind {
        TokenKind::Open | TokenKind::Close | TokenKind::Empty => html! {
            <span class={cov}>
                { for xml_view::tag_parts(s).into_iter().map(|(part, p)| html! { <span class={part.class()}>{ p }</span> }) }
            </span>
        },
        TokenKind::Text => html! { <span class={classes!(cov, "t")}>{ s }</span> },
        TokenKind::Comment => html! { <span class={classes!(cov, "c")}>{ s }</span> },
        TokenKind::CData => html! { <span class={classes!(cov, "cd")}>{ s }</span> },
        TokenKind::Declaration => html! { <span class={classes!(cov, "d")}>{ s }</span> },
    }
}

/// Positions lines for [`crate::app`]'s scroll-to: the line index of a byte offset.
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

pub fn line_for_offset(text: &str, offset: usize) -> Option<usize> {
    let tokens = xml_view::tokenize(text);
    let lines = xml_view::lines(text, &tokens);
    xml_view::line_of(&lines, &tokens, offset).filter(|&l| l < xml_view::MAX_LINES)
}

fn metadata(
    xml: &str,
    info: &Result<Box<MetadataInfo>, String>,
    actions: &Actions,
    _now: Instant,
) -> Html {
    let body = match info {
        Err(e) => html! {
            <section class="banner invalid" data-testid="verdict" role="status">
                <strong>{ "Metadata not usable: " }</strong>{ e.clone() }
            </section>
        },
        Ok(m) => {
            let failed = m.lints.iter().filter(|l| l.status == Status::Fail).count();
            let class = if failed > 0 { "invalid" } else { "valid" };
            let use_trust = {
                let cb = actions.use_as_trust.clone();
                let xml = xml.to_owned();
                Callback::from(move |_| cb.emit(xml.clone()))
            };
            html! {
                <>
                    <section class={classes!("banner", class)} data-testid="verdict" role="status">
                        <span class="word">{ if failed > 0 { "metadata with problems" } else { "metadata" } }</span>
                        <span class="kind">{ "IdP metadata" }</span>
                        <span class="issuer"><code data-testid="entity-id">{ m.entity_id.clone() }</code></span>
                        <p class="detail">
                            <button type="button" onclick={use_trust}>{ "Use as trust for checking responses" }</button>
                        </p>
                    </section>
                    <div class="columns">
                        <div class="col">
                            <section class="card">
                                <h2>{ "Endpoints" }</h2>
                                <table>
                                    <thead><tr><th>{ "Service" }</th><th>{ "Binding" }</th><th>{ "Location" }</th></tr></thead>
                                    <tbody>
                                        { for m.sso_endpoints.iter().map(|e| html! { <tr><td>{ "SSO" }</td><td>{ e.binding.as_str() }</td><td><code>{ e.location.clone() }</code></td></tr> }) }
                                        { for m.slo_endpoints.iter().map(|e| html! { <tr><td>{ "SLO" }</td><td>{ e.binding.as_str() }</td><td><code>{ e.location.clone() }</code></td></tr> }) }
                                    </tbody>
                                </table>
                                <h3>{ "NameID formats" }</h3>
                                <ul>{ for m.name_id_formats.iter().map(|f| html! { <li><code>{ f.clone() }</code></li> }) }</ul>
                                if let Some(w) = m.want_authn_requests_signed {
                                    <p>{ format!("WantAuthnRequestsSigned: {w}") }</p>
                                }
                                if let Some(v) = &m.valid_until {
                                    <p>{ format!("validUntil: {v}") }</p>
                                }
                            </section>
                            { certificate_cards("Signing certificate", &m.signing_certificates) }
                        </div>
                        <div class="col">{ lints(&m.lints, actions) }</div>
                    </div>
                </>
            }
        }
    };
    html! { <>{ body }{ xml_panel(xml, &[], actions, "Metadata XML") }</> }
}

/// An SP's metadata: what to enter in the IdP (the JumpCloud SSO-tab fields), then its facts.
/// Rows are plain text lines: the page's size budget favours few elements over a table.
fn sp_metadata(xml: &str, m: &SpMetadataInfo, actions: &Actions) -> Html {
    let failed = m.lints.iter().any(|l| l.status == Status::Fail);
    let use_settings = {
        let cb = actions.use_sp_settings.clone();
        let id = m.entity_id.clone();
        let acs = m.default_acs().map(|e| e.location.clone());
        let metadata = xml.to_owned();
        Callback::from(move |_| cb.emit((id.clone(), acs.clone(), metadata.clone())))
    };
    let acs: Vec<String> = m
        .acs_endpoints
        .iter()
        .map(|e| {
            let default = if e.is_default { ", default" } else { "" };
            match e.index {
                Some(i) => format!("{} {} (index {i}{default})", e.binding.as_str(), e.location),
                None => format!("{} {}{default}", e.binding.as_str(), e.location),
            }
        })
        .collect();
    let flag = |v: Option<bool>| v.map_or("not said", |b| if b { "yes" } else { "no" });
    let facts = format!(
        "Signs its AuthnRequests: {} · Wants signed assertions: {} · NameID formats: {}",
        flag(m.authn_requests_signed),
        flag(m.want_assertions_signed),
        if m.name_id_formats.is_empty() {
            "none listed".to_owned()
        } else {
            m.name_id_formats.join(", ")
        }
    );
    html! {
        <>
            <section class={classes!("banner", if failed { "invalid" } else { "valid" })} data-testid="verdict" role="status">
                <span class="word">{ if failed { "SP metadata with problems" } else { "SP metadata" } }</span>
                <span class="issuer"><code data-testid="entity-id">{ m.entity_id.clone() }</code></span>
                <p class="detail"><button type="button" data-testid="use-sp-settings" onclick={use_settings}>{ "Use as SP settings for checking responses" }</button></p>
            </section>
            <div class="columns">
                <div class="col">
                    <section class="card" data-testid="idp-settings">
                        <h2>{ "Enter in JumpCloud (the application's SSO tab)" }</h2>
                        <dl>{ for m.idp_settings.iter().map(|s| html! {
                            <><dt>{ s.field }</dt><dd><code>{ s.values.join("\n") }</code><div class="muted small">{ s.why.clone() }</div></dd></>
                        }) }</dl>
                    </section>
                    <section class="card">
                        <h2>{ "Assertion consumer services" }</h2>
                        <ul>{ for acs.into_iter().map(|a| html! { <li><code>{ a }</code></li> }) }</ul>
                        <p>{ facts }</p>
                    </section>
                    { certificate_cards("SP signing certificate", &m.signing_certificates) }
                    { certificate_cards("SP encryption certificate", &m.encryption_certificates) }
                </div>
                <div class="col">{ lints(&m.lints, actions) }</div>
            </div>
            { xml_panel(xml, &[], actions, "SP metadata XML") }
        </>
    }
}

fn certificate_cards(title: &'static str, list: &[CertificateInfo]) -> Html {
    list.iter()
        .map(|c| html! { <section class="card certificate"><h2>{ title }</h2>{ certificate_facts(c) }</section> })
        .collect()
}

fn lints(list: &[Check], actions: &Actions) -> Html {
    html! {
        <section class="checks">
            <h2>{ format!("Lints ({})", list.len()) }</h2>
            <ul class="check-list">{ for list.iter().map(|c| check_row(c, actions)) }</ul>
        </section>
    }
}

fn request(
    xml: &str,
    info: &Result<Box<AuthnRequestInfo>, String>,
    relay_state: Option<&str>,
    redirect_signed: bool,
    actions: &Actions,
) -> Html {
    let body = match info {
        Err(e) => html! {
            <section class="banner invalid" data-testid="verdict" role="status">
                <strong>{ "AuthnRequest not usable: " }</strong>{ e.clone() }
            </section>
        },
        Ok(r) => {
            let use_id = {
                let cb = actions.use_request_id.clone();
                let id = r.id.clone();
                Callback::from(move |_| cb.emit(id.clone()))
            };
            let row = |label: &'static str, v: Option<&str>| match v {
                Some(v) => {
                    html! { <><dt>{ label }</dt><dd><code>{ v.to_owned() }</code></dd></> }
                }
                None => html! { <><dt>{ label }</dt><dd class="muted">{ "not given" }</dd></> },
            };
            html! {
                <>
                    <section class={classes!("banner", if r.has_failures() { "invalid" } else { "valid" })} data-testid="verdict" role="status">
                        <span class="word">{ "AuthnRequest" }</span>
                        <span class="kind">{ "from the SP" }</span>
                        <p class="detail">
                            { "Its ID is the InResponseTo the response must carry. " }
                            <button type="button" onclick={use_id}>{ "Use as Request ID" }</button>
                        </p>
                    </section>
                    <section class="card">
                        <dl>
                            { row("ID", Some(&r.id)) }
                            { row("Issuer (SP Entity ID)", r.issuer.as_deref()) }
                            { row("ACS URL", r.acs_url.as_deref()) }
                            { row("Destination", r.destination.as_deref()) }
                            { row("Protocol binding", r.protocol_binding.as_deref()) }
                            { row("NameIDPolicy format", r.name_id_policy_format.as_deref()) }
                            { row("AllowCreate", r.allow_create.as_deref()) }
                            { row("IssueInstant", r.issue_instant.as_deref()) }
                            { row("RelayState", relay_state) }
                            <dt>{ "ForceAuthn / IsPassive" }</dt><dd>{ format!("{} / {}", r.force_authn, r.is_passive) }</dd>
                            <dt>{ "Signed" }</dt><dd>{ if r.signed { "yes (XML signature)" } else if redirect_signed { "yes (Redirect binding query signature)" } else { "no" } }</dd>
                        </dl>
                    </section>
                    { lints(&r.lints, actions) }
                </>
            }
        }
    };
    // A verified request signature (query string or XML) is shaded like a response's.
    let covered: Vec<Region> = match info {
        Ok(r) => r.signed_region.iter().map(region).collect(),
        Err(_) => Vec::new(),
    };
    html! { <>{ body }{ xml_panel(xml, &covered, actions, "AuthnRequest XML") }</> }
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
