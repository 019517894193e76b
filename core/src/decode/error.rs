//! Typed decode failures. `PeelError` says what went wrong while peeling one value (which layer,
//! which offset); `DecodeError` says where in the input that value was.

use serde::Serialize;
use thiserror::Error;

use super::{Origin, Parameter};

/// Where a value sits in the input: the container it was found in and the form parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Where {
    pub origin: Origin,
    pub parameter: Option<Parameter>,
}

impl core::fmt::Display for Where {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.parameter {
            Some(p) => write!(f, "{} in {}", p.as_str(), self.origin),
            None => write!(f, "{}", self.origin),
        }
    }
}

/// Which inflate format was being tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InflateFormat {
    /// RFC 1951 raw DEFLATE (what the Redirect binding mandates).
    Raw,
    /// RFC 1950 zlib wrapper (what some broken senders use).
    Zlib,
}

impl InflateFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Raw => "raw DEFLATE",
            Self::Zlib => "zlib",
        }
    }
}

/// A failure while peeling one value down to XML.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PeelError {
    #[error("the value is empty")]
    EmptyValue,
    #[error(
        "base64: character {found:?} at offset {offset} is not in the standard base64 alphabet (A-Z a-z 0-9 + / =)"
    )]
    Base64InvalidChar { offset: usize, found: char },
    #[error(
        "base64: {len} characters (without whitespace) is not a multiple of 4 and has no padding — the value looks truncated (cut off when copying?)"
    )]
    Base64Truncated { len: usize },
    #[error("base64: misplaced '=' padding at offset {offset}")]
    Base64Padding { offset: usize },
    #[error(
        "base64: the last character at offset {offset} has non-zero unused bits (corrupted or truncated value)"
    )]
    Base64TrailingBits { offset: usize },
    #[error(
        "base64: would decode to about {decoded} bytes, above the {limit}-byte message limit (refused before decoding)"
    )]
    Base64TooLarge { decoded: usize, limit: usize },
    #[error("{format}: {reason}", format = format.as_str())]
    Inflate {
        format: InflateFormat,
        reason: String,
    },
    #[error(
        "{format}: inflated data exceeds the {limit}-byte limit (deflate bomb? refused without inflating further)",
        format = format.as_str()
    )]
    InflateLimit { format: InflateFormat, limit: usize },
    #[error(
        "after {after}, the bytes are neither XML nor raw-DEFLATE/zlib data (they start with {start})"
    )]
    NotXml { after: &'static str, start: String },
    #[error("after {after}, the data is UTF-16; SAML messages must be UTF-8")]
    Utf16 { after: &'static str },
    #[error("after {after}, invalid UTF-8 at byte offset {offset}")]
    InvalidUtf8 { after: &'static str, offset: usize },
    #[error(
        "after {after}, the XML ends mid-document (…{tail:?}): the value was probably truncated when copying"
    )]
    TruncatedXml { after: &'static str, tail: String },
    #[error("decoded XML is {size} bytes, above the {limit}-byte message limit")]
    MessageTooLarge { size: usize, limit: usize },
    #[error(
        "{format}: {bytes} bytes follow the end of the compressed stream (several values run together? put each on a line of its own)",
        format = format.as_str()
    )]
    TrailingData { format: InflateFormat, bytes: usize },
    #[error(
        "after {after}, the text holds more than one XML document (several values run together? put each on a line of its own)"
    )]
    SeveralDocuments { after: &'static str },
    #[error(
        "the line holds {name}= but in no form samlscope reads (a URL, an access-log line, a form body or a base64 value)",
        name = parameter.as_str()
    )]
    UnreadLine { parameter: Parameter },
}

/// Which aggregate inflate bound was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BudgetScope {
    /// [`super::DecodeLimits::max_inflated_total`] of one input.
    Input,
    /// The [`super::InflateBudget`] shared by a stream of inputs.
    Stream,
}

/// Why an input could not be turned into any SAML message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    #[error("input is empty")]
    Empty,
    #[error(
        "the input holds {found} SAML messages, above the limit of {limit} per input: it is refused \
         whole rather than checked in part (split it into smaller inputs)"
    )]
    TooManyMessages { found: usize, limit: usize },
    #[error(
        "the input's compressed messages inflate to more than {limit} bytes together{}: refused \
         whole rather than checked in part (deflate bomb?)",
        match scope { BudgetScope::Input => " (limit per input)", BudgetScope::Stream => " (budget of this stream of inputs)" }
    )]
    InflateBudget { limit: usize, scope: BudgetScope },
    #[error("input is {size} bytes, above the {limit}-byte input limit")]
    InputTooLarge { size: usize, limit: usize },
    #[error("{at}: {source}")]
    Peel { at: Where, source: PeelError },
    #[error(
        "{at} is redacted (value {placeholder:?}): capture it again without sanitising SAML parameters"
    )]
    Redacted { at: Where, placeholder: String },
    #[error(
        "this is an HTML page but it has no SAMLResponse/SAMLRequest form field ({inputs} input fields seen)"
    )]
    HtmlWithoutSaml { inputs: usize },
    #[error("the URL has no SAMLRequest or SAMLResponse query parameter")]
    UrlWithoutSaml,
    #[error("{what}: no SAMLRequest/SAMLResponse found")]
    NoSaml { what: String },
    #[error("JSON ({kind}) at line {line}, column {column}: {reason}")]
    Json {
        kind: &'static str,
        line: usize,
        column: usize,
        reason: String,
    },
    #[error(
        "JSON input is neither a HAR file (no \"log\") nor a SAML-tracer export (no \"requests\")"
    )]
    UnknownJson,
    #[error(
        "text is not XML, base64, a URL, a form body, HTML, HAR or a SAML-tracer export: {reason}"
    )]
    Unrecognised { reason: String },
}
