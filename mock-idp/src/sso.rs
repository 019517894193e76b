//! The JumpCloud-like SSO endpoints: the IDP URL (Redirect and POST bindings, IdP-initiated)
//! and the login form that answers with the auto-post form.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use base64::Engine as _;
use samlscope_core::checks::CheckId;
use samlscope_core::decode::{DecodeLimits, Parameter, decode};
use samlscope_core::metadata::{
    AuthnRequestInfo, RedirectSignature, inspect_authn_request, verify_authn_request,
};
use samlscope_core::report::Status;
use samlscope_core::trust::{Certificate, TrustSource, TrustStore};

use crate::authn::authenticate;
use crate::config::{App, Config};
use crate::error::HttpError;
use crate::events::{Attempt, RefusalReason, RequestProblem};
use crate::form::{BODY_LIMIT, form_encode, non_empty, param, parse_form, require_form};
use crate::idp::{Idp, IdpError, SharedIdp, Wanted, page_err};
use crate::pages;
use crate::scenarios::{self, Scenario};
use crate::session::{Session, SessionId};

const HTTP_POST: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

/// The AuthnRequest after the checks JumpCloud makes, and the ACS URL to answer at.
struct Request {
    info: AuthnRequestInfo,
    acs_url: String,
    /// The RelayState that came with the request (for a Redirect request, covered by its
    /// signature).
    relay_state: Option<String>,
}

/// A refused AuthnRequest: what was wrong (for the event log) and the page that says it.
struct Refused {
    problem: RequestProblem,
    /// The request's ID, when it could be read.
    request_id: Option<String>,
    page: HttpError,
}

impl Refused {
    /// Records the refusal of `attempt` and gives the page.
    fn logged(self, idp: &Idp, attempt: &Attempt) -> HttpError {
        let attempt = attempt.clone().request_id(self.request_id.as_deref());
        idp.events.refuse(
            &attempt,
            RefusalReason::RequestRefused(self.problem),
            self.page,
        )
    }
}

fn refused(app: &App, problem: RequestProblem, request_id: Option<&str>, why: String) -> Refused {
    Refused {
        problem,
        request_id: request_id.map(str::to_owned),
        page: HttpError::Page(
            StatusCode::BAD_REQUEST,
            "SAML request refused",
            format!(
                "{why} (application {:?}: SP Entity ID {:?}, ACS URLs {:?})",
                app.label, app.sp_entity_id, app.acs_urls
            ),
        ),
    }
}

/// Decodes and checks an AuthnRequest. `transport` is the raw query string (Redirect) or a
/// `SAMLRequest=…` form body (POST); core's decoder handles base64, DEFLATE and URL-encoding.
fn check_request(
    app: &App,
    transport: &[u8],
    verify_redirect_signature: bool,
) -> Result<Request, Refused> {
    let limits = DecodeLimits {
        max_input: BODY_LIMIT,
        ..DecodeLimits::default()
    };
    let messages = decode(transport, &limits).map_err(|e| {
        refused(
            app,
            RequestProblem::Undecodable,
            None,
            format!("the SAMLRequest could not be decoded: {e}"),
        )
    })?;
    let msg = messages
        .into_iter()
        .find(|m| m.parameter == Some(Parameter::SamlRequest))
        .ok_or_else(|| {
            refused(
                app,
                RequestProblem::Undecodable,
                None,
                "no SAMLRequest parameter was found".into(),
            )
        })?;
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
                    RequestProblem::BadSpCertificate,
                    None,
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
            RequestProblem::NotAnAuthnRequest,
            None,
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
            RequestProblem::BadSignature,
            Some(&info.id),
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
                RequestProblem::NoIssuer,
                Some(&info.id),
                "the AuthnRequest has no <Issuer>; it must name the SP Entity ID".into(),
            ));
        }
        Some(i) if i != app.sp_entity_id => {
            return Err(refused(
                app,
                RequestProblem::IssuerMismatch,
                Some(&info.id),
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
                RequestProblem::AcsNotListed,
                Some(&info.id),
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
            RequestProblem::UnsupportedBinding,
            Some(&info.id),
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

pub(crate) async fn sso_get(
    State(idp): State<SharedIdp>,
    Path(label): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    let query = query.unwrap_or_default();
    sso(&idp, &label, query.as_bytes(), true, &headers).await
}

pub(crate) async fn sso_post(
    State(idp): State<SharedIdp>,
    Path(label): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, HttpError> {
    require_form(&headers, "SAML request refused")?;
    sso(&idp, &label, &body, false, &headers).await
}

/// Both bindings and IdP-initiated SSO share the IDP URL: with a SAMLRequest it is
/// SP-initiated, without one IdP-initiated. A live IdP session answers at once (unless the
/// request says ForceAuthn); otherwise the user signs in first, or, when the request says
/// IsPassive, the SP is told NoPassive.
async fn sso(
    idp: &SharedIdp,
    label: &str,
    transport: &[u8],
    redirect: bool,
    headers: &HeaderMap,
) -> Result<Response, HttpError> {
    let directory = idp.directory();
    let pairs = parse_form(transport);
    let scenario = param(&pairs, "scenario");
    let has_request = pairs.iter().any(|(k, _)| k == "SAMLRequest");
    let attempt = Attempt::sso(label, has_request).scenario(scenario);
    let app = directory.app(label).map_err(|e| {
        idp.events
            .refuse(&attempt, RefusalReason::UnknownApp, page_err(e))
    })?;
    let chosen = find_scenario(scenario).map_err(|e| {
        idp.events
            .refuse(&attempt, RefusalReason::UnknownScenario, page_err(e))
    })?;
    let saml_request = non_empty(param(&pairs, "SAMLRequest"));
    let request = if saml_request.is_some() {
        Some(check_request(app, transport, redirect).map_err(|r| r.logged(idp, &attempt))?)
    } else if has_request {
        let why = "the SAMLRequest parameter is empty".into();
        return Err(refused(app, RequestProblem::Undecodable, None, why).logged(idp, &attempt));
    } else {
        None
    };
    let attempt = attempt.request_id(request.as_ref().map(|r| r.info.id.as_str()));
    let form_relay = non_empty(param(&pairs, "RelayState"));
    let force_authn = request.as_ref().is_some_and(|r| r.info.force_authn);
    let is_passive = request.as_ref().is_some_and(|r| r.info.is_passive);
    let session = live_session(idp, headers, &directory.config);
    if let Some(session) = session.filter(|_| !force_authn) {
        let reply = Reply {
            relay: relay_state(app, request.as_ref(), redirect, form_relay),
            request,
            scenario: chosen,
            attempt,
        };
        return answer(idp, &directory.config, app, reply, session, None).await;
    }
    // SAML core §3.4.1: with IsPassive the IdP "MUST NOT visibly take control of the user
    // interface", and with ForceAuthn as well it "MUST NOT freshly authenticate the presenter
    // unless the constraints of IsPassive can be met" — a password page cannot meet them, so
    // both flags, like IsPassive without a session, are answered with NoPassive.
    if let (Some(r), true) = (&request, is_passive) {
        let relay = relay_state(app, Some(r), redirect, form_relay);
        let made = idp
            .no_passive_off_reactor(label.to_owned(), r.acs_url.clone(), r.info.id.clone())
            .await
            .map_err(|e| {
                idp.events
                    .refuse(&attempt, RefusalReason::IssueFailed, page_err(e))
            })?;
        let b64 = base64::engine::general_purpose::STANDARD.encode(made.xml.as_bytes());
        let why = format!(
            "IsPassive, and no session to answer from: the SP was sent NoPassive status response {}",
            made.response_id
        );
        idp.events.refused(attempt, RefusalReason::NoPassive, &why);
        return Ok(Html(pages::auto_post(&made.acs_url, &b64, relay.as_deref())).into_response());
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
        &directory.config.org,
        &carry,
        None,
        &scenario_choices(),
    ))
    .into_response())
}

/// The session the request's cookie names, while it lasts and its user is still in the
/// directory (a user deleted since loses their session).
pub(crate) fn live_session(idp: &Idp, headers: &HeaderMap, config: &Config) -> Option<Session> {
    let id = SessionId::from_headers(headers)?;
    idp.sessions
        .get(&id, crate::fresh::now())
        .filter(|s| config.user(&s.email).is_some())
}

/// The RelayState to post back: a Redirect request's own (covered by its signature, where a
/// hidden form field is not), a POSTed request's form field, or for IdP-initiated SSO the
/// form's or the app's Default RelayState.
fn relay_state(
    app: &App,
    request: Option<&Request>,
    from_query: bool,
    form: Option<&str>,
) -> Option<String> {
    match request {
        Some(r) if from_query => r.relay_state.clone(),
        Some(_) => form.map(str::to_owned),
        None => form
            .map(str::to_owned)
            .or_else(|| app.default_relay_state.clone()),
    }
}

/// What the response answers: the checked request (none: IdP-initiated), the RelayState to
/// post with it and the scenario chosen.
struct Reply {
    request: Option<Request>,
    relay: Option<String>,
    scenario: Option<&'static Scenario>,
    /// The attempt for the event log (the user is the session's).
    attempt: Attempt,
}

/// The answer for a user with a session: the app's response in the auto-post form, or the
/// not-assigned page (a session never opens an app the user is not assigned to). `cookie`:
/// the session cookie to set, after a login.
async fn answer(
    idp: &SharedIdp,
    config: &Config,
    app: &App,
    reply: Reply,
    session: Session,
    cookie: Option<HeaderValue>,
) -> Result<Response, HttpError> {
    let Reply {
        request,
        relay,
        scenario,
        attempt,
    } = reply;
    let attempt = attempt.user(&session.email);
    let name = app.display_label.as_deref().unwrap_or(&app.label);
    let mut response = if !config.is_assigned(app, &session.email) {
        let why = format!("{} is not assigned to {name}", session.email);
        idp.events
            .refused(attempt, RefusalReason::NotAssigned, &why);
        (
            StatusCode::FORBIDDEN,
            Html(pages::not_assigned(&session.email, name)),
        )
            .into_response()
    } else {
        let made = idp
            .response_off_reactor(Wanted {
                label: app.label.clone(),
                email: session.email.clone(),
                acs_url: request.as_ref().map(|r| r.acs_url.clone()),
                in_response_to: request.as_ref().map(|r| r.info.id.clone()),
                scenario,
                authn: Some(session.authn),
            })
            .await
            .map_err(|e| {
                idp.events
                    .refuse(&attempt, RefusalReason::IssueFailed, page_err(e))
            })?;
        let b64 = base64::engine::general_purpose::STANDARD.encode(made.xml.as_bytes());
        idp.events
            .issued(attempt, &made.response_id, &made.acs_url, &b64);
        Html(pages::auto_post(&made.acs_url, &b64, relay.as_deref())).into_response()
    };
    if let Some(c) = cookie {
        response.headers_mut().insert(header::SET_COOKIE, c);
    }
    Ok(response)
}

/// The login form's POST: authenticate (password, and the TOTP code for a user with MFA),
/// start or renew the IdP session, check the assignment, answer with the auto-post form.
pub(crate) async fn login(
    State(idp): State<SharedIdp>,
    Path(label): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, HttpError> {
    require_form(&headers, "Sign-in refused")?;
    let directory = idp.directory();
    let config = &directory.config;
    let pairs = parse_form(&body);
    let email = param(&pairs, "email").unwrap_or_default().trim();
    let password = param(&pairs, "password").unwrap_or_default();
    let otp = param(&pairs, "otp");
    let saml_request = non_empty(param(&pairs, "SAMLRequest"));
    let saml_query = non_empty(param(&pairs, "SAMLQuery"));
    let relay = non_empty(param(&pairs, "RelayState"));
    let scenario_name = non_empty(param(&pairs, "scenario"));
    let has_request = saml_query.is_some() || saml_request.is_some();
    let attempt = Attempt::sso(&label, has_request)
        .user(email)
        .scenario(scenario_name);
    let app = directory.app(&label).map_err(|e| {
        idp.events
            .refuse(&attempt, RefusalReason::UnknownApp, page_err(e))
    })?;
    let scenario = find_scenario(scenario_name).map_err(|e| {
        idp.events
            .refuse(&attempt, RefusalReason::UnknownScenario, page_err(e))
    })?;
    // The request is checked again: the hidden fields came back through the browser. A
    // Redirect request is its whole query (signature included); a POSTed one its XML.
    let request = match (saml_query, saml_request) {
        (Some(q), _) => Some(check_request(app, q.as_bytes(), true)),
        (None, Some(r)) => Some(check_request(
            app,
            form_encode(&[("SAMLRequest", r)]).as_bytes(),
            false,
        )),
        (None, None) => None,
    }
    .transpose()
    .map_err(|r| r.logged(&idp, &attempt))?;
    let attempt = attempt.request_id(request.as_ref().map(|r| r.info.id.as_str()));
    let name = app.display_label.as_deref().unwrap_or(&app.label);
    let now = crate::fresh::now();
    let (user, method) = match authenticate(config, &idp.totp_replay, email, password, otp, now) {
        Ok(ok) => ok,
        Err(refusal) => {
            idp.events
                .refused(attempt, refusal.into(), refusal.message());
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
                    &config.org,
                    &carry,
                    Some(refusal.message()),
                    &scenario_choices(),
                )),
            )
                .into_response());
        }
    };
    let (id, session) = idp
        .sessions
        .login(
            SessionId::from_headers(&headers).as_ref(),
            &user.email,
            method,
            now,
            config.session_lifetime_seconds,
        )
        .map_err(|e| {
            let error = HttpError::Page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sign-in failed",
                e.to_string(),
            );
            idp.events
                .refuse(&attempt, RefusalReason::IssueFailed, error)
        })?;
    let cookie = id.set_cookie(
        crate::session::secure(&idp.base_url),
        config.session_lifetime_seconds,
    );
    let reply = Reply {
        relay: relay_state(app, request.as_ref(), saml_query.is_some(), relay),
        request,
        scenario,
        attempt,
    };
    answer(&idp, config, app, reply, session, cookie).await
}
