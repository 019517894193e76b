//! The scenario API (the JSON the page and test suites read): metadata and certificates per app,
//! key rotation (an admin write, behind the admin guard), the app list and the scenario responses.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Json, Response};
use base64::Engine as _;
use std::sync::Arc;

use samlscope_api::{AppInfo, Event, RotatedCertificate, ScenarioResponse};
use serde::Serialize;

use crate::error::HttpError;
use crate::events::{Attempt, Filter, Initiation};
use crate::form::{non_empty, param, parse_form};
use crate::idp::{IdpError, SharedIdp, Wanted, api_err};
use crate::pages;
use crate::scenarios::{self, Scenario};

pub(crate) async fn metadata(
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

pub(crate) async fn certificate(
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

/// JumpCloud replaces the key at once: an SP that still holds the old metadata refuses every
/// response from then on.
const ROTATION_NOTE: &str =
    "the old key is gone: SPs must load the new metadata (JumpCloud has no overlap period)";

pub(crate) async fn rotate(
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
    Ok(Json(RotatedCertificate {
        metadata_url: idp.metadata_url(&label),
        label,
        certificate_pem: k.cert_pem.clone(),
        note: ROTATION_NOTE.into(),
    })
    .into_response())
}

pub(crate) async fn list_apps(State(idp): State<SharedIdp>) -> Json<Vec<AppInfo>> {
    let config = idp.config();
    let apps = config
        .apps
        .iter()
        .map(|a| AppInfo {
            label: a.label.clone(),
            display_label: a.display_label.clone(),
            idp_entity_id: a.idp_entity_id.clone(),
            sp_entity_id: a.sp_entity_id.clone(),
            acs_urls: a.acs_urls.clone(),
            sso_url: idp.sso_url(&a.label),
            metadata_url: idp.metadata_url(&a.label),
            sign: a.sign.as_str().to_owned(),
            encrypt_assertion: a.encrypt_assertion,
            declare_redirect_endpoint: a.declare_redirect_endpoint,
            user_groups: a.user_groups.clone(),
            example_user: config
                .users
                .iter()
                .find(|u| config.is_assigned(a, &u.email))
                .map(|u| u.email.clone()),
        })
        .collect();
    Json(apps)
}

pub(crate) async fn list_scenarios() -> Json<&'static [Scenario]> {
    Json(scenarios::scenarios())
}

const FORMATS: [&str; 4] = ["json", "html", "xml", "base64"];

fn bad_format(format: &str) -> HttpError {
    HttpError::Api(
        StatusCode::BAD_REQUEST,
        format!("format {format:?} is not one of json, html, xml, base64"),
    )
}

pub(crate) async fn scenario_response(
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
    // Refused before the response is made, so that the log holds only responses sent.
    if !FORMATS.contains(&format) {
        return Err(bad_format(format));
    }
    let made = idp
        .response_off_reactor(Wanted {
            label: label.clone(),
            email: user.to_owned(),
            acs_url: acs.map(str::to_owned),
            in_response_to: irt.map(str::to_owned),
            scenario: Some(scenario),
            authn: None,
        })
        .await
        .map_err(api_err)?;
    let b64 = base64::engine::general_purpose::STANDARD.encode(made.xml.as_bytes());
    idp.events.issued(
        Attempt::new(&label, Initiation::Api)
            .user(user)
            .request_id(irt)
            .scenario(Some(&scenario.name)),
        &made.response_id,
        &made.acs_url,
        &b64,
    );
    Ok(match format {
        "json" => Json(ScenarioResponse {
            scenario: scenario.name.clone(),
            saml_response: b64,
            xml: made.xml,
            acs_url: made.acs_url,
            relay_state: relay,
            in_response_to: irt.map(str::to_owned),
            expected_sp_verdict: scenario.expected_sp_verdict,
            expected_check: scenario.expected_check.map(str::to_owned),
            name_id: made.name_id,
            evil_name_id: made.evil_name_id,
        })
        .into_response(),
        "html" => Html(pages::auto_post(&made.acs_url, &b64, relay.as_deref())).into_response(),
        "xml" => (
            [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
            made.xml,
        )
            .into_response(),
        "base64" => ([(header::CONTENT_TYPE, "text/plain")], b64).into_response(),
        other => return Err(bad_format(other)),
    })
}

/// [`samlscope_api::EventPage`]'s JSON, written from the log's shared events without copying
/// them (a full log is about 1,000 responses).
#[derive(Serialize)]
struct Listing {
    capacity: usize,
    oldest_seq: Option<u64>,
    next_seq: u64,
    events: Vec<Arc<Event>>,
}

/// `GET /api/events?app=&user=&since=&limit=`: the events held that match, oldest first (see
/// [`crate::events::query`]).
pub(crate) async fn list_events(
    State(idp): State<SharedIdp>,
    RawQuery(query): RawQuery,
) -> Result<Json<impl Serialize>, HttpError> {
    let log = &idp.events;
    let filter = Filter::parse(query.as_deref().unwrap_or_default(), log.capacity())
        .map_err(|e| HttpError::Api(StatusCode::BAD_REQUEST, e.to_string()))?;
    let (events, oldest_seq, next_seq) = log.matching(&filter, false);
    Ok(Json(Listing {
        capacity: log.capacity(),
        oldest_seq,
        next_seq,
        events,
    }))
}
