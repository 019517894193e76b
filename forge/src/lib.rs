//! samlscope-forge: what makes SAML messages, never what judges them. Signing
//! ([`sign`]), building Responses and metadata ([`build`]), encrypting assertions
//! ([`encrypt`]) and the attack catalogue ([`attacks`]), for the mock IdP, the CLI's
//! scenarios and the tests. Every message is made with samlscope-core's own parser and
//! canonicalizer, so producer and validator cannot drift apart.
#![forbid(unsafe_code)]

pub mod attacks;
pub mod build;
pub mod encrypt;
pub mod key;
pub mod sign;

pub use key::{KeyError, PrivateKey};
