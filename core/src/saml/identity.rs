//! Identity read from a [`VerifiedAssertion`] — never from the document at large.
//!
//! Values are the concatenation of all text and CDATA children; a comment inside a value is
//! skipped but never ends it (`alice@evil.com<!---->.example.com` is that whole string;
//! CVE-2017-11427 family), and its presence is reported.

use super::verified::VerifiedAssertion;
use crate::xml::ns::SAML;
use crate::xml::{Document, NodeId, Span};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NameId {
    pub value: String,
    pub format: Option<String>,
    pub name_qualifier: Option<String>,
    pub sp_name_qualifier: Option<String>,
    /// A comment inside the value (comment-injection attempt or an odd IdP).
    pub comment_inside: bool,
    /// Sent as an `EncryptedID` and decrypted with the SP key (`span` is then the EncryptedID's).
    pub encrypted: bool,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Attribute {
    pub name: String,
    pub name_format: Option<String>,
    pub friendly_name: Option<String>,
    pub values: Vec<String>,
    pub comment_inside: bool,
    /// Sent as an `EncryptedAttribute` and decrypted with the SP key (`span` is then the
    /// EncryptedAttribute's).
    pub encrypted: bool,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Identity {
    pub name_id: Option<NameId>,
    pub attributes: Vec<Attribute>,
    pub session_index: Option<String>,
    pub authn_instant: Option<String>,
    pub session_not_on_or_after: Option<String>,
    pub authn_context_class: Option<String>,
}

fn attr(doc: &Document, id: NodeId, name: &str) -> Option<String> {
    doc.element(id)
        .and_then(|e| e.attr(name))
        .map(str::to_owned)
}

fn has_comment_below(doc: &Document, id: NodeId) -> bool {
    doc.descendants(id)
        .any(|n| matches!(doc.node(n).kind, crate::xml::NodeKind::Comment(_)))
}

impl VerifiedAssertion<'_> {
    /// The subject, attributes and session of the verified assertion.
    pub fn identity(&self) -> Identity {
        read_identity(self.document(), self.node())
    }
}

/// Reads identity from any assertion node. Crate-private on purpose: outside the core, identity
/// comes only from a [`VerifiedAssertion`]; the report uses this for the clearly labelled
/// "unverified" preview of a message that failed.
pub(crate) fn read_identity(doc: &Document, a: NodeId) -> Identity {
    {
        let mut out = Identity::default();
        if let Some(subject) = doc.children_named(a, SAML, "Subject").next() {
            out.name_id = doc
                .children_named(subject, SAML, "NameID")
                .next()
                .map(|n| name_id_at(doc, n));
        }
        for st in doc.children_named(a, SAML, "AttributeStatement") {
            for at in doc.children_named(st, SAML, "Attribute") {
                out.attributes.push(attribute_at(doc, at));
            }
        }
        if let Some(st) = doc.children_named(a, SAML, "AuthnStatement").next() {
            out.session_index = attr(doc, st, "SessionIndex");
            out.authn_instant = attr(doc, st, "AuthnInstant");
            out.session_not_on_or_after = attr(doc, st, "SessionNotOnOrAfter");
            out.authn_context_class = doc
                .children_named(st, SAML, "AuthnContext")
                .next()
                .and_then(|c| doc.children_named(c, SAML, "AuthnContextClassRef").next())
                .map(|r| doc.text_cow(r).trim().to_owned());
        }
        out
    }
}

/// The `saml:NameID` element `n` of `doc` (a plain one, or the plaintext of an EncryptedID).
pub(crate) fn name_id_at(doc: &Document, n: NodeId) -> NameId {
    NameId {
        value: doc.text(n),
        format: attr(doc, n, "Format"),
        name_qualifier: attr(doc, n, "NameQualifier"),
        sp_name_qualifier: attr(doc, n, "SPNameQualifier"),
        comment_inside: has_comment_below(doc, n),
        encrypted: false,
        span: doc.span(n),
    }
}

/// The `saml:Attribute` element `at` of `doc` (a plain one, or the plaintext of an
/// EncryptedAttribute).
pub(crate) fn attribute_at(doc: &Document, at: NodeId) -> Attribute {
    let values: Vec<NodeId> = doc.children_named(at, SAML, "AttributeValue").collect();
    Attribute {
        name: attr(doc, at, "Name").unwrap_or_default(),
        name_format: attr(doc, at, "NameFormat"),
        friendly_name: attr(doc, at, "FriendlyName"),
        values: values.iter().map(|&v| doc.text(v)).collect(),
        comment_inside: values.iter().any(|&v| has_comment_below(doc, v)),
        encrypted: false,
        span: doc.span(at),
    }
}
