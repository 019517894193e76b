//! Signature verification the SAML way: policies, trust sources, rollover, key sizes, weak
//! algorithms and the facts reported with each verified signature.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use samlscope_core::algorithm::{Canonicalization, DigestAlgorithm, SignatureAlgorithm};
use samlscope_core::checks::CheckId;
use samlscope_core::dsig::SignatureError;
use samlscope_core::saml::{ConsumeError, SignatureRules, verify_response};
use samlscope_core::trust::{Fingerprint, FingerprintAlgorithm, TrustSource, TrustStore};
use samlscope_core::xml::parse;
use samlscope_forge::build::response_xml;
use samlscope_forge::sign::{SignOptions, sign_enveloped};

fn signed(ids: &[&str], options: &SignOptions, signer: &samlscope_forge::sign::Signer) -> String {
    let mut xml = response_xml(&common::spec());
    for id in ids {
        xml = sign_enveloped(&xml, id, signer, options).unwrap();
    }
    xml
}

fn both() -> String {
    let s = common::spec();
    signed(
        &[&s.assertion_id, &s.response_id],
        &SignOptions::default(),
        &common::idp_signer(),
    )
}

fn consume(xml: &str, trust: &TrustStore, rules: SignatureRules) -> Result<String, ConsumeError> {
    let doc = parse(xml.as_bytes()).unwrap();
    let v = verify_response(&doc, trust, rules).map_err(ConsumeError::Structure)?;
    v.assertion
        .map(|a| a.identity().name_id.map(|n| n.value).unwrap_or_default())
}

fn strip(xml: &str, which: &str) -> String {
    let doc = parse(xml.as_bytes()).unwrap();
    let parent = if which == "response" {
        doc.root()
    } else {
        doc.children_named(doc.root(), samlscope_core::xml::ns::SAML, "Assertion")
            .next()
            .unwrap()
    };
    let sig = doc
        .children_named(parent, samlscope_core::xml::ns::DS, "Signature")
        .next()
        .unwrap();
    let span = doc.span(sig);
    format!("{}{}", &xml[..span.start], &xml[span.end..])
}

#[test]
fn stripping_one_signature_depends_on_policy() {
    let trust = common::trust_idp();
    let lax = SignatureRules::default();
    let only_assertion = strip(&both(), "response");
    // Removing the Assertion's signature breaks the Response's digest (it covered it), so a
    // response-only message is signed that way from the start.
    assert!(matches!(
        consume(&strip(&both(), "assertion"), &trust, lax),
        Err(ConsumeError::ResponseSignature(
            SignatureError::DigestMismatch
        ))
    ));
    let s = common::spec();
    let only_response = signed(
        &[&s.response_id],
        &SignOptions::default(),
        &common::idp_signer(),
    );
    assert_eq!(
        consume(&only_assertion, &trust, lax).unwrap(),
        "alice@acmecorp.com"
    );
    assert_eq!(
        consume(&only_response, &trust, lax).unwrap(),
        "alice@acmecorp.com"
    );
    let want_response = SignatureRules {
        require_signed_response: true,
        ..lax
    };
    assert_eq!(
        consume(&only_assertion, &trust, want_response),
        Err(ConsumeError::ResponseNotSigned)
    );
    let want_assertion = SignatureRules {
        require_signed_assertion: true,
        ..lax
    };
    let err = consume(&only_response, &trust, want_assertion).unwrap_err();
    assert_eq!(err, ConsumeError::AssertionNotSigned);
    assert_eq!(err.check_id(), CheckId::SignaturePresent);
}

#[test]
fn sha1_only_under_policy_and_then_reported_weak() {
    let s = common::spec();
    let sha1 = SignOptions {
        signature: SignatureAlgorithm::RsaSha1,
        digest: DigestAlgorithm::Sha1,
        ..SignOptions::default()
    };
    let xml = signed(&[&s.assertion_id], &sha1, &common::idp_signer());
    let trust = common::trust_idp();
    let err = consume(&xml, &trust, SignatureRules::default()).unwrap_err();
    assert!(matches!(
        err,
        ConsumeError::AssertionSignature(SignatureError::WeakAlgorithm(_))
    ));
    assert_eq!(err.check_id(), CheckId::SignatureAlgorithms);

    let allow = SignatureRules {
        allow_sha1: true,
        ..SignatureRules::default()
    };
    let doc = parse(xml.as_bytes()).unwrap();
    let v = verify_response(&doc, &trust, allow).unwrap();
    let facts = v.assertion_signature.unwrap().unwrap().facts().clone();
    assert_eq!(facts.signature_algorithm, SignatureAlgorithm::RsaSha1);
    assert_eq!(facts.weak.len(), 2, "{:?}", facts.weak);
}

#[test]
fn every_sha2_variant_round_trips() {
    let s = common::spec();
    for (sig, dig) in [
        (SignatureAlgorithm::RsaSha256, DigestAlgorithm::Sha256),
        (SignatureAlgorithm::RsaSha384, DigestAlgorithm::Sha384),
        (SignatureAlgorithm::RsaSha512, DigestAlgorithm::Sha512),
        (SignatureAlgorithm::RsaSha256, DigestAlgorithm::Sha512),
    ] {
        let opts = SignOptions {
            signature: sig,
            digest: dig,
            ..SignOptions::default()
        };
        let xml = signed(
            &[&s.assertion_id, &s.response_id],
            &opts,
            &common::idp_signer(),
        );
        assert_eq!(
            consume(&xml, &common::trust_idp(), SignatureRules::default()).unwrap(),
            "alice@acmecorp.com",
            "{sig} / {dig}"
        );
    }
}

#[test]
fn fingerprint_pins_accept_only_the_matching_keyinfo_certificate() {
    let xml = both();
    let idp = common::cert(common::IDP_CERT);
    let mut by_fp = TrustStore::new();
    by_fp.add_fingerprint(Fingerprint::of(FingerprintAlgorithm::Sha256, idp.der()));
    assert_eq!(
        consume(&xml, &by_fp, SignatureRules::default()).unwrap(),
        "alice@acmecorp.com"
    );
    let doc = parse(xml.as_bytes()).unwrap();
    let v = verify_response(&doc, &by_fp, SignatureRules::default()).unwrap();
    let facts = v.response_signature.unwrap().unwrap().facts().clone();
    assert!(matches!(
        facts.trust_source,
        TrustSource::Fingerprint { weak: false, .. }
    ));

    // A SHA-1 pin works but is weak.
    let mut sha1 = TrustStore::new();
    sha1.add_fingerprint(Fingerprint::of(FingerprintAlgorithm::Sha1, idp.der()));
    let doc = parse(xml.as_bytes()).unwrap();
    let v = verify_response(&doc, &sha1, SignatureRules::default()).unwrap();
    let facts = v.response_signature.unwrap().unwrap().facts().clone();
    assert!(facts.weak.iter().any(|w| w.contains("SHA-1 fingerprint")));

    // A pin of another certificate: the KeyInfo cert is never trusted by itself.
    let mut other = TrustStore::new();
    other.add_fingerprint(Fingerprint::of(
        FingerprintAlgorithm::Sha256,
        common::cert(common::IDP2_CERT).der(),
    ));
    let err = consume(&xml, &other, SignatureRules::default()).unwrap_err();
    assert!(matches!(
        err,
        ConsumeError::ResponseSignature(SignatureError::UntrustedKey(_))
    ));
}

#[test]
fn rollover_and_rotation_diagnosis() {
    let xml = both();
    let mut both_keys = TrustStore::new();
    both_keys.add_certificate(common::cert(common::IDP2_CERT), TrustSource::Metadata);
    both_keys.add_certificate(common::cert(common::IDP_CERT), TrustSource::Metadata);
    assert_eq!(
        consume(&xml, &both_keys, SignatureRules::default()).unwrap(),
        "alice@acmecorp.com"
    );

    // The SP still trusts only the old certificate; the IdP signs with the new one.
    let rotated = {
        let s = common::spec();
        signed(
            &[&s.assertion_id],
            &SignOptions::default(),
            &common::signer(common::IDP2_KEY, common::IDP2_CERT),
        )
    };
    let err = consume(&rotated, &common::trust_idp(), SignatureRules::default()).unwrap_err();
    assert_eq!(
        err,
        ConsumeError::AssertionSignature(SignatureError::BadSignature { tried: 1 })
    );
    // The facts of a successful verification tell whether KeyInfo matched.
    let doc = parse(xml.as_bytes()).unwrap();
    let v = verify_response(&doc, &both_keys, SignatureRules::default()).unwrap();
    let f = v.assertion_signature.unwrap().unwrap().facts().clone();
    assert_eq!(f.keyinfo_matches, Some(true));
    assert_eq!(f.keyinfo_certificates.len(), 1);
    assert_eq!(f.verified_with.subject, f.keyinfo_certificates[0].subject);
}

#[test]
fn legacy_1024_bit_keys_need_a_lowered_minimum() {
    let s = common::spec();
    let xml = signed(
        &[&s.assertion_id],
        &SignOptions::default(),
        &common::signer(common::LEGACY_KEY, common::LEGACY_CERT),
    );
    let mut trust = TrustStore::new();
    trust.add_certificate(
        common::cert(common::LEGACY_CERT),
        TrustSource::PinnedCertificate,
    );
    let err = consume(&xml, &trust, SignatureRules::default()).unwrap_err();
    assert_eq!(
        err,
        ConsumeError::AssertionSignature(SignatureError::KeyTooSmall {
            bits: 1024,
            min: 2048
        })
    );
    let lowered = SignatureRules {
        min_rsa_bits: 1024,
        ..SignatureRules::default()
    };
    assert_eq!(
        consume(&xml, &trust, lowered).unwrap(),
        "alice@acmecorp.com"
    );
}

#[test]
fn no_trust_configured_is_a_rejection() {
    let err = consume(&both(), &TrustStore::new(), SignatureRules::default()).unwrap_err();
    assert_eq!(
        err,
        ConsumeError::ResponseSignature(SignatureError::NoTrustedKey)
    );
}

#[test]
fn facts_report_what_is_signed() {
    let xml = both();
    let doc = parse(xml.as_bytes()).unwrap();
    let v = verify_response(&doc, &common::trust_idp(), SignatureRules::default()).unwrap();
    let a = v.assertion.as_ref().unwrap();
    assert!(a.signed_by_assertion() && a.signed_by_response());
    let rs = v.response_signature.as_ref().unwrap().as_ref().unwrap();
    assert_eq!(rs.facts().signed_span, doc.span(doc.root()));
    let as_ = v.assertion_signature.as_ref().unwrap().as_ref().unwrap();
    assert_eq!(as_.facts().signed_span, doc.span(a.node()));
    assert!(rs.facts().signed_span.contains(as_.facts().signed_span));
    let id = a.identity();
    assert_eq!(id.attributes.len(), 3);
    assert_eq!(id.attributes[2].values, vec!["engineering", "sso-admins"]);
    assert_eq!(id.session_index.as_deref(), Some("_sess1"));
}

#[test]
fn bom_crlf_and_pretty_printing_outside_signed_content_still_verify() {
    let s = common::spec();
    let xml = signed(
        &[&s.assertion_id],
        &SignOptions::default(),
        &common::idp_signer(),
    );
    // CRLF inside the signed assertion is normalized to LF by the parser before C14N.
    let crlf = xml.replace("<saml2:Subject>", "\r\n<saml2:Subject>");
    // That changes the content (a text node was added), so the digest must fail...
    assert!(consume(&crlf, &common::trust_idp(), SignatureRules::default()).is_err());
    // ...while a BOM and whitespace outside the signed element are irrelevant.
    let outside = format!(
        "\u{feff}{}",
        xml.replace("<saml2p:Status>", "\r\n  <saml2p:Status>")
    );
    assert_eq!(
        consume(&outside, &common::trust_idp(), SignatureRules::default()).unwrap(),
        "alice@acmecorp.com"
    );
}

/// Re-signs the Signature inside the element `id` of `xml` with `transform` as the Reference's
/// canonicalization (after enveloped-signature) and `signed_info` as CanonicalizationMethod:
/// digest and SignatureValue recomputed with samlscope's canonicalizer. `edit_si` may change
/// SignedInfo's text first.
fn resigned(
    xml: &str,
    id: &str,
    transform: Canonicalization,
    signed_info: Canonicalization,
    edit_si: impl Fn(String) -> String,
) -> String {
    use base64::Engine as _;
    use samlscope_core::c14n::{C14nOptions, canonicalize};
    use samlscope_core::xml::ns::DS;
    let b64 = base64::engine::general_purpose::STANDARD;
    let parts = |xml: &str| {
        let doc = parse(xml.as_bytes()).unwrap();
        let parent = doc
            .elements()
            .find(|&n| doc.element(n).unwrap().attr("ID") == Some(id))
            .unwrap();
        let sig = doc.children_named(parent, DS, "Signature").next().unwrap();
        let si = doc.children_named(sig, DS, "SignedInfo").next().unwrap();
        (doc, parent, sig, si)
    };
    let xml = xml
        .replacen(
            &format!(
                "<ds:Transform Algorithm=\"{}\"/>",
                Canonicalization::EXC_URI
            ),
            &format!("<ds:Transform Algorithm=\"{}\"/>", transform.as_uri()),
            1,
        )
        .replacen(
            &format!(
                "<ds:CanonicalizationMethod Algorithm=\"{}\"/>",
                Canonicalization::EXC_URI
            ),
            &format!(
                "<ds:CanonicalizationMethod Algorithm=\"{}\"/>",
                signed_info.as_uri()
            ),
            1,
        );
    let (doc, parent, sig, si) = parts(&xml);
    let mut bytes = Vec::new();
    let opts = |c: Canonicalization, omit: Option<samlscope_core::xml::NodeId>| C14nOptions {
        method: c.method(),
        with_comments: c.with_comments() && omit.is_none(),
        inclusive_prefixes: &[],
        omit,
    };
    canonicalize(&doc, parent, &opts(transform, Some(sig)), &mut bytes).unwrap();
    let digest = b64.encode(DigestAlgorithm::Sha256.digest(&bytes));
    let si_span = doc.span(si);
    let si_text = doc.slice(si_span).to_owned();
    let start = si_text.find("<ds:DigestValue>").unwrap() + "<ds:DigestValue>".len();
    let end = si_text.find("</ds:DigestValue>").unwrap();
    let si_new = edit_si(format!("{}{digest}{}", &si_text[..start], &si_text[end..]));
    let xml = format!("{}{si_new}{}", &xml[..si_span.start], &xml[si_span.end..]);
    let (doc, _, sig, si) = parts(&xml);
    let mut bytes = Vec::new();
    canonicalize(&doc, si, &opts(signed_info, None), &mut bytes).unwrap();
    let value = common::idp_signer()
        .key
        .sign(SignatureAlgorithm::RsaSha256, &bytes)
        .unwrap();
    let sv = doc.span(
        doc.children_named(sig, DS, "SignatureValue")
            .next()
            .unwrap(),
    );
    format!(
        "{}<ds:SignatureValue>{}</ds:SignatureValue>{}",
        &xml[..sv.start],
        b64.encode(value),
        &xml[sv.end..]
    )
}

/// The assertion alone signed, then its Signature redone with inclusive canonicalization.
fn inclusive_assertion(transform: Canonicalization, signed_info: Canonicalization) -> String {
    let s = common::spec();
    let xml = signed(
        &[&s.assertion_id],
        &SignOptions::default(),
        &common::idp_signer(),
    );
    resigned(&xml, &s.assertion_id, transform, signed_info, |si| si)
}

fn assertion_facts(xml: &str) -> Result<samlscope_core::dsig::SignatureFacts, SignatureError> {
    let doc = parse(xml.as_bytes()).unwrap();
    let v = verify_response(&doc, &common::trust_idp(), SignatureRules::default()).unwrap();
    v.assertion_signature.unwrap().map(|a| a.facts().clone())
}

#[test]
fn inclusive_c14n_verifies_and_is_reported_as_discouraged() {
    use Canonicalization as C14n;
    let s = common::spec();
    let inclusive = [
        C14n::Inclusive,
        C14n::InclusiveWithComments,
        C14n::Inclusive11,
        C14n::Inclusive11WithComments,
    ];
    // SignedInfo canonicalized inclusively by the signer itself (sign.rs shares the code path).
    for c in inclusive {
        let o = SignOptions {
            canonicalization: c,
            ..SignOptions::default()
        };
        let xml = signed(&[&s.assertion_id], &o, &common::idp_signer());
        assert!(xml.contains(c.as_uri()));
        let f = assertion_facts(&xml).unwrap();
        assert_eq!(f.canonicalization, c);
        assert_eq!(f.reference_canonicalization, C14n::Exclusive);
        assert!(f.weak.is_empty());
        assert_eq!(f.discouraged.len(), 1, "{:?}", f.discouraged);
        assert!(f.discouraged[0].contains(c.name()), "{:?}", f.discouraged);
    }
    // The Reference transform, with every SignedInfo method.
    for t in inclusive {
        for si in C14n::ALL {
            let f = assertion_facts(&inclusive_assertion(t, si)).unwrap();
            assert_eq!((f.reference_canonicalization, f.canonicalization), (t, si));
            assert_eq!(f.discouraged.len(), 1 + usize::from(si.is_inclusive()));
        }
    }
    // Exclusive stays silent.
    let f = assertion_facts(&inclusive_assertion(C14n::Exclusive, C14n::Exclusive)).unwrap();
    assert!(f.discouraged.is_empty());
}

#[test]
fn inclusive_c14n_signs_the_context_outside_the_signed_element() {
    use Canonicalization as C14n;
    let root_start = |xml: &str| xml.find("<saml2p:Response ").unwrap() + "<saml2p:Response ".len();
    let add_to_root = |xml: &str, what: &str| {
        let at = root_start(xml);
        format!("{}{what} {}", &xml[..at], &xml[at..])
    };
    for (t, context_signed) in [
        (C14n::Exclusive, false),
        (C14n::Inclusive, true),
        (C14n::Inclusive11, true),
    ] {
        let xml = inclusive_assertion(t, C14n::Exclusive);
        assert!(assertion_facts(&xml).is_ok());
        // A namespace declared on the Response (outside the signed Assertion, used nowhere)
        // and an xml:lang there: part of the signed bytes for inclusive C14N only.
        for extra in ["xmlns:unused=\"urn:unused\"", "xml:lang=\"en\""] {
            let got = assertion_facts(&add_to_root(&xml, extra));
            if context_signed {
                assert_eq!(
                    got.unwrap_err(),
                    SignatureError::DigestMismatch,
                    "{t:?} {extra}"
                );
            } else {
                assert!(got.is_ok(), "{t:?} {extra}");
            }
        }
        // xml:id is an ordinary attribute for C14N 1.1 (§2.4), not inherited; 1.0 inherits it.
        let got = assertion_facts(&add_to_root(&xml, "xml:id=\"r\""));
        assert_eq!(got.is_ok(), t != C14n::Inclusive, "{t:?} xml:id");
    }
    // C14N 1.1 with an xml:base around the signed element: the RFC 3986 join is refused.
    let xml = add_to_root(
        &inclusive_assertion(C14n::Inclusive11, C14n::Exclusive),
        "xml:base=\"https://idp.example/\"",
    );
    let err = assertion_facts(&xml).unwrap_err();
    assert!(matches!(err, SignatureError::C14n(_)), "{err:?}");
    assert_eq!(err.check_id(), CheckId::SignatureAlgorithms);
    assert!(err.to_string().contains("xml:base"), "{err}");
    // C14N 1.0 inherits it like any xml:* attribute: a digest mismatch, as the Response
    // changed after signing.
    let xml = add_to_root(
        &inclusive_assertion(C14n::Inclusive, C14n::Exclusive),
        "xml:base=\"https://idp.example/\"",
    );
    assert_eq!(
        assertion_facts(&xml).unwrap_err(),
        SignatureError::DigestMismatch
    );
}

#[test]
fn inclusive_c14n_keeps_the_transform_rules() {
    use Canonicalization as C14n;
    let s = common::spec();
    let base = signed(
        &[&s.assertion_id],
        &SignOptions::default(),
        &common::idp_signer(),
    );
    let env = "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>";
    let tf = |c: C14n| format!("<ds:Transform Algorithm=\"{}\"/>", c.as_uri());
    let exc = tf(C14n::Exclusive);
    let prefix_list = |c: C14n| {
        format!(
            "<ds:Transform Algorithm=\"{}\"><ec:InclusiveNamespaces xmlns:ec=\"http://www.w3.org/2001/10/xml-exc-c14n#\" PrefixList=\"saml2\"/></ds:Transform>",
            c.as_uri()
        )
    };
    let cases: Vec<(String, CheckId)> = vec![
        // Two canonicalizations, in either order.
        (
            format!("{env}{}{exc}", tf(C14n::Inclusive)),
            CheckId::SignatureTransforms,
        ),
        (
            format!("{env}{exc}{}", tf(C14n::Inclusive11)),
            CheckId::SignatureTransforms,
        ),
        // Canonicalization before enveloped-signature, or alone.
        (
            format!("{}{env}", tf(C14n::Inclusive)),
            CheckId::SignatureTransforms,
        ),
        (tf(C14n::Inclusive11), CheckId::SignatureTransforms),
        // An unknown transform after the inclusive one.
        (
            format!(
                "{env}{}<ds:Transform Algorithm=\"urn:unknown\"/>",
                tf(C14n::Inclusive)
            ),
            CheckId::SignatureTransforms,
        ),
        // The exclusive-only PrefixList on an inclusive transform.
        (
            format!("{env}{}", prefix_list(C14n::Inclusive)),
            CheckId::SignatureTransforms,
        ),
        (
            format!("{env}{}", prefix_list(C14n::Inclusive11WithComments)),
            CheckId::SignatureTransforms,
        ),
    ];
    for (transforms, check) in cases {
        let xml = resigned(
            &base,
            &s.assertion_id,
            C14n::Exclusive,
            C14n::Exclusive,
            |si| {
                let a = si.find("<ds:Transforms>").unwrap() + "<ds:Transforms>".len();
                let b = si.find("</ds:Transforms>").unwrap();
                format!("{}{transforms}{}", &si[..a], &si[b..])
            },
        );
        let err = assertion_facts(&xml).unwrap_err();
        assert_eq!(err.check_id(), check, "{transforms}: {err}");
    }
    // The PrefixList on an inclusive CanonicalizationMethod.
    let xml = resigned(
        &base,
        &s.assertion_id,
        C14n::Exclusive,
        C14n::Inclusive,
        |si| {
            si.replacen(
            &format!("<ds:CanonicalizationMethod Algorithm=\"{}\"/>", C14n::C14N10_URI),
            &format!(
                "<ds:CanonicalizationMethod Algorithm=\"{}\"><ec:InclusiveNamespaces xmlns:ec=\"http://www.w3.org/2001/10/xml-exc-c14n#\" PrefixList=\"saml2\"/></ds:CanonicalizationMethod>",
                C14n::C14N10_URI
            ),
            1,
        )
        },
    );
    let err = assertion_facts(&xml).unwrap_err();
    assert!(
        matches!(err, SignatureError::PrefixListWithInclusive { .. }),
        "{err:?}"
    );
    assert_eq!(err.check_id(), CheckId::SignatureAlgorithms);
}
