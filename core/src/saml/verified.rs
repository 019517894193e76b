//! Which signatures count, and the single door to identity data: [`VerifiedAssertion`].
//!
//! A `VerifiedAssertion` exists only when the Assertion was covered by a signature that verified
//! in this very tree — its own, or that of the Response it is a direct child of (SAML core
//! §5.3) — and no present signature failed. Identity is read from it and nowhere else.

use super::structure::{AssertionSlot, ResponseLayout, StructureError, response_layout};
use crate::dsig::{AlgorithmRules, SignatureError, Verified, verify_enveloped};
use crate::trust::TrustStore;
use crate::xml::{Document, NodeId};

/// Which signatures the SP requires (validator-spec step 12) and the algorithm rules they are
/// verified under. A slice of the caller's policy, passed by value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignatureRules {
    /// Accept rsa-sha1 / sha1 (reported as weak). Default: false.
    pub allow_sha1: bool,
    /// Minimum RSA modulus size. Default: 2048.
    pub min_rsa_bits: usize,
    pub require_signed_response: bool,
    pub require_signed_assertion: bool,
}

impl Default for SignatureRules {
    fn default() -> Self {
        let AlgorithmRules {
            allow_sha1,
            min_rsa_bits,
        } = AlgorithmRules::default();
        Self {
            allow_sha1,
            min_rsa_bits,
            require_signed_response: false,
            require_signed_assertion: false,
        }
    }
}

impl SignatureRules {
    /// What each signature is verified under.
    pub fn algorithms(self) -> AlgorithmRules {
        AlgorithmRules {
            allow_sha1: self.allow_sha1,
            min_rsa_bits: self.min_rsa_bits,
        }
    }
}

/// Why no verified assertion could be produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsumeError {
    #[error(transparent)]
    Structure(#[from] StructureError),
    #[error("the Response signature is invalid: {0}")]
    ResponseSignature(SignatureError),
    #[error("the Assertion signature is invalid: {0}")]
    AssertionSignature(SignatureError),
    #[error("the Response contains no assertion")]
    NoAssertion,
    #[error("the assertion is encrypted; an SP private key is needed to read it")]
    Encrypted,
    #[error("neither the Response nor the Assertion is signed")]
    Unsigned,
    #[error("the policy requires a signed Response, and the Response is not signed")]
    ResponseNotSigned,
    #[error("the policy requires a signed Assertion, and the Assertion is not signed")]
    AssertionNotSigned,
}

/// The verified Assertion: the only way to read identity.
#[derive(Debug, Clone)]
pub struct VerifiedAssertion<'d> {
    doc: &'d Document,
    node: NodeId,
    by_response: bool,
    by_assertion: bool,
}

impl<'d> VerifiedAssertion<'d> {
    pub fn document(&self) -> &'d Document {
        self.doc
    }
    pub fn node(&self) -> NodeId {
        self.node
    }
    /// Covered by the Response's verified signature.
    pub fn signed_by_response(&self) -> bool {
        self.by_response
    }
    /// Covered by its own verified signature.
    pub fn signed_by_assertion(&self) -> bool {
        self.by_assertion
    }
}

/// Everything learned about a Response's signatures.
#[derive(Debug, Clone)]
pub struct ResponseVerification<'d> {
    pub layout: ResponseLayout,
    /// `None` when the Response carries no signature.
    pub response_signature: Option<Result<Verified<'d>, SignatureError>>,
    /// `None` when the Assertion carries no signature (or there is none).
    pub assertion_signature: Option<Result<Verified<'d>, SignatureError>>,
    pub assertion: Result<VerifiedAssertion<'d>, ConsumeError>,
}

/// Checks structure, verifies every counted signature and decides what may be consumed.
/// Structural failures are returned as `Err` (nothing else can be trusted then).
pub fn verify_response<'d>(
    doc: &'d Document,
    trust: &TrustStore,
    rules: SignatureRules,
) -> Result<ResponseVerification<'d>, StructureError> {
    let layout = response_layout(doc)?;
    let response_signature = layout
        .signature
        .map(|s| verify_enveloped(doc, s, trust, rules.algorithms()));
    let (assertion_node, assertion_sig) = match layout.assertion {
        Some(AssertionSlot::Plain { node, signature }) => (Some(node), signature),
        _ => (None, None),
    };
    let assertion_signature =
        assertion_sig.map(|s| verify_enveloped(doc, s, trust, rules.algorithms()));
    let assertion = decide(
        &layout,
        assertion_node,
        response_signature.as_ref(),
        assertion_signature.as_ref(),
        rules,
    )
    .map(|(node, by_response, by_assertion)| VerifiedAssertion {
        doc,
        node,
        by_response,
        by_assertion,
    });
    Ok(ResponseVerification {
        layout,
        response_signature,
        assertion_signature,
        assertion,
    })
}

fn decide(
    layout: &ResponseLayout,
    assertion: Option<NodeId>,
    response_sig: Option<&Result<Verified<'_>, SignatureError>>,
    assertion_sig: Option<&Result<Verified<'_>, SignatureError>>,
    rules: SignatureRules,
) -> Result<(NodeId, bool, bool), ConsumeError> {
    // A present signature that fails is a rejection even when another one verifies: a tampered
    // message is not rescued by its other half.
    if let Some(Err(e)) = response_sig {
        return Err(ConsumeError::ResponseSignature(e.clone()));
    }
    if let Some(Err(e)) = assertion_sig {
        return Err(ConsumeError::AssertionSignature(e.clone()));
    }
    if rules.require_signed_response && response_sig.is_none() {
        return Err(ConsumeError::ResponseNotSigned);
    }
    let node = match (layout.assertion, assertion) {
        (Some(AssertionSlot::Encrypted { .. }), _) => return Err(ConsumeError::Encrypted),
        (_, Some(n)) => n,
        _ => return Err(ConsumeError::NoAssertion),
    };
    if rules.require_signed_assertion && assertion_sig.is_none() {
        return Err(ConsumeError::AssertionNotSigned);
    }
    // The verified nodes must be exactly the Response root and this Assertion (node identity).
    let by_response = matches!(response_sig, Some(Ok(v)) if v.node() == layout.response);
    let by_assertion = matches!(assertion_sig, Some(Ok(v)) if v.node() == node);
    if !by_response && !by_assertion {
        return Err(ConsumeError::Unsigned);
    }
    Ok((node, by_response, by_assertion))
}

/// What was learned about a decrypted assertion (parsed as its own document).
#[derive(Debug, Clone)]
pub struct DecryptedVerification<'d> {
    pub layout: super::structure::AssertionLayout,
    /// `None` when the decrypted assertion carries no signature.
    pub signature: Option<Result<Verified<'d>, SignatureError>>,
    pub assertion: Result<VerifiedAssertion<'d>, ConsumeError>,
}

/// Checks a decrypted assertion: its own structure and signature (Reference = its own ID). It
/// is consumable when its own signature verifies, or when the Response's signature verified
/// over the EncryptedAssertion that carried it (`response_signed`) — encryption alone proves
/// nothing, anyone can encrypt for the SP.
pub fn verify_decrypted<'d>(
    doc: &'d Document,
    trust: &TrustStore,
    rules: SignatureRules,
    response_signed: bool,
) -> Result<DecryptedVerification<'d>, StructureError> {
    let layout = super::structure::assertion_layout(doc)?;
    let signature = layout
        .signature
        .map(|s| verify_enveloped(doc, s, trust, rules.algorithms()));
    let assertion = match &signature {
        Some(Err(e)) => Err(ConsumeError::AssertionSignature(e.clone())),
        None if rules.require_signed_assertion => Err(ConsumeError::AssertionNotSigned),
        None if !response_signed => Err(ConsumeError::Unsigned),
        _ => Ok(VerifiedAssertion {
            doc,
            node: layout.assertion,
            by_response: response_signed,
            by_assertion: matches!(signature, Some(Ok(_))),
        }),
    };
    Ok(DecryptedVerification {
        layout,
        signature,
        assertion,
    })
}
