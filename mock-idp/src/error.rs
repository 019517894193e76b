//! The one error type of the routes: a page for browser flows, JSON for the API. Every bad
//! input becomes a 4xx with a sentence saying what was wrong.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Json, Response};
use samlscope_api::ApiError;

use crate::idp::IdpError;
use crate::pages;

/// An error as a page (browser flows) or JSON (the API).
pub enum HttpError {
    Page(StatusCode, &'static str, String),
    Api(StatusCode, String),
}

impl HttpError {
    /// The sentence saying what was wrong.
    pub fn message(&self) -> &str {
        match self {
            Self::Page(_, _, msg) | Self::Api(_, msg) => msg,
        }
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        match self {
            Self::Page(status, title, msg) => {
                (status, Html(pages::error(title, &msg))).into_response()
            }
            Self::Api(status, msg) => (status, Json(ApiError { error: msg })).into_response(),
        }
    }
}

pub(crate) fn api_err(e: IdpError) -> HttpError {
    let status = match e {
        IdpError::UnknownApp(_) | IdpError::UnknownScenario(_) => StatusCode::NOT_FOUND,
        IdpError::UnknownUser(_) | IdpError::Config(_) => StatusCode::BAD_REQUEST,
        IdpError::Keys(_) | IdpError::Build(_) | IdpError::Save(_) => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    HttpError::Api(status, e.to_string())
}

pub(crate) fn page_err(e: IdpError) -> HttpError {
    let status = match e {
        IdpError::UnknownApp(_) => StatusCode::NOT_FOUND,
        IdpError::UnknownUser(_) | IdpError::UnknownScenario(_) | IdpError::Config(_) => {
            StatusCode::BAD_REQUEST
        }
        IdpError::Keys(_) | IdpError::Build(_) | IdpError::Save(_) => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    HttpError::Page(status, "SAML error", e.to_string())
}
