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

pub use samlscope_api::Impact;

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

/// Whether a correct SP accepts the variant under some settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acceptable {
    /// No correct SP does.
    Never,
    /// An SP that allows SHA-1 does (the only flaw is the algorithm), given the signatures the
    /// variant carries.
    WithSha1 {
        assertion_signed: bool,
        response_signed: bool,
    },
}

/// Whose name the IdP signed into the variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedName {
    /// The user's, as the response would carry it.
    User,
    /// An account the attacker registered whose name starts with the victim's
    /// (`evil_name_id` + `.evil.example`).
    AttackersLookalike,
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
    /// What samlscope-core (and any SP with its strict default policy) makes of it.
    pub expected: Expected,
    /// What an SP that accepts it has let happen.
    pub impact: Impact,
    /// The rule it breaks: spec and section.
    pub rule: &'static str,
    /// CVEs, papers and advisories.
    pub references: &'static [&'static str],
    /// Whether some correct SP accepts it.
    pub acceptable: Acceptable,
    /// Whose name the IdP signed into it.
    pub signed_name: SignedName,
    build: fn(&Fixture) -> Result<String, EditError>,
}

impl Attack {
    /// Builds the variant's XML.
    pub fn build(&self, fixture: &Fixture) -> Result<String, EditError> {
        (self.build)(fixture)
    }

    /// The identity the IdP signed into the variant: the user's, except where the attack rides
    /// on an account the attacker registered (`comment-nameid`).
    pub fn signed_name_id(&self, fixture: &Fixture) -> String {
        match self.signed_name {
            SignedName::User => fixture.spec.name_id.clone(),
            SignedName::AttackersLookalike => generators::comment_signed_name(fixture),
        }
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
