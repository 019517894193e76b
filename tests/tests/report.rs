//! The verdict: each profile check passes on a valid JumpCloud-shaped response and fails on the
//! variant that breaks it, with the fix hint an admin can act on.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use samlscope_core::checks::CheckId as C;
use samlscope_core::report::{Report, Status, Verdict};
use samlscope_core::validate::{Policy, validate};
use samlscope_forge::build::{ResponseSpec, response_xml};
use samlscope_forge::sign::sign_enveloped;

use common::{at, edited, policy, sign_both};

fn run(spec: &ResponseSpec, policy: &Policy) -> Report {
    validate(sign_both(&response_xml(spec), spec).as_bytes(), policy)
}

fn run_xml(xml: &str, policy: &Policy) -> Report {
    validate(xml.as_bytes(), policy)
}

fn status(r: &Report, id: C) -> Status {
    r.check(id)
        .unwrap_or_else(|| panic!("no check {id} in {:#?}", r.checks))
        .status
}

fn fix(r: &Report, id: C) -> String {
    r.checks
        .iter()
        .find(|c| c.id == id && c.status == Status::Fail)
        .and_then(|c| c.fix.clone())
        .unwrap_or_else(|| panic!("no failing {id} with a fix in {:#?}", r.checks))
}

fn assert_only_failure(r: &Report, ids: &[C]) {
    let failed: Vec<C> = r.failed().map(|c| c.id).collect();
    for id in &failed {
        assert!(ids.contains(id), "unexpected failure {id}: {:#?}", r.checks);
    }
    for id in ids {
        assert!(
            failed.contains(id),
            "expected {id} to fail: {:#?}",
            r.checks
        );
    }
    assert_eq!(r.verdict, Verdict::Invalid);
    assert!(r.identity.is_none() && r.name_id.is_none());
}

#[test]
fn a_valid_jumpcloud_response_passes_every_check() {
    let r = run(&common::spec(), &policy());
    assert_eq!(r.verdict, Verdict::Valid, "{:#?}", r.checks);
    assert_eq!(r.name_id.as_deref(), Some("alice@acmecorp.com"));
    assert!(r.jumpcloud);
    for id in [
        C::XmlWellFormed,
        C::StructureSchema,
        C::SignaturePresent,
        C::SignatureTrusted,
        C::SignatureDigest,
        C::SignatureAlgorithms,
        C::ResponseStatus,
        C::ResponseIssuer,
        C::ResponseDestination,
        C::ResponseInResponseTo,
        C::AssertionIssuer,
        C::SubjectNameId,
        C::SubjectNameIdFormat,
        C::SubjectConfirmation,
        C::SubjectRecipient,
        C::SubjectInResponseTo,
        C::ConditionsAudience,
        C::ConditionsWindow,
        C::ConditionsUnknown,
        C::AuthnStatement,
        C::AuthnSession,
        C::TimeIssueInstant,
        C::ValueComments,
        C::CertificateValidity,
    ] {
        assert_eq!(status(&r, id), Status::Pass, "{id}: {:#?}", r.check(id));
    }
    assert_eq!(status(&r, C::Replay), Status::Skipped);
    assert_eq!(r.signed_regions.len(), 2);
    let id = r.identity.as_ref().unwrap();
    assert_eq!(id.attributes.len(), 3);
    let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(json["verdict"], "valid");
    assert_eq!(json["name_id"], "alice@acmecorp.com");
    assert_eq!(json["checks"][0]["id"], "xml.well_formed");
}

#[test]
fn acs_url_typo_names_the_acs_urls_field() {
    let mut spec = common::spec();
    spec.acs_url = "https://prod-api.avoma.com/saml/acs".into();
    let r = run(&spec, &policy());
    assert_only_failure(&r, &[C::ResponseDestination, C::SubjectRecipient]);
    let hint = fix(&r, C::SubjectRecipient);
    assert!(hint.contains("ACS URLs"), "{hint}");
    assert!(
        hint.contains("https://prod-api.avoma.com/saml2/acs"),
        "{hint}"
    );
    let c = r.check(C::ResponseDestination).unwrap();
    assert_eq!(
        c.found.as_deref(),
        Some("https://prod-api.avoma.com/saml/acs")
    );
}

#[test]
fn sp_entity_id_typo_names_the_sp_entity_id_field() {
    let mut spec = common::spec();
    spec.sp_entity_id = "https://app.avoma.com/".into();
    let r = run(&spec, &policy());
    assert_only_failure(&r, &[C::ConditionsAudience]);
    let hint = fix(&r, C::ConditionsAudience);
    assert!(
        hint.contains("SP Entity ID must be exactly https://app.avoma.com"),
        "{hint}"
    );
    assert!(hint.contains("Audience"));
}

#[test]
fn wrong_idp_entity_id_names_the_idp_entity_id_field() {
    let mut p = policy();
    p.idp_entity_id = Some("jumpcloud-acme".into());
    let r = run(&common::spec(), &p);
    assert_only_failure(&r, &[C::ResponseIssuer, C::AssertionIssuer]);
    let hint = fix(&r, C::AssertionIssuer);
    assert!(hint.contains("IdP Entity ID"), "{hint}");
    assert!(hint.contains("jumpcloud-acme"), "{hint}");
}

#[test]
fn the_user_is_shown_clearly_even_when_the_response_fails() {
    let mut spec = common::spec();
    spec.name_id = "alice@acmecorp.io".into();
    spec.sp_entity_id = "https://app.avoma.co".into();
    let r = run(&spec, &policy());
    let c = r.check(C::SubjectNameId).unwrap();
    assert!(c.message.contains("alice@acmecorp.io"));
    assert_eq!(r.name_id, None, "no identity for an invalid message");
    let preview = r.unverified_identity.as_ref().unwrap();
    assert_eq!(preview.name_id.as_ref().unwrap().value, "alice@acmecorp.io");
}

#[test]
fn unsigned_response_when_sp_requires_it_names_the_sign_field() {
    let xml = common::assertion_signed_by(&common::idp_signer());
    let mut p = policy();
    p.require_signed_response = true;
    let r = run_xml(&xml, &p);
    assert_only_failure(&r, &[C::SignaturePresent]);
    assert!(fix(&r, C::SignaturePresent).contains("Sign"));
    // Without the requirement the assertion signature suffices; Destination is then unsigned
    // data but present and right.
    let r = run_xml(&xml, &policy());
    assert_eq!(r.verdict, Verdict::Valid, "{:#?}", r.checks);
}

#[test]
fn nothing_signed_fails_signature_present() {
    let r = run_xml(&response_xml(&common::spec()), &policy());
    assert_only_failure(&r, &[C::SignaturePresent]);
}

#[test]
fn time_window_and_skew_boundaries() {
    // NotOnOrAfter 12:05:00 + 180 s skew: 12:07:59 passes, 12:08:00 fails.
    let mut p = policy();
    p.now = at("2026-11-28T12:07:59Z");
    assert_eq!(run(&common::spec(), &p).verdict, Verdict::Valid);
    p.now = at("2026-11-28T12:08:00Z");
    let r = run(&common::spec(), &p);
    assert_only_failure(&r, &[C::ConditionsWindow, C::SubjectConfirmation]);
    assert!(fix(&r, C::ConditionsWindow).contains("clock"));
    // NotBefore 11:55:00 − 180 s: 11:52:00 passes, 11:51:59 fails (and was issued in the future).
    p.now = at("2026-11-28T11:57:00Z");
    assert_eq!(run(&common::spec(), &p).verdict, Verdict::Valid);
    p.now = at("2026-11-28T11:51:59Z");
    let r = run(&common::spec(), &p);
    assert_only_failure(&r, &[C::ConditionsWindow, C::TimeIssueInstant]);
}

#[test]
fn issue_instant_too_old() {
    let mut spec = common::spec();
    spec.issue_instant = "2026-11-28T11:00:00Z".into();
    let r = run(&spec, &policy());
    assert_only_failure(&r, &[C::TimeIssueInstant]);
}

#[test]
fn in_response_to_mismatch_and_unsolicited() {
    let mut p = policy();
    p.request_id = Some("_another".into());
    let r = run(&common::spec(), &p);
    assert_only_failure(&r, &[C::ResponseInResponseTo, C::SubjectInResponseTo]);
    // IdP-initiated: no InResponseTo, no request ID → not checked, valid.
    let mut spec = common::spec();
    spec.in_response_to = None;
    let mut p = policy();
    p.request_id = None;
    let r = run(&spec, &p);
    assert_eq!(r.verdict, Verdict::Valid);
    assert_eq!(status(&r, C::SubjectInResponseTo), Status::Skipped);
    // A request was sent but the response is unsolicited.
    let r = run(&spec, &policy());
    assert_only_failure(&r, &[C::ResponseInResponseTo, C::SubjectInResponseTo]);
}

#[test]
fn error_status_fails_with_the_status_code() {
    let mut spec = common::spec();
    spec.status = "urn:oasis:names:tc:SAML:2.0:status:Responder".into();
    let xml = sign_enveloped(
        &response_xml(&spec),
        &spec.response_id,
        &common::idp_signer(),
        &Default::default(),
    )
    .unwrap();
    let r = run_xml(&xml, &policy());
    assert_eq!(status(&r, C::ResponseStatus), Status::Fail);
    assert!(
        r.check(C::ResponseStatus)
            .unwrap()
            .found
            .as_deref()
            .unwrap()
            .contains("Responder")
    );
    assert_eq!(r.verdict, Verdict::Invalid);
}

#[test]
fn subject_and_conditions_shapes() {
    // Empty NameID.
    let r = run_xml(
        &edited(|x| x.replace(">alice@acmecorp.com</saml2:NameID>", "></saml2:NameID>")),
        &policy(),
    );
    assert_only_failure(&r, &[C::SubjectNameId]);
    // An EncryptedID or a BaseID in NameID's place: a failure that says which one is there,
    // with its span, not "no NameID".
    let name_id = |x: &str| {
        let i = x.find("<saml2:NameID").unwrap();
        let j = x.find("</saml2:NameID>").unwrap() + "</saml2:NameID>".len();
        (i, j)
    };
    for (replacement, says) in [
        (
            "<saml2:EncryptedID><xenc:EncryptedData xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\"/></saml2:EncryptedID>",
            "carries an EncryptedID",
        ),
        (
            "<saml2:BaseID NameQualifier=\"acmecorp\"/>",
            "carries a BaseID",
        ),
    ] {
        let xml = edited(|x| {
            let (i, j) = name_id(&x);
            format!("{}{replacement}{}", &x[..i], &x[j..])
        });
        let r = run_xml(&xml, &policy());
        assert_only_failure(&r, &[C::SubjectNameId]);
        let c = r.check(C::SubjectNameId).unwrap();
        assert!(c.message.contains(says), "{c:#?}");
        let span = c.span.unwrap();
        assert!(
            r.xml[span.start..span.end].starts_with(&replacement[..15]),
            "{c:#?}"
        );
        assert!(r.name_id.is_none());
    }
    // Two identifiers, or one after the SubjectConfirmation, or anything else in the Subject:
    // refused by the structure check (two consumers may read two different users), signed or not.
    let second = "<saml2:NameID>mallory@acmecorp.com</saml2:NameID>";
    for (what, edit) in [
        ("two NameIDs", format!("{second}<saml2:NameID")),
        (
            "a BaseID before the NameID",
            "<saml2:BaseID NameQualifier=\"q\"/><saml2:NameID".to_owned(),
        ),
        (
            "an EncryptedID before the NameID",
            "<saml2:EncryptedID/><saml2:NameID".to_owned(),
        ),
    ] {
        let r = run_xml(
            &edited(|x| x.replacen("<saml2:NameID", &edit, 1)),
            &policy(),
        );
        assert_eq!(r.verdict, Verdict::Invalid, "{what}");
        let c = r.check(C::StructureSchema).unwrap();
        assert_eq!(c.status, Status::Fail, "{what}: {c:#?}");
        assert!(
            c.message.contains("inside <saml:Subject>"),
            "{what}: {}",
            c.message
        );
        assert!(r.name_id.is_none(), "{what}");
    }
    let late = edited(|x| x.replacen("</saml2:Subject>", &format!("{second}</saml2:Subject>"), 1));
    let r = run_xml(&late, &policy());
    assert_eq!(status(&r, C::StructureSchema), Status::Fail);

    // SPNameQualifier of another SP.
    let r = run_xml(
        &edited(|x| {
            x.replace(
                "<saml2:NameID ",
                "<saml2:NameID SPNameQualifier=\"https://other.example\" ",
            )
        }),
        &policy(),
    );
    assert_only_failure(&r, &[C::SubjectNameId]);
    // Non-standard format: a warning, not a failure.
    let r = run_xml(
        &edited(|x| {
            x.replace(
                "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
                "urn:oasis:names:tc:SAML:2.0:nameid-format:unspecified",
            )
        }),
        &policy(),
    );
    assert_eq!(r.verdict, Verdict::Valid);
    assert_eq!(status(&r, C::SubjectNameIdFormat), Status::Warn);
    // Bearer confirmation with NotBefore.
    let r = run_xml(
        &edited(|x| {
            x.replace(
                "<saml2:SubjectConfirmationData ",
                "<saml2:SubjectConfirmationData NotBefore=\"2026-11-28T11:55:00Z\" ",
            )
        }),
        &policy(),
    );
    assert_only_failure(&r, &[C::SubjectConfirmation]);
    // No bearer method.
    let r = run_xml(
        &edited(|x| {
            x.replace(
                "urn:oasis:names:tc:SAML:2.0:cm:bearer",
                "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key",
            )
        }),
        &policy(),
    );
    assert_eq!(status(&r, C::SubjectConfirmation), Status::Fail);
    // Unknown condition.
    let r = run_xml(
        &edited(|x| {
            x.replace("</saml2:Conditions>", "<saml2:Condition xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"x\"/></saml2:Conditions>")
        }),
        &policy(),
    );
    assert_only_failure(&r, &[C::ConditionsUnknown]);
    // Missing AudienceRestriction.
    let r = run_xml(
        &edited(|x| {
            x.replace("<saml2:AudienceRestriction><saml2:Audience>https://app.avoma.com</saml2:Audience></saml2:AudienceRestriction>", "")
        }),
        &policy(),
    );
    assert_only_failure(&r, &[C::ConditionsAudience]);
    // Two restrictions: each must contain the SP.
    let r = run_xml(
        &edited(|x| {
            x.replace("</saml2:AudienceRestriction>", "</saml2:AudienceRestriction><saml2:AudienceRestriction><saml2:Audience>https://other.example</saml2:Audience></saml2:AudienceRestriction>")
        }),
        &policy(),
    );
    assert_only_failure(&r, &[C::ConditionsAudience]);
    // No AuthnStatement.
    let r = run_xml(
        &edited(|x| {
            let s = x.find("<saml2:AuthnStatement").unwrap();
            let e = x.find("</saml2:AuthnStatement>").unwrap() + "</saml2:AuthnStatement>".len();
            format!("{}{}", &x[..s], &x[e..])
        }),
        &policy(),
    );
    assert_only_failure(&r, &[C::AuthnStatement]);
    // Session over.
    let r = run_xml(
        &edited(|x| x.replace("2026-11-29T12:00:00Z", "2026-11-28T11:58:00Z")),
        &policy(),
    );
    assert_only_failure(&r, &[C::AuthnSession]);
    // Malformed time.
    let r = run_xml(
        &edited(|x| {
            x.replace(
                "NotBefore=\"2026-11-28T11:55:00Z\"",
                "NotBefore=\"yesterday\"",
            )
        }),
        &policy(),
    );
    assert_only_failure(&r, &[C::ConditionsWindow]);
    // Wrong Issuer Format.
    let r = run_xml(
        &edited(|x| {
            x.replacen(
                "<saml2:Issuer>",
                "<saml2:Issuer Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress\">",
                1,
            )
        }),
        &policy(),
    );
    assert_only_failure(&r, &[C::AssertionIssuer]);
}

#[test]
fn destination_missing_on_a_signed_response_fails() {
    let r = run_xml(
        &edited(|x| x.replace(" Destination=\"https://prod-api.avoma.com/saml2/acs\"", "")),
        &policy(),
    );
    assert_only_failure(&r, &[C::ResponseDestination]);
}

#[test]
fn comment_injection_is_refused_by_default_and_read_in_full_when_allowed() {
    let fx = common::fixture();
    let attack = samlscope_forge::attacks::find("comment-nameid").unwrap();
    let xml = attack.build(&fx).unwrap();
    let r = run_xml(&xml, &policy());
    assert_only_failure(&r, &[C::ValueComments]);
    let mut p = policy();
    p.allow_comments_in_values = true;
    let r = run_xml(&xml, &p);
    assert_eq!(r.verdict, Verdict::Valid);
    // The whole signed name (the attacker's own account), never the part before the comment.
    assert_eq!(
        r.name_id.as_deref(),
        Some(format!("{}.evil.example", fx.evil_name_id).as_str())
    );
    assert_eq!(r.name_id, Some(attack.signed_name_id(&fx)));
    assert_eq!(status(&r, C::ValueComments), Status::Warn);
}

#[test]
fn rotated_certificate_is_diagnosed_with_both_fingerprints() {
    let xml = common::assertion_signed_by(&common::signer(common::IDP2_KEY, common::IDP2_CERT));
    let r = run_xml(&xml, &policy());
    let c = r.failed().find(|c| c.id == C::SignatureTrusted).unwrap();
    assert!(c.message.contains("regenerated"), "{}", c.message);
    let new = common::cert(common::IDP2_CERT)
        .info()
        .sha256_fingerprint
        .clone();
    let old = common::cert(common::IDP_CERT)
        .info()
        .sha256_fingerprint
        .clone();
    assert!(c.found.as_deref().unwrap().contains(&new));
    assert!(c.expected.as_deref().unwrap().contains(&old));
    assert!(c.fix.as_deref().unwrap().contains("IDP Certificate"));
    assert!(
        r.certificates
            .iter()
            .any(|k| k.role == "keyinfo" && k.matches_trusted == Some(false))
    );
}

#[test]
fn certificate_validity_is_checked_against_now() {
    let mut p = policy();
    p.now = at("2200-01-01T00:00:00Z");
    let r = run(&common::spec(), &p);
    assert_eq!(status(&r, C::CertificateValidity), Status::Fail);
    p.check_certificate_validity = false;
    let r = run(&common::spec(), &p);
    assert!(r.check(C::CertificateValidity).is_none());
}

#[test]
fn structural_and_parse_failures_are_single_clear_checks() {
    let r = run_xml("<not xml", &policy());
    assert_eq!(r.verdict, Verdict::Invalid);
    assert_eq!(r.checks[0].id, C::XmlWellFormed);
    let r = run_xml(
        "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"/>",
        &policy(),
    );
    assert_only_failure(&r, &[C::StructureMessage]);
    assert!(r.checks.iter().any(|c| c.message.contains("AuthnRequest")));
    let fx = common::fixture();
    let xml = samlscope_forge::attacks::find("xsw3")
        .unwrap()
        .build(&fx)
        .unwrap();
    let r = run_xml(&xml, &policy());
    assert_only_failure(&r, &[C::StructureAssertionCount]);
}

#[test]
fn every_attack_scenario_is_invalid_in_the_report() {
    let fx = common::fixture();
    for a in samlscope_forge::attacks::catalogue() {
        let r = run_xml(&a.build(&fx).unwrap(), &policy());
        match a.expected {
            samlscope_forge::attacks::Expected::Reject { check } => {
                assert_eq!(r.verdict, Verdict::Invalid, "{}", a.id);
                assert!(
                    r.failed().any(|c| c.id == check),
                    "{}: {:#?}",
                    a.id,
                    r.checks
                );
            }
            samlscope_forge::attacks::Expected::AcceptFullNameId => {
                assert!(r.failed().any(|c| c.id == C::ValueComments), "{}", a.id);
            }
        }
    }
}

/// Encrypted assertions: decrypted with the SP key and then checked like any assertion; an
/// unsigned one in an unsigned Response is refused (encryption is not authentication).
#[test]
fn encrypted_assertions_are_decrypted_then_checked() {
    use common::encrypted_response as build;
    use samlscope_core::xenc::DecryptionKey;
    let key = DecryptionKey::from_pem(common::IDP2_KEY).unwrap();
    let mut p = policy();
    // Without the SP key: refused, with the hint to provide it.
    let r = run_xml(&build(true, false), &p);
    assert_only_failure(&r, &[C::AssertionEncrypted]);
    // With it: decrypted, its own signature verified, valid.
    p.sp_key = Some(key.clone());
    let r = run_xml(&build(true, false), &p);
    assert_eq!(r.verdict, Verdict::Valid, "{:#?}", r.checks);
    assert_eq!(r.name_id.as_deref(), Some("alice@acmecorp.com"));
    assert!(
        r.decrypted_assertion
            .as_deref()
            .unwrap()
            .contains("alice@acmecorp.com")
    );
    // A signed Response covering the EncryptedAssertion also suffices.
    assert_eq!(run_xml(&build(false, true), &p).verdict, Verdict::Valid);
    // Unsigned inside an unsigned Response (anyone can encrypt for the SP): refused.
    let r = run_xml(&build(false, false), &p);
    assert_eq!(r.verdict, Verdict::Invalid);
    assert!(
        r.failed().any(|c| c.id == C::SignaturePresent),
        "{:#?}",
        r.checks
    );
    // The wrong key: one uniform error.
    p.sp_key = Some(DecryptionKey::from_pem(common::IDP_KEY).unwrap());
    let r = run_xml(&build(true, false), &p);
    assert_only_failure(&r, &[C::AssertionEncrypted]);
}

/// An EncryptedID and EncryptedAttributes (the schema's encrypted NameID and attributes, as
/// ADFS or Shibboleth can send) are decrypted with the SP key and checked and shown like plain
/// ones; without the key the user cannot be read (a failure) and the hidden attributes are
/// named (a warning); with the wrong key both fail with the one uniform error.
#[test]
fn encrypted_name_ids_and_attributes_are_decrypted_with_the_sp_key() {
    use samlscope_core::xenc::DecryptionKey;
    let xml = common::response_with_encrypted_parts(true, &["groups", "firstname"], |a| a);
    let mut p = policy();

    let r = run_xml(&xml, &p);
    assert_only_failure(&r, &[C::SubjectNameId]);
    let name_id = r.check(C::SubjectNameId).unwrap();
    assert!(
        name_id.message.contains("EncryptedID"),
        "{}",
        name_id.message
    );
    assert!(name_id.fix.as_deref().unwrap().contains("private key"));
    let attrs = r.check(C::AttributesEncrypted).unwrap();
    assert_eq!(attrs.status, Status::Warn);
    assert!(
        attrs.message.starts_with("2 attributes are encrypted"),
        "{}",
        attrs.message
    );
    // Invalid, so the identity is only the labelled unverified preview.
    let id = r.unverified_identity.as_ref().unwrap();
    assert_eq!(id.name_id, None);
    let names: Vec<&str> = id.attributes.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["email"]);

    p.sp_key = Some(DecryptionKey::from_pem(common::IDP2_KEY).unwrap());
    let r = run_xml(&xml, &p);
    assert_eq!(r.verdict, Verdict::Valid, "{:#?}", r.checks);
    assert_eq!(r.name_id.as_deref(), Some("alice@acmecorp.com"));
    assert_eq!(status(&r, C::AttributesEncrypted), Status::Pass);
    let id = r.identity.as_ref().unwrap();
    let n = id.name_id.as_ref().unwrap();
    assert!(n.encrypted);
    assert_eq!(
        n.format.as_deref(),
        Some(samlscope_forge::build::NAMEID_EMAIL)
    );
    assert!(xml[n.span.start..n.span.end].starts_with("<saml2:EncryptedID"));
    let shown: Vec<(&str, &[String], bool)> = id
        .attributes
        .iter()
        .map(|a| (a.name.as_str(), a.values.as_slice(), a.encrypted))
        .collect();
    assert_eq!(
        shown,
        [
            ("email", &["alice@acmecorp.com".to_owned()][..], false),
            ("firstname", &["Alice".to_owned()][..], true),
            (
                "groups",
                &["engineering".to_owned(), "sso-admins".to_owned()][..],
                true
            ),
        ]
    );

    // The SP key of another SP: one uniform error each, no user.
    p.sp_key = Some(DecryptionKey::from_pem(common::IDP_KEY).unwrap());
    let r = run_xml(&xml, &p);
    assert_only_failure(&r, &[C::SubjectNameId, C::AttributesEncrypted]);
    assert_eq!(
        r.check(C::SubjectNameId).unwrap().message,
        "the EncryptedID could not be decrypted with the SP key"
    );
    assert_eq!(r.name_id, None);
}

/// Each EncryptedAttribute costs an RSA private-key operation: more than 32 in one assertion is
/// refused before any is decrypted (a paste must not keep the page busy for seconds).
#[test]
fn too_many_encrypted_attributes_are_refused_undecrypted() {
    use samlscope_core::xenc::DecryptionKey;
    let many: Vec<String> = (0..33).map(|i| format!("a{i}")).collect();
    let names: Vec<&str> = many.iter().map(String::as_str).collect();
    let xml = common::response_with_encrypted_parts(false, &names, |a| {
        let extra: String = many
            .iter()
            .map(|n| format!("<saml2:Attribute Name=\"{n}\"><saml2:AttributeValue>v</saml2:AttributeValue></saml2:Attribute>"))
            .collect();
        a.replacen(
            "<saml2:AttributeStatement>",
            &format!("<saml2:AttributeStatement>{extra}"),
            1,
        )
    });
    let mut p = policy();
    p.sp_key = Some(DecryptionKey::from_pem(common::IDP2_KEY).unwrap());
    let r = run_xml(&xml, &p);
    assert_only_failure(&r, &[C::AttributesEncrypted]);
    let c = r.check(C::AttributesEncrypted).unwrap();
    assert!(
        c.message.starts_with("33 EncryptedAttribute elements"),
        "{}",
        c.message
    );
    let shown = r.unverified_identity.unwrap().attributes;
    assert!(shown.iter().all(|a| !a.encrypted), "{shown:?}");
}

/// What is checked in a plain NameID is checked in a decrypted one: comment injection arrives
/// encrypted too, and an SPNameQualifier for another SP fails; a tampered ciphertext fails the
/// assertion's signature, since the signature covers it.
#[test]
fn decrypted_name_ids_are_held_to_the_same_checks() {
    use samlscope_core::xenc::DecryptionKey;
    let mut p = policy();
    p.sp_key = Some(DecryptionKey::from_pem(common::IDP2_KEY).unwrap());

    let injected = common::response_with_encrypted_parts(true, &[], |a| {
        a.replace(
            ">alice@acmecorp.com</saml2:NameID>",
            ">alice@acmecorp.com<!---->.evil.example</saml2:NameID>",
        )
    });
    let r = run_xml(&injected, &p);
    assert_only_failure(&r, &[C::ValueComments]);
    let c = r.check(C::ValueComments).unwrap();
    assert!(
        c.message.contains("decrypted from <saml2:EncryptedID>"),
        "{}",
        c.message
    );
    // Read whole, never cut at the comment (and shown only as the unverified preview).
    let n = r.unverified_identity.unwrap().name_id.unwrap();
    assert_eq!(n.value, "alice@acmecorp.com.evil.example");
    assert!(n.comment_inside && n.encrypted);

    let other_sp = common::response_with_encrypted_parts(true, &[], |a| {
        a.replace(
            "<saml2:NameID ",
            "<saml2:NameID SPNameQualifier=\"https://other.example\" ",
        )
    });
    let r = run_xml(&other_sp, &p);
    assert_only_failure(&r, &[C::SubjectNameId]);
    assert_eq!(
        r.check(C::SubjectNameId).unwrap().found.as_deref(),
        Some("https://other.example")
    );

    let xml = common::response_with_encrypted_parts(true, &["groups"], |a| a);
    let at = xml.find("<xenc:CipherValue>").unwrap() + "<xenc:CipherValue>".len();
    let flipped = if &xml[at..=at] == "A" { "B" } else { "A" };
    let mut tampered = xml.clone();
    tampered.replace_range(at..=at, flipped);
    let r = run_xml(&tampered, &p);
    assert_eq!(r.verdict, Verdict::Invalid);
    assert!(
        r.failed().any(|c| c.id == C::SignatureDigest),
        "{:#?}",
        r.checks
    );
}

/// A decrypted assertion whose structure is refused (here its Issuer is not its first child,
/// which the schema requires and signature wrapping exploits) fails like a pasted one would,
/// says that it came from the decryption, and keeps the plaintext for the admin to see.
#[test]
fn a_decrypted_assertion_with_a_refused_structure_is_shown_not_consumed() {
    use samlscope_core::xenc::DecryptionKey;
    let mut p = policy();
    p.sp_key = Some(DecryptionKey::from_pem(common::IDP2_KEY).unwrap());
    let assertion = samlscope_forge::build::assertion_xml(&common::spec());
    let (s, e) = (
        assertion.find("<saml2:Issuer").unwrap(),
        assertion.find("</saml2:Issuer>").unwrap() + "</saml2:Issuer>".len(),
    );
    let end = assertion.rfind("</saml2:Assertion>").unwrap();
    let reordered = format!(
        "{}{}{}{}",
        &assertion[..s],
        &assertion[e..end],
        &assertion[s..e],
        &assertion[end..]
    );
    let r = run_xml(&common::response_encrypting(&reordered, true), &p);
    assert_eq!(r.verdict, Verdict::Invalid);
    let failed: Vec<_> = r.failed().collect();
    assert_eq!(failed.len(), 1, "{:#?}", r.checks);
    assert_eq!(failed[0].id, C::StructureSchema, "{:#?}", r.checks);
    assert!(
        failed[0].message.starts_with("decrypted assertion: "),
        "{}",
        failed[0].message
    );
    assert!(
        r.decrypted_assertion
            .as_deref()
            .is_some_and(|x| x.contains("alice@acmecorp.com")),
        "{:?}",
        r.decrypted_assertion
    );
    // Nothing of it is consumed.
    assert_eq!(r.name_id, None);
    assert!(r.identity.is_none(), "{:?}", r.identity);
}

#[test]
fn an_old_message_is_told_apart_from_a_misconfigured_one() {
    use samlscope_core::validate::valid_when_issued;
    let spec = ResponseSpec::example();
    // A day later, the correct response fails only on time, and is valid as of when it was
    // issued: the report says so with the IssueInstant as shown.
    let mut later = policy();
    later.now = at("2026-11-29T12:00:00Z");
    let r = run(&spec, &later);
    assert_eq!(r.verdict, Verdict::Invalid);
    assert_eq!(
        valid_when_issued(&r, &later).as_deref(),
        Some("2026-11-28T12:00:00Z")
    );
    // An SP Entity ID typo fails as of any moment: no such claim.
    let mut typo = later.clone();
    typo.sp_entity_id = Some("https://app.avoma.co".into());
    assert_eq!(valid_when_issued(&run(&spec, &typo), &typo), None);
    // A tampered message neither, even though its times are the same.
    let signed = sign_both(&response_xml(&spec), &spec);
    let tampered = signed.replacen(">alice@acmecorp.com<", ">bob@acmecorp.com<", 1);
    assert_ne!(tampered, signed);
    let r = run_xml(&tampered, &later);
    assert_eq!(r.verdict, Verdict::Invalid);
    assert_eq!(valid_when_issued(&r, &later), None);
    // The trusted certificate (valid until 2125) has expired since: that needs a rotation,
    // whatever the message's age, so the message is not called merely old.
    let mut expired_cert = later.clone();
    expired_cert.now = at("2125-06-01T00:00:00Z");
    let r = run(&spec, &expired_cert);
    assert_eq!(status(&r, C::CertificateValidity), Status::Fail);
    assert_eq!(valid_when_issued(&r, &expired_cert), None);
    // A valid report, or one already judged at its IssueInstant, has nothing to add.
    let now = policy();
    assert_eq!(valid_when_issued(&run(&spec, &now), &now), None);
    let mut issued = later.clone();
    issued.now = at("2026-11-28T12:00:00Z");
    issued.sp_entity_id = Some("https://app.avoma.co".into());
    assert_eq!(valid_when_issued(&run(&spec, &issued), &issued), None);
}

/// An IdP that canonicalizes SignedInfo with inclusive C14N produces a valid login: the verdict
/// stays valid, and signature.algorithms warns (SAML core §5.4.3 says exclusive SHOULD be used).
#[test]
fn inclusive_c14n_is_valid_with_a_warning() {
    use samlscope_core::algorithm::Canonicalization;
    use samlscope_forge::sign::SignOptions;
    let spec = common::spec();
    for c in [
        Canonicalization::Inclusive,
        Canonicalization::Inclusive11WithComments,
    ] {
        let o = SignOptions {
            canonicalization: c,
            ..SignOptions::default()
        };
        let idp = common::idp_signer();
        let xml = sign_enveloped(&response_xml(&spec), &spec.assertion_id, &idp, &o).unwrap();
        let xml = sign_enveloped(&xml, &spec.response_id, &idp, &o).unwrap();
        let r = run_xml(&xml, &policy());
        assert_eq!(r.verdict, Verdict::Valid, "{:#?}", r.checks);
        let warned: Vec<_> = r
            .checks
            .iter()
            .filter(|k| k.id == C::SignatureAlgorithms)
            .collect();
        assert!(!warned.is_empty());
        for k in warned {
            assert_eq!(k.status, Status::Warn, "{k:?}");
            assert!(k.message.contains(c.name()), "{}", k.message);
            assert!(k.fix.as_deref().is_some_and(|f| f.contains("xml-exc-c14n")));
        }
    }
}
