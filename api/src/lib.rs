//! The JSON of the mock IdP's API, defined once for the server that writes it (`samlscope-idp`)
//! and the inspector page that reads it (`samlscope-web`). Plain serde data and nothing else,
//! so the page can share the contract without depending on the server or on the code that
//! makes messages.

use serde::{Deserialize, Serialize};

pub mod admin;

/// Which menu a scenario belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// A correct response.
    Valid,
    /// A correctly signed response that a correct SP must still refuse (a setup mistake).
    Policy,
    /// A forged or tampered response from the attack catalogue.
    Attack,
}

impl Category {
    pub const ALL: [Self; 3] = [Self::Valid, Self::Policy, Self::Attack];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Policy => "policy",
            Self::Attack => "attack",
        }
    }
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `pad`, so that width and alignment apply as they do to a `&str`.
        f.pad(self.as_str())
    }
}

/// What a correct SP does with a scenario's response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpVerdict {
    Valid,
    Invalid,
}

impl SpVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Invalid => "invalid",
        }
    }
}

/// What an SP that accepts a response it should have refused has let happen: the scale an SP
/// owner reads a failure on, from an account takeover down to a strictness preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Impact {
    /// A vulnerable SP logs in as a user the attacker chose (the response's `evil_name_id`).
    Takeover,
    /// The SP accepts content the IdP never signed.
    Tamper,
    /// The SP accepts a malformed or non-profile message, but reads only signed content.
    Lenient,
    /// Accepting it means the SP did work an attacker can multiply (entity expansion, XSLT).
    Dos,
    /// A setup mistake or a weak choice the SP should refuse (audience, expiry, SHA-1…).
    Policy,
}

impl Impact {
    /// Most severe first.
    pub const ALL: [Self; 5] = [
        Self::Takeover,
        Self::Tamper,
        Self::Lenient,
        Self::Dos,
        Self::Policy,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Takeover => "takeover",
            Self::Tamper => "tamper",
            Self::Lenient => "lenient",
            Self::Dos => "dos",
            Self::Policy => "policy",
        }
    }

    /// What an SP that accepts such a response has done, for a menu heading or a report.
    pub fn title(self) -> &'static str {
        match self {
            Self::Takeover => "Account takeover: a vulnerable SP logs in another user",
            Self::Tamper => "Tampering: a vulnerable SP accepts content the IdP never signed",
            Self::Lenient => "Lenient parsing: malformed, but only signed content is read",
            Self::Dos => "Denial of service: costly constructs a strict SP refuses",
            Self::Policy => "Policy: setup mistakes and weak choices",
        }
    }
}

impl std::fmt::Display for Impact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// Which signatures an SP requires of a Response: its setting (python3-saml's
/// `wantAssertionsSigned` / `wantMessagesSigned`, and their kin in every SP library).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureRequirement {
    /// The Assertion must be signed (the Response may be too).
    SignedAssertion,
    /// The Response must be signed (the Assertion may be too).
    SignedResponse,
    /// Both must be signed.
    SignedBoth,
    /// Either signature covering the Assertion will do.
    Either,
}

impl SignatureRequirement {
    pub const ALL: [Self; 4] = [
        Self::SignedAssertion,
        Self::SignedResponse,
        Self::SignedBoth,
        Self::Either,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignedAssertion => "signed-assertion",
            Self::SignedResponse => "signed-response",
            Self::SignedBoth => "signed-both",
            Self::Either => "either",
        }
    }

    /// Whether an SP with this setting accepts a response signed this way.
    pub fn is_met(self, assertion_signed: bool, response_signed: bool) -> bool {
        match self {
            Self::SignedAssertion => assertion_signed,
            Self::SignedResponse => response_signed,
            Self::SignedBoth => assertion_signed && response_signed,
            Self::Either => assertion_signed || response_signed,
        }
    }

    /// Every setting that accepts a response signed this way, in [`Self::ALL`] order.
    pub fn all_met(assertion_signed: bool, response_signed: bool) -> Vec<Self> {
        Self::ALL
            .into_iter()
            .filter(|r| r.is_met(assertion_signed, response_signed))
            .collect()
    }
}

/// One entry of `GET /api/scenarios`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub category: Category,
    /// For attacks: the catalogue family (`tampered`, `signed_malformed`, `attacker_key`, `parser`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    pub expected_sp_verdict: SpVerdict,
    /// The check a correct SP fails (samlscope's check id), when invalid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_check: Option<String>,
    /// What accepting it means when the SP's settings say it must refuse it.
    pub impact: Impact,
    /// The rule it breaks (or, for a valid response, what makes it valid): spec and section.
    pub rule: String,
    /// CVEs, papers and advisories about it.
    #[serde(default)]
    pub references: Vec<String>,
    /// The SP settings under which a correct SP accepts it; empty: no correct SP does.
    #[serde(default)]
    pub accepted_when: Vec<SignatureRequirement>,
    /// Accepted (under `accepted_when`) only by an SP that allows SHA-1.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub needs_sha1: bool,
}

/// One entry of `GET /api/apps`: an application of the IdP with its SSO-tab fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppInfo {
    pub label: String,
    #[serde(default)]
    pub display_label: Option<String>,
    pub idp_entity_id: String,
    pub sp_entity_id: String,
    pub acs_urls: Vec<String>,
    pub sso_url: String,
    pub metadata_url: String,
    /// JumpCloud's Sign option: `assertion`, `response` or `both`.
    pub sign: String,
    /// Whether the assertion is sent encrypted for the SP's certificate.
    pub encrypt_assertion: bool,
    pub declare_redirect_endpoint: bool,
    pub user_groups: Vec<String>,
    /// A user assigned to the app, for examples (the inspector's "Load example" menu).
    #[serde(default)]
    pub example_user: Option<String>,
}

/// `GET /api/apps/{label}/responses/{scenario}` (`format=json`, the default): a freshly issued
/// response and what a correct SP must make of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioResponse {
    pub scenario: String,
    /// The response as the HTTP-POST binding carries it (base64).
    pub saml_response: String,
    pub xml: String,
    pub acs_url: String,
    #[serde(default)]
    pub relay_state: Option<String>,
    #[serde(default)]
    pub in_response_to: Option<String>,
    pub expected_sp_verdict: SpVerdict,
    #[serde(default)]
    pub expected_check: Option<String>,
    /// The identity the IdP signed into this response (a correct SP logs this user in, when
    /// it accepts the response at all).
    pub name_id: String,
    /// For attacks: the identity the attacker planted; an SP that logs it in was taken over.
    #[serde(default)]
    pub evil_name_id: Option<String>,
}

/// `POST /api/apps/{label}/certificate/rotate`: the app's new signing certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RotatedCertificate {
    pub label: String,
    pub certificate_pem: String,
    pub metadata_url: String,
    pub note: String,
}

/// The body of every 4xx/5xx answer of the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub error: String,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code

    use super::*;

    #[test]
    fn a_valid_scenario_leaves_out_family_and_check() {
        let s = Scenario {
            name: "valid-both".into(),
            description: "d".into(),
            category: Category::Valid,
            family: None,
            expected_sp_verdict: SpVerdict::Valid,
            expected_check: None,
            impact: Impact::Policy,
            rule: "r".into(),
            references: vec![],
            accepted_when: SignatureRequirement::all_met(true, false),
            needs_sha1: false,
        };
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(
            json,
            r#"{"name":"valid-both","description":"d","category":"valid","expected_sp_verdict":"valid","impact":"policy","rule":"r","references":[],"accepted_when":["signed-assertion","either"]}"#
        );
        assert_eq!(serde_json::from_str::<Scenario>(&json).unwrap(), s);
    }

    #[test]
    fn a_scenario_response_keeps_its_empty_fields_as_null() {
        let r = ScenarioResponse {
            scenario: "xsw1".into(),
            saml_response: "PD94".into(),
            xml: "<x/>".into(),
            acs_url: "https://sp/acs".into(),
            relay_state: None,
            in_response_to: None,
            expected_sp_verdict: SpVerdict::Invalid,
            expected_check: Some("signature.reference".into()),
            name_id: "alice@acmecorp.com".into(),
            evil_name_id: Some("admin@acmecorp.com".into()),
        };
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json.get("relay_state"), Some(&serde_json::Value::Null));
        assert_eq!(json.get("in_response_to"), Some(&serde_json::Value::Null));
        assert_eq!(json["expected_sp_verdict"], "invalid");
        assert_eq!(serde_json::from_value::<ScenarioResponse>(json).unwrap(), r);
    }

    #[test]
    fn signature_requirements_accept_what_they_say() {
        use SignatureRequirement as R;
        assert_eq!(R::all_met(true, true), R::ALL.to_vec());
        assert_eq!(R::all_met(false, true), vec![R::SignedResponse, R::Either]);
        assert_eq!(R::all_met(false, false), vec![]);
        for r in R::ALL {
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                format!("\"{}\"", r.as_str())
            );
        }
        for i in Impact::ALL {
            assert_eq!(
                serde_json::to_string(&i).unwrap(),
                format!("\"{}\"", i.as_str())
            );
        }
    }

    #[test]
    fn categories_read_as_they_are_written() {
        for c in Category::ALL {
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
            assert_eq!(format!("{c:<7}|"), format!("{:<7}|", c.as_str()));
        }
    }
}
