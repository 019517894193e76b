//! The demo SP (training round trip on one machine): "Log in with JumpCloud (mock)" sends an
//! AuthnRequest (Redirect binding) to this IdP; the ACS validates the response with core —
//! trust from this IdP's metadata, now from the system clock — and shows the Report.

use std::io::Write as _;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use samlscope_core::decode::{DecodeLimits, Parameter, decode};
use samlscope_core::metadata::trust_from_metadata;
use samlscope_core::report::{Report, Status, Verdict};
use samlscope_core::validate::{Policy, validate};
use samlscope_core::xml::{escape_attr, escape_text};

use crate::config::App;
use crate::error::HttpError;
use crate::form::{BODY_LIMIT, form_encode, parse_form, require_form};
use crate::fresh::random_id;
use crate::idp::{Idp, SharedIdp};
use crate::pages;

const PENDING_MAX: usize = 1024;

pub fn routes() -> Router<SharedIdp> {
    Router::new()
        .route("/sp", get(home))
        .route("/sp/", get(home))
        .route("/sp/login", get(start_login))
        .route("/sp/acs", post(acs))
}

/// The app whose ACS is this server's `/sp/acs`.
pub fn demo_app(idp: &Idp) -> Option<App> {
    let acs = format!("{}/sp/acs", idp.base_url);
    idp.config()
        .apps
        .iter()
        .find(|a| a.acs_urls.contains(&acs))
        .cloned()
}

fn no_demo_app() -> HttpError {
    HttpError::Page(
        StatusCode::NOT_FOUND,
        "Demo SP not configured",
        "no application has the ACS URL {base_url}/sp/acs; the bundled configuration's `demo-sp` app does".into(),
    )
}

async fn home(State(idp): State<SharedIdp>) -> Result<Html<String>, HttpError> {
    let app = demo_app(&idp).ok_or_else(no_demo_app)?;
    Ok(Html(pages::page(
        "samlscope demo SP",
        &format!(
            concat!(
                "<p>A service provider that trusts the mock IdP's application <b>{label}</b> ",
                "(SP Entity ID <code>{sp}</code>). Its ACS validates every response with samlscope's core.</p>",
                "<p><a id=\"login\" href=\"/sp/login\">Log in with JumpCloud (mock)</a></p>",
                "<p>Users: alice@acmecorp.com / alice-password (assigned), mallory@acmecorp.com / mallory-password (not assigned).</p>"
            ),
            label = escape_text(&app.label),
            sp = escape_text(&app.sp_entity_id),
        ),
    )))
}

/// SP-initiated: an AuthnRequest through the Redirect binding (raw DEFLATE + base64).
async fn start_login(State(idp): State<SharedIdp>) -> Result<Response, HttpError> {
    let app = demo_app(&idp).ok_or_else(no_demo_app)?;
    let id = random_id();
    let acs = app.acs_urls.first().cloned().unwrap_or_default();
    let request = format!(
        concat!(
            "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ",
            "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"{id}\" Version=\"2.0\" ",
            "IssueInstant=\"{now}\" Destination=\"{dest}\" AssertionConsumerServiceURL=\"{acs}\" ",
            "ProtocolBinding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\">",
            "<saml:Issuer>{sp}</saml:Issuer>",
            "<samlp:NameIDPolicy Format=\"{nf}\" AllowCreate=\"true\"/></samlp:AuthnRequest>"
        ),
        id = id,
        now = crate::fresh::now().to_rfc3339(),
        dest = escape_attr(&idp.sso_url(&app.label)),
        acs = escape_attr(&acs),
        sp = escape_text(&app.sp_entity_id),
        nf = escape_attr(&app.name_id_format),
    );
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    let deflated = enc
        .write_all(request.as_bytes())
        .and_then(|()| enc.finish())
        .map_err(|e| {
            HttpError::Page(StatusCode::INTERNAL_SERVER_ERROR, "Demo SP", e.to_string())
        })?;
    let b64 = base64::engine::general_purpose::STANDARD.encode(deflated);
    // RelayState is an opaque key to the request ID (an SP's session, kept server-side).
    let relay = random_id();
    if let Ok(mut p) = idp.sp_pending.lock() {
        if p.len() >= PENDING_MAX {
            p.pop_front();
        }
        p.push_back((relay.clone(), id));
    }
    let location = format!(
        "{}?{}",
        idp.sso_url(&app.label),
        form_encode(&[("SAMLRequest", &b64), ("RelayState", &relay)])
    );
    Ok((StatusCode::FOUND, [(header::LOCATION, location)]).into_response())
}

/// The ACS: decode, validate with core, render the Report.
async fn acs(
    State(idp): State<SharedIdp>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, HttpError> {
    require_form(&headers, "Demo SP: bad POST")?;
    let app = demo_app(&idp).ok_or_else(no_demo_app)?;
    let bad = |m: String| HttpError::Page(StatusCode::BAD_REQUEST, "Demo SP: bad POST", m);
    let pairs = parse_form(&body);
    if !pairs.iter().any(|(k, _)| k == "SAMLResponse") {
        return Err(bad("the POST has no SAMLResponse field".into()));
    }
    let limits = DecodeLimits {
        max_input: BODY_LIMIT,
        ..DecodeLimits::default()
    };
    let msg = decode(&body, &limits)
        .map_err(|e| bad(format!("the SAMLResponse could not be decoded: {e}")))?
        .into_iter()
        .find(|m| m.parameter == Some(Parameter::SamlResponse))
        .ok_or_else(|| bad("no SAMLResponse could be decoded".into()))?;
    let relay = pairs
        .iter()
        .find(|(k, _)| k == "RelayState")
        .map(|(_, v)| v.clone());
    let request_id = relay.as_ref().and_then(|r| {
        idp.sp_pending.lock().ok().and_then(|mut p| {
            let i = p.iter().position(|(k, _)| k == r)?;
            p.remove(i).map(|(_, id)| id)
        })
    });
    let metadata = idp.metadata(&app.label).map_err(|e| bad(e.to_string()))?;
    let (trust, _) = trust_from_metadata(metadata.as_bytes())
        .map_err(|e| bad(format!("own metadata unusable: {e}")))?;
    let mut policy = Policy::new(trust, crate::fresh::now());
    // The app's own IdP entity ID: its metadata keys are bound to it as well.
    policy.idp_entity_id = Some(app.idp_entity_id.clone());
    policy.sp_entity_id = Some(app.sp_entity_id.clone());
    policy.acs_url = app.acs_urls.first().cloned();
    policy.request_id = request_id.clone();
    // The demo SP decrypts with its own key when its app sends encrypted assertions.
    if app.encrypt_assertion {
        policy.sp_key = Some(
            samlscope_core::xenc::DecryptionKey::from_pem(idp.demo_sp_key_pem())
                .map_err(|e| bad(format!("the demo SP's own key is unusable: {e}")))?,
        );
    }
    let report = validate(msg.xml.as_bytes(), &policy);
    let status = match report.verdict {
        Verdict::Valid => StatusCode::OK,
        Verdict::Invalid => StatusCode::FORBIDDEN,
    };
    Ok((status, Html(render(&report, request_id.as_deref()))).into_response())
}

/// The Report as a page: verdict, who logged in, every check with its fix.
pub fn render(report: &Report, request_id: Option<&str>) -> String {
    let (cls, headline) = match report.verdict {
        Verdict::Valid => ("ok", "Logged in: the response is valid"),
        Verdict::Invalid => ("err", "Login refused: the response is invalid"),
    };
    let who = report
        .name_id
        .as_deref()
        .map(|n| format!("<p>NameID: <b id=\"name-id\">{}</b></p>", escape_text(n)))
        .unwrap_or_default();
    let attrs = report
        .identity
        .as_ref()
        .map(|i| {
            let rows: String = i
                .attributes
                .iter()
                .map(|a| {
                    format!(
                        "<tr><td>{}</td><td>{}</td></tr>",
                        escape_text(&a.name),
                        escape_text(&a.values.join(", "))
                    )
                })
                .collect();
            if rows.is_empty() {
                String::new()
            } else {
                format!("<table><tr><th>Attribute</th><th>Values</th></tr>{rows}</table>")
            }
        })
        .unwrap_or_default();
    let mut checks = String::new();
    for c in &report.checks {
        let status = match c.status {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Warn => "warn",
            Status::Skipped => "skipped",
        };
        let mut detail = escape_text(&c.message);
        if let Some(e) = &c.expected {
            detail.push_str(&format!("<br>expected: <code>{}</code>", escape_text(e)));
        }
        if let Some(f) = &c.found {
            detail.push_str(&format!("<br>found: <code>{}</code>", escape_text(f)));
        }
        if let Some(f) = &c.fix {
            detail.push_str(&format!("<br><i>Fix:</i> {}", escape_text(f)));
        }
        checks.push_str(&format!(
            "<tr class=\"check\" data-id=\"{id}\" data-status=\"{status}\"><td><code>{id}</code></td><td class=\"{status}\">{status}</td><td>{detail}</td></tr>",
            id = c.id.as_str(),
        ));
    }
    pages::page(
        "samlscope demo SP — ACS",
        &format!(
            concat!(
                "<div class=\"box {cls}\"><p id=\"verdict\" data-verdict=\"{verdict}\"><b>{headline}</b></p>{who}",
                "<p>Issuer: {issuer} · InResponseTo expected: {req}</p></div>{attrs}",
                "<h2>Checks</h2><table><tr><th>Check</th><th>Status</th><th>Details</th></tr>{checks}</table>",
                "<p><a href=\"/sp/\">Back to the demo SP</a></p>"
            ),
            cls = cls,
            verdict = report.verdict.as_str(),
            headline = headline,
            who = who,
            issuer = escape_text(report.issuer.as_deref().unwrap_or("(none)")),
            req = escape_text(request_id.unwrap_or("(unsolicited)")),
            attrs = attrs,
            checks = checks,
        ),
    )
}
