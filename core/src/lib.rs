//! samlscope-core: turns anything an admin pastes into a verdict on one SAML message.
//!
//! Sans-IO on purpose: no files, no clock, no randomness. Callers pass bytes, a [`validate::Policy`]
//! and `now`; the exact same code runs natively (CLI, server, tests) and as WebAssembly in the
//! page. The core judges and makes nothing: signing, building and the attack catalogue live in
//! `samlscope-forge`.
//!
//! # Processing steps for a Response
//!
//! 1. [`decode`]: a paste (raw XML, base64, URL, DEFLATE, form body, HTML, HAR, SAML-tracer
//!    export, several lines) becomes XML messages, every expansion bounded before it happens.
//! 2. [`xml::parse`]: one strict parse into the one tree every later step reads (no DTD, no
//!    second parser, limits on depth, nodes and attributes).
//! 3. [`saml`] structure: the message kind, one assertion at its schema place, unique IDs,
//!    signatures only where SAML allows them, no assertion hidden anywhere else.
//! 4. [`dsig`]: each counted signature verified with a key from the [`trust::TrustStore`]
//!    (never KeyInfo), its algorithms from one allow-list ([`algorithm`]), its one Reference
//!    pointing at its parent; [`c14n`] canonicalizes, `crypto` checks the RSA signature. The
//!    result is the verified element.
//! 5. [`saml::VerifiedAssertion`]: what may be consumed — the assertion a verified signature
//!    covers, plain or decrypted by [`xenc`]. Identity is read from it and nowhere else.
//! 6. [`validate`]: the profile checks (Issuer, Destination, Recipient, Audience, time window,
//!    InResponseTo, AuthnStatement) and the [`report::Report`], every failure under a stable
//!    [`checks::CheckId`] with what was expected, what was found and which IdP field to fix.
//!
//! A doubt at any step — an unknown algorithm, a second reference, a duplicate ID, a value
//! that does not parse, a limit reached — is a failed check or an input error, never a pass.
//! [`metadata`] reads IdP and SP metadata and AuthnRequests with the same parser and checks.
#![forbid(unsafe_code)]

pub mod algorithm;
pub mod c14n;
pub mod checks;
pub mod crypto;
pub mod decode;
pub mod dsig;
pub mod metadata;
pub mod report;
pub mod saml;
pub mod trust;
pub mod validate;
pub mod xenc;
pub mod xml;
