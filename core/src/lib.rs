//! samlscope-core: turns anything an admin pastes into a verdict.
//!
//! Sans-IO on purpose: no files, no clock, no randomness. Callers pass bytes, policy and `now`;
//! the exact same code runs natively (CLI, server, tests) and as WebAssembly in the page.
#![forbid(unsafe_code)]

pub mod attacks;
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
