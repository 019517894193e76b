//! XML-DSig, restricted to the SAML profile (SAML core §5.4).
//!
//! Verification follows goxmldsig's contract: it returns a handle to the **verified element**,
//! and the SAML layer reads identity only through that handle. What is not covered by a verified
//! signature is never consumed.

mod error;
mod signature;
mod verify;

pub use error::SignatureError;
pub use signature::{AlgorithmRules, keyinfo_certificates};
pub use verify::{SignatureFacts, Verified, verify_enveloped, verify_with_keys};
