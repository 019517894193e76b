//! Shared fixtures for the tests of the validator on forged messages: fixed keys
//! (core/tests/data/keys, see its README) and a JumpCloud-shaped response spec with a fixed clock.
#![allow(dead_code)]

use samlscope_core::saml::time::Instant;
use samlscope_core::trust::{Certificate, TrustSource, TrustStore};
use samlscope_core::validate::Policy;
use samlscope_forge::PrivateKey;
use samlscope_forge::attacks::Fixture;
use samlscope_forge::build::ResponseSpec;
use samlscope_forge::build::{NAMEID_EMAIL, idp_metadata_xml};
use samlscope_forge::sign::sign_enveloped;
use samlscope_forge::sign::{SignOptions, Signer};

pub const IDP_KEY: &str = include_str!("../../../core/tests/data/keys/idp.key.pem");
pub const IDP_CERT: &str = include_str!("../../../core/tests/data/keys/idp.crt.pem");
pub const IDP2_KEY: &str = include_str!("../../../core/tests/data/keys/idp2.key.pem");
pub const IDP2_CERT: &str = include_str!("../../../core/tests/data/keys/idp2.crt.pem");
pub const ATTACKER_KEY: &str = include_str!("../../../core/tests/data/keys/attacker.key.pem");
pub const ATTACKER_CERT: &str =
    include_str!("../../../core/tests/data/keys/attacker-lookalike.crt.pem");
pub const LEGACY_KEY: &str = include_str!("../../../core/tests/data/keys/legacy1024.key.pem");
pub const LEGACY_CERT: &str = include_str!("../../../core/tests/data/keys/legacy1024.crt.pem");
pub const EC_P256_CERT: &str = include_str!("../../../core/tests/data/keys/ec-p256.crt.pem");
pub const ED25519_CERT: &str = include_str!("../../../core/tests/data/keys/ed25519.crt.pem");
pub const DSA_CERT: &str = include_str!("../../../core/tests/data/keys/dsa.crt.pem");

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

/// The tests' clock: a minute after the example response was issued.
pub const NOW: &str = "2026-11-28T12:01:00Z";

pub fn at(t: &str) -> Instant {
    Instant::parse(t).unwrap().0
}

/// The SP of the setup guide (Avoma behind JumpCloud org `acmecorp`), expecting `_req42`.
pub fn policy() -> Policy {
    let mut p = Policy::new(trust_idp(), at(NOW));
    p.idp_entity_id = Some("jumpcloud-acmecorp".into());
    p.sp_entity_id = Some("https://app.avoma.com".into());
    p.acs_url = Some("https://prod-api.avoma.com/saml2/acs".into());
    p.request_id = Some("_req42".into());
    p
}

/// Signs like JumpCloud's "Assertion and Response".
pub fn sign_both(xml: &str, spec: &ResponseSpec) -> String {
    let s = idp_signer();
    let o = Default::default();
    let x = sign_enveloped(xml, &spec.assertion_id, &s, &o).unwrap();
    sign_enveloped(&x, &spec.response_id, &s, &o).unwrap()
}

/// The example response with its unsigned XML edited, then signed like JumpCloud.
pub fn edited(edit: impl Fn(String) -> String) -> String {
    let spec = spec();
    sign_both(&edit(samlscope_forge::build::response_xml(&spec)), &spec)
}

/// JumpCloud's IdP metadata for the example app, with or without a Redirect endpoint.
pub fn jumpcloud_metadata(redirect: bool) -> String {
    idp_metadata_xml(
        "jumpcloud-acmecorp",
        "https://sso.jumpcloud.com/saml2/avoma",
        &cert(IDP_CERT).to_base64(),
        redirect,
        NAMEID_EMAIL,
    )
}

/// The example response signed in the Assertion only, by `signer` (its key and the
/// certificate it puts in KeyInfo).
pub fn assertion_signed_by(signer: &Signer) -> String {
    let spec = spec();
    sign_enveloped(
        &samlscope_forge::build::response_xml(&spec),
        &spec.assertion_id,
        signer,
        &Default::default(),
    )
    .unwrap()
}

/// The example response with its Assertion encrypted for the SP (whose key pair is IDP2's in
/// these tests), the Assertion and/or the Response signed by the IdP first.
pub fn encrypted_response(sign_assertion: bool, sign_response: bool) -> String {
    let spec = spec();
    let mut assertion = samlscope_forge::build::assertion_xml(&spec);
    if sign_assertion {
        assertion = sign_enveloped(
            &assertion,
            &spec.assertion_id,
            &idp_signer(),
            &Default::default(),
        )
        .unwrap();
    }
    response_encrypting(&assertion, sign_response)
}

/// The example Response with its Assertion replaced by `plaintext` encrypted for the SP (the
/// IDP2 key pair), the Response signed when asked. `plaintext` must be a well-formed
/// `saml:Assertion` (what `encrypt_assertion` accepts), but need not follow the schema or be
/// signed: what the SP finds after decrypting is up to whoever encrypted it.
pub fn response_encrypting(plaintext: &str, sign_response: bool) -> String {
    use samlscope_core::xenc::{DataEncryption, KeyTransport};
    use samlscope_forge::encrypt::{MIN_RANDOMNESS, encrypt_assertion};
    let spec = spec();
    let sp_cert = cert(IDP2_CERT);
    let randomness: Vec<u8> = (0..MIN_RANDOMNESS.max(128))
        .map(|i| (i * 37 % 251) as u8)
        .collect();
    let enc = encrypt_assertion(
        plaintext,
        sp_cert.subject_public_key_info(),
        DataEncryption::Aes256Gcm,
        KeyTransport::RSA_OAEP_MGF1P,
        &randomness,
    )
    .unwrap();
    let plain = samlscope_forge::build::response_xml(&spec);
    let s = plain.find("<saml2:Assertion").unwrap();
    let e = plain.rfind("</saml2:Assertion>").unwrap() + "</saml2:Assertion>".len();
    let xml = format!("{}{}{}", &plain[..s], enc, &plain[e..]);
    if sign_response {
        sign_enveloped(&xml, &spec.response_id, &idp_signer(), &Default::default()).unwrap()
    } else {
        xml
    }
}

/// The example response whose assertion (then signed by the IdP) has its NameID sent as an
/// EncryptedID and/or its attributes named in `encrypt_attributes` sent as EncryptedAttributes,
/// each encrypted for the SP (the IDP2 key pair). `edit_plain` changes the assertion text
/// first, so a test can put into a plaintext what no IdP should.
pub fn response_with_encrypted_parts(
    encrypt_name_id: bool,
    encrypt_attributes: &[&str],
    edit_plain: impl Fn(String) -> String,
) -> String {
    use samlscope_core::xenc::{DataEncryption, EncryptedElement as K, KeyTransport};
    use samlscope_forge::encrypt::{MIN_RANDOMNESS, encrypt_in_place};
    let spec = spec();
    let sp_cert = cert(IDP2_CERT);
    let randomness: Vec<u8> = (0..MIN_RANDOMNESS).map(|i| (i * 41 % 251) as u8).collect();
    let encrypt = |xml: &str, kind, name: Option<&str>| {
        encrypt_in_place(
            kind,
            xml,
            |d, n| name.is_none() || d.element(n).and_then(|e| e.attr("Name")) == name,
            sp_cert.subject_public_key_info(),
            DataEncryption::Aes256Gcm,
            KeyTransport::RSA_OAEP_MGF1P,
            &randomness,
        )
        .unwrap()
    };
    let mut assertion = edit_plain(samlscope_forge::build::assertion_xml(&spec));
    if encrypt_name_id {
        assertion = encrypt(&assertion, K::NameId, None);
    }
    for &name in encrypt_attributes {
        assertion = encrypt(&assertion, K::Attribute, Some(name));
    }
    let assertion = sign_enveloped(
        &assertion,
        &spec.assertion_id,
        &idp_signer(),
        &Default::default(),
    )
    .unwrap();
    let plain = samlscope_forge::build::response_xml(&spec);
    let s = plain.find("<saml2:Assertion").unwrap();
    let e = plain.rfind("</saml2:Assertion>").unwrap() + "</saml2:Assertion>".len();
    format!("{}{}{}", &plain[..s], assertion, &plain[e..])
}
