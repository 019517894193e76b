//! Shared fixtures for core's integration tests: fixed keys (tests/data/keys, see its README)
//! and a JumpCloud-shaped response spec with a fixed clock.
#![allow(dead_code)]

use samlscope_core::attacks::Fixture;
use samlscope_core::crypto::PrivateKey;
use samlscope_core::dsig::{SignOptions, Signer};
use samlscope_core::saml::build::{NAMEID_EMAIL, ResponseSpec, STATUS_SUCCESS};
use samlscope_core::trust::{Certificate, TrustSource, TrustStore};

pub const IDP_KEY: &str = include_str!("../data/keys/idp.key.pem");
pub const IDP_CERT: &str = include_str!("../data/keys/idp.crt.pem");
pub const IDP2_KEY: &str = include_str!("../data/keys/idp2.key.pem");
pub const IDP2_CERT: &str = include_str!("../data/keys/idp2.crt.pem");
pub const ATTACKER_KEY: &str = include_str!("../data/keys/attacker.key.pem");
pub const ATTACKER_CERT: &str = include_str!("../data/keys/attacker-lookalike.crt.pem");
pub const LEGACY_KEY: &str = include_str!("../data/keys/legacy1024.key.pem");
pub const LEGACY_CERT: &str = include_str!("../data/keys/legacy1024.crt.pem");

pub fn cert(pem: &str) -> Certificate {
    Certificate::all_from_pem(pem).unwrap().remove(0)
}

pub fn signer(key: &str, cert_pem: &str) -> Signer {
    Signer {
        key: PrivateKey::from_pem(key).unwrap(),
        certificate: Some(cert(cert_pem)),
    }
}

pub fn idp_signer() -> Signer {
    signer(IDP_KEY, IDP_CERT)
}

pub fn trust_idp() -> TrustStore {
    let mut t = TrustStore::new();
    t.add_certificate(cert(IDP_CERT), TrustSource::PinnedCertificate);
    t
}

pub fn spec() -> ResponseSpec {
    ResponseSpec {
        response_id: "_r1f0c2d9e8b7a6".into(),
        assertion_id: "_a5e4d3c2b1a09".into(),
        issue_instant: "2026-11-28T12:00:00Z".into(),
        not_before: "2026-11-28T11:55:00Z".into(),
        not_on_or_after: "2026-11-28T12:05:00Z".into(),
        session_not_on_or_after: Some("2026-11-29T12:00:00Z".into()),
        idp_entity_id: "jumpcloud-acmecorp".into(),
        sp_entity_id: "https://app.avoma.com".into(),
        acs_url: "https://prod-api.avoma.com/saml2/acs".into(),
        in_response_to: Some("_req42".into()),
        name_id: "alice@acmecorp.com".into(),
        name_id_format: NAMEID_EMAIL.into(),
        session_index: "_sess1".into(),
        attributes: vec![
            ("email".into(), vec!["alice@acmecorp.com".into()]),
            ("firstname".into(), vec!["Alice".into()]),
            (
                "groups".into(),
                vec!["engineering".into(), "sso-admins".into()],
            ),
        ],
        status: STATUS_SUCCESS.into(),
    }
}

pub fn fixture() -> Fixture {
    Fixture {
        spec: spec(),
        idp: idp_signer(),
        attacker: signer(ATTACKER_KEY, ATTACKER_CERT),
        options: SignOptions::default(),
        evil_name_id: "admin@acmecorp.com".into(),
    }
}
