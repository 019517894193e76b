//! `EncryptedID` and `EncryptedAttribute` inside an assertion (saml-core §2.2.4, §2.7.3.2),
//! decrypted with the SP key once per validation, before the profile checks and the identity
//! read them.
//!
//! The ciphertext is inside the assertion, so the assertion's signature covers it, and the
//! plaintext is exactly as trusted as the assertion it came in (verified, or the clearly
//! labelled unverified preview). Each plaintext is parsed as its own document, never spliced
//! into the signed tree, and read by the same functions as a plain NameID or Attribute.

use super::Policy;
use crate::checks::CheckId as C;
use crate::report::Check;
use crate::saml::{Identity, attribute_at, name_id_at};
use crate::xenc::{EncryptedElement, XencError, decrypt_to_document};
use crate::xml::ns::SAML;
use crate::xml::{Document, NodeId};

/// More `EncryptedAttribute`s than this in one assertion is refused: each costs an RSA private
/// key operation, and no IdP sends that many (a paste could otherwise make the page spend
/// seconds per keystroke).
pub(super) const MAX_ENCRYPTED_ATTRIBUTES: usize = 32;

/// The fix for anything encrypted that could not be read, in the admin's words.
pub(super) const KEY_HINT: &str = "Give samlscope the service provider's private key (the key of the \
    certificate the IdP encrypts for: --sp-key, or the page's SP private key field). If that \
    key is given and decryption still fails, the IdP encrypts for another certificate: upload \
    the SP's current certificate to the IdP's application settings.";

/// The fix for a plaintext that decrypted (and was authenticated) but is not one element of the
/// wrapped kind: the key is right, so asking for it would send the admin the wrong way.
pub const PLAINTEXT_HINT: &str = "The SP key is right: the IdP's encryption was \
    decrypted and authenticated. What was encrypted is not one bare SAML element (no XML \
    declaration, no DOCTYPE, nothing before or after it), which no IdP setting produces: the IdP \
    is broken or the message was built by hand. Do not accept it; report it to whoever runs the \
    IdP.";

/// The fix for a refused encrypted element: the plaintext's, or the key's.
pub(super) fn hint(e: &XencError) -> &'static str {
    match e {
        XencError::MalformedPlaintext { .. } => PLAINTEXT_HINT,
        _ => KEY_HINT,
    }
}

/// One encrypted element of the assertion and what became of it.
pub(super) struct Part {
    /// The wrapper in the message: what the report points at.
    pub node: NodeId,
    pub plain: Result<Document, PartError>,
    /// Weak algorithms it was decrypted with (AES-CBC), in the admin's words.
    pub weak: Vec<String>,
}

pub(super) enum PartError {
    /// The policy has no SP key.
    NoKey,
    /// Refused structure or algorithms, or the uniform decryption failure.
    Refused(XencError),
}

/// The assertion's encrypted identifier and attributes, decrypted when the policy has a key.
#[derive(Default)]
pub(super) struct EncryptedParts {
    /// The Subject's EncryptedID (`None` when its Subject has none).
    pub name_id: Option<Part>,
    /// Every EncryptedAttribute of its AttributeStatements, in document order.
    pub attributes: Vec<Part>,
    /// More EncryptedAttributes than [`MAX_ENCRYPTED_ATTRIBUTES`]: none was decrypted.
    pub too_many_attributes: Option<usize>,
}

impl EncryptedParts {
    /// Finds and decrypts the encrypted parts of `assertion` (an element of `doc`).
    pub fn decrypt(doc: &Document, assertion: NodeId, policy: &Policy) -> Self {
        let part = |node, kind| {
            let (plain, weak) = match decrypt(doc, node, kind, policy) {
                Ok((d, weak)) => (Ok(d), weak),
                Err(e) => (Err(e), Vec::new()),
            };
            Part { node, plain, weak }
        };
        let name_id = doc
            .children_named(assertion, SAML, "Subject")
            .next()
            .and_then(|s| doc.children_named(s, SAML, "EncryptedID").next())
            .map(|n| part(n, EncryptedElement::NameId));
        let wrappers: Vec<NodeId> = doc
            .children_named(assertion, SAML, "AttributeStatement")
            .flat_map(|st| doc.children_named(st, SAML, "EncryptedAttribute"))
            .collect();
        if wrappers.len() > MAX_ENCRYPTED_ATTRIBUTES {
            return Self {
                name_id,
                attributes: Vec::new(),
                too_many_attributes: Some(wrappers.len()),
            };
        }
        Self {
            name_id,
            attributes: wrappers
                .into_iter()
                .map(|n| part(n, EncryptedElement::Attribute))
                .collect(),
            too_many_attributes: None,
        }
    }

    /// The `attributes.encrypted` check; none when the assertion has no EncryptedAttribute.
    pub fn attributes_check(&self, doc: &Document) -> Option<Check> {
        if let Some(n) = self.too_many_attributes {
            return Some(
                Check::fail(
                    C::AttributesEncrypted,
                    format!(
                        "{n} EncryptedAttribute elements: more than {MAX_ENCRYPTED_ATTRIBUTES} is \
                         refused, and none was decrypted"
                    ),
                )
                .fix("Configure the IdP to send fewer encrypted attributes (or none encrypted: the whole assertion can be encrypted instead)."),
            );
        }
        let first = self.attributes.first()?;
        let all = self.attributes.len();
        let refused = self.attributes.iter().find_map(|p| match &p.plain {
            Err(PartError::Refused(e)) => Some((p.node, e)),
            _ => None,
        });
        Some(match (refused, &first.plain) {
            (Some((node, e)), _) => Check::fail(
                C::AttributesEncrypted,
                format!(
                    "an EncryptedAttribute: {}",
                    message(EncryptedElement::Attribute, e)
                ),
            )
            .span(doc.span(node))
            .fix(hint(e)),
            (None, Err(_)) => Check::warn(
                C::AttributesEncrypted,
                format!(
                    "{all} attribute{} encrypted (EncryptedAttribute) and not shown: give the SP \
                     private key to read {}",
                    if all == 1 { " is" } else { "s are" },
                    if all == 1 { "it" } else { "them" }
                ),
            )
            .span(doc.span(first.node))
            .fix(KEY_HINT),
            (None, Ok(_)) if self.attributes.iter().any(|p| !p.weak.is_empty()) => Check::warn(
                C::AttributesEncrypted,
                format!(
                    "decrypted, but with weak algorithms: {}",
                    self.attributes
                        .iter()
                        .find_map(|p| p.weak.first())
                        .map_or("", String::as_str)
                ),
            )
            .span(doc.span(first.node)),
            (None, Ok(_)) => Check::pass(
                C::AttributesEncrypted,
                format!(
                    "{all} encrypted attribute{} decrypted with the SP key",
                    if all == 1 { "" } else { "s" }
                ),
            )
            .span(doc.span(first.node)),
        })
    }

    /// Every decrypted part: the wrapper in the message and the plaintext document.
    pub fn decrypted(&self) -> impl Iterator<Item = (NodeId, &Document)> {
        self.name_id
            .iter()
            .chain(&self.attributes)
            .filter_map(|p| Some((p.node, p.plain.as_ref().ok()?)))
    }

    fn decrypted_attributes(&self) -> impl Iterator<Item = (NodeId, &Document)> {
        self.attributes
            .iter()
            .filter_map(|p| Some((p.node, p.plain.as_ref().ok()?)))
    }

    /// Adds what was decrypted to an identity read from the same assertion: the NameID when the
    /// Subject had only an EncryptedID, and each decrypted attribute, in the order sent (plain
    /// attributes first). Spans point at the wrappers in the message.
    pub fn fill(&self, doc: &Document, identity: &mut Identity) {
        if identity.name_id.is_none()
            && let Some(Part {
                node, plain: Ok(d), ..
            }) = &self.name_id
        {
            let mut name_id = name_id_at(d, d.root());
            name_id.encrypted = true;
            name_id.span = doc.span(*node);
            identity.name_id = Some(name_id);
        }
        for (node, d) in self.decrypted_attributes() {
            let mut a = attribute_at(d, d.root());
            a.encrypted = true;
            a.span = doc.span(node);
            identity.attributes.push(a);
        }
    }
}

/// A refused or failed decryption in words that name the wrapper.
pub(super) fn message(kind: EncryptedElement, e: &XencError) -> String {
    match e {
        XencError::DecryptionFailed => format!(
            "the {} could not be decrypted with the SP key",
            kind.wrapper()
        ),
        other => other.to_string(),
    }
}

/// The plaintext document and the weaknesses of how it was encrypted.
fn decrypt(
    doc: &Document,
    node: NodeId,
    kind: EncryptedElement,
    policy: &Policy,
) -> Result<(Document, Vec<String>), PartError> {
    let key = policy.sp_key.as_ref().ok_or(PartError::NoKey)?;
    let (plain, d) = decrypt_to_document(doc, node, kind, key, &policy.decryption_rules())
        .map_err(PartError::Refused)?;
    Ok((d, plain.weak))
}
