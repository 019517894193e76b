//! What decoding yields: each message with where it came from and how it was wrapped, and the
//! findings made on the way.

use serde::Serialize;

use super::{PeelError, Where, form};

/// How the message travelled (SAML Bindings 2.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Binding {
    /// XML pasted as is: no transport encoding.
    Raw,
    /// HTTP-POST: base64 in a form field. Also inferred for a bare base64 value that is not DEFLATEd.
    Post,
    /// HTTP-Redirect: raw DEFLATE + base64 in a query. Also inferred for a bare DEFLATEd value.
    Redirect,
}

impl Binding {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Raw => "raw XML",
            Self::Post => "HTTP-POST",
            Self::Redirect => "HTTP-Redirect",
        }
    }

    /// The binding URN, as it appears in metadata; `None` for pasted XML.
    pub fn urn(self) -> Option<&'static str> {
        match self {
            Self::Raw => None,
            Self::Post => Some("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"),
            Self::Redirect => Some("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"),
        }
    }
}

/// The form/query parameter that carried the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Parameter {
    #[serde(rename = "SAMLRequest")]
    SamlRequest,
    #[serde(rename = "SAMLResponse")]
    SamlResponse,
}

impl Parameter {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SamlRequest => "SAMLRequest",
            Self::SamlResponse => "SAMLResponse",
        }
    }

    /// Exact, case-sensitive as in SAML Bindings §3.4.4 / §3.5.4.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "SAMLRequest" => Some(Self::SamlRequest),
            "SAMLResponse" => Some(Self::SamlResponse),
            _ => None,
        }
    }
}

/// Which part of a HAR entry held the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HarPart {
    /// `request.url` / `request.queryString` (Redirect binding).
    RequestQuery,
    /// `request.postData` (POST binding to the ACS or SSO URL).
    RequestBody,
    /// An auto-post form in `response.content.text` (the IdP's page).
    ResponseBody,
    /// A `Location` response header: a 302 to the IdP (`SAMLRequest`) or to the ACS
    /// (`SAMLResponse` by the Redirect binding).
    ResponseLocation,
    /// `response.redirectURL`, when it is not the `Location` header's value.
    ResponseRedirectUrl,
}

/// Which field of a SAML-tracer request held the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TracerField {
    /// The raw query of `url` (preferred for GET: keeps the exact signed octets).
    Url,
    /// `get` pairs (already URL-decoded by the browser).
    Get,
    /// `post` pairs (already form-decoded by the browser).
    Post,
    /// `saml`: SAML-tracer's own decoded XML (used when the raw parameters are missing or filtered).
    Saml,
    /// A `Location` header of `responseHeaders` (a redirect carrying a message).
    ResponseLocation,
}

/// Where in the input a message was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    /// XML or a bare base64 value pasted as is.
    Pasted,
    /// A `SAMLResponse=…&RelayState=…` form body.
    PostBody,
    /// A Redirect-binding URL, or a bare query string (then `url` has no scheme).
    RedirectUrl { url: String },
    /// A request target in an access-log line (`GET /sso?… HTTP/1.1`), or a URL with a query
    /// elsewhere on the line (a referer); `method` when the target follows one.
    LogLine {
        method: Option<String>,
        target: String,
    },
    /// One of several messages in a paste, starting on 1-based `line`; `within` is how it was
    /// written there.
    Line { line: usize, within: Box<Origin> },
    /// An auto-posting HTML form; `action` is where it posts (the ACS URL).
    HtmlForm { action: Option<String> },
    /// `log.entries[entry]` of a HAR file (0-based).
    Har {
        entry: usize,
        method: String,
        url: String,
        part: HarPart,
    },
    /// `requests[index]` of a SAML-tracer export (0-based).
    SamlTracer {
        index: usize,
        method: String,
        url: String,
        field: TracerField,
    },
}

impl core::fmt::Display for Origin {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Pasted => f.write_str("pasted text"),
            Self::PostBody => f.write_str("POST body"),
            Self::RedirectUrl { url } if url.contains("://") => {
                write!(f, "redirect URL {}", form::url_without_query(url))
            }
            Self::RedirectUrl { .. } => f.write_str("query string"),
            Self::LogLine {
                method: Some(m),
                target,
            } => write!(f, "log line {m} {}", form::url_without_query(target)),
            Self::LogLine {
                method: None,
                target,
            } => write!(f, "log line URL {}", form::url_without_query(target)),
            Self::Line { line, within } => write!(f, "line {line}: {within}"),
            Self::HtmlForm { action: Some(a) } => write!(f, "HTML form posting to {a}"),
            Self::HtmlForm { action: None } => f.write_str("HTML form"),
            Self::Har {
                entry,
                method,
                url,
                part,
            } => {
                let part = match part {
                    HarPart::RequestQuery => "request query",
                    HarPart::RequestBody => "request body",
                    HarPart::ResponseBody => "response body form",
                    HarPart::ResponseLocation => "response Location header",
                    HarPart::ResponseRedirectUrl => "response redirectURL",
                };
                write!(
                    f,
                    "HAR log.entries[{entry}] ({method} {}) {part}",
                    form::url_without_query(url)
                )
            }
            Self::SamlTracer {
                index,
                method,
                url,
                field,
            } => {
                let field = match field {
                    TracerField::Url => "url",
                    TracerField::Get => "get",
                    TracerField::Post => "post",
                    TracerField::Saml => "saml",
                    TracerField::ResponseLocation => "response Location header",
                };
                write!(
                    f,
                    "SAML-tracer requests[{index}] ({method} {}) {field}",
                    form::url_without_query(url)
                )
            }
        }
    }
}

/// One transformation peeled off on the way to the XML, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    /// `%XX` (form/URL) decoding.
    UrlDecoded,
    /// HTML character references (`&#x2b;`, `&amp;`, …) in a form field.
    HtmlEntities,
    /// A HAR `response.content` stored with `"encoding": "base64"`.
    HarContentBase64,
    /// Base64 (whitespace ignored).
    Base64,
    /// Raw DEFLATE (RFC 1951), as the Redirect binding mandates.
    Inflated,
    /// zlib (RFC 1950) — a non-conforming sender.
    ZlibInflated,
    /// A UTF-8 byte-order mark was removed.
    BomStripped,
    /// Taken from SAML-tracer's own decoded `saml` field.
    TracerDecoded,
}

impl Layer {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UrlDecoded => "URL-decoded",
            Self::HtmlEntities => "HTML entities",
            Self::HarContentBase64 => "HAR content base64",
            Self::Base64 => "base64",
            Self::Inflated => "raw DEFLATE",
            Self::ZlibInflated => "zlib",
            Self::BomStripped => "BOM stripped",
            Self::TracerDecoded => "SAML-tracer decoded",
        }
    }
}

/// One SAML message found in the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decoded {
    /// UTF-8 XML text, BOM stripped, otherwise exactly as decoded.
    pub xml: String,
    pub binding: Binding,
    pub parameter: Option<Parameter>,
    pub relay_state: Option<String>,
    /// Redirect binding `SigAlg` URI.
    pub sig_alg: Option<String>,
    /// Redirect binding `Signature` (base64, URL-decoded).
    pub signature: Option<String>,
    /// Redirect binding: the octets the signature covers (SAML Bindings §3.4.4.1):
    /// `SAMLRequest=…[&RelayState=…]&SigAlg=…` with the values exactly as URL-encoded in the input.
    /// `None` with a `signature` when a parameter repeats (which value was signed is ambiguous).
    pub signed_query: Option<String>,
    pub origin: Origin,
    pub layers: Vec<Layer>,
    /// Index of an earlier message with the same XML (a HAR holds the IdP's auto-post page *and*
    /// the browser's POST to the ACS).
    pub duplicate_of: Option<usize>,
}

/// Something noticed while scanning a container that did not stop the decoding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Finding {
    /// A SAML parameter whose value a sanitiser replaced (`[REDACTED]`, `{hash:…}`, empty, …).
    Redacted { at: Where, placeholder: String },
    /// A SAML parameter that could not be decoded; other messages were.
    Undecodable { at: Where, error: PeelError },
    /// SAML-tracer's raw parameter was filtered or broken; its decoded `saml` field was used. A
    /// "sanitised" SAML-tracer export still carries the full message there.
    TracerFallback { at: Where },
    /// A query with `&amp;` between its parameters (copied from HTML source) was read with `&`.
    /// A Redirect signature is checked over the `&` form: that is what the sender signed, the
    /// `&amp;` form being the HTML page's escaped copy of it.
    HtmlEscapedQuery { at: Where },
}

impl Finding {
    /// Whether this finding is a message that was found but could not be read: whoever judges
    /// the input must count it, since an SP may read it differently.
    pub fn is_unread_message(&self) -> bool {
        matches!(self, Self::Redacted { .. } | Self::Undecodable { .. })
    }
}

impl core::fmt::Display for Finding {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Redacted { at, placeholder } => {
                write!(f, "{at} is redacted (value {placeholder:?})")
            }
            Self::Undecodable { at, error } => write!(f, "{at} skipped: {error}"),
            Self::TracerFallback { at } => write!(
                f,
                "{at}: raw parameter missing or filtered, used SAML-tracer's decoded copy (a sanitised export still contains the message)"
            ),
            Self::HtmlEscapedQuery { at } => write!(
                f,
                "{at}: `&amp;` between the query parameters (an HTML-escaped copy) read as `&`; a Redirect signature is checked over the `&` form, as it was signed"
            ),
        }
    }
}

/// Messages plus the non-fatal findings made on the way.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Decoding {
    pub messages: Vec<Decoded>,
    pub findings: Vec<Finding>,
}
