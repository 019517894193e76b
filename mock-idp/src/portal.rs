//! The User Portal (JumpCloud's `console.jumpcloud.com/userconsole`): sign in, see the tiles of
//! the apps one is assigned to, click one to log in to it through the session, log out.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::authn::authenticate;
use crate::error::HttpError;
use crate::form::{param, parse_form, require_form};
use crate::idp::SharedIdp;
use crate::pages;
use crate::session::{SessionId, secure};
use crate::sso::live_session;

/// `GET /portal`: the sign-in form without a session; with one, the user's app tiles.
pub(crate) async fn portal(State(idp): State<SharedIdp>, headers: HeaderMap) -> Html<String> {
    let config = idp.config();
    let Some(session) = live_session(&idp, &headers, &config) else {
        return Html(pages::portal_login(&config.org, None));
    };
    // JumpCloud shows only the apps the user is assigned to. A tile goes to the Login URL when
    // set (SP-initiated from the SP), else to the IDP URL, where the session makes it a
    // one-click IdP-initiated login.
    let tiles: Vec<pages::Tile> = config
        .apps
        .iter()
        .filter(|a| config.is_assigned(a, &session.email))
        .map(|a| pages::Tile {
            name: a.display_label.clone().unwrap_or_else(|| a.label.clone()),
            href: a.login_url.clone().unwrap_or_else(|| idp.sso_url(&a.label)),
        })
        .collect();
    Html(pages::portal(&config.org, &session.email, &tiles))
}

/// `POST /portal/login`: authenticate, start (or renew) the session, back to the portal.
pub(crate) async fn portal_login(
    State(idp): State<SharedIdp>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, HttpError> {
    require_form(&headers, "Sign-in refused")?;
    let config = idp.config();
    let pairs = parse_form(&body);
    let email = param(&pairs, "email").unwrap_or_default();
    let password = param(&pairs, "password").unwrap_or_default();
    let now = crate::fresh::now();
    let (user, method) = match authenticate(
        &config,
        &idp.totp_replay,
        email,
        password,
        param(&pairs, "otp"),
        now,
    ) {
        Ok(ok) => ok,
        Err(refusal) => {
            return Ok((
                StatusCode::UNAUTHORIZED,
                Html(pages::portal_login(&config.org, Some(refusal.message()))),
            )
                .into_response());
        }
    };
    let (id, _) = idp
        .sessions
        .login(
            SessionId::from_headers(&headers).as_ref(),
            &user.email,
            method,
            now,
            config.session_lifetime_seconds,
        )
        .map_err(|e| {
            HttpError::Page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sign-in failed",
                e.to_string(),
            )
        })?;
    // 303: the browser GETs the portal, so a reload does not post the password again.
    let mut response = Redirect::to("/portal").into_response();
    if let Some(c) = id.set_cookie(secure(&idp.base_url), config.session_lifetime_seconds) {
        response.headers_mut().insert(header::SET_COOKIE, c);
    }
    Ok(response)
}

/// `POST /portal/logout`: the session ends on the server at once and the cookie is cleared, so
/// the next SSO asks for the password again. (POST: a link or image elsewhere cannot log the
/// user out; SameSite=Lax keeps another site's form from sending the cookie.)
pub(crate) async fn portal_logout(State(idp): State<SharedIdp>, headers: HeaderMap) -> Response {
    if let Some(id) = SessionId::from_headers(&headers) {
        idp.sessions.remove(&id);
    }
    let mut response = Redirect::to("/portal").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        SessionId::clear_cookie(secure(&idp.base_url)),
    );
    response
}
