//! The scenario list: the valid responses (one per Sign option), every attack of core's
//! catalogue (never a second hand-written list: new attacks appear here by themselves) and the
//! policy failures an SP must refuse. One list drives the API, the browser flow, the CLI and the
//! tests.

use std::sync::OnceLock;

pub use samlscope_api::{Category, Impact, SignatureRequirement, SpVerdict};
use samlscope_core::checks::CheckId;
use samlscope_forge::attacks::{Acceptable, Attack, Expected, Family, catalogue};
use serde::{Serialize, Serializer};

use crate::config::Sign;

/// A policy failure: a correctly signed response that a correct SP must still refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyFailure {
    Expired,
    NotYetValid,
    WrongAudience,
    WrongRecipient,
    WrongDestination,
    WrongIssuer,
    InResponseToMismatch,
    ErrorStatus,
    Unsigned,
}

impl PolicyFailure {
    pub const ALL: [Self; 9] = [
        Self::Expired,
        Self::NotYetValid,
        Self::WrongAudience,
        Self::WrongRecipient,
        Self::WrongDestination,
        Self::WrongIssuer,
        Self::InResponseToMismatch,
        Self::ErrorStatus,
        Self::Unsigned,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Expired => "expired",
            Self::NotYetValid => "not-yet-valid",
            Self::WrongAudience => "wrong-audience",
            Self::WrongRecipient => "wrong-recipient",
            Self::WrongDestination => "wrong-destination",
            Self::WrongIssuer => "wrong-issuer",
            Self::InResponseToMismatch => "in-response-to-mismatch",
            Self::ErrorStatus => "error-status",
            Self::Unsigned => "unsigned",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Self::Expired => {
                "validly signed, but issued two hours ago: Conditions/NotOnOrAfter is in the past"
            }
            Self::NotYetValid => {
                "validly signed, but issued two hours in the future: Conditions/NotBefore not reached"
            }
            Self::WrongAudience => {
                "validly signed for another SP: Audience is not this SP's entity ID (JumpCloud field: SP Entity ID)"
            }
            Self::WrongRecipient => {
                "validly signed, but SubjectConfirmationData/Recipient is another ACS URL (JumpCloud field: ACS URLs)"
            }
            Self::WrongDestination => {
                "validly signed, but Response/Destination is another ACS URL (JumpCloud field: ACS URLs)"
            }
            Self::WrongIssuer => {
                "validly signed with the right key, but the Issuer is not the IdP Entity ID the SP expects"
            }
            Self::InResponseToMismatch => {
                "validly signed, but InResponseTo names another AuthnRequest (pass in_response_to= to make the SP's request ID explicit)"
            }
            Self::ErrorStatus => "signed Response whose StatusCode is Responder, with no assertion",
            Self::Unsigned => "no signature at all (Sign option ignored)",
        }
    }

    /// The rule a correct SP enforces against it.
    pub fn rule(self) -> &'static str {
        match self {
            Self::Expired | Self::NotYetValid => {
                "SAML Core §2.5.1.2 and Profiles §4.1.4.3: NotBefore ≤ now < NotOnOrAfter"
            }
            Self::WrongAudience => "SAML Profiles §4.1.4.2: the Audience is the SP's entity ID",
            Self::WrongRecipient => {
                "SAML Profiles §4.1.4.3: the bearer Recipient is the ACS URL the response arrived at"
            }
            Self::WrongDestination => {
                "SAML Bindings §3.5.5.2: a signed Response's Destination is the ACS URL it arrived at"
            }
            Self::WrongIssuer => "SAML Profiles §4.1.4.2: the Issuer is the IdP's entity ID",
            Self::InResponseToMismatch => {
                "SAML Profiles §4.1.4.3: InResponseTo names the SP's own AuthnRequest"
            }
            Self::ErrorStatus => "SAML Core §3.2.2.2: only a Success status logs anyone in",
            Self::Unsigned => "SAML Profiles §4.1.3.5: an assertion sent over HTTP-POST is signed",
        }
    }

    /// The check a correct SP fails.
    pub fn check(self) -> CheckId {
        match self {
            Self::Expired | Self::NotYetValid => CheckId::ConditionsWindow,
            Self::WrongAudience => CheckId::ConditionsAudience,
            Self::WrongRecipient => CheckId::SubjectRecipient,
            Self::WrongDestination => CheckId::ResponseDestination,
            Self::WrongIssuer => CheckId::ResponseIssuer,
            Self::InResponseToMismatch => CheckId::ResponseInResponseTo,
            Self::ErrorStatus => CheckId::ResponseStatus,
            Self::Unsigned => CheckId::SignaturePresent,
        }
    }
}

/// What a scenario makes.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Valid(Sign),
    Attack(&'static Attack),
    Policy(PolicyFailure),
}

/// One scenario: what it makes and what a correct SP must make of it. Served by
/// `GET /api/scenarios` (and printed by `samlscope scenarios --json`) as the API's
/// [`samlscope_api::Scenario`].
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub category: Category,
    /// For attacks: the catalogue family.
    pub family: Option<Family>,
    pub expected_sp_verdict: SpVerdict,
    /// The check a correct SP fails (samlscope's check id), when invalid.
    pub expected_check: Option<&'static str>,
    /// What accepting it means when the SP's settings say to refuse it.
    pub impact: Impact,
    pub rule: &'static str,
    pub references: &'static [&'static str],
    /// The SP settings under which a correct SP accepts it.
    pub accepted_when: Vec<SignatureRequirement>,
    pub needs_sha1: bool,
    pub kind: Kind,
}

impl From<&Scenario> for samlscope_api::Scenario {
    fn from(s: &Scenario) -> Self {
        Self {
            name: s.name.clone(),
            description: s.description.clone(),
            category: s.category,
            family: s.family.map(|f| family_name(f).to_owned()),
            expected_sp_verdict: s.expected_sp_verdict,
            expected_check: s.expected_check.map(str::to_owned),
            impact: s.impact,
            rule: s.rule.to_owned(),
            references: s.references.iter().map(|r| (*r).to_owned()).collect(),
            accepted_when: s.accepted_when.clone(),
            needs_sha1: s.needs_sha1,
        }
    }
}

impl Serialize for Scenario {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        samlscope_api::Scenario::from(self).serialize(serializer)
    }
}

/// The family's name on the wire: the catalogue's own serde name (a test holds them equal).
fn family_name(f: Family) -> &'static str {
    match f {
        Family::Tampered => "tampered",
        Family::SignedMalformed => "signed_malformed",
        Family::AttackerKey => "attacker_key",
        Family::Parser => "parser",
    }
}

/// Every scenario, in a stable order: valid, policy failures, then the catalogue.
pub fn scenarios() -> &'static [Scenario] {
    static LIST: OnceLock<Vec<Scenario>> = OnceLock::new();
    LIST.get_or_init(build)
}

pub fn find(name: &str) -> Option<&'static Scenario> {
    scenarios().iter().find(|s| s.name == name)
}

fn build() -> Vec<Scenario> {
    let mut out = Vec::new();
    for (sign, what) in [
        (Sign::Assertion, "the Assertion"),
        (Sign::Response, "the Response"),
        (Sign::Both, "the Assertion and the Response"),
    ] {
        out.push(Scenario {
            name: format!("valid-{}", sign.as_str()),
            description: format!(
                "a correct response for the user, signed over {what} (JumpCloud Sign = {}): a correct SP accepts it when its settings accept that signature (accepted_when)",
                sign.as_str()
            ),
            category: Category::Valid,
            family: None,
            expected_sp_verdict: SpVerdict::Valid,
            expected_check: None,
            // Accepted by an SP whose setting excludes it, the SP does not enforce its setting.
            impact: Impact::Policy,
            rule: "SAML Core §5.3 and Profiles §4.1.3.5: a signature over the Response covers its Assertion; the SP's setting says which signatures it requires",
            references: &[],
            accepted_when: SignatureRequirement::all_met(
                sign != Sign::Response,
                sign != Sign::Assertion,
            ),
            needs_sha1: false,
            kind: Kind::Valid(sign),
        });
    }
    for p in PolicyFailure::ALL {
        out.push(Scenario {
            name: p.name().to_owned(),
            description: p.description().to_owned(),
            category: Category::Policy,
            family: None,
            expected_sp_verdict: SpVerdict::Invalid,
            expected_check: Some(p.check().as_str()),
            impact: Impact::Policy,
            rule: p.rule(),
            references: &[],
            accepted_when: Vec::new(),
            needs_sha1: false,
            kind: Kind::Policy(p),
        });
    }
    for a in catalogue() {
        let (verdict, check, note) = match a.expected {
            Expected::Reject { check } => (SpVerdict::Invalid, check, ""),
            // The full NameID is read, but an SP with a default policy refuses comments in
            // values; samlscope's default policy does (a lenient one would accept).
            Expected::AcceptFullNameId => (
                SpVerdict::Invalid,
                CheckId::ValueComments,
                " (a lenient SP must at least read the full NameID, never the truncated one)",
            ),
        };
        out.push(Scenario {
            name: a.id.to_owned(),
            description: format!("{}{note}", a.title),
            category: Category::Attack,
            family: Some(a.family),
            expected_sp_verdict: verdict,
            expected_check: Some(check.as_str()),
            impact: a.impact,
            rule: a.rule,
            references: a.references,
            accepted_when: match a.acceptable {
                Acceptable::Never => Vec::new(),
                Acceptable::WithSha1 {
                    assertion_signed,
                    response_signed,
                } => SignatureRequirement::all_met(assertion_signed, response_signed),
            },
            needs_sha1: a.acceptable != Acceptable::Never,
            kind: Kind::Attack(a),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code

    use super::*;

    #[test]
    fn family_names_are_the_catalogues_serde_names() {
        for a in catalogue() {
            assert_eq!(
                serde_json::to_value(a.family).unwrap(),
                family_name(a.family),
                "{}",
                a.id
            );
        }
    }
}
