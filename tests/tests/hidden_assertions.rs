//! Hidden assertions: a SAML assertion anywhere but the one place the Web SSO profile reads it
//! (a direct child of the Response, saml-profiles §4.1.4.2) is what an SP that takes the first
//! assertion in document order would log in as. Each case below is a correctly signed response
//! with one more assertion (signed over, so every signature still verifies) in another place:
//! only `structure.hidden_assertion` fails, and its message says where. Inside `saml:Advice`,
//! where the schema allows one, it is a warning that names it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{edited, idp_signer, policy};
use samlscope_core::checks::CheckId as C;
use samlscope_core::report::{Report, Status, Verdict};
use samlscope_core::validate::{Policy, validate};
use samlscope_core::xenc::DecryptionKey;
use samlscope_forge::build::{assertion_xml, response_xml};
use samlscope_forge::sign::sign_enveloped;

/// An unsigned assertion for the identity an attacker wants, with an ID of its own (so the
/// unique-ID check has nothing to say about it).
fn hidden(id: &str) -> String {
    let mut spec = common::spec();
    spec.assertion_id = id.into();
    spec.name_id = "admin@acmecorp.com".into();
    assertion_xml(&spec)
}

/// A SAML 1.1 assertion (saml-core 1.1 §2.3.2) for the same identity.
const SAML11: &str = concat!(
    r#"<saml1:Assertion xmlns:saml1="urn:oasis:names:tc:SAML:1.0:assertion" MajorVersion="1" "#,
    r#"MinorVersion="1" AssertionID="_saml11" Issuer="jumpcloud-acmecorp" "#,
    r#"IssueInstant="2026-11-28T12:00:00Z"><saml1:AuthenticationStatement "#,
    r#"AuthenticationMethod="urn:oasis:names:tc:SAML:1.0:am:password" "#,
    r#"AuthenticationInstant="2026-11-28T12:00:00Z"><saml1:Subject><saml1:NameIdentifier>"#,
    r#"admin@acmecorp.com</saml1:NameIdentifier></saml1:Subject>"#,
    r#"</saml1:AuthenticationStatement></saml1:Assertion>"#
);

/// `what` as a child of a new `samlp:Extensions` (before Status).
fn in_extensions(what: &str) -> String {
    edited(|x| {
        x.replacen(
            "<saml2p:Status>",
            &format!("<saml2p:Extensions>{what}</saml2p:Extensions><saml2p:Status>"),
            1,
        )
    })
}

/// `what` inserted into the signed Assertion before its AuthnStatement.
fn before_authn_statement(what: &str) -> String {
    edited(|x| {
        x.replacen(
            "<saml2:AuthnStatement",
            &format!("{what}<saml2:AuthnStatement"),
            1,
        )
    })
}

/// The example response with the Assertion signed, then `edit` applied to its Signature's
/// text (outside what the Assertion's digest covers), then the Response signed over it all.
fn in_assertion_signature(edit: impl Fn(&str) -> String) -> String {
    let spec = common::spec();
    let signed = sign_enveloped(
        &response_xml(&spec),
        &spec.assertion_id,
        &idp_signer(),
        &Default::default(),
    )
    .unwrap();
    let s = signed.find("<ds:Signature").unwrap();
    let e = signed.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let xml = format!("{}{}{}", &signed[..s], edit(&signed[s..e]), &signed[e..]);
    sign_enveloped(&xml, &spec.response_id, &idp_signer(), &Default::default()).unwrap()
}

fn hidden_check(r: &Report) -> &samlscope_core::report::Check {
    r.check(C::StructureHiddenAssertion)
        .unwrap_or_else(|| panic!("no {} in {:#?}", C::StructureHiddenAssertion, r.checks))
}

/// Invalid, with `structure.hidden_assertion` the only failure, naming `path`, and its span on
/// the hidden element in `xml` (the text the report's spans point into).
fn assert_refused(r: &Report, xml: &str, path: &str, starts: &str) {
    assert_eq!(r.verdict, Verdict::Invalid, "{path}: {:#?}", r.checks);
    let failed: Vec<_> = r.failed().map(|c| c.id).collect();
    assert_eq!(
        failed,
        [C::StructureHiddenAssertion],
        "{path}: {:#?}",
        r.checks
    );
    let c = hidden_check(r);
    assert!(c.message.contains(path), "{path}: {}", c.message);
    let span = c.span.unwrap_or_else(|| panic!("{path}: no span"));
    assert!(
        c.message
            .contains(&format!("bytes {}..{}", span.start, span.end)),
        "{path}: {}",
        c.message
    );
    assert!(xml[span.start..span.end].starts_with(starts), "{path}");
    assert!(c.fix.as_deref().is_some_and(|f| !f.is_empty()), "{path}");
    assert!(r.identity.is_none() && r.name_id.is_none(), "{path}");
}

fn check(xml: &str) -> Report {
    validate(xml.as_bytes(), &policy())
}

#[test]
fn an_assertion_in_the_response_extensions_is_refused() {
    let xml = in_extensions(&hidden("_hidden"));
    assert_refused(
        &check(&xml),
        &xml,
        "Response/Extensions/Assertion",
        "<saml2:Assertion",
    );
}

#[test]
fn an_assertion_in_the_status_detail_is_refused() {
    let xml = edited(|x| {
        x.replacen(
            "</saml2p:Status>",
            &format!(
                "<saml2p:StatusDetail>{}</saml2p:StatusDetail></saml2p:Status>",
                hidden("_hidden")
            ),
            1,
        )
    });
    assert_refused(
        &check(&xml),
        &xml,
        "Response/Status/StatusDetail/Assertion",
        "<saml2:Assertion",
    );
}

#[test]
fn an_assertion_in_an_attribute_value_is_refused() {
    let xml = edited(|x| {
        x.replacen(
            ">Alice</saml2:AttributeValue>",
            &format!(">{}</saml2:AttributeValue>", hidden("_hidden")),
            1,
        )
    });
    assert_refused(
        &check(&xml),
        &xml,
        "Response/Assertion/AttributeStatement/Attribute/AttributeValue/Assertion",
        "<saml2:Assertion",
    );
}

#[test]
fn an_assertion_nested_in_unknown_elements_is_refused() {
    let wrapped = format!(
        "<x:Wrapper xmlns:x=\"urn:example:wrapper\"><x:Deeper>{}</x:Deeper></x:Wrapper>",
        hidden("_hidden")
    );
    let xml = in_extensions(&wrapped);
    assert_refused(
        &check(&xml),
        &xml,
        "Response/Extensions/Wrapper/Deeper/Assertion",
        "<saml2:Assertion",
    );
    // SubjectConfirmationData takes any content (saml-core §2.4.1.2).
    let xml = edited(|x| {
        x.replacen(
            "/></saml2:SubjectConfirmation>",
            &format!("><x:Wrapper xmlns:x=\"urn:example:wrapper\">{}</x:Wrapper></saml2:SubjectConfirmationData></saml2:SubjectConfirmation>", hidden("_hidden")),
            1,
        )
    });
    assert_refused(
        &check(&xml),
        &xml,
        "Response/Assertion/Subject/SubjectConfirmation/SubjectConfirmationData/Wrapper/Assertion",
        "<saml2:Assertion",
    );
}

#[test]
fn an_assertion_in_the_key_info_of_a_signature_is_refused() {
    let xml = in_assertion_signature(|sig| {
        sig.replacen(
            "</ds:KeyInfo>",
            &format!("{}</ds:KeyInfo>", hidden("_hidden")),
            1,
        )
    });
    assert_refused(
        &check(&xml),
        &xml,
        "Response/Assertion/Signature/KeyInfo/Assertion",
        "<saml2:Assertion",
    );
}

#[test]
fn an_assertion_in_a_ds_object_of_the_assertions_own_signature_is_refused() {
    let xml = in_assertion_signature(|sig| {
        sig.replacen(
            "</ds:Signature>",
            &format!(
                "<ds:Object>{}</ds:Object></ds:Signature>",
                hidden("_hidden")
            ),
            1,
        )
    });
    assert_refused(
        &check(&xml),
        &xml,
        "Response/Assertion/Signature/Object/Assertion",
        "<saml2:Assertion",
    );
}

#[test]
fn an_encrypted_assertion_out_of_place_is_refused() {
    use samlscope_core::xenc::{DataEncryption, KeyTransport};
    use samlscope_forge::encrypt::encrypt_assertion;
    let encrypted = encrypt_assertion(
        &hidden("_hidden"),
        common::cert(common::IDP2_CERT).subject_public_key_info(),
        DataEncryption::Aes256Gcm,
        KeyTransport::RSA_OAEP_MGF1P,
        &[3; 32],
    )
    .unwrap();
    let xml = in_extensions(&encrypted);
    assert_refused(
        &check(&xml),
        &xml,
        "Response/Extensions/EncryptedAssertion",
        "<saml2:EncryptedAssertion",
    );
}

#[test]
fn a_saml_1_1_assertion_is_refused_wherever_it_is() {
    let xml = in_extensions(SAML11);
    let r = check(&xml);
    assert_refused(
        &r,
        &xml,
        "Response/Extensions/Assertion",
        "<saml1:Assertion",
    );
    assert!(
        hidden_check(&r).message.contains("SAML 1"),
        "{:#?}",
        r.checks
    );
    // Even inside Advice, whose ##other slot would take it: a confused SP may read it.
    let xml = before_authn_statement(&format!("<saml2:Advice>{SAML11}</saml2:Advice>"));
    assert_refused(
        &check(&xml),
        &xml,
        "Response/Assertion/Advice/Assertion",
        "<saml1:Assertion",
    );
}

#[test]
fn an_assertion_in_advice_is_a_warning_that_names_it() {
    let xml = before_authn_statement(&format!(
        "<saml2:Advice>{}</saml2:Advice>",
        hidden("_advice")
    ));
    let r = check(&xml);
    assert_eq!(r.verdict, Verdict::Valid, "{:#?}", r.checks);
    assert_eq!(r.name_id.as_deref(), Some("alice@acmecorp.com"));
    let c = hidden_check(&r);
    assert_eq!(c.status, Status::Warn, "{c:#?}");
    assert!(
        c.message.contains("Response/Assertion/Advice/Assertion"),
        "{}",
        c.message
    );
    let span = c.span.unwrap();
    assert!(xml[span.start..span.end].contains("admin@acmecorp.com"));
    // Advice inside an Advice assertion is Advice too (saml-core §2.6.1).
    let nested = hidden("_advice").replacen(
        "<saml2:AuthnStatement",
        &format!(
            "<saml2:Advice>{}</saml2:Advice><saml2:AuthnStatement",
            hidden("_deeper")
        ),
        1,
    );
    let xml = before_authn_statement(&format!("<saml2:Advice>{nested}</saml2:Advice>"));
    let r = check(&xml);
    assert_eq!(r.verdict, Verdict::Valid, "{:#?}", r.checks);
    let warned: Vec<_> = r
        .checks
        .iter()
        .filter(|c| c.id == C::StructureHiddenAssertion && c.status == Status::Warn)
        .map(|c| c.message.as_str())
        .collect();
    assert_eq!(warned.len(), 2, "{warned:#?}");
    assert!(
        warned
            .iter()
            .any(|m| m.contains("Response/Assertion/Advice/Assertion/Advice/Assertion")),
        "{warned:#?}"
    );
}

#[test]
fn an_assertion_under_a_foreign_element_in_advice_is_refused() {
    // Advice's schema takes assertions as its own children; one wrapped in a foreign element
    // is in no slot the schema names.
    let xml = before_authn_statement(&format!(
        "<saml2:Advice><x:Wrapper xmlns:x=\"urn:example:wrapper\">{}</x:Wrapper></saml2:Advice>",
        hidden("_hidden")
    ));
    assert_refused(
        &check(&xml),
        &xml,
        "Response/Assertion/Advice/Wrapper/Assertion",
        "<saml2:Assertion",
    );
}

#[test]
fn a_valid_response_has_no_hidden_assertion_finding() {
    let r = check(&edited(|x| x));
    assert_eq!(r.verdict, Verdict::Valid, "{:#?}", r.checks);
    assert!(
        r.checks
            .iter()
            .all(|c| c.id != C::StructureHiddenAssertion || c.status == Status::Pass),
        "{:#?}",
        r.checks
    );
}

/// The SP key pair of the encrypted cases (IDP2's in these tests).
fn with_sp_key() -> Policy {
    let mut p = policy();
    p.sp_key = Some(DecryptionKey::from_pem(common::IDP2_KEY).unwrap());
    p
}

/// The example assertion with `edit` applied, signed, encrypted for the SP, in a signed
/// Response.
fn encrypted_with(edit: impl Fn(String) -> String) -> String {
    let spec = common::spec();
    let assertion = sign_enveloped(
        &edit(assertion_xml(&spec)),
        &spec.assertion_id,
        &idp_signer(),
        &Default::default(),
    )
    .unwrap();
    common::response_encrypting(&assertion, true)
}

#[test]
fn an_assertion_hidden_in_the_decrypted_assertion_is_refused() {
    let xml = encrypted_with(|a| {
        a.replacen(
            ">Alice</saml2:AttributeValue>",
            &format!(">{}</saml2:AttributeValue>", hidden("_hidden")),
            1,
        )
    });
    let r = validate(xml.as_bytes(), &with_sp_key());
    assert_eq!(r.verdict, Verdict::Invalid, "{:#?}", r.checks);
    let failed: Vec<_> = r.failed().map(|c| c.id).collect();
    assert_eq!(failed, [C::StructureHiddenAssertion], "{:#?}", r.checks);
    let c = hidden_check(&r);
    assert!(
        c.message.starts_with("decrypted assertion: "),
        "{}",
        c.message
    );
    assert!(
        c.message
            .contains("Assertion/AttributeStatement/Attribute/AttributeValue/Assertion"),
        "{}",
        c.message
    );
    // Its span points into the decrypted assertion, as every span of it does.
    let plain = r.decrypted_assertion.as_deref().unwrap();
    let span = c.span.unwrap();
    assert!(plain[span.start..span.end].starts_with("<saml2:Assertion"));
    assert!(plain[span.start..span.end].contains("admin@acmecorp.com"));
    assert!(r.identity.is_none() && r.name_id.is_none());
}

#[test]
fn an_assertion_in_the_decrypted_assertions_advice_is_a_warning() {
    let xml = encrypted_with(|a| {
        a.replacen(
            "<saml2:AuthnStatement",
            &format!(
                "<saml2:Advice>{}</saml2:Advice><saml2:AuthnStatement",
                hidden("_advice")
            ),
            1,
        )
    });
    let r = validate(xml.as_bytes(), &with_sp_key());
    assert_eq!(r.verdict, Verdict::Valid, "{:#?}", r.checks);
    assert_eq!(r.name_id.as_deref(), Some("alice@acmecorp.com"));
    let c = hidden_check(&r);
    assert_eq!(c.status, Status::Warn);
    assert!(
        c.message.contains("Assertion/Advice/Assertion"),
        "{}",
        c.message
    );
}
