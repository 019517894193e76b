#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
//! The core in a browser: the same assertions run natively (`cargo test`) and as WebAssembly in
//! headless Chromium (`cargo test -p samlscope-core --target wasm32-unknown-unknown`, runner in
//! .cargo/config.toml). In wasm32 the signatures are verified by the page's own RSA verifier
//! (`crypto::page_rsa`, the only one there), so the signed example below exercises it.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use samlscope_core::checks::CheckId;
use samlscope_core::decode::{self, Binding, DecodeLimits};
use samlscope_core::metadata::trust_from_metadata;
use samlscope_core::report::{Status, Verdict};
use samlscope_core::saml::time::Instant;
use samlscope_core::validate::{Policy, validate};
use samlscope_core::xml::{self, XmlErrorKind};

/// The bundled JumpCloud example (examples/jumpcloud/README.md): Sign = Assertion and Response,
/// valid 2026-11-28T12:00:00Z..12:05:00Z, made with the fixed test key.
const RESPONSE_B64: &str = include_str!("../../examples/jumpcloud/response.b64");
const METADATA: &str = include_str!("../../examples/jumpcloud/metadata.xml");

#[test]
fn parse_builds_the_namespaced_tree() {
    let doc = xml::parse(
        br#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="r1"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">jumpcloud-acmecorp</saml:Issuer></samlp:Response>"#,
    )
    .unwrap();
    let root = doc.element(doc.root()).unwrap();
    assert!(root.is("urn:oasis:names:tc:SAML:2.0:protocol", "Response"));
    assert_eq!(root.attr("ID"), Some("r1"));
    let issuer = doc.child_elements(doc.root()).next().unwrap();
    assert!(doc.is(issuer, "urn:oasis:names:tc:SAML:2.0:assertion", "Issuer"));
    assert_eq!(doc.text(issuer), "jumpcloud-acmecorp");
}

#[test]
fn parse_refuses_a_doctype() {
    let err = xml::parse(b"<!DOCTYPE r [<!ENTITY x \"y\">]><r>&x;</r>").unwrap_err();
    assert_eq!(err.kind, XmlErrorKind::Doctype);
}

fn jumpcloud_policy() -> Policy {
    let (trust, entities) = trust_from_metadata(METADATA.as_bytes()).unwrap();
    let [idp_entity_id] = <[String; 1]>::try_from(entities).unwrap();
    let (now, _) = Instant::parse("2026-11-28T12:01:00Z").unwrap();
    let mut policy = Policy::new(trust, now);
    policy.idp_entity_id = Some(idp_entity_id);
    policy.sp_entity_id = Some("https://app.avoma.com".to_owned());
    policy.acs_url = Some("https://prod-api.avoma.com/saml2/acs".to_owned());
    policy
}

fn decoded_example() -> String {
    let mut found = decode::decode(RESPONSE_B64.as_bytes(), &DecodeLimits::default()).unwrap();
    assert_eq!(found.len(), 1);
    let message = found.remove(0);
    assert_eq!(message.binding, Binding::Post);
    message.xml
}

#[test]
fn bundled_response_is_valid_with_its_metadata() {
    let report = validate(decoded_example().as_bytes(), &jumpcloud_policy());
    let failed: Vec<_> = report.failed().map(|c| c.id.as_str()).collect();
    assert_eq!(report.verdict, Verdict::Valid, "failed checks: {failed:?}");
    assert_eq!(report.name_id.as_deref(), Some("alice@acmecorp.com"));
    assert_eq!(
        report.check(CheckId::SignatureTrusted).map(|c| c.status),
        Some(Status::Pass)
    );
}

#[test]
fn tampered_response_is_invalid() {
    let xml = decoded_example().replace("alice@acmecorp.com", "mallory@acmecorp.com");
    let report = validate(xml.as_bytes(), &jumpcloud_policy());
    assert_eq!(report.verdict, Verdict::Invalid);
    assert_eq!(report.name_id, None);
    assert_eq!(
        report.check(CheckId::SignatureDigest).map(|c| c.status),
        Some(Status::Fail)
    );
}
