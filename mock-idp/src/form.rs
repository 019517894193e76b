//! HTML form bodies (`application/x-www-form-urlencoded`): what the SAML HTTP-POST binding, the
//! login form and the demo SP's ACS receive, and how query strings are read and written.

use axum::http::{HeaderMap, StatusCode, header};

use crate::error::HttpError;

/// Bodies above this are refused with 413 before they are read.
pub const BODY_LIMIT: usize = 1 << 20;

/// Refuses a POST body that is not an HTML form. The SAML HTTP-POST binding (and a browser
/// submitting the login or auto-post form) sends `application/x-www-form-urlencoded`; a client
/// posting JSON or multipart would otherwise have its fields silently ignored (a SAMLRequest
/// sent as JSON would be taken for an IdP-initiated login). A missing Content-Type is read as a form, as
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

pub(crate) fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

pub(crate) fn non_empty(v: Option<&str>) -> Option<&str> {
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
