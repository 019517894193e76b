//! The one error type of the routes: a page for browser flows, JSON for the API. Every bad
//! input becomes a 4xx with a sentence saying what was wrong.

use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Json, Response};
use samlscope_api::ApiError;

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

/// The fallback of every route: a JSON 404 that says where the URLs are listed.
pub(crate) async fn not_found(uri: Uri) -> HttpError {
    HttpError::Api(
        StatusCode::NOT_FOUND,
        format!("nothing at {}; GET / lists the URLs", uri.path()),
    )
}
