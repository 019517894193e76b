//! `/events`: the log as a table, newest first, each issued response with a link that opens it
//! in the inspector page through the URL fragment (`/#SAMLResponse=…`), which a browser never
//! sends to a server: the response goes from this page to the inspector without a request.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Html;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use samlscope_api::{Event, Outcome};
use samlscope_core::xml::{escape_attr, escape_text};
use serde::Serialize;

use crate::error::HttpError;
use crate::events::{Filter, MAX_RESPONSE_B64};
use crate::idp::SharedIdp;
use crate::pages;

/// Rows shown without `limit=`: each carries its response in a link (~27 KB), so the page stays
/// small enough to open at once.
pub const PAGE_ROWS: usize = 50;

pub(crate) async fn events_page(
    State(idp): State<SharedIdp>,
    RawQuery(query): RawQuery,
) -> Result<Html<String>, HttpError> {
    let log = &idp.events;
    let mut filter = Filter::parse(query.as_deref().unwrap_or_default(), log.capacity())
        .map_err(|e| HttpError::Page(StatusCode::BAD_REQUEST, "Bad event query", e.to_string()))?;
    let asked = filter.limit.is_some();
    filter.limit = filter.limit.or(Some(PAGE_ROWS));
    let (events, oldest, next) = log.matching(&filter, true);
    Ok(Html(render(
        &filter,
        &events,
        oldest,
        next,
        log.capacity(),
        asked,
    )))
}

/// The wire name of an enum value (its serde name), so that a new variant needs no second list.
fn wire_name<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// `/#SAMLResponse=…&app=…&acs_url=…[&request_id=…]`: what the inspector reads from its
/// fragment. Every value is percent-encoded (a `+` of base64 would otherwise read as a space).
pub fn inspector_link(event: &Event, saml_response: &str, acs_url: &str) -> String {
    let enc = |v: &str| utf8_percent_encode(v, NON_ALPHANUMERIC).to_string();
    let mut link = format!(
        "/#SAMLResponse={}&app={}&acs_url={}",
        enc(saml_response),
        enc(&event.app),
        enc(acs_url)
    );
    if let Some(r) = &event.request_id {
        link.push_str(&format!("&request_id={}", enc(r)));
    }
    link
}

fn cell(v: Option<&str>) -> String {
    match v {
        Some(v) => format!("<td>{}</td>", escape_text(v)),
        None => "<td class=\"skipped\">—</td>".into(),
    }
}

fn row(e: &Event) -> String {
    let (outcome, response) = match &e.outcome {
        Outcome::Success {
            response_id,
            acs_url,
            saml_response,
        } => {
            let open = match saml_response {
                Some(b64) => format!(
                    "<br><a class=\"open\" data-testid=\"open-{seq}\" href=\"{href}\">Open in inspector</a>",
                    seq = e.seq,
                    href = escape_attr(&inspector_link(e, b64, acs_url))
                ),
                None => format!(
                    "<br><span class=\"skipped\">not kept: above {} KiB of base64</span>",
                    MAX_RESPONSE_B64 / 1024
                ),
            };
            (
                "<td class=\"pass\">success</td>".to_owned(),
                format!(
                    "<td><code>{}</code><br>to <code>{}</code>{open}</td>",
                    escape_text(response_id),
                    escape_text(acs_url)
                ),
            )
        }
        Outcome::Refused { reason, message } => {
            let code = match serde_json::to_value(reason) {
                Ok(v) => {
                    let r = v.get("reason").and_then(|r| r.as_str()).unwrap_or_default();
                    match v.get("detail").and_then(|d| d.as_str()) {
                        Some(d) => format!("{r} ({d})"),
                        None => r.to_owned(),
                    }
                }
                Err(_) => String::new(),
            };
            (
                format!(
                    "<td class=\"fail\">refused: {}<br><small>{}</small></td>",
                    escape_text(&code),
                    escape_text(message)
                ),
                "<td class=\"skipped\">—</td>".to_owned(),
            )
        }
    };
    format!(
        "<tr data-seq=\"{seq}\" data-outcome=\"{kind}\"><td>{seq}</td>{time}{app}{user}{init}{req}{outcome}{scenario}{response}</tr>",
        seq = e.seq,
        kind = match e.outcome {
            Outcome::Success { .. } => "success",
            Outcome::Refused { .. } => "refused",
        },
        time = cell(Some(&e.time)),
        app = cell(Some(&e.app)),
        user = cell(e.user.as_deref()),
        init = cell(Some(&wire_name(&e.initiation))),
        req = cell(e.request_id.as_deref()),
        scenario = cell(e.scenario.as_deref()),
    )
}

fn render(
    filter: &Filter,
    events: &[Arc<Event>],
    oldest: Option<u64>,
    next: u64,
    capacity: usize,
    asked: bool,
) -> String {
    let field = |name: &str, value: Option<&str>, hint: &str| {
        format!(
            "<label>{name} <input name=\"{name}\" value=\"{}\" placeholder=\"{}\"></label>",
            escape_attr(value.unwrap_or_default()),
            escape_attr(hint)
        )
    };
    let held = match oldest {
        Some(o) => format!("events #{o} to #{} are held", next.saturating_sub(1)),
        None => "no event has been recorded yet".into(),
    };
    let shown = if asked {
        format!("{} shown (newest first)", events.len())
    } else {
        format!(
            "{} shown, newest first (at most {PAGE_ROWS}; <code>limit=</code> shows more)",
            events.len()
        )
    };
    let mut rows = String::new();
    for e in events.iter().rev() {
        rows.push_str(&row(e));
    }
    let body = format!(
        concat!(
            // The table needs more width than the login pages' column.
            "<style>body{{max-width:96rem}}td code{{word-break:break-all}}form label{{display:inline-block;margin-right:1rem}}</style>",
            "<p>Every SSO attempt and every response of the scenario API, like JumpCloud's Directory Insights. ",
            "The log keeps the last {capacity} events in memory (older ones are dropped; numbering goes on); {held}; {shown}. ",
            "As JSON: <a href=\"/api/events\">/api/events</a>.</p>",
            "<p>\"Open in inspector\" carries the response in the link's <code>#</code> fragment, which the browser does not send to any server.</p>",
            "<form class=\"box\" method=\"get\" action=\"/events\">{app}{user}{since}<button type=\"submit\">Filter</button></form>",
            "<table id=\"events\"><thead><tr><th>#</th><th>Time (UTC)</th><th>App</th><th>User</th><th>Initiated by</th>",
            "<th>AuthnRequest ID</th><th>Outcome</th><th>Scenario</th><th>Response</th></tr></thead><tbody>{rows}</tbody></table>"
        ),
        capacity = capacity,
        held = held,
        shown = shown,
        app = field("app", filter.app.as_deref(), "label, e.g. avoma"),
        user = field("user", filter.user.as_deref(), "email"),
        since = field("since", None, "seq, or 2026-11-28T12:00:00Z"),
        rows = rows,
    );
    pages::page("JumpCloud (mock) — SSO events", &body)
}
