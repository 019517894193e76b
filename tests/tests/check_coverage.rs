//! Every check id is seen both ways: passing on a good message and failing (or warning, for
//! the checks that only ever warn) on one that breaks it. The corpus below is one case per
//! thing an admin or an attacker gets wrong, plus the whole attack catalogue; a check id added
//! to `CheckId` without a case that exercises it fails this test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use std::collections::BTreeMap;

use common::{at, edited, policy, sign_both};
use samlscope_core::algorithm::{DigestAlgorithm, SignatureAlgorithm};
use samlscope_core::checks::CheckId as C;
use samlscope_core::metadata::{inspect_authn_request, inspect_metadata, verify_authn_request};
use samlscope_core::report::{Check, Status};
use samlscope_core::validate::{Policy, undecodable, validate};
use samlscope_forge::build::{ResponseSpec, response_xml};
use samlscope_forge::sign::{SignOptions, Signer, sign_enveloped};

/// Checks whose success is not a check of its own but part of a broader one: the parser's
/// refusals pass as "well-formed XML, no DTD, namespaces in order", the structural refusals as
/// "Response and Assertion follow the SAML schema order", and the parts of a signature as its
/// digest passing (the digest is only compared once structure, reference and transforms are
/// accepted). A KeyInfo certificate that is the trusted one shows with the trusted signature
/// (and in the certificate cards); only a different one is a check of its own, a warning.
const PASS_REPORTED_AS: &[(C, C)] = &[
    (C::XmlDoctype, C::XmlWellFormed),
    (C::XmlProcessingInstruction, C::XmlWellFormed),
    (C::XmlLimits, C::XmlWellFormed),
    (C::XmlNamespaces, C::XmlWellFormed),
    (C::StructureMessage, C::StructureSchema),
    (C::StructureAssertionCount, C::StructureSchema),
    (C::StructureUniqueIds, C::StructureSchema),
    (C::StructureSignaturePosition, C::StructureSchema),
    (C::StructureHiddenAssertion, C::StructureSchema),
    (C::SignatureStructure, C::SignatureDigest),
    (C::SignatureReference, C::SignatureDigest),
    (C::SignatureTransforms, C::SignatureDigest),
    (C::SignatureKeyInfo, C::SignatureTrusted),
];

/// Checks that never fail, by design: fragile-but-working findings are warnings (the issue's
/// "warnings, not failures").
const WARN_ONLY: &[C] = &[C::SubjectNameIdFormat, C::SignatureKeyInfo];

/// `input.decode` is only reported when nothing could be decoded; a decoded message is the
/// success.
const FAIL_ONLY: &[C] = &[C::InputDecode];

/// Reported as not checked in every report: samlscope keeps no replay cache, so it says so
/// instead of passing.
const NOT_CHECKED: &[C] = &[C::Replay];

fn signed(spec: &ResponseSpec) -> String {
    sign_both(&response_xml(spec), spec)
}

fn with_spec(edit: impl Fn(&mut ResponseSpec)) -> String {
    let mut spec = common::spec();
    edit(&mut spec);
    signed(&spec)
}

fn with_policy(edit: impl Fn(&mut Policy)) -> Policy {
    let mut p = policy();
    edit(&mut p);
    p
}

/// Every (case, check) outcome of the corpus.
fn corpus() -> Vec<(String, Vec<Check>)> {
    let fx = common::fixture();
    let good = signed(&common::spec());
    let mut reports: Vec<(String, String, Policy)> = vec![
        ("valid".into(), good.clone(), policy()),
        (
            "ACS URL typo".into(),
            with_spec(|s| s.acs_url = "https://prod-api.avoma.com/saml/acs".into()),
            policy(),
        ),
        (
            "SP Entity ID typo".into(),
            with_spec(|s| s.sp_entity_id = "https://app.avoma.com/".into()),
            policy(),
        ),
        (
            "wrong IdP Entity ID".into(),
            good.clone(),
            with_policy(|p| p.idp_entity_id = Some("jumpcloud-acme".into())),
        ),
        ("unsigned".into(), response_xml(&common::spec()), policy()),
        (
            "expired".into(),
            good.clone(),
            with_policy(|p| p.now = at("2026-11-28T12:08:00Z")),
        ),
        (
            "issued long ago".into(),
            with_spec(|s| s.issue_instant = "2026-11-28T11:00:00Z".into()),
            policy(),
        ),
        (
            "answers another request".into(),
            good.clone(),
            with_policy(|p| p.request_id = Some("_another".into())),
        ),
        (
            "IdP error status".into(),
            {
                // An error Response carries no Assertion: only the Response is signed.
                let mut spec = common::spec();
                spec.status = "urn:oasis:names:tc:SAML:2.0:status:Responder".into();
                let signer = common::idp_signer();
                sign_enveloped(
                    &response_xml(&spec),
                    &spec.response_id,
                    &signer,
                    &Default::default(),
                )
                .unwrap()
            },
            policy(),
        ),
        (
            "empty NameID".into(),
            edited(|x| x.replace(">alice@acmecorp.com</saml2:NameID>", "></saml2:NameID>")),
            policy(),
        ),
        (
            "non-standard NameID format".into(),
            edited(|x| {
                x.replace(
                    "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
                    "urn:oasis:names:tc:SAML:2.0:nameid-format:unspecified",
                )
            }),
            policy(),
        ),
        (
            "unknown condition".into(),
            edited(|x| {
                x.replace("</saml2:Conditions>", "<saml2:Condition xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"x\"/></saml2:Conditions>")
            }),
            policy(),
        ),
        (
            "no AuthnStatement".into(),
            edited(|x| {
                let s = x.find("<saml2:AuthnStatement").unwrap();
                let e =
                    x.find("</saml2:AuthnStatement>").unwrap() + "</saml2:AuthnStatement>".len();
                format!("{}{}", &x[..s], &x[e..])
            }),
            policy(),
        ),
        (
            "session over".into(),
            with_spec(|s| s.session_not_on_or_after = Some("2026-11-28T11:58:00Z".into())),
            policy(),
        ),
        (
            "certificate expired".into(),
            good.clone(),
            with_policy(|p| p.now = at("2200-01-01T00:00:00Z")),
        ),
        (
            "rotated certificate".into(),
            common::assertion_signed_by(&common::signer(common::IDP2_KEY, common::IDP2_CERT)),
            policy(),
        ),
        (
            "KeyInfo carries another certificate".into(),
            // Signed with the trusted key, but KeyInfo shows the other IdP certificate.
            common::assertion_signed_by(&Signer {
                certificate: Some(common::cert(common::IDP2_CERT)),
                ..common::idp_signer()
            }),
            policy(),
        ),
        (
            "RSA-SHA1 refused".into(),
            {
                let spec = common::spec();
                let sha1 = SignOptions {
                    signature: SignatureAlgorithm::RsaSha1,
                    digest: DigestAlgorithm::Sha1,
                    ..SignOptions::default()
                };
                sign_enveloped(
                    &response_xml(&spec),
                    &spec.assertion_id,
                    &common::idp_signer(),
                    &sha1,
                )
                .unwrap()
            },
            policy(),
        ),
        ("not XML".into(), "<not xml".into(), policy()),
        (
            "DOCTYPE".into(),
            format!("<!DOCTYPE r [<!ENTITY x \"y\">]>{good}"),
            policy(),
        ),
        (
            "too deep".into(),
            format!("{}{}", "<a>".repeat(300), "</a>".repeat(300)),
            policy(),
        ),
        ("undeclared prefix".into(), "<p:Response/>".into(), policy()),
        (
            "an AuthnRequest".into(),
            "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"/>".into(),
            policy(),
        ),
        (
            "comment in the NameID".into(),
            samlscope_forge::attacks::find("comment-nameid")
                .unwrap()
                .build(&fx)
                .unwrap(),
            policy(),
        ),
    ];
    for a in samlscope_forge::attacks::catalogue() {
        reports.push((format!("attack {}", a.id), a.build(&fx).unwrap(), policy()));
    }
    let mut out: Vec<(String, Vec<Check>)> = reports
        .into_iter()
        .map(|(name, xml, p)| (name, validate(xml.as_bytes(), &p).checks))
        .collect();
    out.extend(encrypted_cases());
    out.push((
        "undecodable input".into(),
        undecodable("no SAML message found").checks,
    ));
    out.extend(metadata_and_request_cases());
    out
}

/// An encrypted (and signed) assertion, with and without the SP's key.
fn encrypted_cases() -> Vec<(String, Vec<Check>)> {
    let xml = common::encrypted_response(true, false);
    let key = samlscope_core::xenc::DecryptionKey::from_pem(common::IDP2_KEY).unwrap();
    let with_key = with_policy(|p| p.sp_key = Some(key.clone()));
    let parts = common::response_with_encrypted_parts(true, &["groups"], |a| a);
    let other = samlscope_core::xenc::DecryptionKey::from_pem(common::IDP_KEY).unwrap();
    let wrong_key = with_policy(|p| p.sp_key = Some(other.clone()));
    vec![
        (
            "encrypted, no SP key".into(),
            validate(xml.as_bytes(), &policy()).checks,
        ),
        (
            "encrypted, SP key".into(),
            validate(xml.as_bytes(), &with_key).checks,
        ),
        (
            "EncryptedID and EncryptedAttribute, SP key".into(),
            validate(parts.as_bytes(), &with_key).checks,
        ),
        (
            "EncryptedID and EncryptedAttribute, no SP key".into(),
            validate(parts.as_bytes(), &policy()).checks,
        ),
        (
            "EncryptedID and EncryptedAttribute, another SP's key".into(),
            validate(parts.as_bytes(), &wrong_key).checks,
        ),
    ]
}

fn metadata_and_request_cases() -> Vec<(String, Vec<Check>)> {
    let now = at(common::NOW);
    let good = common::jumpcloud_metadata(true);
    let metadata = |name: &str, xml: &str, now| {
        let info = inspect_metadata(xml.as_bytes(), now).unwrap();
        (format!("metadata: {name}"), info.lints)
    };
    let request = |name: &str, xml: &str| {
        let info = inspect_authn_request(xml.as_bytes()).unwrap();
        (format!("request: {name}"), info.lints)
    };
    let req = r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_req42" Version="2.0" IssueInstant="2026-11-28T12:00:00Z" AssertionConsumerServiceURL="https://prod-api.avoma.com/saml2/acs" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"><saml:Issuer>https://app.avoma.com</saml:Issuer></samlp:AuthnRequest>"#;
    vec![
        metadata("JumpCloud's", &good, now),
        metadata(
            "URI entity ID",
            &good.replace(
                "\"jumpcloud-acmecorp\"",
                "\"https://sso.jumpcloud.com/saml2/acmecorp\"",
            ),
            now,
        ),
        metadata(
            "placeholder entity ID",
            &good.replace("jumpcloud-acmecorp", "http://example.com"),
            now,
        ),
        metadata("expired certificate", &good, at("2200-01-01T00:00:00Z")),
        metadata(
            "validUntil ahead",
            &good.replacen(
                "<md:EntityDescriptor ",
                r#"<md:EntityDescriptor validUntil="2030-01-01T00:00:00Z" "#,
                1,
            ),
            now,
        ),
        metadata(
            "validUntil passed",
            &good.replacen(
                "<md:EntityDescriptor ",
                r#"<md:EntityDescriptor validUntil="2020-01-01T00:00:00Z" "#,
                1,
            ),
            now,
        ),
        metadata(
            "no SSO endpoint",
            &{
                let s = good.find("<md:SingleSignOnService").unwrap();
                let e = good.rfind("/>").unwrap();
                let e = good[..e].rfind("<md:SingleSignOnService").map_or(e, |_| e);
                format!("{}{}", &good[..s], &good[e + 2..])
            },
            now,
        ),
        request("good", req),
        request(
            "no issuer",
            &req.replace("<saml:Issuer>https://app.avoma.com</saml:Issuer>", ""),
        ),
        request("no ID", &req.replace(r#" ID="_req42""#, "")),
        request(
            "ACS URL not a URL",
            &req.replace("https://prod-api.avoma.com/saml2/acs", "not a url"),
        ),
        signed_request("signed, the SP certificate given", req, common::IDP_CERT),
        signed_request("signed, another certificate given", req, common::IDP2_CERT),
    ]
}

/// `req` signed (enveloped) with the IdP test key, verified with `sp_cert`.
fn signed_request(name: &str, req: &str, sp_cert: &str) -> (String, Vec<Check>) {
    let signed = samlscope_forge::sign::sign_enveloped(
        req,
        "_req42",
        &common::idp_signer(),
        &Default::default(),
    )
    .unwrap();
    let mut sp = samlscope_core::trust::TrustStore::new();
    sp.add_certificate(
        common::cert(sp_cert),
        samlscope_core::trust::TrustSource::PinnedCertificate,
    );
    let info = verify_authn_request(signed.as_bytes(), None, &sp, &Default::default()).unwrap();
    (format!("request: {name}"), info.lints)
}

#[test]
fn every_check_id_is_seen_passing_and_failing() {
    let mut seen: BTreeMap<C, Vec<(Status, String)>> = BTreeMap::new();
    for (case, checks) in corpus() {
        for c in checks {
            seen.entry(c.id).or_default().push((c.status, case.clone()));
        }
    }
    let has = |id: C, status: Status| {
        seen.get(&id)
            .is_some_and(|s| s.iter().any(|(st, _)| *st == status))
    };
    let mut missing = Vec::new();
    for &id in C::ALL {
        if NOT_CHECKED.contains(&id) {
            if !has(id, Status::Skipped) || has(id, Status::Pass) || has(id, Status::Fail) {
                missing.push(format!("{id}: must always be reported as not checked"));
            }
            continue;
        }
        let bad = if WARN_ONLY.contains(&id) {
            Status::Warn
        } else {
            Status::Fail
        };
        if !has(id, bad) {
            missing.push(format!("{id}: no case where it is {bad:?}"));
        }
        if WARN_ONLY.contains(&id) && has(id, Status::Fail) {
            missing.push(format!("{id}: warn-only but failed"));
        }
        let pass_as = PASS_REPORTED_AS
            .iter()
            .find(|(i, _)| *i == id)
            .map_or(id, |&(_, broader)| broader);
        if !FAIL_ONLY.contains(&id) && !has(pass_as, Status::Pass) {
            missing.push(format!("{id}: no case where it passes (as {pass_as})"));
        }
    }
    assert!(
        missing.is_empty(),
        "{}\n\nseen: {:#?}",
        missing.join("\n"),
        seen.iter()
            .map(|(id, s)| (
                id.as_str(),
                s.iter()
                    .map(|(st, case)| format!("{st:?} in {case}"))
                    .collect::<Vec<_>>()
            ))
            .collect::<Vec<_>>()
    );
}

/// A failure an admin cannot act on is half a diagnosis: every failing check of the corpus
/// says what to do (in the IdP console's words for a JumpCloud message).
#[test]
fn every_failure_has_a_fix_hint() {
    let mut without = Vec::new();
    for (case, checks) in corpus() {
        for c in checks {
            if c.status == Status::Fail && c.fix.as_deref().is_none_or(|f| f.trim().is_empty()) {
                without.push(format!("{case}: {} — {}", c.id, c.message));
            }
        }
    }
    assert!(
        without.is_empty(),
        "failures without a fix hint:\n{}",
        without.join("\n")
    );
}
