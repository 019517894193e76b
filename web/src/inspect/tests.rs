use super::*;
use crate::trust::parse_trust;
use samlscope_core::report::Verdict;

const RESPONSE_B64: &str = include_str!("../../../examples/jumpcloud/response.b64");
const METADATA: &str = include_str!("../../../examples/jumpcloud/metadata.xml");

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
    const SP_METADATA: &str = include_str!("../../../examples/jumpcloud/sp-metadata.xml");
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
    use samlscope_core::report::Status;
    use samlscope_forge::PrivateKey;
    use samlscope_forge::sign::{Signer, sign_enveloped};
    const SP_METADATA: &str = include_str!("../../../examples/jumpcloud/sp-metadata.xml");
    // The key of the signing certificate in the bundled SP metadata.
    let key = include_str!("../../../core/tests/data/keys/idp2.key.pem");
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
    let idp_cert = include_str!("../../../core/tests/data/keys/idp.crt.pem");
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
    use samlscope_core::report::Status;
    use samlscope_core::trust::Certificate;
    use samlscope_forge::PrivateKey;
    use samlscope_forge::build::{NAMEID_EMAIL, ResponseSpec, idp_metadata_xml, response_xml};
    use samlscope_forge::sign::{Signer, sign_enveloped};

    const A: &str = "jumpcloud-acmecorp";
    const B: &str = "jumpcloud-evilcorp";
    const A_KEY: &str = include_str!("../../../core/tests/data/keys/idp.key.pem");
    const A_CERT: &str = include_str!("../../../core/tests/data/keys/idp.crt.pem");
    const B_KEY: &str = include_str!("../../../core/tests/data/keys/idp2.key.pem");
    const B_CERT: &str = include_str!("../../../core/tests/data/keys/idp2.crt.pem");

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
