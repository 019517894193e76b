//! Every reason a signature is rejected, with the facts a person needs.

use crate::algorithm::{AlgorithmError, AlgorithmRole, Canonicalization};
use crate::c14n::C14nError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the signed element <{element}> has no ID attribute to reference")]
    ParentWithoutId { element: String },
    #[error("<ds:Signature> has no parent element")]
    NoParent,
    #[error("<{found}> is not allowed inside <{context}>")]
    UnexpectedElement {
        context: &'static str,
        found: String,
    },
    #[error("<ds:Object> inside <ds:Signature> is not allowed in SAML (it hides wrapped content)")]
    ObjectInSignature,
    #[error("text {text:?} is not allowed inside <{context}>")]
    UnexpectedText { context: &'static str, text: String },
    #[error("<{0}> is missing")]
    Missing(&'static str),
    #[error("more than one <{0}>: exactly one is allowed")]
    Duplicate(&'static str),
    #[error("attribute {attribute} is missing on <{element}>")]
    MissingAttribute {
        element: &'static str,
        attribute: &'static str,
    },
    #[error(transparent)]
    Algorithm(#[from] AlgorithmError),
    #[error("{0} is weak and the policy does not allow SHA-1")]
    WeakAlgorithm(String),
    #[error(
        "Reference URI {found:?} does not point at the Signature's parent: it must be {expected:?}"
    )]
    ReferenceUri { found: String, expected: String },
    #[error("Reference has no URI; SAML requires \"#\" + the ID of the signed element")]
    ReferenceWithoutUri,
    #[error(
        "transforms must be exactly enveloped-signature then one canonicalization (exclusive C14N, or inclusive C14N 1.0/1.1); found {found}"
    )]
    Transforms { found: String },
    #[error(
        "{role} {c14n} carries an InclusiveNamespaces PrefixList, a parameter of exclusive C14N only (Exc-C14N §3); inclusive C14N already renders every namespace in scope"
    )]
    PrefixListWithInclusive {
        role: AlgorithmRole,
        c14n: Canonicalization,
    },
    #[error("<{element}> must contain only text (comment or element found inside)")]
    NotPlainText { element: &'static str },
    #[error("<{element}> is not valid base64: {reason}")]
    Base64 {
        element: &'static str,
        reason: String,
    },
    #[error("DigestValue is {found} bytes; {algorithm} digests are {expected} bytes")]
    DigestLength {
        algorithm: String,
        found: usize,
        expected: usize,
    },
    #[error("the ID {id:?} is carried by {count} elements; IDs must be unique")]
    DuplicateId { id: String, count: usize },
    #[error("no trusted key is configured (metadata, certificate or fingerprint)")]
    NoTrustedKey,
    #[error("no trusted key can verify it: {0}")]
    UntrustedKey(String),
    #[error("the {bits}-bit RSA key is below the minimum of {min} bits")]
    KeyTooSmall { bits: usize, min: usize },
    #[error(
        "the trusted certificate's key is {key_type}: not supported for SAML signatures here (RSA only)"
    )]
    UnsupportedKey { key_type: crate::crypto::KeyType },
    #[error("SignatureValue does not verify with any of the {tried} trusted key(s)")]
    BadSignature { tried: usize },
    #[error(
        "the signed element's digest does not match DigestValue: its content was changed after signing"
    )]
    DigestMismatch,
    #[error("canonicalization failed: {0}")]
    C14n(#[from] C14nError),
}
