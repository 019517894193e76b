//! HAR 1.2 (`log.entries[]`): SAML messages in request queries (Redirect), request bodies (POST),
//! auto-post forms inside response bodies (the IdP's page) and redirects (`Location` response
//! headers and `redirectURL`: the 302 that sends the browser on with a message). Every field is
//! optional: HAR writers differ (Chrome, Firefox, Charles, sanitisers) and a missing field is not
//! an error.

use serde::Deserialize;

use super::{
    Binding, Collector, DecodeError, HarPart, Layer, Origin, Parameter, form, html_page,
    json_error, query_pairs,
};

#[derive(Deserialize)]
struct Har {
    log: Log,
}

#[derive(Deserialize)]
struct Log {
    entries: Option<Vec<Entry>>,
}

#[derive(Deserialize)]
struct Entry {
    request: Option<Request>,
    response: Option<Response>,
}

#[derive(Deserialize)]
struct Request {
    method: Option<String>,
    url: Option<String>,
    #[serde(rename = "queryString")]
    query_string: Option<Vec<NameValue>>,
    #[serde(rename = "postData")]
    post_data: Option<PostData>,
}

#[derive(Deserialize)]
struct NameValue {
    name: Option<String>,
    value: Option<String>,
}

#[derive(Deserialize)]
struct PostData {
    text: Option<String>,
    params: Option<Vec<NameValue>>,
}

#[derive(Deserialize)]
struct Response {
    content: Option<Content>,
    headers: Option<Vec<NameValue>>,
    #[serde(rename = "redirectURL")]
    redirect_url: Option<String>,
}

#[derive(Deserialize)]
struct Content {
    text: Option<String>,
    encoding: Option<String>,
}

pub(super) fn scan(c: &mut Collector<'_>, bytes: &[u8]) -> Result<String, DecodeError> {
    let har: Har = serde_json::from_slice(bytes).map_err(|e| json_error("HAR", &e))?;
    let entries = har.log.entries.unwrap_or_default();
    for (entry, e) in entries.iter().enumerate() {
        let req = e.request.as_ref();
        let method = req.and_then(|r| r.method.clone()).unwrap_or_default();
        let url = req.and_then(|r| r.url.clone()).unwrap_or_default();
        let origin = |part| Origin::Har {
            entry,
            method: method.clone(),
            url: url.clone(),
            part,
        };

        if let Some(r) = req {
            // The raw URL keeps the exact encoding (needed for the Redirect signature octets);
            // `queryString` is a fallback for writers that strip it.
            let raw_query = form::split_url(&url).1.unwrap_or("");
            let in_url = query_pairs(
                c,
                raw_query,
                origin(HarPart::RequestQuery),
                Some(Binding::Redirect),
            );
            if !in_url && let Some(q) = synthesize(r.query_string.as_deref()) {
                query_pairs(
                    c,
                    &q,
                    origin(HarPart::RequestQuery),
                    Some(Binding::Redirect),
                );
            }
            if let Some(pd) = &r.post_data {
                // Both: a writer may fill either or both, and when they disagree the SP read one
                // of them, so each is a message to judge (an identical copy is marked a
                // duplicate).
                let text = pd.text.as_deref().unwrap_or("");
                if has_saml_name(text) {
                    query_pairs(c, text, origin(HarPart::RequestBody), Some(Binding::Post));
                }
                if let Some(q) = synthesize(pd.params.as_deref()) {
                    query_pairs(c, &q, origin(HarPart::RequestBody), Some(Binding::Post));
                }
            }
        }

        if let Some(r) = &e.response {
            // The browser follows the redirect in a later entry whose URL holds the same
            // message (marked a duplicate); a HAR cut at the redirect has it only here.
            let locations: Vec<&str> = r
                .headers
                .iter()
                .flatten()
                .filter(|h| {
                    h.name
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case("location"))
                })
                .filter_map(|h| h.value.as_deref())
                .collect();
            for l in &locations {
                let query = form::split_url(l).1.unwrap_or("");
                query_pairs(
                    c,
                    query,
                    origin(HarPart::ResponseLocation),
                    Some(Binding::Redirect),
                );
            }
            // Chrome writes `redirectURL` as the `Location` value: read it only when it differs.
            if let Some(u) = r.redirect_url.as_deref().filter(|u| !locations.contains(u)) {
                let query = form::split_url(u).1.unwrap_or("");
                query_pairs(
                    c,
                    query,
                    origin(HarPart::ResponseRedirectUrl),
                    Some(Binding::Redirect),
                );
            }
        }

        let content = e.response.as_ref().and_then(|r| r.content.as_ref());
        if let Some(Content {
            text: Some(text),
            encoding,
        }) = content
        {
            let is_b64 = encoding
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case("base64"));
            let body = if is_b64 {
                // Bounded by the input size already checked; undecodable bodies are not SAML.
                match super::payload::base64_decode(text.as_bytes(), c.limits.max_input) {
                    Ok(b) => String::from_utf8_lossy(&b).into_owned(),
                    Err(_) => continue,
                }
            } else {
                text.clone()
            };
            if has_saml_name(&body) {
                let pre: &[Layer] = if is_b64 {
                    &[Layer::HarContentBase64]
                } else {
                    &[]
                };
                html_page(c, &body, pre, |_| origin(HarPart::ResponseBody));
            }
        }
    }
    Ok(format!("HAR file with {} entries", entries.len()))
}

fn has_saml_name(text: &str) -> bool {
    text.contains("SAMLResponse") || text.contains("SAMLRequest")
}

/// Rebuilds `name=value&…` from HAR name/value pairs when a SAML parameter is among them. Values
/// may or may not be URL-encoded depending on the writer; later decoding tolerates both.
fn synthesize(pairs: Option<&[NameValue]>) -> Option<String> {
    let pairs = pairs?;
    let saml = pairs
        .iter()
        .any(|p| p.name.as_deref().and_then(Parameter::from_name).is_some());
    saml.then(|| {
        pairs
            .iter()
            .map(|p| {
                format!(
                    "{}={}",
                    p.name.as_deref().unwrap_or(""),
                    p.value.as_deref().unwrap_or("")
                )
            })
            .collect::<Vec<_>>()
            .join("&")
    })
}
