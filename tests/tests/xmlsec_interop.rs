//! Signatures interoperate with libxmlsec1 in both directions: what samlscope signs verifies in
//! `xmlsec1 --verify`, and what xmlsec1 (and Python's signxml) sign verifies in samlscope.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use samlscope_core::algorithm::{Canonicalization, DigestAlgorithm, SignatureAlgorithm};
use samlscope_core::dsig::AlgorithmRules;
use samlscope_core::saml::{SignatureRules, verify_response};
use samlscope_core::trust::{Certificate, TrustSource, TrustStore};
use samlscope_forge::PrivateKey;
use samlscope_forge::build::{ResponseSpec, response_xml};
use samlscope_forge::sign::{SignOptions, Signer, sign_enveloped};
use samlscope_tests::*;
use std::process::Command;

fn spec() -> ResponseSpec {
    // Values that stress escaping and line ends inside the signed content.
    ResponseSpec {
        attributes: vec![
            (
                "groups".into(),
                vec!["a & b <c>".into(), "\"quoted\"\ttab".into()],
            ),
            ("note".into(), vec!["line1\r\nline2 ünïcødé".into()]),
        ],
        ..ResponseSpec::example()
    }
}

fn cert() -> Certificate {
    Certificate::all_from_pem(&read_key("idp.crt.pem"))
        .unwrap()
        .remove(0)
}

fn signer() -> Signer {
    Signer {
        key: PrivateKey::from_pem(&read_key("idp.key.pem")).unwrap(),
        certificate: Some(cert()),
    }
}

fn trust() -> TrustStore {
    let mut t = TrustStore::new();
    t.add_certificate(cert(), TrustSource::PinnedCertificate);
    t
}

fn xmlsec_verify(xml: &str, name: &str) -> (bool, String) {
    match xmlsec1_verify(xml, &key_file("idp.crt.pem"), name) {
        Ok(()) => (true, String::new()),
        Err(e) => (false, e),
    }
}

/// The name of the verified signer in core, or the error.
fn core_verify(xml: &str, allow_sha1: bool) -> Result<String, String> {
    let doc = samlscope_core::xml::parse(xml.as_bytes()).map_err(|e| e.to_string())?;
    let policy = SignatureRules {
        allow_sha1,
        ..SignatureRules::default()
    };
    let v = verify_response(&doc, &trust(), policy).map_err(|e| e.to_string())?;
    let a = v.assertion.map_err(|e| e.to_string())?;
    Ok(a.identity().name_id.map(|n| n.value).unwrap_or_default())
}

#[test]
fn core_signatures_verify_in_xmlsec1() {
    if !xmlsec1_available() {
        return;
    }
    let s = spec();
    let mut cases = 0;
    for (sig, dig) in [
        (SignatureAlgorithm::RsaSha256, DigestAlgorithm::Sha256),
        (SignatureAlgorithm::RsaSha512, DigestAlgorithm::Sha512),
        (SignatureAlgorithm::RsaSha1, DigestAlgorithm::Sha1),
    ] {
        let o = SignOptions {
            signature: sig,
            digest: dig,
            ..SignOptions::default()
        };
        // Assertion only and Response only: xmlsec1 verifies the first signature it finds.
        for id in [&s.assertion_id, &s.response_id] {
            let xml = sign_enveloped(&response_xml(&s), id, &signer(), &o).unwrap();
            let (ok, err) = xmlsec_verify(&xml, &format!("{sig}-{id}"));
            assert!(ok, "xmlsec1 rejected {sig}/{dig} over {id}: {err}\n{xml}");
            cases += 1;
        }
        // Both: xmlsec1 checks the Response signature, which covers the signed assertion.
        let xml = sign_enveloped(&response_xml(&s), &s.assertion_id, &signer(), &o).unwrap();
        let xml = sign_enveloped(&xml, &s.response_id, &signer(), &o).unwrap();
        let (ok, err) = xmlsec_verify(&xml, &format!("{sig}-both"));
        assert!(ok, "xmlsec1 rejected both-signed {sig}: {err}");
        cases += 1;
    }
    // A tampered copy must fail in xmlsec1 too (the oracle is not vacuous).
    let xml = sign_enveloped(
        &response_xml(&s),
        &s.response_id,
        &signer(),
        &SignOptions::default(),
    )
    .unwrap();
    let (ok, _) = xmlsec_verify(&xml.replace("alice@", "mallory@"), "tampered");
    assert!(!ok, "xmlsec1 accepted a tampered response");
    eprintln!("xmlsec1 verified {cases} samlscope-signed responses");
}

/// A response whose Assertion carries an empty signature template right after its Issuer.
/// `template` signed by `xmlsec1 --sign` with the IdP test key, SAML `ID`s declared.
fn xmlsec1_sign(dir: &std::path::Path, template: String) -> String {
    let input = dir.join("template.xml");
    let output = dir.join("signed.xml");
    std::fs::write(&input, template).unwrap();
    let keyarg = format!(
        "{},{}",
        key_file("idp.key.pem").display(),
        key_file("idp.crt.pem").display()
    );
    let out = Command::new("xmlsec1")
        .args([
            "--sign",
            "--privkey-pem",
            &keyarg,
            "--id-attr:ID",
            "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
            "--output",
        ])
        .arg(&output)
        .arg(&input)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "xmlsec1 --sign failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(&output).unwrap()
}

fn template(s: &ResponseSpec, sig_uri: &str, digest_uri: &str) -> String {
    let tpl = format!(
        concat!(
            "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo>",
            "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>",
            "<ds:SignatureMethod Algorithm=\"{}\"/>",
            "<ds:Reference URI=\"#{}\"><ds:Transforms>",
            "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>",
            "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/></ds:Transforms>",
            "<ds:DigestMethod Algorithm=\"{}\"/><ds:DigestValue></ds:DigestValue></ds:Reference>",
            "</ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>"
        ),
        sig_uri, s.assertion_id, digest_uri
    );
    let xml = response_xml(s);
    let issuer_end = xml.find("</saml2:Issuer><saml2:Subject>").unwrap() + "</saml2:Issuer>".len();
    format!("{}{}{}", &xml[..issuer_end], tpl, &xml[issuer_end..])
}

#[test]
fn xmlsec1_signatures_verify_in_core() {
    if !xmlsec1_available() {
        return;
    }
    let s = spec();
    let dir = scratch("xmlsec-sign");
    for (sig, dig, sha1) in [
        (
            SignatureAlgorithm::RSA_SHA256_URI,
            DigestAlgorithm::SHA256_URI,
            false,
        ),
        (
            SignatureAlgorithm::RSA_SHA512_URI,
            DigestAlgorithm::SHA512_URI,
            false,
        ),
        (
            SignatureAlgorithm::RSA_SHA1_URI,
            DigestAlgorithm::SHA1_URI,
            true,
        ),
    ] {
        let signed = xmlsec1_sign(&dir, template(&s, sig, dig));
        assert_eq!(
            core_verify(&signed, sha1),
            Ok("alice@acmecorp.com".to_owned()),
            "{sig}"
        );
        if sha1 {
            assert!(
                core_verify(&signed, false).is_err(),
                "SHA-1 accepted without policy"
            );
        }
        // Tampering after xmlsec1 signed is caught.
        assert!(core_verify(&signed.replace("alice@", "mallory@"), sha1).is_err());
    }
}

#[test]
fn signxml_signatures_verify_in_core() {
    if !python_module_available("signxml") {
        return;
    }
    let s = spec();
    let dir = scratch("signxml");
    let input = dir.join("unsigned.xml");
    // signxml puts the enveloped signature where a placeholder stands.
    let xml = response_xml(&s);
    let issuer_end = xml.find("</saml2:Issuer><saml2:Subject>").unwrap() + "</saml2:Issuer>".len();
    let xml = format!(
        "{}<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" Id=\"placeholder\"></ds:Signature>{}",
        &xml[..issuer_end],
        &xml[issuer_end..]
    );
    std::fs::write(&input, xml).unwrap();
    let script = r#"
import sys
from lxml import etree
from signxml import XMLSigner, methods
root = etree.parse(sys.argv[1]).getroot()
ns = {"saml2": "urn:oasis:names:tc:SAML:2.0:assertion"}
assertion = root.find("saml2:Assertion", ns)
signer = XMLSigner(method=methods.enveloped, signature_algorithm="rsa-sha256", digest_algorithm="sha256",
                   c14n_algorithm="http://www.w3.org/2001/10/xml-exc-c14n#")
signed = signer.sign(assertion, key=open(sys.argv[2], "rb").read(), cert=open(sys.argv[3], "rb").read(),
                     reference_uri=assertion.get("ID"), id_attribute="ID")
root.replace(assertion, signed)
sys.stdout.write(etree.tostring(root).decode())
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(&input)
        .arg(key_file("idp.key.pem"))
        .arg(key_file("idp.crt.pem"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "signxml failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let signed = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        core_verify(&signed, false),
        Ok("alice@acmecorp.com".to_owned()),
        "{signed}"
    );
    assert!(core_verify(&signed.replace("alice@", "mallory@"), false).is_err());

    // The whole verdict (what `samlscope check` prints) agrees: valid with the right NameID at
    // a fixed clock; the tampered copy is invalid.
    let mut policy = samlscope_core::validate::Policy::new(
        trust(),
        samlscope_core::saml::time::Instant::parse("2026-11-28T12:01:00Z")
            .unwrap()
            .0,
    );
    policy.idp_entity_id = Some(s.idp_entity_id.clone());
    policy.sp_entity_id = Some(s.sp_entity_id.clone());
    policy.acs_url = Some(s.acs_url.clone());
    policy.request_id = s.in_response_to.clone();
    let report = samlscope_core::validate::validate(signed.as_bytes(), &policy);
    assert_eq!(report.verdict.as_str(), "valid", "{:#?}", report.checks);
    assert_eq!(report.name_id.as_deref(), Some("alice@acmecorp.com"));
    let tampered = samlscope_core::validate::validate(
        signed.replace("alice@", "mallory@").as_bytes(),
        &policy,
    );
    assert_eq!(tampered.verdict.as_str(), "invalid");
}

/// InclusiveNamespaces PrefixList with `#default` on the reference transform: xmlsec1 renders
/// the in-scope default namespace (exc-c14n §3); so must samlscope.
#[test]
fn xmlsec1_prefix_list_with_default_verifies_in_core() {
    if !xmlsec1_available() {
        return;
    }
    let tpl = concat!(
        "<x:r xmlns:x=\"urn:x\" xmlns=\"urn:d\" xmlns:u=\"urn:unused\"><x:a ID=\"a1\">",
        "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo>",
        "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>",
        "<ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/>",
        "<ds:Reference URI=\"#a1\"><ds:Transforms>",
        "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>",
        "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\">",
        "<ec:InclusiveNamespaces xmlns:ec=\"http://www.w3.org/2001/10/xml-exc-c14n#\" PrefixList=\"#default u\"/>",
        "</ds:Transform></ds:Transforms>",
        "<ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue/></ds:Reference>",
        "</ds:SignedInfo><ds:SignatureValue/></ds:Signature><x:b>t</x:b></x:a></x:r>"
    );
    let dir = scratch("prefixlist");
    std::fs::write(dir.join("t.xml"), tpl).unwrap();
    let out = Command::new("xmlsec1")
        .args(["--sign", "--privkey-pem"])
        .arg(key_file("idp.key.pem"))
        .args(["--id-attr:ID", "urn:x:a", "--output"])
        .arg(dir.join("s.xml"))
        .arg(dir.join("t.xml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let signed = std::fs::read_to_string(dir.join("s.xml")).unwrap();
    let doc = samlscope_core::xml::parse(signed.as_bytes()).unwrap();
    let sig = doc
        .elements()
        .find(|&n| doc.is(n, "http://www.w3.org/2000/09/xmldsig#", "Signature"))
        .unwrap();
    let v = samlscope_core::dsig::verify_enveloped(&doc, sig, &trust(), AlgorithmRules::default());
    assert!(v.is_ok(), "{v:?}");
}

/// The example response with context around the signed Assertion that inclusive and exclusive
/// C14N treat differently: on the Response, a default namespace and a prefix used nowhere,
/// `xml:lang` and `xml:space`; a comment in the Assertion; and an Assertion signature template
/// with `c14n` as CanonicalizationMethod (a comment inside SignedInfo too) and `transform` after
/// enveloped-signature.
fn inclusive_template(s: &ResponseSpec, c14n: &str, transform: &str) -> String {
    let tpl = template(
        s,
        SignatureAlgorithm::RSA_SHA256_URI,
        DigestAlgorithm::SHA256_URI,
    )
    .replacen(
        "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>",
        &format!("<ds:CanonicalizationMethod Algorithm=\"{c14n}\"/><!-- in SignedInfo -->"),
        1,
    )
    .replacen(
        "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>",
        &format!("<ds:Transform Algorithm=\"{transform}\"/>"),
        1,
    )
    .replacen(
        "<saml2:Subject>",
        "<!-- in the Assertion --><saml2:Subject>",
        1,
    );
    let root = tpl.find("<saml2p:Response ").unwrap() + "<saml2p:Response ".len();
    format!(
        "{}xmlns=\"urn:example:default\" xmlns:unused=\"urn:example:unused\" xml:lang=\"en\" xml:space=\"default\" {}",
        &tpl[..root],
        &tpl[root..]
    )
}

/// Inclusive C14N 1.0 and 1.1, with and without comments, as CanonicalizationMethod and as the
/// Reference transform: what xmlsec1 (libxml2) signs verifies in samlscope, and a change to the
/// context outside the Assertion — which inclusive C14N signs — is caught.
#[test]
fn xmlsec1_inclusive_c14n_signatures_verify_in_core() {
    if !xmlsec1_available() {
        return;
    }
    use Canonicalization as C;
    let s = spec();
    let dir = scratch("xmlsec-inclusive");
    for (si, tf) in [
        (C::Inclusive, C::Inclusive),
        (C::InclusiveWithComments, C::Inclusive11),
        (C::Inclusive11, C::InclusiveWithComments),
        (C::Inclusive11WithComments, C::Inclusive11WithComments),
        (C::Exclusive, C::Inclusive11),
        (C::Inclusive, C::Exclusive),
    ] {
        let signed = xmlsec1_sign(&dir, inclusive_template(&s, si.as_uri(), tf.as_uri()));
        let case = format!("SignedInfo {si:?}, transform {tf:?}");
        assert_eq!(
            core_verify(&signed, false),
            Ok("alice@acmecorp.com".to_owned()),
            "{case}\n{signed}"
        );
        // The verifier used the methods the signature names.
        let doc = samlscope_core::xml::parse(signed.as_bytes()).unwrap();
        let sig = doc
            .elements()
            .find(|&n| doc.is(n, "http://www.w3.org/2000/09/xmldsig#", "Signature"))
            .unwrap();
        let v =
            samlscope_core::dsig::verify_enveloped(&doc, sig, &trust(), AlgorithmRules::default())
                .unwrap();
        assert_eq!(
            (
                v.facts().canonicalization,
                v.facts().reference_canonicalization
            ),
            (si, tf),
            "{case}"
        );
        // Signed content changed: refused whatever the method.
        assert!(
            core_verify(&signed.replace("alice@", "mallory@"), false).is_err(),
            "{case}"
        );
        // Context outside the Assertion changed: signed only by an inclusive method.
        for (from, to) in [
            ("xml:lang=\"en\"", "xml:lang=\"fr\""),
            (
                "xmlns:unused=\"urn:example:unused\"",
                "xmlns:unused=\"urn:example:other\"",
            ),
        ] {
            let changed = signed.replacen(from, to, 1);
            assert_ne!(changed, signed);
            assert!(
                core_verify(&changed, false).is_err(),
                "{case}: {from} → {to}"
            );
        }
    }
}

/// samlscope's signer with an inclusive CanonicalizationMethod (sign.rs shares the
/// canonicalizer): xmlsec1 verifies what it signs.
#[test]
fn core_inclusive_signed_info_verifies_in_xmlsec1() {
    if !xmlsec1_available() {
        return;
    }
    let s = spec();
    let xml = response_xml(&s);
    let root = xml.find("<saml2p:Response ").unwrap() + "<saml2p:Response ".len();
    let xml = format!(
        "{}xmlns:unused=\"urn:example:unused\" xml:lang=\"en\" {}",
        &xml[..root],
        &xml[root..]
    );
    for c in [
        Canonicalization::Inclusive,
        Canonicalization::InclusiveWithComments,
        Canonicalization::Inclusive11,
        Canonicalization::Inclusive11WithComments,
    ] {
        let o = SignOptions {
            canonicalization: c,
            ..SignOptions::default()
        };
        let signed = sign_enveloped(&xml, &s.assertion_id, &signer(), &o).unwrap();
        let (ok, err) = xmlsec_verify(&signed, &format!("inclusive-{c:?}"));
        assert!(ok, "xmlsec1 rejected {c:?}: {err}\n{signed}");
        assert_eq!(
            core_verify(&signed, false),
            Ok("alice@acmecorp.com".to_owned())
        );
        let (ok, _) = xmlsec_verify(
            &signed.replacen("xml:lang=\"en\"", "xml:lang=\"fr\"", 1),
            &format!("inclusive-{c:?}-changed"),
        );
        assert!(!ok, "xmlsec1 accepted a changed context under {c:?}");
    }
}
