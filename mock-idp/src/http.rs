//! The routes: JumpCloud-like SAML endpoints, the scenario/admin API, the demo SP and the
//! static web bundle. Every bad input is a 4xx with a sentence saying what was wrong.

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Json, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use samlscope_core::checks::CheckId;
use samlscope_core::decode::{DecodeLimits, Parameter, decode};
use samlscope_core::metadata::{
    AuthnRequestInfo, RedirectSignature, inspect_authn_request, verify_authn_request,
};
use samlscope_core::report::Status;
use samlscope_core::trust::{Certificate, TrustSource, TrustStore};
use serde::Serialize;

use crate::config::App;
use crate::idp::{Idp, IdpError};
use crate::pages;
use crate::scenarios::{self, Scenario};

pub type SharedIdp = Arc<Idp>;

/// Bodies above this are refused with 413 before they are read.
pub const BODY_LIMIT: usize = 1 << 20;

const HTTP_POST: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

/// The whole server: IdP, API, demo SP, and the web bundle at `/` when `web_dist` exists.
pub fn router(state: SharedIdp, web_dist: Option<PathBuf>) -> Router {
    let mut r = Router::new()
        .route("/saml2/{label}", get(sso_get).post(sso_post))
        .route("/saml2/{label}/login", post(login))
        .route("/saml2/{label}/metadata", get(metadata))
        .route("/api/scenarios", get(list_scenarios))
        .route("/api/apps", get(list_apps))
        .route("/api/apps/{label}/metadata", get(metadata))
        .route("/api/apps/{label}/certificate", get(certificate))
        .route("/api/apps/{label}/certificate/rotate", post(rotate))
        .route(
            "/api/apps/{label}/responses/{scenario}",
            get(scenario_response),
        )
        .route("/portal", get(portal))
        .merge(crate::sp::routes());
    let dist = web_dist.filter(|d| d.join("index.html").is_file());
    r = match dist {
        Some(d) => r.fallback_service(tower_http::services::ServeDir::new(d)),
        None => r.route("/", get(index)).fallback(not_found),
    };
    r.method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(BODY_LIMIT))
        .with_state(state)
}

/// An error as a page (browser flows) or JSON (the API).
pub enum HttpError {
    Page(StatusCode, &'static str, String),
    Api(StatusCode, String),
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        match self {
            Self::Page(status, title, msg) => {
                (status, Html(pages::error(title, &msg))).into_response()
            }
            Self::Api(status, msg) => {
                (status, Json(serde_json::json!({ "error": msg }))).into_response()
            }
        }
    }
}

fn api_err(e: IdpError) -> HttpError {
    let status = match e {
        IdpError::UnknownApp(_) | IdpError::UnknownScenario(_) => StatusCode::NOT_FOUND,
        IdpError::UnknownUser(_) => StatusCode::BAD_REQUEST,
        IdpError::Keys(_) | IdpError::Build(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    HttpError::Api(status, e.to_string())
}

fn page_err(e: IdpError) -> HttpError {
    let status = match e {
        IdpError::UnknownApp(_) => StatusCode::NOT_FOUND,
        IdpError::UnknownUser(_) | IdpError::UnknownScenario(_) => StatusCode::BAD_REQUEST,
        IdpError::Keys(_) | IdpError::Build(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    HttpError::Page(status, "SAML error", e.to_string())
}

/// Refuses a POST body that is not an HTML form. The SAML HTTP-POST binding (and a browser
/// submitting the login or auto-post form) sends `application/x-www-form-urlencoded`; a client
/// posting JSON or multipart would otherwise have its fields silently ignored (a SAMLRequest
/// sent as JSON became an IdP-initiated login). A missing Content-Type is read as a form, as
/// `curl --data-binary` and hand-written test clients often send none.
pub fn require_form(headers: &HeaderMap, title: &'static str) -> Result<(), HttpError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Ok(());
    };
    let media = value
        .to_str()
        .ok()
        .and_then(|v| v.split(';').next())
        .map(str::trim);
    match media {
        Some(m) if m.eq_ignore_ascii_case("application/x-www-form-urlencoded") => Ok(()),
        _ => Err(HttpError::Page(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            title,
            format!(
                "this endpoint takes an HTML form POST (Content-Type: \
                 application/x-www-form-urlencoded, as the SAML HTTP-POST binding sends it), \
                 not {:?}",
                String::from_utf8_lossy(value.as_bytes())
            ),
        )),
    }
}

/// `application/x-www-form-urlencoded` (or a query string) into pairs.
pub fn parse_form(body: &[u8]) -> Vec<(String, String)> {
    let dec = |s: &[u8]| {
        let plus: Vec<u8> = s
            .iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect();
        percent_encoding::percent_decode(&plus)
            .decode_utf8_lossy()
            .into_owned()
    };
    body.split(|&b| b == b'&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.iter().position(|&b| b == b'=') {
            Some(i) => (dec(&p[..i]), dec(&p[i + 1..])),
            None => (dec(p), String::new()),
        })
        .collect()
}

fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn non_empty(v: Option<&str>) -> Option<&str> {
    v.filter(|s| !s.is_empty())
}

pub fn form_encode(pairs: &[(&str, &str)]) -> String {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, NON_ALPHANUMERIC),
                utf8_percent_encode(v, NON_ALPHANUMERIC)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

// ---------------------------------------------------------------------------------------------
// SSO

/// The AuthnRequest after the checks JumpCloud makes, and the ACS URL to answer at.
struct Request {
    info: AuthnRequestInfo,
    acs_url: String,
    /// The RelayState that came with the request (for a Redirect request, covered by its
    /// signature).
    relay_state: Option<String>,
}

fn refused(app: &App, why: String) -> HttpError {
    HttpError::Page(
        StatusCode::BAD_REQUEST,
        "SAML request refused",
        format!(
            "{why} (application {:?}: SP Entity ID {:?}, ACS URLs {:?})",
            app.label, app.sp_entity_id, app.acs_urls
        ),
    )
}

/// Decodes and checks an AuthnRequest. `transport` is the raw query string (Redirect) or a
/// `SAMLRequest=…` form body (POST); core's decoder handles base64, DEFLATE and URL-encoding.
fn check_request(
    app: &App,
    transport: &[u8],
    verify_redirect_signature: bool,
) -> Result<Request, HttpError> {
    let limits = DecodeLimits {
        max_input: BODY_LIMIT,
        ..DecodeLimits::default()
    };
    let messages = decode(transport, &limits)
        .map_err(|e| refused(app, format!("the SAMLRequest could not be decoded: {e}")))?;
    let msg = messages
        .into_iter()
        .find(|m| m.parameter == Some(Parameter::SamlRequest))
        .ok_or_else(|| refused(app, "no SAMLRequest parameter was found".into()))?;
    // With an SP Certificate configured, the request's signature is judged as JumpCloud
    // does, under the app's policy: the query string's signature (Redirect, where it arrived
    // or as the login form carries the query back) or the XML signature (POST). The
    // certificate is the key of the app's SP entity only.
    let sp_keys = match app.sp_certificate.as_deref() {
        Some(pem) => {
            let mut keys = TrustStore::new();
            for c in Certificate::all_from_pem(pem).map_err(|e| {
                refused(
                    app,
                    format!("the configured SP certificate is unusable: {e}"),
                )
            })? {
                keys.add_entity_certificate(c, TrustSource::PinnedCertificate, &app.sp_entity_id);
            }
            keys
        }
        None => TrustStore::new(),
    };
    let redirect = RedirectSignature::of(&msg).filter(|_| verify_redirect_signature);
    let inspected = if sp_keys.is_empty() {
        inspect_authn_request(msg.xml.as_bytes())
    } else {
        verify_authn_request(
            msg.xml.as_bytes(),
            redirect,
            &sp_keys,
            &app.request_policy(),
        )
    };
    let info = inspected.map_err(|e| {
        refused(
            app,
            format!("the SAMLRequest is not a usable AuthnRequest: {e}"),
        )
    })?;
    if let Some(bad) = info
        .lints
        .iter()
        .find(|c| c.id == CheckId::RequestSignature && c.status == Status::Fail)
    {
        let fix = bad
            .fix
            .as_deref()
            .map(|f| format!(" {f}"))
            .unwrap_or_default();
        return Err(refused(
            app,
            format!(
                "the AuthnRequest's signature was refused: {}.{fix}",
                bad.message
            ),
        ));
    }
    match info.issuer.as_deref() {
        None => {
            return Err(refused(
                app,
                "the AuthnRequest has no <Issuer>; it must name the SP Entity ID".into(),
            ));
        }
        Some(i) if i != app.sp_entity_id => {
            return Err(refused(
                app,
                format!(
                    "the AuthnRequest's Issuer {i:?} does not match the application's SP Entity ID {:?} (it must match exactly)",
                    app.sp_entity_id
                ),
            ));
        }
        Some(_) => {}
    }
    let acs_url = match info.acs_url.as_deref() {
        Some(a) if app.acs_urls.iter().any(|u| u == a) => a.to_owned(),
        Some(a) => {
            return Err(refused(
                app,
                format!(
                    "the AuthnRequest's AssertionConsumerServiceURL {a:?} is not one of the application's ACS URLs (it must match exactly)"
                ),
            ));
        }
        None => app.acs_urls.first().cloned().unwrap_or_default(),
    };
    if let Some(b) = info.protocol_binding.as_deref()
        && b != HTTP_POST
    {
        return Err(refused(
            app,
            format!(
                "the AuthnRequest asks for ProtocolBinding {b:?}; this IdP answers with HTTP-POST only"
            ),
        ));
    }
    Ok(Request {
        info,
        acs_url,
        relay_state: msg.relay_state,
    })
}

fn scenario_choices() -> Vec<(String, String)> {
    scenarios::scenarios()
        .iter()
        .map(|s| (s.name.clone(), s.description.clone()))
        .collect()
}

fn find_scenario(name: Option<&str>) -> Result<Option<&'static Scenario>, IdpError> {
    match non_empty(name) {
        None => Ok(None),
        Some(n) => scenarios::find(n)
            .map(Some)
            .ok_or_else(|| IdpError::UnknownScenario(n.to_owned())),
    }
}

async fn sso_get(
    State(idp): State<SharedIdp>,
    Path(label): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, HttpError> {
    let query = query.unwrap_or_default();
    sso(&idp, &label, query.as_bytes(), true)
}

async fn sso_post(
    State(idp): State<SharedIdp>,
    Path(label): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, HttpError> {
    require_form(&headers, "SAML request refused")?;
    sso(&idp, &label, &body, false)
}

/// Both bindings and IdP-initiated SSO share the IDP URL: with a SAMLRequest it is
/// SP-initiated, without one IdP-initiated. Either way the user signs in first.
fn sso(idp: &Idp, label: &str, transport: &[u8], redirect: bool) -> Result<Response, HttpError> {
    let app = idp.app(label).map_err(page_err)?;
    let pairs = parse_form(transport);
    let scenario = param(&pairs, "scenario");
    find_scenario(scenario).map_err(page_err)?;
    let saml_request = non_empty(param(&pairs, "SAMLRequest"));
    if saml_request.is_some() {
        check_request(app, transport, redirect)?;
    } else if pairs.iter().any(|(k, _)| k == "SAMLRequest") {
        return Err(refused(app, "the SAMLRequest parameter is empty".into()));
    }
    // A Redirect request goes back to the login as the query it came in, so that its
    // signature is verified again over the same octets (the SAMLRequest value alone would
    // arrive unsigned).
    let query = std::str::from_utf8(transport).ok();
    let carry = pages::Carry {
        saml_request,
        saml_query: query.filter(|_| redirect && saml_request.is_some()),
        relay_state: param(&pairs, "RelayState"),
        scenario,
    };
    let name = app.display_label.as_deref().unwrap_or(&app.label);
    Ok(Html(pages::login(
        label,
        name,
        &idp.config.org,
        &carry,
        None,
        &scenario_choices(),
    ))
    .into_response())
}

/// The login form's POST: authenticate, check the assignment, answer with the auto-post form.
async fn login(
    State(idp): State<SharedIdp>,
    Path(label): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, HttpError> {
    require_form(&headers, "Sign-in refused")?;
    let app = idp.app(&label).map_err(page_err)?;
    let pairs = parse_form(&body);
    let email = param(&pairs, "email").unwrap_or_default().trim();
    let password = param(&pairs, "password").unwrap_or_default();
    let saml_request = non_empty(param(&pairs, "SAMLRequest"));
    let saml_query = non_empty(param(&pairs, "SAMLQuery"));
    let relay = non_empty(param(&pairs, "RelayState"));
    let scenario_name = non_empty(param(&pairs, "scenario"));
    let scenario = find_scenario(scenario_name).map_err(page_err)?;
    // The request is checked again: the hidden fields came back through the browser. A
    // Redirect request is its whole query (signature included); a POSTed one its XML.
    let request = match (saml_query, saml_request) {
        (Some(q), _) => Some(check_request(app, q.as_bytes(), true)?),
        (None, Some(r)) => Some(check_request(
            app,
            form_encode(&[("SAMLRequest", r)]).as_bytes(),
            false,
        )?),
        (None, None) => None,
    };
    let name = app.display_label.as_deref().unwrap_or(&app.label);
    let user = idp
        .config
        .user(email)
        .filter(|u| constant_time_eq(u.password.as_bytes(), password.as_bytes()));
    let Some(user) = user else {
        let carry = pages::Carry {
            saml_request,
            saml_query,
            relay_state: relay,
            scenario: scenario_name,
        };
        return Ok((
            StatusCode::UNAUTHORIZED,
            Html(pages::login(
                &label,
                name,
                &idp.config.org,
                &carry,
                Some("Invalid email or password."),
                &scenario_choices(),
            )),
        )
            .into_response());
    };
    if !idp.config.is_assigned(app, &user.email) {
        return Ok((
            StatusCode::FORBIDDEN,
            Html(pages::not_assigned(&user.email, name)),
        )
            .into_response());
    }
    let made = idp
        .response(
            &label,
            &user.email,
            request.as_ref().map(|r| r.acs_url.as_str()),
            request.as_ref().map(|r| r.info.id.as_str()),
            scenario,
        )
        .map_err(page_err)?;
    let relay = match &request {
        // The query's own RelayState: for a signed Redirect request it is covered by the
        // signature, where the hidden field is not.
        Some(r) if saml_query.is_some() => r.relay_state.clone(),
        Some(_) => relay.map(str::to_owned),
        None => relay
            .map(str::to_owned)
            .or_else(|| app.default_relay_state.clone()),
    };
    let b64 = base64::engine::general_purpose::STANDARD.encode(made.xml.as_bytes());
    Ok(Html(pages::auto_post(&made.acs_url, &b64, relay.as_deref())).into_response())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

// ---------------------------------------------------------------------------------------------
// Metadata, certificates, apps

async fn metadata(
    State(idp): State<SharedIdp>,
    Path(label): Path<String>,
) -> Result<Response, HttpError> {
    let xml = idp.metadata(&label).map_err(api_err)?;
    let file = format!("attachment; filename=\"JumpCloud-{label}-metadata.xml\"");
    let mut resp = (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/xml; charset=utf-8"),
        )],
        xml,
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&file) {
        resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}

async fn certificate(
    State(idp): State<SharedIdp>,
    Path(label): Path<String>,
) -> Result<Response, HttpError> {
    let k = idp.keys(&label).map_err(api_err)?;
    Ok((
        [(header::CONTENT_TYPE, "application/x-pem-file")],
        k.cert_pem.clone(),
    )
        .into_response())
}

async fn rotate(
    State(idp): State<SharedIdp>,
    Path(label): Path<String>,
) -> Result<Response, HttpError> {
    let idp2 = idp.clone();
    let label2 = label.clone();
    // Key generation takes a while: keep it off the async workers.
    let k = tokio::task::spawn_blocking(move || idp2.rotate(&label2))
        .await
        .map_err(|e| HttpError::Api(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
        .map_err(api_err)?;
    Ok(Json(serde_json::json!({
        "label": label,
        "certificate_pem": k.cert_pem,
        "metadata_url": idp.metadata_url(&label),
        "note": "the old key is gone: SPs must load the new metadata (JumpCloud has no overlap period)",
    }))
    .into_response())
}

#[derive(Serialize)]
struct AppInfo<'a> {
    label: &'a str,
    display_label: Option<&'a str>,
    idp_entity_id: &'a str,
    sp_entity_id: &'a str,
    acs_urls: &'a [String],
    sso_url: String,
    metadata_url: String,
    sign: &'static str,
    /// Whether the assertion is sent encrypted for the SP's certificate.
    encrypt_assertion: bool,
    declare_redirect_endpoint: bool,
    user_groups: &'a [String],
    /// A user assigned to the app, for examples (the inspector's "Load example" menu).
    example_user: Option<&'a str>,
}

async fn list_apps(State(idp): State<SharedIdp>) -> Json<serde_json::Value> {
    let apps: Vec<AppInfo<'_>> = idp
        .config
        .apps
        .iter()
        .map(|a| AppInfo {
            label: &a.label,
            display_label: a.display_label.as_deref(),
            idp_entity_id: &a.idp_entity_id,
            sp_entity_id: &a.sp_entity_id,
            acs_urls: &a.acs_urls,
            sso_url: idp.sso_url(&a.label),
            metadata_url: idp.metadata_url(&a.label),
            sign: a.sign.as_str(),
            encrypt_assertion: a.encrypt_assertion,
            declare_redirect_endpoint: a.declare_redirect_endpoint,
            user_groups: &a.user_groups,
            example_user: idp
                .config
                .users
                .iter()
                .find(|u| idp.config.is_assigned(a, &u.email))
                .map(|u| u.email.as_str()),
        })
        .collect();
    Json(serde_json::to_value(apps).unwrap_or_default())
}

// ---------------------------------------------------------------------------------------------
// Scenarios

async fn list_scenarios() -> Json<&'static [Scenario]> {
    Json(scenarios::scenarios())
}

#[derive(Serialize)]
pub struct ScenarioResponse {
    pub scenario: String,
    pub saml_response: String,
    pub xml: String,
    pub acs_url: String,
    pub relay_state: Option<String>,
    pub in_response_to: Option<String>,
    pub expected_sp_verdict: &'static str,
    pub expected_check: Option<&'static str>,
}

async fn scenario_response(
    State(idp): State<SharedIdp>,
    Path((label, name)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, HttpError> {
    let pairs = parse_form(query.unwrap_or_default().as_bytes());
    let app = idp.app(&label).map_err(api_err)?;
    let scenario =
        scenarios::find(&name).ok_or_else(|| api_err(IdpError::UnknownScenario(name.clone())))?;
    let user = non_empty(param(&pairs, "user")).ok_or_else(|| {
        HttpError::Api(
            StatusCode::BAD_REQUEST,
            "query parameter user=EMAIL is required".into(),
        )
    })?;
    let acs = non_empty(param(&pairs, "acs_url"));
    if let Some(a) = acs
        && !app.acs_urls.iter().any(|u| u == a)
    {
        return Err(HttpError::Api(
            StatusCode::BAD_REQUEST,
            format!(
                "acs_url {a:?} is not one of the app's ACS URLs {:?}",
                app.acs_urls
            ),
        ));
    }
    let irt = non_empty(param(&pairs, "in_response_to"));
    let relay = non_empty(param(&pairs, "relay_state"))
        .map(str::to_owned)
        .or_else(|| app.default_relay_state.clone());
    let format = param(&pairs, "format").unwrap_or("json");
    let made = idp
        .response(&label, user, acs, irt, Some(scenario))
        .map_err(api_err)?;
    let b64 = base64::engine::general_purpose::STANDARD.encode(made.xml.as_bytes());
    Ok(match format {
        "json" => Json(ScenarioResponse {
            scenario: scenario.name.clone(),
            saml_response: b64,
            xml: made.xml,
            acs_url: made.acs_url,
            relay_state: relay,
            in_response_to: irt.map(str::to_owned),
            expected_sp_verdict: scenario.expected_sp_verdict.as_str(),
            expected_check: scenario.expected_check,
        })
        .into_response(),
        "html" => Html(pages::auto_post(&made.acs_url, &b64, relay.as_deref())).into_response(),
        "xml" => (
            [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
            made.xml,
        )
            .into_response(),
        "base64" => ([(header::CONTENT_TYPE, "text/plain")], b64).into_response(),
        other => {
            return Err(HttpError::Api(
                StatusCode::BAD_REQUEST,
                format!("format {other:?} is not one of json, html, xml, base64"),
            ));
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Misc pages

async fn portal(State(idp): State<SharedIdp>) -> Html<String> {
    let mut tiles = String::new();
    for a in &idp.config.apps {
        // JumpCloud's tile: the Login URL when set (SP-initiated), else the IDP URL.
        let href = a.login_url.clone().unwrap_or_else(|| idp.sso_url(&a.label));
        tiles.push_str(&format!(
            "<li><a href=\"{}\">{}</a></li>",
            samlscope_core::saml::build::escape_attr(&href),
            samlscope_core::saml::build::escape_text(
                a.display_label.as_deref().unwrap_or(&a.label)
            )
        ));
    }
    Html(pages::page(
        "JumpCloud (mock) User Portal",
        &format!("<ul>{tiles}</ul>"),
    ))
}

async fn index(State(idp): State<SharedIdp>) -> Html<String> {
    let mut apps = String::new();
    for a in &idp.config.apps {
        apps.push_str(&format!(
            "<li><b>{l}</b>: IdP-initiated <a href=\"/saml2/{l}\">/saml2/{l}</a>, metadata <a href=\"/saml2/{l}/metadata\">/saml2/{l}/metadata</a></li>",
            l = samlscope_core::saml::build::escape_attr(&a.label)
        ));
    }
    Html(pages::page(
        "samlscope mock JumpCloud IdP",
        &format!(
            "<ul>{apps}</ul><p><a href=\"/sp/\">Demo SP</a> · <a href=\"/portal\">User Portal</a> · <a href=\"/api/scenarios\">/api/scenarios</a> · <a href=\"/api/apps\">/api/apps</a></p><p>The web inspector is served here when its bundle (dist/) is built.</p>"
        ),
    ))
}

async fn not_found(uri: Uri) -> HttpError {
    HttpError::Api(
        StatusCode::NOT_FOUND,
        format!("nothing at {}; GET / lists the URLs", uri.path()),
    )
}

async fn method_not_allowed(method: Method, uri: Uri) -> HttpError {
    HttpError::Api(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{method} is not allowed on {}", uri.path()),
    )
}
