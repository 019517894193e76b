//! SAML 2.0: message structure, which signatures count, and reading identity only from what
//! was verified.

mod identity;
mod kind;
mod structure;
pub mod time;
mod verified;

pub use identity::{Attribute, Identity, NameId};
pub(crate) use identity::{attribute_at, name_id_at, read_identity};
pub use kind::MessageKind;
pub use structure::{
    AssertionLayout, AssertionSlot, HiddenAssertion, ResponseLayout, StructureError,
    assertion_layout, response_layout,
};
pub use verified::{
    ConsumeError, DecryptedVerification, ResponseVerification, SignatureRules, VerifiedAssertion,
    verify_decrypted, verify_response,
};
