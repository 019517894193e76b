//! The JSON of the mock IdP's API, defined once for the server that writes it (`samlscope-idp`)
//! and the inspector page that reads it (`samlscope-web`). Plain serde data and nothing else,
//! so the page can share the contract without depending on the server or on the code that
//! makes messages.

use serde::{Deserialize, Serialize};

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
        };
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(
            json,
            r#"{"name":"valid-both","description":"d","category":"valid","expected_sp_verdict":"valid"}"#
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
        };
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json.get("relay_state"), Some(&serde_json::Value::Null));
        assert_eq!(json.get("in_response_to"), Some(&serde_json::Value::Null));
        assert_eq!(json["expected_sp_verdict"], "invalid");
        assert_eq!(serde_json::from_value::<ScenarioResponse>(json).unwrap(), r);
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
