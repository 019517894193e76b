//! SAML-tracer JSON export (`{"requests":[{method,url,get,post,saml,…}],"timestamp":…}`).
//!
//! The raw parameters are preferred (they are what was sent, and keep the Redirect signature
//! octets). SAML-tracer's own decoded `saml` field is the fallback: export profiles 2 and 3 hash or
//! obfuscate `post` values (`{hash:…}`, `{obf:alternative_0}`) but leave `saml` intact.
//!
//! Each request also carries its response's headers (`responseHeaders`: `{name, value}` objects,
//! or `[name, value]` pairs in exports before 1.0); a `Location` header with a message (the 302
//! to the IdP or to the ACS) is read as well.

use serde::Deserialize;
use serde_json::Value;

use super::{
    Binding, Collector, DecodeError, Decoded, Finding, Layer, Origin, Parameter, TracerField,
    Where, form, json_error, payload, query_pairs, sniff,
};

#[derive(Deserialize)]
struct Export {
    requests: Option<Vec<Request>>,
}

#[derive(Deserialize)]
struct Request {
    method: Option<String>,
    url: Option<String>,
    get: Option<Vec<Vec<Value>>>,
    post: Option<Vec<Vec<Value>>>,
    saml: Option<String>,
    #[serde(rename = "responseHeaders")]
    response_headers: Option<Vec<Value>>,
}

pub(super) fn scan(c: &mut Collector<'_>, bytes: &[u8]) -> Result<String, DecodeError> {
    let export: Export =
        serde_json::from_slice(bytes).map_err(|e| json_error("SAML-tracer export", &e))?;
    let requests = export.requests.unwrap_or_default();
    for (index, r) in requests.iter().enumerate() {
        let method = r.method.clone().unwrap_or_default();
        let url = r.url.clone().unwrap_or_default();
        let origin = |field| Origin::SamlTracer {
            index,
            method: method.clone(),
            url: url.clone(),
            field,
        };
        own_message(c, r, &origin);
        for l in locations(r.response_headers.as_deref()) {
            let query = form::split_url(l).1.unwrap_or("");
            query_pairs(
                c,
                query,
                origin(TracerField::ResponseLocation),
                Some(Binding::Redirect),
            );
        }
    }
    Ok(format!(
        "SAML-tracer export with {} requests",
        requests.len()
    ))
}

/// `Location` header values, from either header shape.
fn locations(headers: Option<&[Value]>) -> impl Iterator<Item = &str> {
    headers.into_iter().flatten().filter_map(|h| {
        let (name, value) = match h {
            Value::Object(o) => (o.get("name"), o.get("value")),
            Value::Array(a) => (a.first(), a.get(1)),
            _ => (None, None),
        };
        name.and_then(Value::as_str)
            .filter(|n| n.eq_ignore_ascii_case("location"))
            .and(value.and_then(Value::as_str))
    })
}

/// The message the request itself carried: its raw parameters, else the decoded `saml` field.
fn own_message(c: &mut Collector<'_>, r: &Request, origin: &impl Fn(TracerField) -> Origin) {
    let method = r.method.as_deref().unwrap_or_default();
    let url = r.url.as_deref().unwrap_or_default();
    let (messages_before, findings_before) = (c.out.messages.len(), c.out.findings.len());

    let raw_query = form::split_url(url).1.unwrap_or("");
    let mut param = None;
    let mut tried = query_pairs(
        c,
        raw_query,
        origin(TracerField::Url),
        Some(Binding::Redirect),
    );
    if !tried && let Some((q, p)) = synthesize(r.get.as_deref()) {
        param = Some(p);
        tried = query_pairs(c, &q, origin(TracerField::Get), Some(Binding::Redirect));
    }
    if let Some((q, p)) = synthesize(r.post.as_deref()) {
        param = Some(p);
        tried |= query_pairs(c, &q, origin(TracerField::Post), Some(Binding::Post));
    }
    if c.out.messages.len() > messages_before {
        return;
    }
    let Some(saml) = r
        .saml
        .as_deref()
        .filter(|s| sniff::looks_like_xml(s.as_bytes()))
    else {
        return;
    };
    let mut layers = vec![Layer::TracerDecoded];
    let at = Where {
        origin: origin(TracerField::Saml),
        parameter: param,
    };
    match payload::xml_text(
        saml.trim().as_bytes().to_vec(),
        "SAML-tracer saml field",
        c.limits,
        &mut layers,
    ) {
        Ok(xml) => {
            if tried {
                // The raw parameter was redacted or broken: replace that finding by the fallback.
                c.out.findings.truncate(findings_before);
                c.out
                    .findings
                    .push(Finding::TracerFallback { at: at.clone() });
            }
            let binding = if method.eq_ignore_ascii_case("GET") {
                Binding::Redirect
            } else {
                Binding::Post
            };
            c.push(Decoded {
                xml,
                binding,
                parameter: param,
                relay_state: None,
                sig_alg: None,
                signature: None,
                signed_query: None,
                origin: at.origin,
                layers,
                duplicate_of: None,
            });
        }
        Err(error) => c.out.findings.push(Finding::Undecodable { at, error }),
    }
}

/// `[[name, value], …]` → `name=value&…` when a SAML parameter is among them.
fn synthesize(pairs: Option<&[Vec<Value>]>) -> Option<(String, Parameter)> {
    let pairs = pairs?;
    let name = |p: &Vec<Value>| p.first().and_then(Value::as_str).unwrap_or("").to_string();
    let value = |p: &Vec<Value>| p.get(1).and_then(Value::as_str).unwrap_or("").to_string();
    let param = pairs.iter().find_map(|p| Parameter::from_name(&name(p)))?;
    let q = pairs
        .iter()
        .map(|p| format!("{}={}", name(p), value(p)))
        .collect::<Vec<_>>()
        .join("&");
    Some((q, param))
}
