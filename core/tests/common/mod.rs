//! Shared fixtures for core's integration tests: fixed keys (tests/data/keys, see its README)
//! and a JumpCloud-shaped response spec with a fixed clock.
#![allow(dead_code)]

use samlscope_core::attacks::Fixture;
use samlscope_core::crypto::PrivateKey;
use samlscope_core::dsig::{SignOptions, Signer};
use samlscope_core::saml::build::ResponseSpec;
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
    ResponseSpec::example()
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
