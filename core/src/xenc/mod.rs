//! XML Encryption (xmlenc) for SAML `EncryptedAssertion` (validator-spec §H, attacks §1.10).
//!
//! Encryption is not authentication: anyone can encrypt for the SP's public key, so a decrypted
//! assertion goes through the same structure and signature checks as a plain one, as a
//! standalone document (never the pre-decryption tree).
//!
//! What this module refuses, and why:
//! - RSA PKCS#1 v1.5 key transport (`xmlenc#rsa-1_5`): Bleichenbacher's oracle, and the
//!   "backwards compatibility" attacks (Jager, Paterson, Somorovsky, NDSS 2013).
//! - AES-CBC unless the policy allows it, and then it is reported weak: the padding/parsing
//!   oracle of Jager & Somorovsky, CCS 2011 *How to Break XML Encryption*.
//! - Any distinguishable failure after the structure and algorithm checks: wrong key, bad OAEP,
//!   bad GCM tag, bad CBC padding, non-UTF-8 or unparsable plaintext all give the one
//!   [`XencError::DecryptionFailed`] with one message, so nothing can serve as an oracle. The
//!   one exception is a plaintext that AES-GCM authenticated: whoever made it holds the content
//!   key and knows what they encrypted, so [`XencError::MalformedPlaintext`] says what is wrong
//!   with it. Under CBC the same plaintext gets the uniform error (the format oracle).
//!
//! Sans-IO like the rest of core: decryption needs no randomness (RSA blinding is derived from
//! the key and ciphertext, see [`SeedStream`]).

mod algorithm;
mod cipher;
mod decrypt;
mod namespaces;
mod rng;

pub use algorithm::{DataEncryption, KeyTransport, OaepDigest};
pub use cipher::content_decrypt;
pub(crate) use decrypt::decrypt_to_document;
pub use decrypt::{Decrypted, DecryptionKey, XencRules, decrypt_assertion, decrypt_element};
pub use namespaces::inherit as inherit_namespaces;
pub use rng::SeedStream;

/// SAML's `EncryptedElementType` wrappers (saml-core §2.2.4, §2.3.4, §2.7.3.2): each holds one
/// `xenc:EncryptedData` whose plaintext is exactly one element of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum EncryptedElement {
    /// `saml:EncryptedAssertion` → `saml:Assertion`.
    Assertion,
    /// `saml:EncryptedID` → `saml:NameID` (the only identifier samlscope reads; a `BaseID` or
    /// `NewID` plaintext is refused like any other wrong plaintext).
    NameId,
    /// `saml:EncryptedAttribute` → `saml:Attribute`.
    Attribute,
}

impl EncryptedElement {
    /// The wrapper's local name (in the SAML assertion namespace).
    pub fn wrapper(self) -> &'static str {
        match self {
            Self::Assertion => "EncryptedAssertion",
            Self::NameId => "EncryptedID",
            Self::Attribute => "EncryptedAttribute",
        }
    }

    /// The local name of the one element the plaintext must be.
    pub fn plaintext(self) -> &'static str {
        match self {
            Self::Assertion => "Assertion",
            Self::NameId => "NameID",
            Self::Attribute => "Attribute",
        }
    }

    /// What it is, in the admin's words.
    pub fn what(self) -> &'static str {
        match self {
            Self::Assertion => "assertion",
            Self::NameId => "NameID",
            Self::Attribute => "attribute",
        }
    }
}

/// Namespace URIs this module needs (kept here so xenc depends on nothing but `crate::xml`).
pub mod ns {
    /// XML Encryption 1.0.
    pub const XENC: &str = "http://www.w3.org/2001/04/xmlenc#";
    /// XML Encryption 1.1 (GCM, `rsa-oaep`, `MGF`).
    pub const XENC11: &str = "http://www.w3.org/2009/xmlenc11#";
    /// XML-DSig (`KeyInfo`, `DigestMethod`).
    pub const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
    /// SAML 2.0 assertions (`EncryptedAssertion`, `Assertion`).
    pub const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
}

/// The largest decoded `CipherValue` accepted (1 MiB): bounds memory and RSA/AES work.
pub const MAX_CIPHER_VALUE: usize = 1 << 20;

/// Why an encrypted element could not be decrypted.
///
/// Structure and algorithm errors are specific (they depend only on the public message);
/// every cryptographic failure is [`XencError::DecryptionFailed`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XencError {
    #[error("expected <{expected}>, found <{found}>")]
    WrongElement {
        expected: &'static str,
        found: String,
    },
    #[error("<{missing}> is missing in <{parent}>")]
    Missing {
        parent: &'static str,
        missing: &'static str,
    },
    #[error("more than one <{0}>: exactly one is allowed")]
    Duplicate(&'static str),
    #[error("unexpected <{found}> in <{parent}>")]
    Unexpected { parent: &'static str, found: String },
    #[error("{role} algorithm {uri:?} is refused: {reason}")]
    Refused {
        role: &'static str,
        uri: String,
        reason: &'static str,
    },
    #[error("{role} algorithm {uri:?} is not supported")]
    Unsupported { role: &'static str, uri: String },
    #[error("more than {limit} <{element}>")]
    TooMany { element: &'static str, limit: usize },
    #[error("<{0}> has no Algorithm attribute")]
    NoAlgorithm(&'static str),
    #[error("EncryptedData Type {0:?} is not an encrypted element (xmlenc#Element)")]
    WrongType(String),
    #[error("<{0}> is not valid base64")]
    Base64(&'static str),
    #[error("<{element}> is larger than the {limit}-byte limit")]
    TooLarge { element: &'static str, limit: usize },
    #[error("the RSA key could not be read: {0}")]
    Key(String),
    /// The one error for every cryptographic failure: wrong key, bad OAEP, bad tag, bad
    /// padding, a plaintext that is not UTF-8 or not XML (under CBC). One message, no oracle.
    #[error("the encrypted element could not be decrypted with the SP key")]
    DecryptionFailed,
    /// The content decrypted and AES-GCM authenticated it, but it is not one element of the
    /// kind the wrapper carries. Never returned for an unauthenticated (CBC) plaintext: there
    /// anyone can edit a captured ciphertext and read the answer (Jager & Somorovsky, CCS 2011).
    #[error(
        "the {} was decrypted with the SP key and AES-GCM authenticated it, but the decrypted plaintext is not a single XML element (one saml:{}): {problem}",
        .kind.wrapper(), .kind.plaintext()
    )]
    MalformedPlaintext {
        kind: EncryptedElement,
        problem: PlaintextProblem,
    },
}

/// What is wrong with an authenticated plaintext (see [`XencError::MalformedPlaintext`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlaintextProblem {
    #[error("it is not UTF-8 text")]
    NotUtf8,
    #[error("it contains a DOCTYPE")]
    Doctype,
    #[error("it starts with an XML declaration")]
    XmlDeclaration,
    #[error("it has more than one root element")]
    MultipleRoots,
    #[error("it does not start with an element")]
    NotAnElement,
    #[error("it is not well-formed XML: {0}")]
    NotWellFormed(String),
    #[error("its root element is <{0}>")]
    WrongRoot(String),
}
