//! Certificates as admins hand them over: every common key type named (and a non-RSA key said
//! to be unsupported, not "signed with another key"), and every common PEM or DER input either
//! read or refused by what it is.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use samlscope_core::algorithm::SignatureAlgorithm;
use samlscope_core::crypto::KeyType;
use samlscope_core::dsig::{AlgorithmRules, SignatureError, verify_with_keys};
use samlscope_core::trust::{Certificate, CertificateError, TrustSource, TrustStore};

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

#[test]
fn key_types_are_named_with_their_size() {
    for (pem, key_type, name, bits) in [
        (common::IDP_CERT, KeyType::Rsa, "RSA", 2048),
        (common::EC_P256_CERT, KeyType::EcP256, "EC P-256", 256),
        (common::ED25519_CERT, KeyType::Ed25519, "Ed25519", 256),
        (common::DSA_CERT, KeyType::Dsa, "DSA", 2048),
    ] {
        let info = common::cert(pem).info().clone();
        assert_eq!(info.key_algorithm, key_type, "{pem}");
        assert_eq!(info.key_algorithm.to_string(), name);
        assert_eq!(info.key_bits, bits, "{name}");
        // The JSON contract: the name, as before.
        let json = serde_json::to_value(&info).unwrap();
        assert_eq!(json["key_algorithm"], name);
    }
}

#[test]
fn a_non_rsa_key_is_unsupported_not_another_key() {
    for (pem, name) in [
        (common::EC_P256_CERT, "EC P-256"),
        (common::ED25519_CERT, "Ed25519"),
        (common::DSA_CERT, "DSA"),
    ] {
        let mut trust = TrustStore::new();
        trust.add_certificate(common::cert(pem), TrustSource::PinnedCertificate);
        let keys = trust.keys_for(&[]);
        let e = verify_with_keys(
            &keys,
            SignatureAlgorithm::RsaSha256,
            b"signed",
            &[0; 256],
            AlgorithmRules::default(),
        )
        .unwrap_err();
        assert_eq!(
            e,
            SignatureError::UnsupportedKey {
                key_type: common::cert(pem).info().key_algorithm
            }
        );
        let said = e.to_string();
        assert!(said.contains(name), "{said}");
        assert!(
            said.contains("not supported for SAML signatures here"),
            "{said}"
        );
    }
    // Next to an RSA key that fails, the RSA key's failure is what counts.
    let mut trust = TrustStore::new();
    trust.add_certificate(
        common::cert(common::ED25519_CERT),
        TrustSource::PinnedCertificate,
    );
    trust.add_certificate(
        common::cert(common::IDP_CERT),
        TrustSource::PinnedCertificate,
    );
    let e = verify_with_keys(
        &trust.keys_for(&[]),
        SignatureAlgorithm::RsaSha256,
        b"signed",
        &[0; 256],
        AlgorithmRules::default(),
    )
    .unwrap_err();
    assert_eq!(e, SignatureError::BadSignature { tried: 1 });
}

#[test]
fn every_common_input_is_read_or_refused_by_name() {
    let cert = common::cert(common::IDP_CERT);
    // DER bytes (a .cer export) and PEM read alike.
    assert_eq!(
        Certificate::all_from_bytes(cert.der()).unwrap(),
        vec![cert.clone()]
    );
    assert_eq!(
        Certificate::all_from_bytes(common::IDP_CERT.as_bytes()).unwrap(),
        vec![cert.clone()]
    );
    // A combined PEM (certificate and its key): the certificate.
    let combined = format!("{}{}", common::IDP_KEY, common::IDP_CERT);
    assert_eq!(
        Certificate::all_from_pem(&combined).unwrap(),
        vec![cert.clone()]
    );
    // PEM of something else: refused by its label, with what to paste instead.
    let public = pem("PUBLIC KEY", cert.subject_public_key_info());
    for (text, label, says) in [
        (public.as_str(), "PUBLIC KEY", "paste the certificate"),
        (common::IDP_KEY, "PRIVATE KEY", "never"),
        (
            &*pem("CERTIFICATE REQUEST", b"\x30\x00"),
            "CERTIFICATE REQUEST",
            "signing request",
        ),
        (&*pem("PKCS7", b"\x30\x00"), "PKCS7", "openssl pkcs7"),
    ] {
        let e = Certificate::all_from_pem(text).unwrap_err();
        match &e {
            CertificateError::NotACertificatePem { label: l, .. } => assert_eq!(l, label),
            other => panic!("{label}: {other:?}"),
        }
        let said = e.to_string();
        assert!(
            said.contains(&format!("this is a {label} PEM, not a certificate")),
            "{said}"
        );
        assert!(said.contains(says), "{said}");
        // The same through the byte reader.
        assert_eq!(Certificate::all_from_bytes(text.as_bytes()).unwrap_err(), e);
    }
    // DER of a public key, bare or base64: named.
    let e = Certificate::all_from_bytes(cert.subject_public_key_info()).unwrap_err();
    assert!(e.to_string().contains("DER public key"), "{e}");
    let e =
        Certificate::all_from_pem(&STANDARD.encode(cert.subject_public_key_info())).unwrap_err();
    assert!(e.to_string().contains("DER public key"), "{e}");
    // Binary that is not DER.
    assert_eq!(
        Certificate::all_from_bytes(&[0xff, 0xfe, 0x00]).unwrap_err(),
        CertificateError::NotText
    );
}
