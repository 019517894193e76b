//! A decrypted assertion's signature gets exactly the checks a plain assertion's signature
//! gets: trust, digest, algorithms (SHA-1 allowed by policy is a warning, not silence), the
//! KeyInfo comparison, the trusted certificate's validity, and a signed region. The same
//! signed assertion is sent once in the clear and once encrypted for the SP; the signature
//! checks of both reports must agree, case by case.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use samlscope_core::algorithm::{DigestAlgorithm, SignatureAlgorithm};
use samlscope_core::checks::CheckId as C;
use samlscope_core::report::{Report, Status};
use samlscope_core::validate::{Policy, validate};
use samlscope_core::xenc::DecryptionKey;
use samlscope_forge::sign::{SignOptions, Signer, sign_enveloped};

/// The checks a signature is judged by, whichever element carries it.
const SIGNATURE_CHECKS: [C; 5] = [
    C::SignatureTrusted,
    C::SignatureDigest,
    C::SignatureAlgorithms,
    C::SignatureKeyInfo,
    C::CertificateValidity,
];

/// The example assertion signed by `signer` with `options`, then edited by `tamper`.
fn signed_assertion(
    signer: &Signer,
    options: &SignOptions,
    tamper: fn(String) -> String,
) -> String {
    let spec = common::spec();
    let assertion = samlscope_forge::build::assertion_xml(&spec);
    tamper(sign_enveloped(&assertion, &spec.assertion_id, signer, options).unwrap())
}

/// The example Response carrying `assertion` in the clear (the Response unsigned).
fn plain_response(assertion: &str) -> String {
    let plain = samlscope_forge::build::response_xml(&common::spec());
    let s = plain.find("<saml2:Assertion").unwrap();
    let e = plain.rfind("</saml2:Assertion>").unwrap() + "</saml2:Assertion>".len();
    format!("{}{}{}", &plain[..s], assertion, &plain[e..])
}

/// `(check, status)` of the signature checks, in report order.
fn signature_checks(r: &Report) -> Vec<(C, Status)> {
    r.checks
        .iter()
        .filter(|c| SIGNATURE_CHECKS.contains(&c.id))
        .map(|c| (c.id, c.status))
        .collect()
}

/// Judges the assertion sent plain and sent encrypted; returns both reports after asserting
/// that their signature checks agree.
fn both_ways(assertion: &str, edit_policy: fn(&mut Policy)) -> (Report, Report) {
    let mut p = common::policy();
    p.sp_key = Some(DecryptionKey::from_pem(common::IDP2_KEY).unwrap());
    edit_policy(&mut p);
    let plain = validate(plain_response(assertion).as_bytes(), &p);
    let encrypted = validate(common::response_encrypting(assertion, false).as_bytes(), &p);
    assert!(
        encrypted.decrypted_assertion.is_some(),
        "{:#?}",
        encrypted.checks
    );
    assert_eq!(
        signature_checks(&plain),
        signature_checks(&encrypted),
        "plain: {:#?}\nencrypted: {:#?}",
        plain.checks,
        encrypted.checks
    );
    assert!(!signature_checks(&plain).is_empty());
    (plain, encrypted)
}

fn status(r: &Report, id: C) -> Option<Status> {
    r.checks.iter().find(|c| c.id == id).map(|c| c.status)
}

#[test]
fn a_valid_signature_gets_the_same_checks_and_a_signed_region() {
    let a = signed_assertion(&common::idp_signer(), &SignOptions::default(), |x| x);
    let (plain, encrypted) = both_ways(&a, |_| {});
    for r in [&plain, &encrypted] {
        assert_eq!(status(r, C::SignatureAlgorithms), Some(Status::Pass));
        assert_eq!(status(r, C::CertificateValidity), Some(Status::Pass));
        assert_eq!(r.signed_regions.len(), 1, "{:?}", r.signed_regions);
    }
    // The decrypted assertion's region is in the decrypted text, and says so.
    let region = &encrypted.signed_regions[0];
    assert!(region.in_decrypted_assertion);
    let text = encrypted.decrypted_assertion.as_deref().unwrap();
    assert!(text[region.span.start..region.span.end].starts_with("<saml2:Assertion"));
    assert!(!plain.signed_regions[0].in_decrypted_assertion);
}

#[test]
fn sha1_allowed_by_policy_is_a_warning_either_way() {
    let options = SignOptions {
        signature: SignatureAlgorithm::RsaSha1,
        digest: DigestAlgorithm::Sha1,
        ..SignOptions::default()
    };
    let a = signed_assertion(&common::idp_signer(), &options, |x| x);
    let (plain, encrypted) = both_ways(&a, |p| p.allow_sha1 = true);
    for r in [&plain, &encrypted] {
        assert_eq!(status(r, C::SignatureAlgorithms), Some(Status::Warn));
    }
}

#[test]
fn an_expired_trusted_certificate_fails_either_way() {
    let a = signed_assertion(&common::idp_signer(), &SignOptions::default(), |x| x);
    // The IdP certificate's notAfter is 2125-01-01.
    let (plain, encrypted) = both_ways(&a, |p| p.now = common::at("2125-06-01T00:00:00Z"));
    for r in [&plain, &encrypted] {
        assert_eq!(status(r, C::CertificateValidity), Some(Status::Fail));
    }
}

#[test]
fn a_keyinfo_certificate_other_than_the_trusted_one_is_named_either_way() {
    // Signed with the IdP's key, but KeyInfo carries another certificate.
    let signer = Signer {
        key: common::idp_signer().key,
        certificate: Some(common::cert(common::IDP2_CERT)),
    };
    let a = signed_assertion(&signer, &SignOptions::default(), |x| x);
    let (plain, encrypted) = both_ways(&a, |_| {});
    for r in [&plain, &encrypted] {
        assert_eq!(status(r, C::SignatureKeyInfo), Some(Status::Warn));
    }
}

#[test]
fn a_tampered_assertion_fails_the_same_check_either_way() {
    let a = signed_assertion(&common::idp_signer(), &SignOptions::default(), |x| {
        x.replacen("alice@acmecorp.com", "admin@acmecorp.com", 1)
    });
    let (plain, encrypted) = both_ways(&a, |_| {});
    for r in [&plain, &encrypted] {
        assert_eq!(
            status(r, C::SignatureDigest),
            Some(Status::Fail),
            "{:#?}",
            r.checks
        );
        assert!(r.identity.is_none());
    }
}
