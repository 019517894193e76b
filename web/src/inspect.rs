//! What the page computes from its inputs, with no DOM: the same function runs natively in
//! `cargo test` and as WebAssembly in the page. Everything here is local; nothing is sent.

use crate::trust::TrustSetup;
use samlscope_core::decode::{self, DecodeLimits, Decoded};
use samlscope_core::metadata::{
    AuthnRequestInfo, EntityInfo, MetadataInfo, RedirectSignature, RequestPolicy, SpMetadataInfo,
    inspect_authn_request, inspect_entity, verify_authn_request,
};
use samlscope_core::report::Report;
use samlscope_core::saml::MessageKind;
use samlscope_core::saml::time::Instant;
use samlscope_core::trust::TrustStore;
use samlscope_core::validate::{Policy, valid_when_issued, validate, validate_document};
use samlscope_core::xenc::DecryptionKey;
use samlscope_core::xml;

/// The SP side of the check, as the admin types it. Persisted in local storage (no keys).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The IdP's entity ID (JumpCloud: `jumpcloud-<org>`); blank: the metadata's, when it
    /// holds a single IdP.
    pub idp_entity_id: String,
    pub sp_entity_id: String,
    pub acs_url: String,
    pub request_id: String,
    pub skew_seconds: i64,
    pub allow_sha1: bool,
    /// Check the message as of this xs:dateTime instead of now (blank: now).
    pub check_at: String,
    /// The trust box (metadata, certificates or fingerprints: public material).
    pub trust: String,
    /// The SP's signing certificate(s), PEM, or the SP's metadata: verifies signed
    /// AuthnRequests as the IdP does (JumpCloud: SP Certificate). Public material.
    pub sp_certificate: String,
    /// The SP does not sign its requests: with an SP certificate given, an unsigned request is
    /// then "not checked" instead of failing (a half-stripped or wrapped one still fails).
    pub allow_unsigned_requests: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            idp_entity_id: String::new(),
            sp_entity_id: String::new(),
            acs_url: String::new(),
            request_id: String::new(),
            skew_seconds: 180,
            allow_sha1: false,
            check_at: String::new(),
            trust: String::new(),
            sp_certificate: String::new(),
            allow_unsigned_requests: false,
        }
    }
}

/// One message found in the paste, for the picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageLabel {
    pub label: String,
}

/// What is shown for the selected message.
#[derive(Debug)]
pub enum Outcome {
    /// Nothing pasted yet.
    Empty,
    /// The paste held no decodable SAML: why.
    Undecodable(String),
    /// A Response (or bare Assertion, or anything else the validator judges).
    Verdict(Box<Report>),
    Metadata {
        xml: String,
        info: Result<Box<MetadataInfo>, String>,
    },
    /// A service provider's metadata: what to enter in the IdP.
    SpMetadata {
        xml: String,
        info: Box<SpMetadataInfo>,
    },
    Request {
        xml: String,
        info: Result<Box<AuthnRequestInfo>, String>,
        relay_state: Option<String>,
        redirect_signed: bool,
    },
}

/// The page's whole view model for one set of inputs.
#[derive(Debug)]
pub struct Inspection {
    pub messages: Vec<MessageLabel>,
    /// Index into `messages` actually shown (clamped).
    pub selected: usize,
    /// Non-fatal notes from decoding (redacted values in a HAR, …).
    pub findings: Vec<String>,
    pub trust: Result<String, String>,
    /// Why the "check at" or SP key input was not used, if so.
    pub input_errors: Vec<String>,
    pub outcome: Outcome,
    /// For an invalid response judged as of now: its IssueInstant, when it is valid as of
    /// then (old, not misconfigured; see `validate::valid_when_issued`).
    pub valid_when_issued: Option<String>,
}

/// The inputs that are not settings: the paste, the optional SP key, the clock, the picker.
pub struct Inputs<'a> {
    pub paste: &'a str,
    pub settings: &'a Settings,
    /// PEM of the SP's private key; in memory only.
    pub sp_key: &'a str,
    pub now: Instant,
    pub selected: usize,
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

fn label(i: usize, m: &Decoded, root: Option<String>) -> String {
    let root = root.unwrap_or_else(|| "not well-formed XML".into());
    let param = m
        .parameter
        .map(|p| format!(" {}", p.as_str()))
        .unwrap_or_default();
    let dup = m
        .duplicate_of
        .map(|d| format!(" (same as #{})", d + 1))
        .unwrap_or_default();
    format!("#{} {}{param}: {root}{dup}", i + 1, m.binding.as_str())
}

fn root_name(doc: &xml::Document) -> Option<String> {
    doc.element(doc.root()).map(|e| e.qname())
}

/// The trust the policy uses and the IdP it expects. The IdP Entity ID field, when set, is the
/// expected IdP (over the metadata's single entity) and binds what the trust box gave without
/// an entity (pinned certificates, fingerprints) to it, as `check --idp-entity-id` binds
/// `--idp-cert`: a key the admin pinned for A must not vouch for a message claiming B.
struct BoundTrust {
    store: TrustStore,
    idp_entity_id: Option<String>,
    /// What the field did to the trust box, said after its summary.
    note: Option<String>,
}

fn bind_trust(settings: &Settings, trust: &TrustSetup) -> BoundTrust {
    // The store shares its parsed certificates (and their public keys) between runs: binding
    // a clone is cheap, and the cached parse of the trust box stays as it was pasted.
    let mut store = trust.store.clone();
    let before = store.entities().len();
    let Some(id) = non_empty(&settings.idp_entity_id) else {
        let note = (!store.is_empty() && before == 0).then(|| {
            "Trusted for any issuer: set the IdP Entity ID to bind it to one IdP.".to_owned()
        });
        return BoundTrust {
            store,
            idp_entity_id: trust.idp_entity_id.clone(),
            note,
        };
    };
    let known = store.entities().contains(&id.as_str());
    store.bind_unbound(&id);
    let note = if store.is_empty() {
        None
    } else if store.entities().len() > before {
        Some(format!(
            "Bound to the IdP Entity ID {id}: trusted only for its messages."
        ))
    } else if !known {
        Some(format!(
            "None of these keys is trusted for the IdP Entity ID {id}: no signature can be \
             trusted for it."
        ))
    } else if before > 1 {
        Some(format!("IdP Entity ID {id}: only its keys are accepted."))
    } else {
        None
    };
    BoundTrust {
        store,
        idp_entity_id: Some(id),
        note,
    }
}

/// Builds the policy from the settings; returns the problems with optional inputs separately
/// (a bad "check at" time falls back to now, loudly).
fn policy(inputs: &Inputs<'_>, trust: BoundTrust, errors: &mut Vec<String>) -> Policy {
    let s = inputs.settings;
    let now = match non_empty(&s.check_at) {
        Some(t) => match Instant::parse(&t) {
            Ok((at, _)) => at,
            Err(e) => {
                errors.push(format!("Check at: {e}; checking as of now."));
                inputs.now
            }
        },
        None => inputs.now,
    };
    let mut p = Policy::new(trust.store, now);
    p.idp_entity_id = trust.idp_entity_id;
    p.sp_entity_id = non_empty(&s.sp_entity_id);
    p.acs_url = non_empty(&s.acs_url);
    p.request_id = non_empty(&s.request_id);
    p.skew_seconds = s.skew_seconds.clamp(0, 24 * 3600);
    p.signatures.verify.allow_sha1 = s.allow_sha1;
    if let Some(pem) = non_empty(inputs.sp_key) {
        match DecryptionKey::from_pem(&pem) {
            Ok(k) => p.sp_key = Some(k),
            Err(e) => errors.push(format!("SP private key not usable: {e}")),
        }
    }
    p
}

/// The SP keys of the settings (PEM or DER certificates given without an SP, or the SP's
/// metadata with each key bound to its entity), or `None` when the field is blank or unusable
/// (then said in `errors`).
fn sp_trust(s: &Settings, errors: &mut Vec<String>) -> Option<TrustStore> {
    let text = non_empty(&s.sp_certificate)?;
    samlscope_core::metadata::sp_trust(text.as_bytes())
        .map_err(|e| errors.push(format!("SP certificate not usable: {e}")))
        .ok()
}

/// Decodes the paste, picks the message, and judges it. `trust` is
/// [`crate::trust::parse_trust`] of the
/// trust box, computed once per edit of that box (the page caches it).
pub fn inspect(inputs: &Inputs<'_>, trust: &Result<TrustSetup, String>) -> Inspection {
    let mut input_errors = Vec::new();
    let no_trust = TrustSetup::default();
    let (bound, trust_summary) = match trust {
        Ok(t) => {
            let bound = bind_trust(inputs.settings, t);
            let summary = match &bound.note {
                Some(note) => format!("{} {note}", t.summary),
                None => t.summary.clone(),
            };
            (bound, Ok(summary))
        }
        Err(e) => (bind_trust(inputs.settings, &no_trust), Err(e.clone())),
    };
    let mut inspection = Inspection {
        messages: Vec::new(),
        selected: 0,
        findings: Vec::new(),
        trust: trust_summary,
        input_errors: Vec::new(),
        outcome: Outcome::Empty,
        valid_when_issued: None,
    };
    if inputs.paste.trim().is_empty() {
        return inspection;
    }
    let decoding = match decode::decode_all(inputs.paste.as_bytes(), &DecodeLimits::default()) {
        Ok(d) => d,
        Err(e) => {
            inspection.outcome = Outcome::Undecodable(e.to_string());
            return inspection;
        }
    };
    inspection.findings = decoding.findings.iter().map(ToString::to_string).collect();
    let selected = inputs
        .selected
        .min(decoding.messages.len().saturating_sub(1));
    inspection.selected = selected;
    let Some(message) = decoding.messages.get(selected) else {
        inspection.outcome = Outcome::Undecodable("no SAML message found".into());
        return inspection;
    };
    // The selected message is parsed once: for its label, its kind and the validation.
    let parsed = xml::parse(message.xml.as_bytes());
    inspection.messages = decoding
        .messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let root = if i == selected {
                parsed.as_ref().ok().and_then(root_name)
            } else {
                xml::parse(m.xml.as_bytes())
                    .ok()
                    .as_ref()
                    .and_then(root_name)
            };
            MessageLabel {
                label: label(i, m, root),
            }
        })
        .collect();
    let kind = parsed
        .as_ref()
        .map(MessageKind::of)
        .unwrap_or(MessageKind::Other);
    inspection.outcome = match kind {
        MessageKind::EntityDescriptor | MessageKind::EntitiesDescriptor => {
            let xml = message.xml.clone();
            match inspect_entity(message.xml.as_bytes(), inputs.now) {
                Ok(EntityInfo::IdentityProvider(info)) => Outcome::Metadata {
                    xml,
                    info: Ok(Box::new(info)),
                },
                Ok(EntityInfo::ServiceProvider(info)) => Outcome::SpMetadata {
                    xml,
                    info: Box::new(info),
                },
                Err(e) => Outcome::Metadata {
                    xml,
                    info: Err(e.to_string()),
                },
            }
        }
        MessageKind::AuthnRequest => Outcome::Request {
            xml: message.xml.clone(),
            info: match sp_trust(inputs.settings, &mut input_errors) {
                Some(sp) => verify_authn_request(
                    message.xml.as_bytes(),
                    RedirectSignature::of(message),
                    &sp,
                    &RequestPolicy::new(
                        !inputs.settings.allow_unsigned_requests,
                        inputs.settings.allow_sha1,
                    ),
                ),
                None => inspect_authn_request(message.xml.as_bytes()),
            }
            .map(Box::new)
            .map_err(|e| e.to_string()),
            relay_state: message.relay_state.clone(),
            redirect_signed: message.signature.is_some(),
        },
        _ => {
            let policy = policy(inputs, bound, &mut input_errors);
            let report = match &parsed {
                Ok(doc) => validate_document(doc, &policy),
                // The validator turns the parse error into its rejection report.
                Err(_) => validate(message.xml.as_bytes(), &policy),
            };
            // Only when the page's clock judged it: a "check at" time is the admin's choice.
            if policy.now == inputs.now {
                inspection.valid_when_issued = valid_when_issued(&report, &policy);
            }
            Outcome::Verdict(Box::new(report))
        }
    };
    inspection.input_errors = input_errors;
    inspection
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trust::parse_trust;
    use samlscope_core::report::Verdict;

    const RESPONSE_B64: &str = include_str!("../../examples/jumpcloud/response.b64");
    const METADATA: &str = include_str!("../../examples/jumpcloud/metadata.xml");

    fn settings() -> Settings {
        Settings {
            sp_entity_id: "https://app.avoma.com".into(),
            acs_url: "https://prod-api.avoma.com/saml2/acs".into(),
            trust: METADATA.into(),
            ..Settings::default()
        }
    }

    fn run(paste: &str, settings: &Settings) -> Inspection {
        let trust = parse_trust(&settings.trust);
        inspect(
            &Inputs {
                paste,
                settings,
                sp_key: "",
                now: Instant::parse("2026-11-28T12:01:00Z").unwrap().0,
                selected: 0,
            },
            &trust,
        )
    }

    fn report(i: &Inspection) -> &Report {
        match &i.outcome {
            Outcome::Verdict(r) => r,
            other => panic!("expected a verdict, got {other:?}"),
        }
    }

    #[test]
    fn bundled_response_is_valid_against_its_metadata() {
        let i = run(RESPONSE_B64, &settings());
        let r = report(&i);
        assert_eq!(
            r.verdict,
            Verdict::Valid,
            "{:#?}",
            r.failed().collect::<Vec<_>>()
        );
        assert_eq!(r.name_id.as_deref(), Some("alice@acmecorp.com"));
        assert_eq!(i.messages.len(), 1);
        assert!(i.messages[0].label.contains("Response"), "{:?}", i.messages);
    }

    #[test]
    fn an_old_paste_is_told_apart_from_a_misconfigured_one() {
        let day_later = |settings: &Settings| {
            inspect(
                &Inputs {
                    paste: RESPONSE_B64,
                    settings,
                    sp_key: "",
                    now: Instant::parse("2026-11-29T12:00:00Z").unwrap().0,
                    selected: 0,
                },
                &parse_trust(&settings.trust),
            )
        };
        let i = day_later(&settings());
        assert_eq!(report(&i).verdict, Verdict::Invalid);
        assert_eq!(i.valid_when_issued.as_deref(), Some("2026-11-28T12:00:00Z"));
        // Checked at the time the button sets: valid, and nothing more to say.
        let mut at = settings();
        at.check_at = "2026-11-28T12:00:00Z".into();
        let i = day_later(&at);
        assert_eq!(report(&i).verdict, Verdict::Valid);
        assert_eq!(i.valid_when_issued, None);
        // A misconfiguration fails as of any time.
        let mut typo = settings();
        typo.sp_entity_id = "https://app.avoma.co".into();
        assert_eq!(day_later(&typo).valid_when_issued, None);
    }

    #[test]
    fn wrong_sp_entity_id_is_invalid_and_without_trust_nothing_is_trusted() {
        let mut s = settings();
        s.sp_entity_id = "https://app.avoma.co".into();
        assert_eq!(report(&run(RESPONSE_B64, &s)).verdict, Verdict::Invalid);
        let mut s = settings();
        s.trust.clear();
        let i = run(RESPONSE_B64, &s);
        assert_eq!(report(&i).verdict, Verdict::Invalid);
        assert!(i.trust.unwrap().contains("No trust"));
    }

    #[test]
    fn check_at_moves_the_clock_and_a_bad_one_is_reported() {
        let mut s = settings();
        s.check_at = "2027-01-01T00:00:00Z".into();
        assert_eq!(report(&run(RESPONSE_B64, &s)).verdict, Verdict::Invalid);
        s.check_at = "yesterday".into();
        let i = run(RESPONSE_B64, &s);
        assert_eq!(i.input_errors.len(), 1);
        assert_eq!(report(&i).verdict, Verdict::Valid);
    }

    #[test]
    fn metadata_and_garbage_and_empty() {
        let i = run(METADATA, &settings());
        assert!(matches!(i.outcome, Outcome::Metadata { info: Ok(_), .. }));
        assert!(matches!(
            run("not saml at all", &settings()).outcome,
            Outcome::Undecodable(_)
        ));
        assert!(matches!(run("  ", &settings()).outcome, Outcome::Empty));
        // Truncated base64 of a real response.
        let cut = &RESPONSE_B64[..RESPONSE_B64.len() / 2];
        let i = run(cut, &settings());
        assert!(!matches!(i.outcome, Outcome::Empty));
    }

    /// An SP's metadata is shown as what to enter in JumpCloud; pasted as trust, it is named as
    /// the SP's, not silently "no certificate".
    #[test]
    fn sp_metadata_is_what_to_enter_in_the_idp() {
        const SP_METADATA: &str = include_str!("../../examples/jumpcloud/sp-metadata.xml");
        let i = run(SP_METADATA, &settings());
        let Outcome::SpMetadata { info, .. } = &i.outcome else {
            panic!("expected SP metadata, got {:?}", i.outcome);
        };
        assert_eq!(info.entity_id, "https://app.avoma.com");
        assert_eq!(
            info.default_acs().map(|e| e.location.as_str()),
            Some("https://prod-api.avoma.com/saml2/acs")
        );
        assert_eq!(info.idp_settings[0].field, "SP Entity ID");
        let s = Settings {
            trust: SP_METADATA.into(),
            ..settings()
        };
        let i = run(RESPONSE_B64, &s);
        let trust = i.trust.as_ref().unwrap_err();
        assert!(trust.contains("service provider's metadata"), "{trust}");
    }

    const REQUEST: &str = r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_req42" Version="2.0" IssueInstant="2026-11-28T12:00:00Z" AssertionConsumerServiceURL="https://prod-api.avoma.com/saml2/acs"><saml:Issuer>https://app.avoma.com</saml:Issuer></samlp:AuthnRequest>"#;

    #[test]
    fn an_authn_request_gets_the_request_view_with_its_id() {
        match run(REQUEST, &settings()).outcome {
            Outcome::Request { info: Ok(info), .. } => {
                assert_eq!(info.id, "_req42");
                assert_eq!(info.issuer.as_deref(), Some("https://app.avoma.com"));
                assert_eq!(
                    info.acs_url.as_deref(),
                    Some("https://prod-api.avoma.com/saml2/acs")
                );
            }
            other => panic!("expected the request view, got {other:?}"),
        }
    }

    /// The SP certificate field (PEM or the SP's metadata, as "Use as SP settings" fills it)
    /// verifies a signed AuthnRequest; without it the request has no signature check.
    #[test]
    fn a_signed_request_is_verified_with_the_sp_certificate() {
        use base64::Engine as _;
        use samlscope_core::checks::CheckId;
        use samlscope_core::crypto::PrivateKey;
        use samlscope_core::dsig::{Signer, sign_enveloped};
        use samlscope_core::report::Status;
        const SP_METADATA: &str = include_str!("../../examples/jumpcloud/sp-metadata.xml");
        // The key of the signing certificate in the bundled SP metadata.
        let key = include_str!("../../core/tests/data/keys/idp2.key.pem");
        let signer = Signer {
            key: PrivateKey::from_pem(key).unwrap(),
            certificate: None,
        };
        let signed = sign_enveloped(REQUEST, "_req42", &signer, &Default::default()).unwrap();
        let paste = base64::engine::general_purpose::STANDARD.encode(&signed);
        let status = |sp_certificate: &str| {
            let s = Settings {
                sp_certificate: sp_certificate.into(),
                ..settings()
            };
            let i = run(&paste, &s);
            let Outcome::Request { info: Ok(info), .. } = &i.outcome else {
                panic!("expected the request view, got {:?}", i.outcome);
            };
            let check = info
                .lints
                .iter()
                .find(|c| c.id == CheckId::RequestSignature)
                .map(|c| c.status);
            (check, i.input_errors.len())
        };
        assert_eq!(status(SP_METADATA), (Some(Status::Pass), 0));
        let idp_cert = include_str!("../../core/tests/data/keys/idp.crt.pem");
        assert_eq!(status(idp_cert), (Some(Status::Fail), 0));
        assert_eq!(status(""), (None, 0));
        assert_eq!(status("not a certificate"), (None, 1));
        // With an SP certificate, an unsigned request fails unless the SP does not sign.
        let unsigned = base64::engine::general_purpose::STANDARD.encode(REQUEST);
        let unsigned_status = |allow_unsigned_requests| {
            let s = Settings {
                sp_certificate: SP_METADATA.into(),
                allow_unsigned_requests,
                ..settings()
            };
            let i = run(&unsigned, &s);
            let Outcome::Request { info: Ok(info), .. } = &i.outcome else {
                panic!("expected the request view, got {:?}", i.outcome);
            };
            info.lints
                .iter()
                .find(|c| c.id == CheckId::RequestSignature)
                .map(|c| c.status)
        };
        assert_eq!(unsigned_status(false), Some(Status::Fail));
        assert_eq!(unsigned_status(true), Some(Status::Skipped));
    }

    /// Trust is bound to an entity in the page as in `check`: IdP A and IdP B (the test keys
    /// `idp` and `idp2`), each key vouching only for its own entity's messages.
    mod binding {
        use super::*;
        use samlscope_core::checks::CheckId;
        use samlscope_core::crypto::PrivateKey;
        use samlscope_core::dsig::{Signer, sign_enveloped};
        use samlscope_core::report::Status;
        use samlscope_core::saml::build::{
            NAMEID_EMAIL, ResponseSpec, idp_metadata_xml, response_xml,
        };
        use samlscope_core::trust::Certificate;

        const A: &str = "jumpcloud-acmecorp";
        const B: &str = "jumpcloud-evilcorp";
        const A_KEY: &str = include_str!("../../core/tests/data/keys/idp.key.pem");
        const A_CERT: &str = include_str!("../../core/tests/data/keys/idp.crt.pem");
        const B_KEY: &str = include_str!("../../core/tests/data/keys/idp2.key.pem");
        const B_CERT: &str = include_str!("../../core/tests/data/keys/idp2.crt.pem");

        fn cert_base64(pem: &str) -> String {
            Certificate::all_from_pem(pem).unwrap()[0].to_base64()
        }

        fn metadata(entity: &str, cert_pem: &str) -> String {
            idp_metadata_xml(
                entity,
                "https://sso.jumpcloud.com/saml2/avoma",
                &cert_base64(cert_pem),
                false,
                NAMEID_EMAIL,
            )
        }

        /// A and B in one aggregate, as a federation publishes them.
        fn aggregate() -> String {
            format!(
                "<md:EntitiesDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\">{}{}</md:EntitiesDescriptor>",
                metadata(A, A_CERT),
                metadata(B, B_CERT)
            )
        }

        /// The example response claiming `issuer`, Response and Assertion signed with `key`.
        fn signed_as(issuer: &str, key: &str) -> String {
            use base64::Engine as _;
            let spec = ResponseSpec {
                idp_entity_id: issuer.into(),
                ..ResponseSpec::example()
            };
            let signer = Signer {
                key: PrivateKey::from_pem(key).unwrap(),
                certificate: None,
            };
            let o = Default::default();
            let x = sign_enveloped(&response_xml(&spec), &spec.assertion_id, &signer, &o).unwrap();
            let xml = sign_enveloped(&x, &spec.response_id, &signer, &o).unwrap();
            base64::engine::general_purpose::STANDARD.encode(xml)
        }

        fn with(trust: &str, idp_entity_id: &str) -> Settings {
            Settings {
                trust: trust.into(),
                idp_entity_id: idp_entity_id.into(),
                ..settings()
            }
        }

        fn failed(i: &Inspection) -> Vec<CheckId> {
            report(i).failed().map(|c| c.id).collect()
        }

        fn trusted_message(i: &Inspection) -> String {
            let r = report(i);
            let c = r
                .checks
                .iter()
                .find(|c| c.id == CheckId::SignatureTrusted)
                .unwrap();
            assert_eq!(c.status, Status::Pass, "{c:?}");
            c.message.clone()
        }

        /// B's certificate pinned with the IdP Entity ID A: the key is A's from then on, and a
        /// message claiming B fails its Issuer checks. Without the field the same pin is unbound
        /// and the Issuer is not checked.
        #[test]
        fn a_pinned_certificate_is_bound_to_the_idp_entity_id() {
            let claims_b = signed_as(B, B_KEY);
            let i = run(&claims_b, &with(B_CERT, A));
            assert_eq!(report(&i).verdict, Verdict::Invalid);
            let ids = failed(&i);
            assert!(
                ids.contains(&CheckId::AssertionIssuer) && ids.contains(&CheckId::ResponseIssuer),
                "{ids:?}"
            );
            let issuer = report(&i)
                .failed()
                .find(|c| c.id == CheckId::AssertionIssuer)
                .unwrap();
            assert_eq!(issuer.expected.as_deref(), Some(A));
            let summary = i.trust.unwrap();
            assert!(
                summary.contains(&format!("Bound to the IdP Entity ID {A}")),
                "{summary}"
            );

            let i = run(&claims_b, &with(B_CERT, ""));
            assert_eq!(report(&i).verdict, Verdict::Valid, "{:?}", failed(&i));
            assert!(!trusted_message(&i).contains(" of "));
            assert!(i.trust.unwrap().contains("Trusted for any issuer"));

            // The pin for A verifies A's message, and the report says whose key it was.
            let i = run(&signed_as(A, B_KEY), &with(B_CERT, A));
            assert_eq!(report(&i).verdict, Verdict::Valid, "{:?}", failed(&i));
            assert!(trusted_message(&i).ends_with(&format!(" of {A}")));
        }

        /// The field wins over the metadata's single entity: B's metadata with the IdP Entity ID
        /// A refuses B's key for a message claiming A.
        #[test]
        fn the_idp_entity_id_overrides_the_metadata_entity() {
            let i = run(&signed_as(A, B_KEY), &with(&metadata(B, B_CERT), A));
            assert_eq!(report(&i).verdict, Verdict::Invalid);
            // The signature verified, then its key was refused for the entity it claims.
            let c = report(&i)
                .failed()
                .find(|c| c.id == CheckId::SignatureTrusted)
                .unwrap();
            assert_eq!(
                (c.expected.as_deref(), c.found.as_deref()),
                (Some(A), Some(B))
            );
            let summary = i.trust.unwrap();
            assert!(summary.contains("None of these keys"), "{summary}");
        }

        /// An aggregate of A and B: B's key never verifies a message claiming A.
        #[test]
        fn in_an_aggregate_b_cannot_sign_for_a() {
            let i = run(&signed_as(A, B_KEY), &with(&aggregate(), ""));
            assert_eq!(report(&i).verdict, Verdict::Invalid);
            assert!(
                failed(&i).contains(&CheckId::AssertionIssuer),
                "{:?}",
                failed(&i)
            );
            let issuer = report(&i)
                .failed()
                .find(|c| c.id == CheckId::AssertionIssuer)
                .unwrap();
            assert_eq!(issuer.expected.as_deref(), Some(B));
            let summary = i.trust.unwrap();
            assert!(
                summary.starts_with(&format!("Metadata of {A}, {B}: 2 signing certificates")),
                "{summary}"
            );
        }

        /// The same aggregate lets each IdP log in as itself, and names whose key verified.
        #[test]
        fn in_an_aggregate_each_idp_is_valid_as_itself() {
            for (entity, key) in [(A, A_KEY), (B, B_KEY)] {
                let i = run(&signed_as(entity, key), &with(&aggregate(), ""));
                assert_eq!(
                    report(&i).verdict,
                    Verdict::Valid,
                    "{entity}: {:?}",
                    failed(&i)
                );
                assert!(
                    trusted_message(&i).ends_with(&format!(" of {entity}")),
                    "{}",
                    trusted_message(&i)
                );
            }
            // Naming one of them restricts the aggregate to its keys.
            let i = run(&signed_as(B, B_KEY), &with(&aggregate(), A));
            assert_eq!(report(&i).verdict, Verdict::Invalid);
            assert!(
                failed(&i).contains(&CheckId::SignatureTrusted),
                "{:?}",
                failed(&i)
            );
        }
    }

    #[test]
    fn several_messages_get_a_picker_and_the_selection_is_clamped() {
        use base64::Engine as _;
        let request = base64::engine::general_purpose::STANDARD.encode(REQUEST);
        let page = format!(
            r#"<html><body><form method="post" action="https://sp/acs"><input type="hidden" name="SAMLResponse" value="{}"/></form><form method="post" action="https://idp/sso"><input type="hidden" name="SAMLRequest" value="{request}"/></form></body></html>"#,
            RESPONSE_B64.trim()
        );
        let trust = parse_trust(METADATA);
        let at = |selected| {
            inspect(
                &Inputs {
                    paste: &page,
                    settings: &settings(),
                    sp_key: "",
                    now: Instant::parse("2026-11-28T12:01:00Z").unwrap().0,
                    selected,
                },
                &trust,
            )
        };
        let first = at(0);
        assert_eq!(first.messages.len(), 2, "{:?}", first.messages);
        assert_eq!(report(&first).verdict, Verdict::Valid);
        assert!(matches!(at(1).outcome, Outcome::Request { .. }));
        let clamped = at(9);
        assert_eq!(clamped.selected, 1);
    }

    #[test]
    fn a_five_megabyte_paste_gets_an_answer() {
        let big = "A".repeat(5 << 20);
        let i = run(&big, &settings());
        assert!(
            matches!(i.outcome, Outcome::Undecodable(_)),
            "{:?}",
            i.outcome
        );
        let big_xml = format!("<r>{}</r>", "x".repeat(5 << 20));
        let i = run(&big_xml, &settings());
        assert!(!matches!(i.outcome, Outcome::Empty));
    }

    #[test]
    fn settings_round_trip_through_json_and_old_json_gets_defaults() {
        let s = settings();
        let json = serde_json::to_string(&s).unwrap();
        let back: Settings = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
        let partial: Settings = serde_json::from_str(r#"{"acs_url":"x"}"#).unwrap();
        assert_eq!(partial.skew_seconds, 180);
        assert_eq!(partial.acs_url, "x");
    }
}
