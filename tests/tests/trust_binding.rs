//! Trust is bound to an entity: with several IdPs trusted at once (several metadata files, a
//! federation aggregate, a pinned certificate named for its IdP), IdP B's key must never
//! verify a message that claims to come from IdP A, in any trust form.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use samlscope_core::checks::CheckId as C;
use samlscope_core::metadata::trust_from_metadata;
use samlscope_core::report::{Report, Verdict};
use samlscope_core::trust::{TrustSource, TrustStore};
use samlscope_core::validate::{Policy, validate};
use samlscope_forge::build::{NAMEID_EMAIL, ResponseSpec, idp_metadata_xml, response_xml};
use samlscope_forge::sign::sign_enveloped;

const A: &str = "jumpcloud-acmecorp";
const B: &str = "jumpcloud-evilcorp";

fn metadata(entity: &str, cert_pem: &str) -> String {
    idp_metadata_xml(
        entity,
        "https://sso.jumpcloud.com/saml2/avoma",
        &cert(cert_pem).to_base64(),
        false,
        NAMEID_EMAIL,
    )
}

/// A (IDP_CERT) and B (IDP2_CERT) as two metadata files.
fn two_files() -> TrustStore {
    let mut t = TrustStore::new();
    for (entity, pem) in [(A, IDP_CERT), (B, IDP2_CERT)] {
        let (store, entities) = trust_from_metadata(metadata(entity, pem).as_bytes()).unwrap();
        assert_eq!(entities, [entity]);
        t.extend(&store);
    }
    t
}

/// A and B in one aggregate, B inside a nested `EntitiesDescriptor`.
fn aggregate() -> TrustStore {
    let xml = format!(
        "<md:EntitiesDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\">{}\
         <md:EntitiesDescriptor>{}</md:EntitiesDescriptor></md:EntitiesDescriptor>",
        metadata(A, IDP_CERT),
        metadata(B, IDP2_CERT)
    );
    let (store, entities) = trust_from_metadata(xml.as_bytes()).unwrap();
    assert_eq!(entities, [A, B]);
    store
}

/// Bare certificates, each bound to its IdP as `--idp-cert … --idp-entity-id …` does.
fn pinned() -> TrustStore {
    let mut t = TrustStore::new();
    for (entity, pem) in [(A, IDP_CERT), (B, IDP2_CERT)] {
        let mut one = TrustStore::new();
        one.add_certificate(cert(pem), TrustSource::PinnedCertificate);
        one.bind_unbound(entity);
        t.extend(&one);
    }
    t
}

/// The example response claiming `issuer`, both elements signed by `key`/`cert_pem`.
fn signed_as(issuer: &str, key: &str, cert_pem: &str) -> String {
    let spec = ResponseSpec {
        idp_entity_id: issuer.into(),
        ..spec()
    };
    let s = signer(key, cert_pem);
    let o = Default::default();
    let x = sign_enveloped(&response_xml(&spec), &spec.assertion_id, &s, &o).unwrap();
    sign_enveloped(&x, &spec.response_id, &s, &o).unwrap()
}

fn check(trust: TrustStore, idp_entity_id: Option<&str>, xml: &str) -> Report {
    let mut p: Policy = policy();
    p.trust = trust;
    p.idp_entity_id = idp_entity_id.map(str::to_owned);
    validate(xml.as_bytes(), &p)
}

fn failed(r: &Report) -> Vec<C> {
    r.failed().map(|c| c.id).collect()
}

#[test]
fn b_key_never_verifies_a_message_claiming_a_in_any_trust_form() {
    let forged = signed_as(A, IDP2_KEY, IDP2_CERT);
    for (form, trust) in [
        ("two metadata files", two_files()),
        ("aggregate", aggregate()),
        ("pinned certificates", pinned()),
    ] {
        let r = check(trust, None, &forged);
        assert_eq!(r.verdict, Verdict::Invalid, "{form}");
        let ids = failed(&r);
        assert!(
            ids.contains(&C::AssertionIssuer) && ids.contains(&C::ResponseIssuer),
            "{form}: {ids:?}"
        );
        let issuer = r.failed().find(|c| c.id == C::AssertionIssuer).unwrap();
        assert_eq!(issuer.expected.as_deref(), Some(B), "{form}");
        assert!(
            issuer.message.contains("entity whose key verified"),
            "{form}"
        );
    }
}

#[test]
fn each_idp_still_logs_in_as_itself() {
    for (form, trust) in [
        ("two metadata files", two_files()),
        ("aggregate", aggregate()),
        ("pinned certificates", pinned()),
    ] {
        for (entity, key, pem) in [(A, IDP_KEY, IDP_CERT), (B, IDP2_KEY, IDP2_CERT)] {
            let r = check(trust.clone(), None, &signed_as(entity, key, pem));
            assert_eq!(
                r.verdict,
                Verdict::Valid,
                "{form} {entity}: {:?}",
                failed(&r)
            );
            // The report says whose key verified.
            let trusted = r
                .checks
                .iter()
                .find(|c| c.id == C::SignatureTrusted)
                .unwrap();
            assert!(
                trusted.message.ends_with(&format!(" of {entity}")),
                "{form}: {}",
                trusted.message
            );
        }
    }
}

#[test]
fn the_configured_idp_entity_id_must_be_the_verifying_key_s_entity() {
    // B's metadata, the SP configured for A, a message claiming A signed with B's key.
    let (trust, _) = trust_from_metadata(metadata(B, IDP2_CERT).as_bytes()).unwrap();
    let r = check(trust.clone(), Some(A), &signed_as(A, IDP2_KEY, IDP2_CERT));
    assert_eq!(r.verdict, Verdict::Invalid);
    let c = r.failed().find(|c| c.id == C::SignatureTrusted).unwrap();
    assert_eq!(c.expected.as_deref(), Some(A));
    assert_eq!(c.found.as_deref(), Some(B));
    // The same key for the entity it belongs to is fine.
    let ok = check(trust, Some(B), &signed_as(B, IDP2_KEY, IDP2_CERT));
    assert_eq!(ok.verdict, Verdict::Valid, "{:?}", failed(&ok));
}

#[test]
fn an_unbound_certificate_is_checked_against_the_configured_entity() {
    let mut t = TrustStore::new();
    t.add_certificate(cert(IDP2_CERT), TrustSource::PinnedCertificate);
    // Configured for A: a message claiming B fails its Issuer checks.
    let r = check(t.clone(), Some(A), &signed_as(B, IDP2_KEY, IDP2_CERT));
    assert_eq!(r.verdict, Verdict::Invalid);
    assert!(failed(&r).contains(&C::AssertionIssuer));
    // Bound to B (as `--idp-entity-id B` binds it) and configured for A: refused at the key.
    t.bind_unbound(B);
    let r = check(t, Some(A), &signed_as(A, IDP2_KEY, IDP2_CERT));
    assert!(failed(&r).contains(&C::SignatureTrusted));
}

#[test]
fn response_and_assertion_signed_by_keys_of_two_entities_are_refused() {
    let spec = spec();
    let x = sign_enveloped(
        &response_xml(&spec),
        &spec.assertion_id,
        &signer(IDP_KEY, IDP_CERT),
        &Default::default(),
    )
    .unwrap();
    let xml = sign_enveloped(
        &x,
        &spec.response_id,
        &signer(IDP2_KEY, IDP2_CERT),
        &Default::default(),
    )
    .unwrap();
    let r = check(two_files(), None, &xml);
    assert_eq!(r.verdict, Verdict::Invalid);
    assert!(
        r.failed()
            .any(|c| c.id == C::SignatureTrusted && c.message.contains("different entities")),
        "{:?}",
        failed(&r)
    );
}

#[test]
fn a_decrypted_assertion_signed_by_b_claiming_a_is_refused() {
    let spec = spec();
    let assertion = sign_enveloped(
        &samlscope_forge::build::assertion_xml(&spec),
        &spec.assertion_id,
        &signer(IDP2_KEY, IDP2_CERT),
        &Default::default(),
    )
    .unwrap();
    let xml = response_encrypting(&assertion, false);
    let mut p = policy();
    p.trust = two_files();
    p.idp_entity_id = None;
    p.sp_key = Some(samlscope_core::xenc::DecryptionKey::from_pem(IDP2_KEY).unwrap());
    let r = validate(xml.as_bytes(), &p);
    assert_eq!(r.verdict, Verdict::Invalid);
    assert!(failed(&r).contains(&C::AssertionIssuer), "{:?}", failed(&r));
}

#[test]
fn an_idp_entity_without_entity_id_is_refused_not_trusted_for_everyone() {
    let xml = metadata(A, IDP_CERT).replace(" entityID=\"jumpcloud-acmecorp\"", "");
    assert!(trust_from_metadata(xml.as_bytes()).is_err());
}
