//! XML-DSig, restricted to the SAML profile (SAML core §5.4).
//!
//! Verification follows goxmldsig's contract: it returns a handle to the **verified element**,
//! and the SAML layer reads identity only through that handle. What is not covered by a verified
//! signature is never consumed.

mod algorithm;
mod error;
mod sign;
mod verify;

pub use algorithm::{
    AlgorithmError, AlgorithmRole, Canonicalization, DigestAlgorithm, Hasher, SignatureAlgorithm,
    Transform,
};
pub use error::SignatureError;
pub use sign::{RawSigner, SignError, SignOptions, Signer, sign_enveloped, sign_enveloped_with};
pub use verify::{
    SignatureFacts, Verified, VerifyPolicy, keyinfo_certificates, verify_enveloped,
    verify_with_keys,
};

/// Byte comparison whose time does not depend on where the inputs differ (digest comparison:
/// SimpleSAMLphp 201809-01 shows what loose comparison does).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut diff = 0u8;
    for (x, y) in a.iter().zip(b) {
        diff |= x ^ y;
    }
    diff == 0
}
