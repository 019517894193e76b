//! Shared by the xenc_* tests: the fixed test keys (core/tests/data/keys; idp.* plays the SP key
//! pair here) and a small assertion inside a Response that declares the namespaces.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::Engine as _;
use samlscope_core::xenc::DecryptionKey;
use samlscope_core::xml::{Document, NodeId};

pub const SP_KEY: &str = include_str!("../../../core/tests/data/keys/idp.key.pem");
pub const SP_CERT: &str = include_str!("../../../core/tests/data/keys/idp.crt.pem");
pub const OTHER_KEY: &str = include_str!("../../../core/tests/data/keys/attacker.key.pem");
pub const KEY_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/data/keys");

pub const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";

/// A standalone assertion (declares every prefix it uses, including `xs` for QName content).
pub const ASSERTION: &str = concat!(
    r#"<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" "#,
    r#"xmlns:xs="http://www.w3.org/2001/XMLSchema" "#,
    r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" "#,
    r#"ID="_a7f3" Version="2.0" IssueInstant="2026-11-28T12:00:00Z">"#,
    r#"<saml2:Issuer>https://sso.jumpcloud.com/saml2/example</saml2:Issuer>"#,
    r#"<saml2:Subject><saml2:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">ann@example.com</saml2:NameID></saml2:Subject>"#,
    r#"<saml2:AttributeStatement><saml2:Attribute Name="groups">"#,
    r#"<saml2:AttributeValue xsi:type="xs:string">admins &amp; ops — ünïcödé</saml2:AttributeValue>"#,
    r#"</saml2:Attribute></saml2:AttributeStatement></saml2:Assertion>"#
);

/// Wraps an `EncryptedAssertion` element in a Response that declares `samlp` and `saml2`.
pub fn response_with(encrypted: &str) -> String {
    format!(
        concat!(
            r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" "#,
            r#"xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r1" Version="2.0" "#,
            r#"IssueInstant="2026-11-28T12:00:00Z">"#,
            r#"<saml2:Issuer>https://sso.jumpcloud.com/saml2/example</saml2:Issuer>{}</samlp:Response>"#
        ),
        encrypted
    )
}

pub fn sp_key() -> DecryptionKey {
    DecryptionKey::from_pem(SP_KEY).unwrap()
}

fn pem_body(pem: &str) -> Vec<u8> {
    let b64: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .concat();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap()
}

/// The SP certificate's SubjectPublicKeyInfo DER.
pub fn sp_spki() -> Vec<u8> {
    let der = pem_body(SP_CERT);
    let (_, cert) = x509_parser::parse_x509_certificate(&der).unwrap();
    cert.tbs_certificate.subject_pki.raw.to_vec()
}

/// The one EncryptedAssertion of a document.
pub fn encrypted_assertion(doc: &Document) -> NodeId {
    let mut found = doc
        .elements()
        .filter(|&n| doc.is(n, SAML, "EncryptedAssertion"));
    let ea = found.next().expect("an EncryptedAssertion");
    assert!(found.next().is_none());
    ea
}

/// Deterministic "randomness" for a test case.
pub fn randomness(tag: u8) -> Vec<u8> {
    (0..64u8)
        .map(|i| i.wrapping_mul(37).wrapping_add(tag))
        .collect()
}
