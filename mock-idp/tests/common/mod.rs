//! Test support: a tiny HTTP/1.1 client over a loopback TCP socket (one request per
//! connection), HTML form scraping, and core validation against the served metadata.
#![allow(dead_code)]

pub mod browser;

use std::net::SocketAddr;

use samlscope_core::metadata::trust_from_metadata;
use samlscope_core::report::{Report, Status};
use samlscope_core::validate::{Policy, validate};
use samlscope_idp::{Config, RunningIdp};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub async fn start() -> RunningIdp {
    samlscope_idp::start(Config::bundled().unwrap())
        .await
        .unwrap()
}

/// Sends one request; the body is sent in full unless `partial_body` cuts it (to announce a
/// huge Content-Length without sending it).
pub async fn raw(
    addr: SocketAddr,
    method: &str,
    target: &str,
    content_type: Option<&str>,
    body: &[u8],
    announced_len: Option<usize>,
) -> Resp {
    let headers: Vec<(&str, &str)> = content_type
        .map(|ct| ("Content-Type", ct))
        .into_iter()
        .collect();
    request(addr, method, target, &headers, body, announced_len).await
}

/// [`raw`] with any headers.
pub async fn request(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    announced_len: Option<usize>,
) -> Resp {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut head = format!(
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        announced_len.unwrap_or(body.len())
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).await.unwrap();
    // The server may answer (413) and close before reading everything: ignore write errors.
    let _ = s.write_all(body).await;
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf).await;
    parse_response(&buf)
}

pub async fn get(addr: SocketAddr, target: &str) -> Resp {
    raw(addr, "GET", target, None, b"", None).await
}

pub async fn post_form(addr: SocketAddr, target: &str, pairs: &[(&str, &str)]) -> Resp {
    let body = samlscope_idp::form::form_encode(pairs);
    raw(
        addr,
        "POST",
        target,
        Some("application/x-www-form-urlencoded"),
        body.as_bytes(),
        None,
    )
    .await
}

fn parse_response(buf: &[u8]) -> Resp {
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP header end in {:?}", String::from_utf8_lossy(buf)));
    let head = String::from_utf8_lossy(&buf[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = buf[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        let mut out = Vec::new();
        let mut rest = &body[..];
        loop {
            let nl = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let n = usize::from_str_radix(std::str::from_utf8(&rest[..nl]).unwrap().trim(), 16)
                .unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&rest[nl + 2..nl + 2 + n]);
            rest = &rest[nl + 2 + n + 2..];
        }
        body = out;
    }
    Resp {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// Undoes the entity escaping the pages use.
pub fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#9;", "\t")
        .replace("&#10;", "\n")
        .replace("&#13;", "\r")
        .replace("&amp;", "&")
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let i = tag.find(&needle)? + needle.len();
    let j = tag[i..].find('"')? + i;
    Some(unescape(&tag[i..j]))
}

/// The first form of a page: its action and its (hidden) inputs, as a browser would submit.
pub struct Form {
    pub action: String,
    pub fields: Vec<(String, String)>,
}

impl Form {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn set(&mut self, name: &str, value: &str) {
        self.fields.retain(|(k, _)| k != name);
        self.fields.push((name.to_owned(), value.to_owned()));
    }

    pub fn pairs(&self) -> Vec<(&str, &str)> {
        self.fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }
}

pub fn form(html: &str) -> Option<Form> {
    let start = html.find("<form")?;
    let end = html[start..].find("</form>")? + start;
    let open_end = html[start..].find('>')? + start;
    let action = attr(&html[start..open_end], "action")?;
    let mut fields = Vec::new();
    let mut rest = &html[open_end..end];
    while let Some(i) = rest.find("<input") {
        let j = rest[i..].find('>').unwrap() + i;
        let tag = &rest[i..j];
        if let Some(n) = attr(tag, "name")
            && tag.contains("type=\"hidden\"")
        {
            fields.push((n, attr(tag, "value").unwrap_or_default()));
        }
        rest = &rest[j..];
    }
    Some(Form { action, fields })
}

/// Path + query of an absolute URL on this server.
pub fn local(url: &str, base: &str) -> String {
    url.strip_prefix(base)
        .unwrap_or_else(|| panic!("{url} is not on {base}"))
        .to_owned()
}

/// Validates a response with core as an SP of `app` would: trust and IdP entity ID from the
/// served metadata, the app's SP Entity ID and first ACS URL, now = system time.
pub async fn sp_validate(
    idp: &RunningIdp,
    app: &str,
    xml: &str,
    request_id: Option<&str>,
) -> Report {
    let md = get(idp.addr(), &format!("/saml2/{app}/metadata")).await;
    assert_eq!(md.status, 200);
    let (trust, entities) = trust_from_metadata(md.body.as_bytes()).unwrap();
    let a = idp.idp().app(app).unwrap();
    let mut policy = Policy::new(trust, samlscope_idp::fresh::now());
    policy.idp_entity_id = entities.into_iter().next();
    policy.sp_entity_id = Some(a.sp_entity_id.clone());
    policy.acs_url = a.acs_urls.first().cloned();
    policy.request_id = request_id.map(str::to_owned);
    validate(xml.as_bytes(), &policy)
}

pub fn failed_ids(r: &Report) -> Vec<&'static str> {
    r.checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| c.id.as_str())
        .collect()
}

/// Base64 (standard) decode.
pub fn b64(s: &str) -> String {
    use base64::Engine as _;
    String::from_utf8(base64::engine::general_purpose::STANDARD.decode(s).unwrap()).unwrap()
}

/// Raw DEFLATE + base64, as the Redirect binding wants.
pub fn deflate_b64(xml: &str) -> String {
    use base64::Engine as _;
    use std::io::Write as _;
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(xml.as_bytes()).unwrap();
    base64::engine::general_purpose::STANDARD.encode(e.finish().unwrap())
}

pub fn b64_plain(xml: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(xml)
}

/// An AuthnRequest as an SP sends it.
pub fn authn_request(id: &str, issuer: &str, acs: Option<&str>) -> String {
    let acs = acs
        .map(|a| format!(" AssertionConsumerServiceURL=\"{a}\""))
        .unwrap_or_default();
    format!(
        "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"{id}\" Version=\"2.0\" IssueInstant=\"2026-01-01T00:00:00Z\"{acs} ProtocolBinding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\"><saml:Issuer>{issuer}</saml:Issuer></samlp:AuthnRequest>"
    )
}
