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

/// How an SSO attempt began.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Initiation {
    /// The SP sent an AuthnRequest to the IDP URL.
    Sp,
    /// No AuthnRequest: the User Portal tile or the IDP URL opened directly.
    Idp,
    /// A response issued through the scenario API (`/api/apps/{label}/responses/{scenario}`).
    Api,
}

impl Initiation {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sp => "sp",
            Self::Idp => "idp",
            Self::Api => "api",
        }
    }
}

/// Why the IdP refused an AuthnRequest (the detail of [`RefusalReason::RequestRefused`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestProblem {
    /// No SAMLRequest value, or one that is not base64 / DEFLATE / XML.
    Undecodable,
    /// XML, but not an AuthnRequest the IdP can read.
    NotAnAuthnRequest,
    /// The request's signature (query string or XML) did not verify with the SP Certificate,
    /// or is missing where the app requires one.
    BadSignature,
    /// The app's SP Certificate is not a usable certificate (a setup mistake at the IdP).
    BadSpCertificate,
    /// No `<Issuer>`.
    NoIssuer,
    /// The Issuer is not the app's SP Entity ID.
    IssuerMismatch,
    /// The AssertionConsumerServiceURL is not one of the app's ACS URLs.
    AcsNotListed,
    /// A ProtocolBinding other than HTTP-POST.
    UnsupportedBinding,
}

/// Why an SSO attempt got no response. Serialized as `"reason"` (and, for a refused request,
/// `"detail"`) beside the event's other fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason", content = "detail")]
pub enum RefusalReason {
    /// No application has this IDP URL label.
    UnknownApp,
    /// The AuthnRequest was refused before sign-in.
    RequestRefused(RequestProblem),
    /// A scenario name the IdP does not know (mock only).
    UnknownScenario,
    /// Wrong email or password.
    BadCredentials,
    /// The user is not bound to the application through a group.
    NotAssigned,
    /// The user has TOTP and gave no code.
    MfaRequired,
    /// The TOTP code was wrong or expired.
    MfaFailed,
    /// The TOTP code had been used already (a replay).
    MfaReplayed,
    /// Too many recent MFA sign-ins to check a code against replay.
    MfaBusy,
    /// The user's TOTP secret is unusable (a setup mistake at the IdP).
    MfaMisconfigured,
    /// `IsPassive="true"` and no session to answer from: the SP got a NoPassive status response.
    NoPassive,
    /// The IdP failed to make the response or the session (keys, signing, encryption).
    IssueFailed,
}

/// What became of an SSO attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Outcome {
    /// A response was issued (whatever a scenario made of it).
    Success {
        /// The Response's `ID`.
        response_id: String,
        /// Where the response was posted (the ACS URL).
        acs_url: String,
        /// The response as the HTTP-POST binding carries it (base64); `None` when it was
        /// larger than the log keeps.
        #[serde(default)]
        saml_response: Option<String>,
    },
    /// No response: why, and the sentence the user was shown.
    Refused {
        #[serde(flatten)]
        reason: RefusalReason,
        message: String,
    },
}

/// One entry of the event log (`GET /api/events`), like a JumpCloud Directory Insights
/// `sso_auth` event: one per SSO attempt, and one per response of the scenario API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// 1 for the first event since the IdP started, counting on when old events are dropped:
    /// a gap tells a client it missed some.
    pub seq: u64,
    /// When, RFC 3339 UTC with milliseconds.
    pub time: String,
    /// The IDP URL label the attempt named (possibly one no app has).
    pub app: String,
    /// The email signed in as, or typed when the sign-in failed; `None` before sign-in.
    #[serde(default)]
    pub user: Option<String>,
    pub initiation: Initiation,
    /// The AuthnRequest's `ID` (SP-initiated, when it could be read).
    #[serde(default)]
    pub request_id: Option<String>,
    /// The scenario chosen (mock only).
    #[serde(default)]
    pub scenario: Option<String>,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// `GET /api/events`: the events held that match, oldest first, and where the log stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventPage {
    /// How many events the log holds at most; older ones are dropped.
    pub capacity: usize,
    /// The `seq` of the oldest event still held (`None`: none recorded yet). A client that
    /// last saw `n` missed events when this is above `n + 1`.
    #[serde(default)]
    pub oldest_seq: Option<u64>,
    /// The `seq` the next event will get.
    pub next_seq: u64,
    pub events: Vec<Event>,
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

    fn event(outcome: Outcome) -> Event {
        Event {
            seq: 7,
            time: "2026-11-28T12:00:00.000Z".into(),
            app: "avoma".into(),
            user: None,
            initiation: Initiation::Sp,
            request_id: Some("_r1".into()),
            scenario: None,
            outcome,
        }
    }

    #[test]
    fn a_refused_event_is_flat_with_reason_and_detail() {
        let e = event(Outcome::Refused {
            reason: RefusalReason::RequestRefused(RequestProblem::IssuerMismatch),
            message: "the Issuer does not match".into(),
        });
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(
            json,
            r#"{"seq":7,"time":"2026-11-28T12:00:00.000Z","app":"avoma","user":null,"initiation":"sp","request_id":"_r1","scenario":null,"outcome":"refused","reason":"request_refused","detail":"issuer_mismatch","message":"the Issuer does not match"}"#
        );
        assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), e);
        let e = event(Outcome::Refused {
            reason: RefusalReason::NotAssigned,
            message: "m".into(),
        });
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["reason"], "not_assigned");
        assert!(json.get("detail").is_none());
        assert_eq!(serde_json::from_value::<Event>(json).unwrap(), e);
    }

    #[test]
    fn a_success_event_carries_the_response() {
        let e = event(Outcome::Success {
            response_id: "_resp".into(),
            acs_url: "https://sp/acs".into(),
            saml_response: Some("PD94".into()),
        });
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["outcome"], "success");
        assert_eq!(json["response_id"], "_resp");
        assert_eq!(json["saml_response"], "PD94");
        assert!(json.get("reason").is_none());
        assert_eq!(serde_json::from_value::<Event>(json).unwrap(), e);
        for i in [Initiation::Sp, Initiation::Idp, Initiation::Api] {
            assert_eq!(
                serde_json::to_string(&i).unwrap(),
                format!("\"{}\"", i.as_str())
            );
        }
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
