//! Trust material: which keys may sign for the IdP.
//!
//! Trust comes only from what the SP configured (metadata, a pinned certificate, a fingerprint).
//! The certificate inside a message's `ds:KeyInfo` is never a trust source (CVE-2024-32962,
//! pysaml2 #594): it is compared with the trusted set and reported, and it is used only when it
//! matches a configured fingerprint exactly.

mod certificate;
mod fingerprint;
mod store;

pub use certificate::{Certificate, CertificateError, CertificateInfo};
pub use fingerprint::{Fingerprint, FingerprintAlgorithm, FingerprintError};
pub use store::{KeyBinding, TrustSource, TrustStore, TrustedKey};
