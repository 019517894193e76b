//! `request.signature`: an SP's signed AuthnRequest verified with the SP certificate, for the
//! Redirect binding (signature over the query string) and the POST binding (enveloped XML
//! signature), failing closed on every kind of doubt.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use std::io::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use samlscope_core::checks::CheckId as C;
use samlscope_core::crypto::PrivateKey;
use samlscope_core::decode::{DecodeLimits, Decoded, decode};
use samlscope_core::dsig::{SignOptions, SignatureAlgorithm, VerifyPolicy, sign_enveloped};
use samlscope_core::metadata::{
    AuthnRequestInfo, RedirectSignature, inspect_authn_request, sp_signing_certificates,
    verify_authn_request,
};
use samlscope_core::report::{Check, Status};
use samlscope_core::xml::Span;

const REQUEST: &str = r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_req42" Version="2.0" IssueInstant="2026-11-28T12:00:00Z" AssertionConsumerServiceURL="https://prod-api.avoma.com/saml2/acs" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"><saml:Issuer>https://app.avoma.com</saml:Issuer></samlp:AuthnRequest>"#;

fn pct(s: &str) -> String {
    utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
}

/// The Redirect URL an SP sends the browser to, signed with `key` over
/// `SAMLRequest=…&RelayState=…&SigAlg=…` (SAML Bindings §3.4.4.1); `edit` changes the signed
/// query before the Signature is appended (a tampered URL).
fn redirect_url(key: &str, sig_alg: &str, edit: impl Fn(String) -> String) -> String {
    redirect_url_relaying(key, sig_alg, &pct("/dashboard"), edit)
}

/// [`redirect_url`] with `relay_state` written into the query as given (encoded or not).
fn redirect_url_relaying(
    key: &str,
    sig_alg: &str,
    relay_state: &str,
    edit: impl Fn(String) -> String,
) -> String {
    let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(REQUEST.as_bytes()).unwrap();
    let query = format!(
        "SAMLRequest={}&RelayState={relay_state}&SigAlg={}",
        pct(&STANDARD.encode(z.finish().unwrap())),
        pct(sig_alg)
    );
    let algorithm = SignatureAlgorithm::from_uri(sig_alg).unwrap_or(SignatureAlgorithm::RsaSha256);
    let signature = PrivateKey::from_pem(key)
        .unwrap()
        .sign(algorithm, query.as_bytes())
        .unwrap();
    format!(
        "https://sso.jumpcloud.com/saml2/avoma?{}&Signature={}",
        edit(query),
        pct(&STANDARD.encode(signature))
    )
}

fn decoded(input: &str) -> Decoded {
    decode(input.as_bytes(), &DecodeLimits::default())
        .unwrap()
        .remove(0)
}

/// `input` inspected and its signature verified with `certs` under `policy`; also the
/// decoded XML.
fn verified(input: &str, certs: &[&str], policy: &VerifyPolicy) -> (AuthnRequestInfo, String) {
    let m = decoded(input);
    let certs: Vec<_> = certs.iter().map(|c| common::cert(c)).collect();
    let info =
        verify_authn_request(m.xml.as_bytes(), RedirectSignature::of(&m), &certs, policy).unwrap();
    (info, m.xml)
}

/// The `request.signature` check of `input` verified with `certs` under `policy`.
fn signature_check(input: &str, certs: &[&str], policy: &VerifyPolicy) -> Check {
    let (info, _) = verified(input, certs, policy);
    let mut found: Vec<Check> = info
        .lints
        .into_iter()
        .filter(|c| c.id == C::RequestSignature)
        .collect();
    assert_eq!(found.len(), 1, "one request.signature check");
    found.remove(0)
}

/// `c` has `status` and its message says `says`.
fn expect(c: &Check, status: Status, says: &str) {
    assert_eq!(c.status, status, "{c:?}");
    assert!(c.message.contains(says), "{c:?}");
}

/// `c`'s fix hint says `says`.
fn fix_says(c: &Check, says: &str) {
    assert!(c.fix.as_deref().is_some_and(|f| f.contains(says)), "{c:?}");
}

const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
const RSA_SHA1: &str = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";

#[test]
fn redirect_signatures_verify_with_the_sp_certificate_only() {
    let policy = VerifyPolicy::default();
    let url = redirect_url(common::IDP2_KEY, RSA_SHA256, |q| q);
    let ok = signature_check(&url, &[common::IDP2_CERT], &policy);
    expect(&ok, Status::Pass, "query-string signature (RSA-SHA-256)");
    // Any one of several certificates (a rotation in progress) will do.
    let ok = signature_check(&url, &[common::IDP_CERT, common::IDP2_CERT], &policy);
    assert_eq!(ok.status, Status::Pass, "{ok:?}");
    // Another certificate: the fix names JumpCloud's field.
    let wrong = signature_check(&url, &[common::IDP_CERT], &policy);
    expect(&wrong, Status::Fail, "does not verify");
    fix_says(&wrong, "SP Certificate field");
    // The query changed after signing (another RelayState).
    let tampered = redirect_url(common::IDP2_KEY, RSA_SHA256, |q| {
        q.replace("RelayState=%2Fdashboard", "RelayState=%2Fadmin")
    });
    let t = signature_check(&tampered, &[common::IDP2_CERT], &policy);
    assert_eq!(t.status, Status::Fail, "{t:?}");
    // No certificate at all.
    let none = signature_check(&url, &[], &policy);
    assert_eq!(none.status, Status::Fail, "{none:?}");
}

#[test]
fn a_semicolon_in_the_relay_state_is_part_of_it() {
    // Browsers leave `;` unencoded (`/app;jsessionid=…`), and IdPs split a query on `&` only:
    // the RelayState keeps its `;`, and the signature over it verifies as the IdP sees it.
    let url = redirect_url_relaying(common::IDP2_KEY, RSA_SHA256, "/app;jsessionid=42", |q| q);
    let m = decoded(&url);
    assert_eq!(m.relay_state.as_deref(), Some("/app;jsessionid=42"));
    let ok = signature_check(&url, &[common::IDP2_CERT], &VerifyPolicy::default());
    expect(&ok, Status::Pass, "query-string signature");
}

#[test]
fn redirect_signature_algorithms_and_values_fail_closed() {
    let policy = VerifyPolicy::default();
    // SHA-1 is refused unless allowed, and then verifies with a warning.
    let sha1 = redirect_url(common::IDP2_KEY, RSA_SHA1, |q| q);
    let refused = signature_check(&sha1, &[common::IDP2_CERT], &policy);
    assert_eq!(refused.status, Status::Fail, "{refused:?}");
    fix_says(&refused, "RSA-SHA256");
    let allowed = VerifyPolicy {
        allow_sha1: true,
        ..VerifyPolicy::default()
    };
    let weak = signature_check(&sha1, &[common::IDP2_CERT], &allowed);
    assert_eq!(weak.status, Status::Warn, "{weak:?}");
    // An algorithm off the allow-list (HMAC keyed with anything) never verifies.
    let hmac = redirect_url(
        common::IDP2_KEY,
        "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256",
        |q| q,
    );
    let h = signature_check(&hmac, &[common::IDP2_CERT], &policy);
    expect(&h, Status::Fail, "SigAlg");
    // A Signature without SigAlg, and one that is not base64.
    let url = redirect_url(common::IDP2_KEY, RSA_SHA256, |q| q);
    let no_alg = url.replace(&format!("&SigAlg={}", pct(RSA_SHA256)), "");
    let n = signature_check(&no_alg, &[common::IDP2_CERT], &policy);
    expect(&n, Status::Fail, "no SigAlg");
    let (head, _) = url.split_once("&Signature=").unwrap();
    let garbage = format!("{head}&Signature=%21%21%21");
    let g = signature_check(&garbage, &[common::IDP2_CERT], &policy);
    assert_eq!(g.status, Status::Fail, "{g:?}");
    // A repeated parameter: which RelayState was signed is ambiguous, whichever comes first.
    for repeated in [
        url.replacen("&RelayState=", "&RelayState=%2Fadmin&RelayState=", 1),
        url.replacen("&SigAlg=", "&RelayState=%2Fadmin&SigAlg=", 1),
        format!("{url}&Signature=AAAA"),
    ] {
        let r = signature_check(&repeated, &[common::IDP2_CERT], &policy);
        expect(&r, Status::Fail, "more than once");
    }
    // A key below the policy's minimum is not used, and says so.
    let legacy = redirect_url(common::LEGACY_KEY, RSA_SHA256, |q| q);
    let l = signature_check(&legacy, &[common::LEGACY_CERT], &policy);
    expect(&l, Status::Fail, "1024-bit");
}

#[test]
fn posted_requests_carry_an_enveloped_signature() {
    let policy = VerifyPolicy::default();
    let signer = common::signer(common::IDP2_KEY, common::IDP2_CERT);
    let signed = sign_enveloped(REQUEST, "_req42", &signer, &SignOptions::default()).unwrap();
    let body = format!("SAMLRequest={}", pct(&STANDARD.encode(&signed)));
    let ok = signature_check(&body, &[common::IDP2_CERT], &policy);
    expect(&ok, Status::Pass, "XML signature");
    let wrong = signature_check(&body, &[common::IDP_CERT], &policy);
    expect(&wrong, Status::Fail, "XML signature");
    fix_says(&wrong, "SP Certificate field");
    // Changed after signing.
    let tampered = signed.replace("/saml2/acs", "/saml2/evil");
    let body = format!("SAMLRequest={}", pct(&STANDARD.encode(&tampered)));
    let t = signature_check(&body, &[common::IDP2_CERT], &policy);
    assert_eq!(t.status, Status::Fail, "{t:?}");
    // Two signatures: refused, not a pick.
    let sig_start = signed.find("<ds:Signature").unwrap();
    let sig_end = signed.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let twice = format!(
        "{}{}{}",
        &signed[..sig_end],
        &signed[sig_start..sig_end],
        &signed[sig_end..]
    );
    let body = format!("SAMLRequest={}", pct(&STANDARD.encode(&twice)));
    let two = signature_check(&body, &[common::IDP2_CERT], &policy);
    expect(&two, Status::Fail, "two XML signatures");
    // Unsigned: nothing to verify, said as such.
    let body = format!("SAMLRequest={}", pct(&STANDARD.encode(REQUEST)));
    let unsigned = signature_check(&body, &[common::IDP2_CERT], &policy);
    assert_eq!(unsigned.status, Status::Skipped, "{unsigned:?}");
    // Inspection alone does not verify: no request.signature check there.
    let plain = inspect_authn_request(signed.as_bytes()).unwrap();
    assert!(plain.signed);
    assert!(plain.lints.iter().all(|c| c.id != C::RequestSignature));
}

#[test]
fn a_verified_signature_says_what_it_covers() {
    let policy = VerifyPolicy::default();
    // Redirect: the signed query carries the whole request; there is no signature element.
    let url = redirect_url(common::IDP2_KEY, RSA_SHA256, |q| q);
    let (info, xml) = verified(&url, &[common::IDP2_CERT], &policy);
    let region = info
        .signed_region
        .expect("a verified query signature covers the request");
    assert_eq!(region.element, "request");
    assert_eq!(region.span, Span::new(0, xml.len()));
    assert_eq!(region.signature_span, Span::default());
    // POST: the enveloping element, and where its signature is.
    let signer = common::signer(common::IDP2_KEY, common::IDP2_CERT);
    let signed = sign_enveloped(REQUEST, "_req42", &signer, &SignOptions::default()).unwrap();
    let body = format!("SAMLRequest={}", pct(&STANDARD.encode(&signed)));
    let (info, xml) = verified(&body, &[common::IDP2_CERT], &policy);
    let region = info
        .signed_region
        .expect("a verified XML signature covers the request");
    assert_eq!(region.span, Span::new(0, xml.len()));
    let sig = &xml[region.signature_span.start..region.signature_span.end];
    assert!(
        sig.starts_with("<ds:Signature") && sig.ends_with("</ds:Signature>"),
        "{sig}"
    );
    // Nothing is shaded unless the signature verified.
    for (input, cert) in [
        (url.as_str(), common::IDP_CERT),
        (body.as_str(), common::IDP_CERT),
        (
            &*format!("SAMLRequest={}", pct(&STANDARD.encode(REQUEST))),
            common::IDP2_CERT,
        ),
    ] {
        let (info, _) = verified(input, &[cert], &policy);
        assert_eq!(info.signed_region, None, "{:?}", info.lints);
    }
    assert_eq!(
        inspect_authn_request(signed.as_bytes())
            .unwrap()
            .signed_region,
        None
    );
}

#[test]
fn sp_metadata_gives_the_signing_certificates() {
    let b64 = |pem: &str| {
        pem.lines()
            .filter(|l| !l.starts_with("-----"))
            .collect::<String>()
    };
    let metadata = format!(
        r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://app.avoma.com"><md:SPSSODescriptor AuthnRequestsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="encryption"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://prod-api.avoma.com/saml2/acs" index="0"/></md:SPSSODescriptor></md:EntityDescriptor>"#,
        b64(common::IDP_CERT),
        b64(common::IDP2_CERT)
    );
    let certs = sp_signing_certificates(metadata.as_bytes()).unwrap();
    assert_eq!(certs, vec![common::cert(common::IDP2_CERT)]);
    // IdP metadata is not an SP's.
    assert!(sp_signing_certificates(common::jumpcloud_metadata(false).as_bytes()).is_err());
}
