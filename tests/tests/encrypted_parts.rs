//! The report on encrypted parts whose plaintext is not one element: said (with the hint that
//! the key is right) once AES-GCM authenticated it, the uniform failure under CBC.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use samlscope_core::checks::CheckId as C;
use samlscope_core::report::{Check, Report, Status};
use samlscope_core::saml::time::Instant;
use samlscope_core::trust::TrustStore;
use samlscope_core::validate::{PLAINTEXT_HINT, Policy, validate};
use samlscope_core::xenc::{DataEncryption, DecryptionKey, EncryptedElement, KeyTransport};
use samlscope_forge::PrivateKey;
use samlscope_forge::build::{ResponseSpec, assertion_xml, response_xml};
use samlscope_forge::encrypt::encrypt_unchecked;

const KEY: &str = include_str!("../../core/tests/data/keys/idp.key.pem");
const NAME_ID: &str = "<saml2:NameID Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress\">alice@acmecorp.com</saml2:NameID>";

/// The example Response with `element` (its text in the Response) replaced by `plaintext`
/// encrypted as `kind` with `data`, validated with the SP key.
fn report(element: &str, kind: EncryptedElement, plaintext: &str, data: DataEncryption) -> Report {
    let key = DecryptionKey::from_pem(KEY).unwrap();
    let spki = PrivateKey::from_pem(KEY)
        .unwrap()
        .public_key_spki_der()
        .unwrap();
    let wrapper = encrypt_unchecked(
        kind,
        plaintext.as_bytes(),
        &spki,
        data,
        KeyTransport::RSA_OAEP_MGF1P,
        &[5; 32],
    )
    .unwrap();
    let xml = response_xml(&ResponseSpec::example());
    assert!(xml.contains(element));
    let xml = xml.replacen(element, &wrapper, 1);
    let mut policy = Policy::new(
        TrustStore::new(),
        Instant::parse("2026-11-28T12:01:00Z").unwrap().0,
    );
    policy.sp_key = Some(key);
    validate(xml.as_bytes(), &policy)
}

fn failure(r: &Report, id: C) -> &Check {
    r.checks
        .iter()
        .find(|c| c.id == id && c.status == Status::Fail)
        .unwrap_or_else(|| panic!("no failing {id}: {:#?}", r.checks))
}

/// The report says what is wrong with a plaintext AES-GCM authenticated, with the hint that
/// the key is right; under CBC the same plaintext is the uniform failure with the key hint.
fn assert_diagnosed(element: &str, kind: EncryptedElement, id: C, plaintext: &str, said: &str) {
    let r = report(element, kind, plaintext, DataEncryption::Aes256Gcm);
    let c = failure(&r, id);
    assert!(
        c.message
            .contains("the decrypted plaintext is not a single XML element")
            && c.message.ends_with(said)
            && !c.message.contains("could not be decrypted"),
        "{}",
        c.message
    );
    assert_eq!(c.fix.as_deref(), Some(PLAINTEXT_HINT));
    let r = report(element, kind, plaintext, DataEncryption::Aes256Cbc);
    let c = failure(&r, id);
    let uniform = format!(
        "the {} could not be decrypted with the SP key",
        kind.wrapper()
    );
    assert!(c.message.ends_with(&uniform), "{}", c.message);
    assert_ne!(c.fix.as_deref(), Some(PLAINTEXT_HINT));
}

#[test]
fn an_encrypted_assertion_with_a_doctype_is_named_under_gcm_only() {
    let spec = ResponseSpec::example();
    let assertion = assertion_xml(&spec);
    let with_doctype = format!("<!DOCTYPE saml2:Assertion>{assertion}");
    assert_diagnosed(
        &assertion,
        EncryptedElement::Assertion,
        C::AssertionEncrypted,
        &with_doctype,
        "it contains a DOCTYPE",
    );
    let with_declaration = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>{assertion}");
    assert_diagnosed(
        &assertion,
        EncryptedElement::Assertion,
        C::AssertionEncrypted,
        &with_declaration,
        "it starts with an XML declaration",
    );
    let two = format!("{assertion}{assertion}");
    assert_diagnosed(
        &assertion,
        EncryptedElement::Assertion,
        C::AssertionEncrypted,
        &two,
        "it has more than one root element",
    );
}

#[test]
fn an_encrypted_id_with_two_roots_is_named_under_gcm_only() {
    assert_diagnosed(
        NAME_ID,
        EncryptedElement::NameId,
        C::SubjectNameId,
        &format!("{NAME_ID}{NAME_ID}"),
        "it has more than one root element",
    );
    assert_diagnosed(
        NAME_ID,
        EncryptedElement::NameId,
        C::SubjectNameId,
        &format!("<!DOCTYPE x>{NAME_ID}"),
        "it contains a DOCTYPE",
    );
}

#[test]
fn an_encrypted_attribute_with_an_xml_declaration_is_named_under_gcm_only() {
    let spec = ResponseSpec::example();
    let xml = response_xml(&spec);
    let s = xml.find("<saml2:Attribute ").unwrap();
    let e = s + xml[s..].find("</saml2:Attribute>").unwrap() + "</saml2:Attribute>".len();
    let attribute = &xml[s..e];
    assert_diagnosed(
        attribute,
        EncryptedElement::Attribute,
        C::AttributesEncrypted,
        &format!("<?xml version=\"1.0\"?>{attribute}"),
        "it starts with an XML declaration",
    );
}
