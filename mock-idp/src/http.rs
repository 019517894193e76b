//! The router: the SSO endpoints, the admin and scenario API, the demo SP and the static web
//! bundle, under one body limit.

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{Method, StatusCode, Uri};
use axum::response::Html;
use axum::routing::{get, post};

use crate::api::{
    certificate, list_apps, list_events, list_scenarios, metadata, scenario_response,
};
use crate::error::HttpError;
use crate::form::BODY_LIMIT;
use crate::idp::SharedIdp;
use crate::pages;
use crate::portal::{portal, portal_login, portal_logout};
use crate::sso::{login, sso_get, sso_post};
use crate::token::AdminToken;
use crate::web::{HOW_TO_GET, WebPage};

/// The whole server: IdP, API, admin API (guarded by `admin_token`), demo SP, and the
/// inspector page at `/` from wherever `web` says (without one, `/` is the IdP's index). Serve it with connection info
/// (`into_make_service_with_connect_info::<SocketAddr>`): the admin API refuses requests whose
/// peer it cannot see.
pub fn router(state: SharedIdp, web: &WebPage, admin_token: AdminToken) -> Router {
    let r = Router::new()
        .route("/saml2/{label}", get(sso_get).post(sso_post))
        .route("/saml2/{label}/login", post(login))
        .route("/saml2/{label}/metadata", get(metadata))
        .route("/api/scenarios", get(list_scenarios))
        .route("/api/apps", get(list_apps))
        .route("/api/apps/{label}/metadata", get(metadata))
        .route("/api/apps/{label}/certificate", get(certificate))
        .route(
            "/api/apps/{label}/responses/{scenario}",
            get(scenario_response),
        )
        .route("/api/events", get(list_events))
        .route("/events", get(crate::events_page::events_page))
        .route("/portal", get(portal))
        .route("/portal/login", post(portal_login))
        .route("/portal/logout", post(portal_logout))
        .merge(crate::sp::routes())
        .merge(crate::admin::routes(state.clone(), admin_token));
    web.serve(r, get(index))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(axum::middleware::from_fn(crate::admin::explain_too_large))
        .with_state(state)
}

// ---------------------------------------------------------------------------------------------
// Misc pages

async fn index(State(idp): State<SharedIdp>) -> Html<String> {
    let mut apps = String::new();
    for a in &idp.config().apps {
        apps.push_str(&format!(
            "<li><b>{l}</b>: IdP-initiated <a href=\"/saml2/{l}\">/saml2/{l}</a>, metadata <a href=\"/saml2/{l}/metadata\">/saml2/{l}/metadata</a></li>",
            l = samlscope_core::xml::escape_attr(&a.label)
        ));
    }
    Html(pages::page(
        "samlscope mock JumpCloud IdP",
        &format!(
            "<ul>{apps}</ul><p><a href=\"/sp/\">Demo SP</a> · <a href=\"/portal\">User Portal</a> · <a href=\"/api/scenarios\">/api/scenarios</a> · <a href=\"/api/apps\">/api/apps</a> · <a href=\"/events\">SSO events</a></p><p>The inspector page is {how}.</p>",
            how = samlscope_core::xml::escape_text(HOW_TO_GET)
        ),
    ))
}

async fn method_not_allowed(method: Method, uri: Uri) -> HttpError {
    HttpError::Api(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{method} is not allowed on {}", uri.path()),
    )
}
