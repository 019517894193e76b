//! The Report: the one contract between the core and every face (CLI JSON, the page, the demo
//! SP, the mock IdP's scenario checks). Serialized with serde; field names are stable.

use crate::checks::CheckId;
use crate::saml::{Identity, MessageKind};
use crate::trust::CertificateInfo;
use crate::xml::Span;
use std::sync::Arc;

/// `valid` only if no check failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Valid,
    Invalid,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Invalid => "invalid",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    /// Works, but is fragile or weak; never changes the verdict.
    Warn,
    /// Not evaluated (no input for it, e.g. no request ID, or an earlier failure).
    Skipped,
}

/// One check's outcome, with what a person needs to act on it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Check {
    pub id: CheckId,
    pub status: Status,
    /// One line saying what happened.
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
    /// Where in the decoded XML (byte offsets into `Report::xml`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// What to change, in the IdP admin's words (for JumpCloud: which console field).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Check {
    pub fn new(id: CheckId, status: Status, message: impl Into<String>) -> Self {
        Self {
            id,
            status,
            message: message.into(),
            expected: None,
            found: None,
            span: None,
            fix: None,
        }
    }
    pub fn pass(id: CheckId, message: impl Into<String>) -> Self {
        Self::new(id, Status::Pass, message)
    }
    pub fn fail(id: CheckId, message: impl Into<String>) -> Self {
        Self::new(id, Status::Fail, message)
    }
    pub fn warn(id: CheckId, message: impl Into<String>) -> Self {
        Self::new(id, Status::Warn, message)
    }
    pub fn skipped(id: CheckId, message: impl Into<String>) -> Self {
        Self::new(id, Status::Skipped, message)
    }
    pub fn expected(mut self, v: impl Into<String>) -> Self {
        self.expected = Some(v.into());
        self
    }
    pub fn found(mut self, v: impl Into<String>) -> Self {
        self.found = Some(v.into());
        self
    }
    pub fn span(mut self, s: Span) -> Self {
        self.span = Some(s);
        self
    }
    pub fn fix(mut self, f: impl Into<String>) -> Self {
        self.fix = Some(f.into());
        self
    }
    pub fn fix_opt(mut self, f: Option<String>) -> Self {
        self.fix = f;
        self
    }
}

/// A region of the decoded XML covered by a verified signature.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SignedRegion {
    /// `response`, `assertion` or (for a signed AuthnRequest) `request`.
    pub element: &'static str,
    pub span: Span,
    pub signature_span: Span,
    /// The spans point into [`Report::decrypted_assertion`], not into [`Report::xml`].
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub in_decrypted_assertion: bool,
}

/// A certificate as shown on a card, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CertificateCard {
    /// `trusted` (configured), `keyinfo` (carried in the message).
    pub role: &'static str,
    #[serde(flatten)]
    pub info: Arc<CertificateInfo>,
    /// For KeyInfo certificates: whether it is exactly one of the trusted ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matches_trusted: Option<bool>,
}

/// The validity window of the assertion against `now`, for the time bar.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TimeWindow {
    pub now: String,
    pub skew_seconds: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue_instant: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_before: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_on_or_after: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject_not_on_or_after: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    pub verdict: Verdict,
    pub message_kind: MessageKind,
    /// The verified NameID (absent unless the assertion was verified).
    pub name_id: Option<String>,
    /// Identity read from the verified assertion only.
    pub identity: Option<Identity>,
    /// When nothing verified: what the message *claims*, for diagnosis. Never trusted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unverified_identity: Option<Identity>,
    pub issuer: Option<String>,
    /// Whether the message came from JumpCloud (fix hints then name its console fields).
    pub jumpcloud: bool,
    pub checks: Vec<Check>,
    pub certificates: Vec<CertificateCard>,
    pub signed_regions: Vec<SignedRegion>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_window: Option<TimeWindow>,
    /// The XML the spans point into.
    pub xml: String,
    /// The decrypted Assertion when the message carried an EncryptedAssertion; spans of the
    /// assertion's checks point into this text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decrypted_assertion: Option<String>,
}

impl Report {
    /// A report for input that never reached the checks (decode or parse failure).
    pub fn rejected(check: Check, xml: String) -> Self {
        Self {
            verdict: Verdict::Invalid,
            message_kind: MessageKind::Other,
            name_id: None,
            identity: None,
            unverified_identity: None,
            issuer: None,
            jumpcloud: false,
            checks: vec![check],
            certificates: Vec::new(),
            signed_regions: Vec::new(),
            time_window: None,
            xml,
            decrypted_assertion: None,
        }
    }

    /// Recomputes the verdict from the checks: valid only if none failed.
    pub fn settle(&mut self) {
        self.verdict = if self.checks.iter().any(|c| c.status == Status::Fail) {
            Verdict::Invalid
        } else {
            Verdict::Valid
        };
        if self.verdict == Verdict::Invalid {
            // Identity is only ever reported for a valid message.
            if self.identity.is_some() && self.unverified_identity.is_none() {
                self.unverified_identity = self.identity.take();
            }
            self.identity = None;
            self.name_id = None;
        }
    }

    pub fn failed(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| c.status == Status::Fail)
    }

    pub fn check(&self, id: CheckId) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }

    pub fn to_json(&self) -> String {
        json_line_safe(
            serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}")),
        )
    }
}

/// JSON text with U+2028 and U+2029 written as escapes. JSON allows them raw inside strings, but
/// JavaScript line readers and many log tools take them for line ends and would split one
/// report in two. They can only occur inside strings, so replacing them anywhere is exact.
pub fn json_line_safe(json: String) -> String {
    if !json.contains(['\u{2028}', '\u{2029}']) {
        return json;
    }
    json.replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}
