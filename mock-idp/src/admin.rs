//! The admin API over HTTP (`/api/admin/…`): thin handlers over the operations of
//! `directory_ops.rs`, behind one guard (loopback peers only unless the configuration allows
//! remote admin, then the admin token).
//!
//! Bodies are JSON (`Content-Type: application/json`, else 415), read whole under the server's
//! body limit (413 above it) and parsed with the wire types' own rules (400 with serde's reason:
//! the field, the line and the column). Writes run on the blocking pool: a new application's
//! RSA key and the fsync of the saved directory would otherwise hold an async worker.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post, put};
use samlscope_api::admin as wire;
use serde::de::DeserializeOwned;

use crate::admin_error::AdminError;
use crate::error::HttpError;
use crate::form::BODY_LIMIT;
use crate::idp::{IdpError, SharedIdp};
use crate::token::AdminToken;

/// The admin routes, guarded.
pub(crate) fn routes(idp: SharedIdp, token: AdminToken) -> Router<SharedIdp> {
    let guard = Guard {
        idp,
        token: Arc::new(token),
    };
    Router::new()
        .route("/api/admin/apps", get(list_apps).post(create_app))
        .route(
            "/api/admin/apps/{label}",
            get(get_app)
                .put(replace_app)
                .patch(patch_app)
                .delete(delete_app),
        )
        .route("/api/admin/apps/{label}/groups", get(app_groups))
        .route(
            "/api/admin/apps/{label}/groups/{group}",
            put(assign_group).delete(unassign_group),
        )
        .route("/api/admin/users", get(list_users).post(create_user))
        .route(
            "/api/admin/users/{email}",
            get(get_user)
                .put(replace_user)
                .patch(patch_user)
                .delete(delete_user),
        )
        .route("/api/admin/groups", get(list_groups).post(create_group))
        .route(
            "/api/admin/groups/{group}",
            get(get_group)
                .put(replace_group)
                .patch(patch_group)
                .delete(delete_group),
        )
        .route("/api/admin/groups/{group}/members", get(group_members))
        .route(
            "/api/admin/groups/{group}/members/{email}",
            put(add_member).delete(remove_member),
        )
        // "Regenerate certificate" replaces a key that SPs trust: a write like the others.
        .route(
            "/api/apps/{label}/certificate/rotate",
            post(crate::api::rotate),
        )
        .route_layer(middleware::from_fn_with_state(guard, check_access))
}

// ---------------------------------------------------------------------------------------------
// Access

#[derive(Clone)]
struct Guard {
    idp: SharedIdp,
    token: Arc<AdminToken>,
}

/// Whether an admin request from `peer` may go on to the token check. Loopback only unless
/// remote admin is allowed; a request whose peer is unknown is refused (fail closed). An
/// IPv4-mapped IPv6 loopback (`::ffff:127.0.0.1`) is loopback.
pub fn peer_allowed(peer: Option<SocketAddr>, allow_remote: bool) -> bool {
    allow_remote || peer.is_some_and(|p| p.ip().to_canonical().is_loopback())
}

async fn check_access(State(g): State<Guard>, req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    if !peer_allowed(peer, g.idp.config().allow_remote_admin) {
        return HttpError::Api(
            StatusCode::FORBIDDEN,
            "the admin API answers loopback clients only (set allow_remote_admin = true in the \
             configuration to allow others)"
                .into(),
        )
        .into_response();
    }
    if let Err(refusal) = g.token.check(req.headers()) {
        let mut r =
            HttpError::Api(StatusCode::UNAUTHORIZED, refusal.reason().into()).into_response();
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"samlscope admin\""),
        );
        return r;
    }
    next.run(req).await
}

/// A 413 under `/api/admin` says so in JSON, whichever layer refused the body (the body limit
/// refuses a too-long Content-Length before any handler runs, with a bare text).
pub(crate) async fn explain_too_large(req: Request, next: Next) -> Response {
    let admin = req.uri().path().starts_with("/api/admin");
    let r = next.run(req).await;
    if admin && r.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return too_large().into_response();
    }
    r
}

fn too_large() -> HttpError {
    HttpError::Api(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the request body is over the limit of {BODY_LIMIT} bytes"),
    )
}

// ---------------------------------------------------------------------------------------------
// Bodies and errors

/// A JSON body as `T`: the content type first (415), then serde's reason (400).
fn json_body<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<T, HttpError> {
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase());
    let is_json = media
        .as_deref()
        .is_some_and(|m| m == "application/json" || m.ends_with("+json"));
    if !is_json {
        return Err(HttpError::Api(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "the admin API takes JSON: send Content-Type: application/json (got {})",
                media.map_or_else(|| "none".to_owned(), |m| format!("{m:?}"))
            ),
        ));
    }
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            HttpError::Api(StatusCode::BAD_REQUEST, e.body_text())
        }
    })?;
    serde_json::from_slice(&body).map_err(|e| {
        HttpError::Api(
            StatusCode::BAD_REQUEST,
            format!("the body is not what this endpoint takes: {e}"),
        )
    })
}

fn admin_err(e: AdminError) -> HttpError {
    let status = match &e {
        AdminError::NotFound(_) => StatusCode::NOT_FOUND,
        AdminError::Exists(..) | AdminError::Full { .. } => StatusCode::CONFLICT,
        AdminError::Invalid(_) | AdminError::Rejected(_) => StatusCode::BAD_REQUEST,
        AdminError::Idp(IdpError::UnknownApp(_)) => StatusCode::NOT_FOUND,
        AdminError::Idp(
            IdpError::UnknownUser(_) | IdpError::UnknownScenario(_) | IdpError::Config(_),
        ) => StatusCode::BAD_REQUEST,
        AdminError::Idp(IdpError::Keys(_) | IdpError::Build(_) | IdpError::Save(_)) => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    HttpError::Api(status, e.to_string())
}

/// Runs a write on the blocking pool.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, AdminError> + Send + 'static,
) -> Result<T, HttpError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| {
            HttpError::Api(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the change failed: {e}"),
            )
        })?
        .map_err(admin_err)
}

fn created<T: serde::Serialize>(location: String, body: T) -> Response {
    let mut r = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

fn path_segment(s: &str) -> String {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
}

type Answer<T> = Result<Json<T>, HttpError>;
type Body = Result<Bytes, BytesRejection>;

// ---------------------------------------------------------------------------------------------
// Applications

async fn list_apps(State(idp): State<SharedIdp>) -> Json<Vec<wire::App>> {
    Json(idp.list_apps())
}

async fn get_app(State(idp): State<SharedIdp>, Path(label): Path<String>) -> Answer<wire::App> {
    idp.get_app(&label).map(Json).map_err(admin_err)
}

async fn create_app(
    State(idp): State<SharedIdp>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, HttpError> {
    let app: wire::App = json_body(&headers, body)?;
    let made = blocking(move || idp.create_app(app)).await?;
    Ok(created(
        format!("/api/admin/apps/{}", path_segment(&made.sso_url)),
        made,
    ))
}

async fn replace_app(
    State(idp): State<SharedIdp>,
    Path(label): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer<wire::App> {
    let app: wire::App = json_body(&headers, body)?;
    blocking(move || idp.replace_app(&label, app))
        .await
        .map(Json)
}

async fn patch_app(
    State(idp): State<SharedIdp>,
    Path(label): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer<wire::App> {
    let patch: serde_json::Value = json_body(&headers, body)?;
    blocking(move || idp.patch_app(&label, &patch))
        .await
        .map(Json)
}

async fn delete_app(
    State(idp): State<SharedIdp>,
    Path(label): Path<String>,
) -> Result<StatusCode, HttpError> {
    blocking(move || idp.delete_app(&label)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn app_groups(
    State(idp): State<SharedIdp>,
    Path(label): Path<String>,
) -> Answer<Vec<String>> {
    idp.app_groups(&label).map(Json).map_err(admin_err)
}

async fn assign_group(
    State(idp): State<SharedIdp>,
    Path((label, group)): Path<(String, String)>,
) -> Answer<wire::App> {
    blocking(move || idp.assign_group(&label, &group))
        .await
        .map(Json)
}

async fn unassign_group(
    State(idp): State<SharedIdp>,
    Path((label, group)): Path<(String, String)>,
) -> Answer<wire::App> {
    blocking(move || idp.unassign_group(&label, &group))
        .await
        .map(Json)
}

// ---------------------------------------------------------------------------------------------
// Users

async fn list_users(State(idp): State<SharedIdp>) -> Json<Vec<wire::User>> {
    Json(idp.list_users())
}

async fn get_user(State(idp): State<SharedIdp>, Path(email): Path<String>) -> Answer<wire::User> {
    idp.get_user(&email).map(Json).map_err(admin_err)
}

async fn create_user(
    State(idp): State<SharedIdp>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, HttpError> {
    let user: wire::User = json_body(&headers, body)?;
    let made = blocking(move || idp.create_user(user)).await?;
    Ok(created(
        format!("/api/admin/users/{}", path_segment(&made.email)),
        made,
    ))
}

async fn replace_user(
    State(idp): State<SharedIdp>,
    Path(email): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer<wire::User> {
    let user: wire::User = json_body(&headers, body)?;
    blocking(move || idp.replace_user(&email, user))
        .await
        .map(Json)
}

async fn patch_user(
    State(idp): State<SharedIdp>,
    Path(email): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer<wire::User> {
    let patch: serde_json::Value = json_body(&headers, body)?;
    blocking(move || idp.patch_user(&email, &patch))
        .await
        .map(Json)
}

async fn delete_user(
    State(idp): State<SharedIdp>,
    Path(email): Path<String>,
) -> Result<StatusCode, HttpError> {
    blocking(move || idp.delete_user(&email)).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------------------------------------
// Groups and membership

async fn list_groups(State(idp): State<SharedIdp>) -> Json<Vec<wire::Group>> {
    Json(idp.list_groups())
}

async fn get_group(State(idp): State<SharedIdp>, Path(group): Path<String>) -> Answer<wire::Group> {
    idp.get_group(&group).map(Json).map_err(admin_err)
}

async fn create_group(
    State(idp): State<SharedIdp>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, HttpError> {
    let group: wire::Group = json_body(&headers, body)?;
    let made = blocking(move || idp.create_group(group)).await?;
    Ok(created(
        format!("/api/admin/groups/{}", path_segment(&made.name)),
        made,
    ))
}

async fn replace_group(
    State(idp): State<SharedIdp>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer<wire::Group> {
    let group: wire::Group = json_body(&headers, body)?;
    blocking(move || idp.replace_group(&name, group))
        .await
        .map(Json)
}

async fn patch_group(
    State(idp): State<SharedIdp>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer<wire::Group> {
    let patch: serde_json::Value = json_body(&headers, body)?;
    blocking(move || idp.patch_group(&name, &patch))
        .await
        .map(Json)
}

async fn delete_group(
    State(idp): State<SharedIdp>,
    Path(name): Path<String>,
) -> Result<StatusCode, HttpError> {
    blocking(move || idp.delete_group(&name)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn group_members(
    State(idp): State<SharedIdp>,
    Path(group): Path<String>,
) -> Answer<Vec<String>> {
    idp.get_group(&group)
        .map(|g| Json(g.members))
        .map_err(admin_err)
}

/// The body is optional: none adds the member now, `{"added": "…"}` at that time.
async fn add_member(
    State(idp): State<SharedIdp>,
    Path((group, email)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Answer<wire::Group> {
    let membership: wire::Membership = match &body {
        Ok(b) if b.is_empty() => wire::Membership::default(),
        _ => json_body(&headers, body)?,
    };
    blocking(move || idp.add_member_with(&group, &email, membership))
        .await
        .map(Json)
}

async fn remove_member(
    State(idp): State<SharedIdp>,
    Path((group, email)): Path<(String, String)>,
) -> Answer<wire::Group> {
    blocking(move || idp.remove_member(&group, &email))
        .await
        .map(Json)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
    use super::*;

    #[test]
    fn only_loopback_peers_reach_the_token_check_unless_remote_admin_is_allowed() {
        let at = |s: &str| Some(s.parse::<SocketAddr>().unwrap());
        for ok in [
            "127.0.0.1:5",
            "127.8.9.10:5",
            "[::1]:5",
            "[::ffff:127.0.0.1]:5",
        ] {
            assert!(peer_allowed(at(ok), false), "{ok}");
        }
        for refused in [
            "10.0.0.1:5",
            "192.168.1.2:5",
            "[2001:db8::1]:5",
            "[::ffff:10.0.0.1]:5",
            "0.0.0.0:5",
        ] {
            assert!(!peer_allowed(at(refused), false), "{refused}");
            assert!(peer_allowed(at(refused), true), "{refused}");
        }
        // No peer address at all (a router served without connection info): refused.
        assert!(!peer_allowed(None, false));
    }
}
