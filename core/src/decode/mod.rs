//! decode — turn anything an admin pastes into a list of SAML messages.
//!
//! Accepted forms, tried in this order (the first that matches decides; nothing is guessed twice):
//! 1. JSON: a HAR 1.2 file (`log.entries`) or a SAML-tracer export (`requests`).
//! 2. Markup: an HTML page (the IdP's auto-posting form) or raw XML.
//! 3. A URL (`https://…?SAMLRequest=…`): the Redirect binding.
//! 4. An access-log line: the request (`GET /sso?SAMLRequest=… HTTP/1.1`, alone or quoted in a
//!    common/combined log format line) and any other URL with a query on it (the referer).
//! 5. A form body or bare query (`SAMLResponse=…&RelayState=…`): POST, or Redirect when the value
//!    turns out to be DEFLATEd / `SigAlg` is present.
//! 6. A bare value: base64 (line breaks allowed), optionally URL-encoded, optionally DEFLATEd.
//!
//! A query copied from HTML source (`&amp;` between its parameters) is read with `&` and noted
//! ([`Finding::HtmlEscapedQuery`]).
//!
//! # Several messages in one paste
//!
//! A plain paste (not JSON or an HTML page) of several lines is cut into pieces (`split`):
//! XML documents one after another, lines, and runs of base64 lines. Each piece is read as
//! above, on its own: a query never runs across a line break. A run of base64 lines is one
//! value when the lines decode together to one XML document using every byte (a wrapped value,
//! such as `base64` output at 76 columns); when they do not, it is still one value if it is
//! shaped like a wrapped one (every line but the last of one length, the last no longer) and its
//! first line is no message on its own (a wrapped value cut short is reported once); otherwise
//! each line is a value of its own. A paste made only of base64 lines and blank lines is first
//! tried whole, the same way. Blank lines separate values.
//!
//! A line that is none of the forms above is ignored as noise (a heading, a comment, a log line
//! without SAML) unless it holds `SAMLRequest=` or `SAMLResponse=` (in any letter case): then it
//! is a message that could not be read ([`Finding::Undecodable`]), never dropped. Likewise a
//! piece that looks like a message but does not decode, and a line of 100 or more characters
//! that looks encoded (`split::looks_like_value`: one stray character, or the URL-safe
//! alphabet, is what a lenient SP may still read). Each message of such a paste names the
//! line it starts on ([`Origin::Line`]); a paste of one piece reads as it always did.
//!
//! The message kind is not decided here: the strict XML parser decides later from the root
//! element. Sans-IO: bytes in, values out. Limits are checked before every expansion.

mod error;
mod form;
mod har;
mod html;
mod payload;
mod sniff;
mod split;
mod tracer;

use std::borrow::Cow;

use serde::Serialize;

pub use error::{BudgetScope, DecodeError, InflateFormat, PeelError, Where};
pub use form::looks_like_url;
pub use sniff::looks_like_xml;

use payload::Expect;

/// Size limits, each enforced before the expansion it bounds.
///
/// One input can hold many messages (a HAR, a SAML-tracer export, a page with several forms),
/// and compressed ones multiply: a few kilobytes of DEFLATE inflate to a megabyte. So besides the
/// per-message limits an input has two aggregate ones, and reaching either refuses the whole
/// input ([`DecodeError::TooManyMessages`], [`DecodeError::InflateBudget`]): checking only the
/// first messages would let a forged one hide behind the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DecodeLimits {
    /// Whole input (HAR files are big).
    pub max_input: usize,
    /// One decoded XML message, and one base64-decoded value.
    pub max_message: usize,
    /// Output of one inflate (CVE-2025-25293: deflate bombs).
    pub max_inflate: usize,
    /// Messages in one input; above it the input is refused, naming the count.
    pub max_messages: usize,
    /// Inflated bytes of all the messages of one input together.
    pub max_inflated_total: usize,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        Self {
            max_input: 64 << 20,
            max_message: 1 << 20,
            max_inflate: 1 << 20,
            max_messages: 64,
            max_inflated_total: 4 << 20,
        }
    }
}

/// Inflated bytes still allowed across several inputs (the lines of `check -`): each input
/// spends what its messages inflate to, on top of its own [`DecodeLimits::max_inflated_total`].
/// A caller grants more as it reads more input, so a stream's work stays proportional to its
/// size however well its messages compress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InflateBudget {
    remaining: usize,
    /// Everything granted so far (for the error).
    granted: usize,
}

impl InflateBudget {
    pub fn new(bytes: usize) -> Self {
        Self {
            remaining: bytes,
            granted: bytes,
        }
    }

    /// Adds `bytes` to what may still be inflated.
    pub fn grant(&mut self, bytes: usize) {
        self.remaining = self.remaining.saturating_add(bytes);
        self.granted = self.granted.saturating_add(bytes);
    }

    pub fn remaining(&self) -> usize {
        self.remaining
    }

    pub fn granted(&self) -> usize {
        self.granted
    }
}

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

/// Decodes every SAML message in `input`. Fails when none can be decoded, with the reason.
pub fn decode(input: &[u8], limits: &DecodeLimits) -> Result<Vec<Decoded>, DecodeError> {
    decode_all(input, limits).map(|d| d.messages)
}

/// Like [`decode`], but also returns the findings (redacted values, skipped values, …). When no
/// message at all could be decoded this is an error: the first redaction, else the first
/// decoding failure, else "no SAML found". Above an aggregate limit of [`DecodeLimits`] the
/// input is refused whole.
pub fn decode_all(input: &[u8], limits: &DecodeLimits) -> Result<Decoding, DecodeError> {
    decode_within(
        input,
        limits,
        &mut InflateBudget::new(limits.max_inflated_total),
    )
}

/// [`decode_all`] for one input of several: what it inflates is also taken from `budget`.
pub fn decode_within(
    input: &[u8],
    limits: &DecodeLimits,
    budget: &mut InflateBudget,
) -> Result<Decoding, DecodeError> {
    // The tighter of the two bounds is the one a refusal names.
    let input_bound = limits.max_inflated_total <= budget.remaining();
    let inflate_left = budget.remaining().min(limits.max_inflated_total);
    let mut c = Collector {
        limits,
        out: Decoding::default(),
        seen: 0,
        inflate_left,
        over_budget: false,
    };
    let result = scan(&mut c, input);
    budget.remaining -= inflate_left - c.inflate_left;
    if c.over_budget {
        let (limit, scope) = if input_bound {
            (limits.max_inflated_total, BudgetScope::Input)
        } else {
            (budget.granted(), BudgetScope::Stream)
        };
        return Err(DecodeError::InflateBudget { limit, scope });
    }
    if c.seen > limits.max_messages {
        return Err(DecodeError::TooManyMessages {
            found: c.seen,
            limit: limits.max_messages,
        });
    }
    let what = result?;
    c.finish(|| what)
}

/// Scans the input for messages; returns a description of it for "no SAML found".
fn scan(c: &mut Collector<'_>, input: &[u8]) -> Result<String, DecodeError> {
    let limits = c.limits;
    if input.len() > limits.max_input {
        return Err(DecodeError::InputTooLarge {
            size: input.len(),
            limit: limits.max_input,
        });
    }
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let start = input.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = start else {
        return Err(DecodeError::Empty);
    };
    let trimmed = input.get(start..).unwrap_or_default();

    match trimmed.first() {
        Some(b'{') => {
            return json(c, trimmed);
        }
        Some(b'<') => {
            let text = core::str::from_utf8(trimmed).map_err(|e| DecodeError::Peel {
                at: Where {
                    origin: Origin::Pasted,
                    parameter: None,
                },
                source: PeelError::InvalidUtf8 {
                    after: "input",
                    offset: e.valid_up_to() + start,
                },
            })?;
            if html::is_html(text) {
                let n = html_page(c, text, &[], |action| Origin::HtmlForm { action });
                if c.out.messages.is_empty() && c.out.findings.is_empty() {
                    return Err(DecodeError::HtmlWithoutSaml { inputs: n });
                }
                return Ok("HTML page".into());
            }
            let mut items = split::Items::new(text);
            if items.nth(1).is_some() {
                return Ok(pieces(c, text));
            }
            let mut layers = Vec::new();
            let xml = payload::xml_text(trimmed.to_vec(), "input", limits, &mut layers).map_err(
                |source| DecodeError::Peel {
                    at: Where {
                        origin: Origin::Pasted,
                        parameter: None,
                    },
                    source,
                },
            )?;
            c.push(raw(xml, Origin::Pasted, layers));
            return Ok("pasted XML".into());
        }
        _ => {}
    }

    let Ok(text) = core::str::from_utf8(trimmed) else {
        return Err(DecodeError::Unrecognised {
            reason: "the input is binary, not text".into(),
        });
    };
    let text = text.trim_end();
    // `is_ascii_control() && !is_ascii_whitespace()` without short-circuits, through the shared
    // vectorizing screen (a paste can be megabytes).
    let control = |b: u8| {
        ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != 0x0c) & (b != b'\r')) | (b == 0x7f)
    };
    if crate::xml::screen::first::<32>(text.as_bytes(), control).is_some() {
        return Err(DecodeError::Unrecognised {
            reason: "the input contains control characters".into(),
        });
    }

    if split::has_break(text) {
        let mut items = split::Items::new(text);
        match (items.next(), items.next()) {
            (Some(split::Item::Values { text: run, .. }), None) => {
                values(c, run, None);
                return Ok("pasted value".into());
            }
            (Some(split::Item::Line { .. }), None) => {}
            _ => return Ok(pieces(c, text)),
        }
    }
    one_line(c, text)
}

/// A paste of one line (or one line with blank lines around it), read as it always was: a
/// form it does not fit is an error, not noise.
fn one_line(c: &mut Collector<'_>, text: &str) -> Result<String, DecodeError> {
    if form::looks_like_url(text) {
        let (_, query) = form::split_url(text);
        let found = query_pairs(
            c,
            query.unwrap_or(""),
            Origin::RedirectUrl {
                url: text.to_string(),
            },
            Some(Binding::Redirect),
        );
        if !found {
            return Err(DecodeError::UrlWithoutSaml);
        }
        return Ok("URL".into());
    }
    if log_line(c, text, |o| o) {
        return Ok("log line".into());
    }

    let query = text.strip_prefix('?').unwrap_or(text);
    let is_form = form::pairs(query)
        .iter()
        .any(|p| Parameter::from_name(&p.name).is_some());
    if is_form {
        query_pairs(c, query, Origin::PostBody, None);
        return Ok("form body".into());
    }

    // A bare value: (URL-encoded) base64, DEFLATEd or not.
    c.take(bare(text, Origin::Pasted));
    Ok("pasted value".into())
}

/// The SAML-bearing request targets of an access-log line. Returns whether there was one.
fn log_line(c: &mut Collector<'_>, text: &str, origin: impl Fn(Origin) -> Origin) -> bool {
    let mut found = false;
    for t in split::log_targets(text) {
        let (_, query) = form::split_url(t.target);
        found |= query_pairs(
            c,
            query.unwrap_or(""),
            origin(Origin::LogLine {
                method: t.method.map(str::to_owned),
                target: t.target.to_owned(),
            }),
            Some(Binding::Redirect),
        );
    }
    found
}

/// A bare base64 value found at `origin`.
fn bare(text: &str, origin: Origin) -> Candidate<'_> {
    let (value, url_decoded) = form::base64_param(text);
    Candidate {
        at: Where {
            origin,
            parameter: None,
        },
        binding: None,
        value,
        layers: if url_decoded {
            vec![Layer::UrlDecoded]
        } else {
            Vec::new()
        },
        expect: Expect::Plain,
        relay_state: None,
        sig_alg: None,
        signature: None,
        signed_query: None,
    }
}

/// A pasted XML document.
fn raw(xml: String, origin: Origin, layers: Vec<Layer>) -> Decoded {
    Decoded {
        xml,
        binding: Binding::Raw,
        parameter: None,
        relay_state: None,
        sig_alg: None,
        signature: None,
        signed_query: None,
        origin,
        layers,
        duplicate_of: None,
    }
}

fn at_line(line: usize, within: Origin) -> Origin {
    Origin::Line {
        line,
        within: Box::new(within),
    }
}

/// A paste of several pieces ([`split`]): each is read on its own and names its line.
fn pieces(c: &mut Collector<'_>, text: &str) -> String {
    let all_values = split::Items::new(text).all(|i| matches!(i, split::Item::Values { .. }));
    if all_values && c.whole(text, Origin::Pasted) {
        return "pasted value".into();
    }
    for item in split::Items::new(text) {
        match item {
            split::Item::Xml { line, text } if html::is_html(text) => {
                html_page(c, text, &[], |action| {
                    at_line(line, Origin::HtmlForm { action })
                });
            }
            split::Item::Xml { line, text } => c.xml(text, at_line(line, Origin::Pasted)),
            split::Item::Values { line, text } => values(c, text, Some(line)),
            split::Item::Line { line, text } => {
                let origin = |o| at_line(line, o);
                let found = if form::looks_like_url(text) {
                    let (_, query) = form::split_url(text);
                    query_pairs(
                        c,
                        query.unwrap_or(""),
                        origin(Origin::RedirectUrl {
                            url: text.to_string(),
                        }),
                        Some(Binding::Redirect),
                    )
                } else if log_line(c, text, origin) {
                    true
                } else {
                    let query = text.strip_prefix('?').unwrap_or(text);
                    let is_form = form::pairs(query)
                        .iter()
                        .any(|p| Parameter::from_name(&p.name).is_some());
                    is_form && query_pairs(c, query, origin(Origin::PostBody), None)
                };
                if !found && let Some(parameter) = split::saml_marker(text) {
                    c.unread(
                        Where {
                            origin: origin(Origin::Pasted),
                            parameter: Some(parameter),
                        },
                        PeelError::UnreadLine { parameter },
                    );
                } else if !found && split::looks_like_value(text) {
                    c.take(bare(text, origin(Origin::Pasted)));
                }
            }
        }
    }
    format!(
        "pasted text of {} lines",
        split::breaks(text.as_bytes()) + 1
    )
}

/// A run of base64 lines ([`split::Item::Values`]) starting on `line` (`None`: the whole paste):
/// one value or one per line, as the module documentation says.
fn values(c: &mut Collector<'_>, text: &str, line: Option<usize>) {
    let one = || line.map_or(Origin::Pasted, |l| at_line(l, Origin::Pasted));
    let each = |offset: usize| at_line(line.unwrap_or(1) + offset, Origin::Pasted);
    if !split::has_break(text) {
        c.take(bare(text, one()));
        return;
    }
    if c.full() {
        // Refused already: counted, not decoded (the count is then a lower bound).
        c.seen += 1;
        return;
    }
    let (value, url_decoded) = form::base64_param(text);
    let mut layers = if url_decoded {
        vec![Layer::UrlDecoded]
    } else {
        Vec::new()
    };
    let whole = c.peel(&value, Expect::Plain, &mut layers, Whole::Required);
    if matches!(whole, Peeled::Xml(_) | Peeled::OverBudget) {
        c.seen += 1;
        c.record(bare(text, one()), layers, whole);
        return;
    }
    let mut lines = split::run_lines(text);
    let Some((_, first)) = lines.next() else {
        return;
    };
    let (first_value, first_decoded) = form::base64_param(first);
    let mut first_layers = if first_decoded {
        vec![Layer::UrlDecoded]
    } else {
        Vec::new()
    };
    let alone = c.peel(
        &first_value,
        Expect::Plain,
        &mut first_layers,
        Whole::Lenient,
    );
    match alone {
        Peeled::OverBudget => {}
        Peeled::Failed(_) if split::wrapped_shape(text) => {
            // A wrapped value, broken: one message, with the error of the value as a whole.
            c.seen += 1;
            c.record(bare(text, one()), layers, whole);
        }
        alone => {
            c.seen += 1;
            c.record(bare(first, each(0)), first_layers, alone);
            for (offset, l) in lines {
                c.take(bare(l, each(offset)));
            }
        }
    }
}

/// A SAML parameter value on its way to becoming a [`Decoded`].
struct Candidate<'a> {
    at: Where,
    /// `None`: infer from the layers (DEFLATEd → Redirect, else POST).
    binding: Option<Binding>,
    /// Base64 text, transport decoding already applied.
    value: Cow<'a, [u8]>,
    layers: Vec<Layer>,
    expect: Expect,
    relay_state: Option<String>,
    sig_alg: Option<String>,
    signature: Option<String>,
    signed_query: Option<String>,
}

/// How strictly a value is peeled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Whole {
    /// As one value may be sent: data after a DEFLATE stream is ignored.
    Lenient,
    /// As lines taken together must be to count as one value ([`payload::peel_whole`]).
    Required,
}

/// The outcome of peeling one value.
enum Peeled {
    Xml(String),
    Failed(PeelError),
    /// The input's inflate budget is spent: the input is refused.
    OverBudget,
}

struct Collector<'l> {
    limits: &'l DecodeLimits,
    out: Decoding,
    /// SAML values found, including those beyond `max_messages` (counted, not decoded).
    seen: usize,
    /// Inflated bytes this input may still produce.
    inflate_left: usize,
    /// A message would have inflated past `inflate_left`.
    over_budget: bool,
}

impl Collector<'_> {
    /// Whether no further message is decoded: the count is over its limit or the inflate
    /// budget is spent. Scanning goes on only to count what the refusal reports.
    fn full(&self) -> bool {
        self.seen > self.limits.max_messages || self.over_budget
    }

    /// Counts a decoded message and keeps it unless the input is already refused.
    fn push(&mut self, d: Decoded) {
        self.seen += 1;
        if !self.full() {
            self.keep(d);
        }
    }

    fn keep(&mut self, mut d: Decoded) {
        d.duplicate_of = self.out.messages.iter().position(|m| m.xml == d.xml);
        self.out.messages.push(d);
    }

    /// Counts a message that was found but cannot be read.
    fn unread(&mut self, at: Where, error: PeelError) {
        self.seen += 1;
        if !self.full() {
            self.out.findings.push(Finding::Undecodable { at, error });
        }
    }

    /// One XML document of a paste of several.
    fn xml(&mut self, text: &str, origin: Origin) {
        self.seen += 1;
        if self.full() {
            return;
        }
        let mut layers = Vec::new();
        match payload::xml_text(text.as_bytes().to_vec(), "input", self.limits, &mut layers) {
            Ok(xml) => self.keep(raw(xml, origin, layers)),
            Err(error) => self.out.findings.push(Finding::Undecodable {
                at: Where {
                    origin,
                    parameter: None,
                },
                error,
            }),
        }
    }

    /// A paste of base64 lines and blank lines taken whole: kept when it is exactly one
    /// message. Returns whether it was.
    fn whole(&mut self, text: &str, origin: Origin) -> bool {
        let (value, url_decoded) = form::base64_param(text);
        let mut layers = if url_decoded {
            vec![Layer::UrlDecoded]
        } else {
            Vec::new()
        };
        match self.peel(&value, Expect::Plain, &mut layers, Whole::Required) {
            Peeled::Failed(_) => false,
            peeled => {
                self.seen += 1;
                self.record(bare(text, origin), layers, peeled);
                true
            }
        }
    }

    /// Peels one value within what the input may still inflate; inflated output is spent from
    /// it only when the value decodes.
    fn peel(
        &mut self,
        value: &[u8],
        expect: Expect,
        layers: &mut Vec<Layer>,
        whole: Whole,
    ) -> Peeled {
        // One message inflates at most to the smaller of its own limit and what the input has
        // left; reaching the input's bound refuses the input, not just this value.
        let budgeted = self.inflate_left < self.limits.max_inflate;
        let limits = DecodeLimits {
            max_inflate: self.limits.max_inflate.min(self.inflate_left),
            ..*self.limits
        };
        let result = match whole {
            Whole::Lenient => payload::peel_base64(value, expect, &limits, layers),
            Whole::Required => payload::peel_whole(value, &limits, layers),
        };
        match result {
            Ok(xml) => {
                if layers
                    .iter()
                    .any(|l| matches!(l, Layer::Inflated | Layer::ZlibInflated))
                {
                    self.inflate_left = self.inflate_left.saturating_sub(xml.len());
                }
                Peeled::Xml(xml)
            }
            Err(PeelError::InflateLimit { .. }) if budgeted => {
                self.over_budget = true;
                Peeled::OverBudget
            }
            Err(error) => Peeled::Failed(error),
        }
    }

    /// Keeps a peeled value as a message, or its failure as a finding (the value has been
    /// counted by the caller).
    fn record(&mut self, cand: Candidate<'_>, layers: Vec<Layer>, peeled: Peeled) -> bool {
        match peeled {
            Peeled::Xml(xml) if !self.full() => {
                let inflated = layers
                    .iter()
                    .any(|l| matches!(l, Layer::Inflated | Layer::ZlibInflated));
                let binding = cand.binding.unwrap_or(if inflated {
                    Binding::Redirect
                } else {
                    Binding::Post
                });
                self.keep(Decoded {
                    xml,
                    binding,
                    parameter: cand.at.parameter,
                    relay_state: cand.relay_state,
                    sig_alg: cand.sig_alg,
                    signature: cand.signature,
                    signed_query: cand.signed_query,
                    origin: cand.at.origin,
                    layers,
                    duplicate_of: None,
                });
                true
            }
            Peeled::Failed(error) if !self.full() => {
                self.out
                    .findings
                    .push(Finding::Undecodable { at: cand.at, error });
                false
            }
            _ => false,
        }
    }

    /// Peels one candidate; failures become findings (the caller decides at the end).
    fn take(&mut self, cand: Candidate<'_>) -> bool {
        self.seen += 1;
        if self.full() {
            return false;
        }
        let placeholder = core::str::from_utf8(&cand.value)
            .ok()
            .filter(|v| payload::redaction_placeholder(v));
        if let Some(p) = placeholder {
            self.out.findings.push(Finding::Redacted {
                at: cand.at,
                placeholder: p.trim().to_string(),
            });
            return false;
        }
        let mut layers = cand.layers.clone();
        let peeled = self.peel(&cand.value, cand.expect, &mut layers, Whole::Lenient);
        self.record(cand, layers, peeled)
    }

    fn finish(self, what: impl FnOnce() -> String) -> Result<Decoding, DecodeError> {
        if !self.out.messages.is_empty() {
            return Ok(self.out);
        }
        let mut undecodable = None;
        for f in self.out.findings {
            match f {
                Finding::Redacted { at, placeholder } => {
                    return Err(DecodeError::Redacted { at, placeholder });
                }
                Finding::Undecodable { at, error } => {
                    undecodable.get_or_insert(DecodeError::Peel { at, source: error });
                }
                Finding::TracerFallback { .. } | Finding::HtmlEscapedQuery { .. } => {}
            }
        }
        Err(undecodable.unwrap_or_else(|| DecodeError::NoSaml { what: what() }))
    }
}

/// Handles the SAML parameters of a query string or form body. Returns whether any was present.
fn query_pairs(
    c: &mut Collector<'_>,
    query: &str,
    origin: Origin,
    binding: Option<Binding>,
) -> bool {
    // `&amp;` only ever stands for a separator: inside a value `&` is `%26`, and no parameter
    // is named `amp;…`.
    let query: Cow<'_, str> = if memchr::memmem::find(query.as_bytes(), b"&amp;").is_some() {
        Cow::Owned(query.replace("&amp;", "&"))
    } else {
        Cow::Borrowed(query)
    };
    let pairs = form::pairs(&query);
    let find = |n: &str| pairs.iter().find(|p| p.name == n);
    let relay_state = find("RelayState").map(|p| form::form_decode(p.raw_value));
    let sig_alg = find("SigAlg").map(|p| form::form_decode(p.raw_value));
    let signature = find("Signature").map(|p| {
        let (v, _) = form::base64_param(p.raw_value);
        String::from_utf8_lossy(&v)
            .split_whitespace()
            .collect::<String>()
    });
    let expect = if binding == Some(Binding::Redirect) || sig_alg.is_some() {
        Expect::Deflated
    } else {
        Expect::Plain
    };
    // SAML Bindings §3.4.4.1 signs one value of each parameter: when one repeats, which value
    // was signed is up to whoever reads the query, so no signed octets are given (and the
    // signature check refuses rather than pick).
    let repeated = [
        "SAMLRequest",
        "SAMLResponse",
        "RelayState",
        "SigAlg",
        "Signature",
    ]
    .iter()
    .any(|n| pairs.iter().filter(|p| p.name == *n).count() > 1);
    let mut found = false;
    for p in pairs.iter() {
        let Some(parameter) = Parameter::from_name(&p.name) else {
            continue;
        };
        found = true;
        // SAML Bindings §3.4.4.1: the signature covers the parameters as they were encoded.
        let signed_query = signature.as_ref().filter(|_| !repeated).map(|_| {
            let mut q = format!("{}={}", p.raw_name, p.raw_value);
            for name in ["RelayState", "SigAlg"] {
                if let Some(x) = find(name) {
                    q.push_str(&format!("&{}={}", x.raw_name, x.raw_value));
                }
            }
            q
        });
        let (value, url_decoded) = form::base64_param(p.raw_value);
        c.take(Candidate {
            at: Where {
                origin: origin.clone(),
                parameter: Some(parameter),
            },
            binding,
            value,
            layers: if url_decoded {
                vec![Layer::UrlDecoded]
            } else {
                Vec::new()
            },
            expect,
            relay_state: relay_state.clone(),
            sig_alg: sig_alg.clone(),
            signature: signature.clone(),
            signed_query,
        });
    }
    if found && matches!(query, Cow::Owned(_)) && !c.full() {
        c.out.findings.push(Finding::HtmlEscapedQuery {
            at: Where {
                origin,
                parameter: None,
            },
        });
    }
    found
}

/// Scans an HTML page for SAML form fields. Returns the number of `<input>`s seen.
fn html_page(
    c: &mut Collector<'_>,
    text: &str,
    pre: &[Layer],
    origin: impl Fn(Option<String>) -> Origin,
) -> usize {
    let inputs = html::inputs(text);
    let relay_state = inputs
        .iter()
        .find(|i| i.name == "RelayState")
        .map(|i| i.value.clone());
    for input in &inputs {
        let Some(parameter) = Parameter::from_name(&input.name) else {
            continue;
        };
        // Some templates also URL-encode the value; base64 never contains `%`.
        let (value, url_decoded) = form::base64_param(&input.value);
        let mut layers = pre.to_vec();
        if input.entities {
            layers.push(Layer::HtmlEntities);
        }
        if url_decoded {
            layers.push(Layer::UrlDecoded);
        }
        c.take(Candidate {
            at: Where {
                origin: origin(input.form_action.clone()),
                parameter: Some(parameter),
            },
            binding: Some(Binding::Post),
            value: Cow::Owned(value.into_owned()),
            layers,
            expect: Expect::Plain,
            relay_state: relay_state.clone(),
            sig_alg: None,
            signature: None,
            signed_query: None,
        });
    }
    inputs.len()
}

/// HAR or SAML-tracer. Returns a description of the container for "no SAML found".
fn json(c: &mut Collector<'_>, bytes: &[u8]) -> Result<String, DecodeError> {
    #[derive(serde::Deserialize)]
    struct Probe {
        log: Option<serde::de::IgnoredAny>,
        requests: Option<serde::de::IgnoredAny>,
    }
    let probe: Probe = serde_json::from_slice(bytes).map_err(|e| json_error("JSON", &e))?;
    if probe.log.is_some() {
        har::scan(c, bytes)
    } else if probe.requests.is_some() {
        tracer::scan(c, bytes)
    } else {
        Err(DecodeError::UnknownJson)
    }
}

fn json_error(kind: &'static str, e: &serde_json::Error) -> DecodeError {
    let reason = e.to_string();
    // serde_json appends " at line L column C"; keep the reason short.
    let reason = reason
        .split(" at line ")
        .next()
        .unwrap_or_default()
        .to_string();
    DecodeError::Json {
        kind,
        line: e.line(),
        column: e.column(),
        reason,
    }
}
