//! The attack catalogue as generators: each entry turns a validly signed Response into the
//! tampered or malformed variant an attacker (or a broken IdP) would send, and names the check
//! that must reject it. The mock IdP serves these as scenarios and the tests assert that
//! samlscope-core rejects each, from this one list — a new attack cannot be added to one side
//! only.
//!
//! Ids and transformations follow `reference/attacks.md` (SAML Raider numbering for XSW1–8).

mod catalogue;
mod edit;
mod generators;

pub use edit::EditError;

use crate::build::ResponseSpec;
use crate::sign::{SignOptions, Signer};
use samlscope_core::checks::CheckId;

/// How the variant is made (attacks.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// A signed document tampered after signing; the real signature is kept.
    Tampered,
    /// Signed with the real key, but malformed on purpose.
    SignedMalformed,
    /// Signed with an attacker's key.
    AttackerKey,
    /// Hostile XML (DTDs, namespaces) around a signed document.
    Parser,
}

/// What a correct SP does with the variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Expected {
    /// Rejected, and the failing check is this one.
    Reject { check: CheckId },
    /// Accepted, and the identity read is the full NameID (comment injection defeated by
    /// reading all text nodes) — unless policy refuses comments in values.
    AcceptFullNameId,
}

/// Inputs for the generators: the response content, the IdP's signer and an attacker's.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub spec: ResponseSpec,
    pub idp: Signer,
    pub attacker: Signer,
    pub options: SignOptions,
    /// The identity the attacker wants to become.
    pub evil_name_id: String,
}

/// One attack of the catalogue.
#[derive(Debug, Clone, Copy)]
pub struct Attack {
    pub id: &'static str,
    pub title: &'static str,
    pub family: Family,
    pub expected: Expected,
    build: fn(&Fixture) -> Result<String, EditError>,
}

impl Attack {
    /// Builds the variant's XML.
    pub fn build(&self, fixture: &Fixture) -> Result<String, EditError> {
        (self.build)(fixture)
    }
}

/// Every attack, in catalogue order.
pub fn catalogue() -> &'static [Attack] {
    catalogue::CATALOGUE
}

/// The attack with this id.
pub fn find(id: &str) -> Option<&'static Attack> {
    catalogue().iter().find(|a| a.id == id)
}
