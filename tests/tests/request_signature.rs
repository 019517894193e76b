//! `request.signature`: an SP's signed AuthnRequest verified with the SP certificate, for the
//! Redirect binding (signature over the query string) and the POST binding (enveloped XML
//! signature), failing closed on every kind of doubt.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use std::io::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use samlscope_core::algorithm::SignatureAlgorithm;
use samlscope_core::checks::CheckId as C;
use samlscope_core::decode::{DecodeLimits, Decoded, decode};
use samlscope_core::dsig::AlgorithmRules;
use samlscope_core::metadata::{
    AuthnRequestInfo, RedirectSignature, RequestPolicy, inspect_authn_request, sp_trust,
    sp_trust_from_metadata, verify_authn_request,
};
use samlscope_core::report::{Check, Status};
use samlscope_core::trust::{TrustSource, TrustStore};
use samlscope_core::xml::Span;
use samlscope_forge::PrivateKey;
use samlscope_forge::sign::{SignOptions, sign_enveloped};

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

/// `certs` (PEM) given without an SP: they verify a request from any Issuer.
fn unbound(certs: &[&str]) -> TrustStore {
    let mut t = TrustStore::new();
    for c in certs {
        t.add_certificate(common::cert(c), TrustSource::PinnedCertificate);
    }
    t
}

/// `input` inspected and its signature verified with `certs` under `policy` (signatures
/// required); also the decoded XML.
fn verified(input: &str, certs: &[&str], policy: &AlgorithmRules) -> (AuthnRequestInfo, String) {
    let policy = RequestPolicy {
        require_signed: true,
        allow_sha1: policy.allow_sha1,
        min_rsa_bits: policy.min_rsa_bits,
    };
    verified_with(input, &unbound(certs), &policy)
}

/// `input` inspected and its signature verified with the SP keys `trust` under `policy`.
fn verified_with(
    input: &str,
    trust: &TrustStore,
    policy: &RequestPolicy,
) -> (AuthnRequestInfo, String) {
    let m = decoded(input);
    let info =
        verify_authn_request(m.xml.as_bytes(), RedirectSignature::of(&m), trust, policy).unwrap();
    (info, m.xml)
}

/// The one `request.signature` check of `info`.
fn the_signature_check(info: AuthnRequestInfo) -> Check {
    let mut found: Vec<Check> = info
        .lints
        .into_iter()
        .filter(|c| c.id == C::RequestSignature)
        .collect();
    assert_eq!(found.len(), 1, "one request.signature check");
    found.remove(0)
}

/// The `request.signature` check of `input` verified with `certs` under `policy`.
fn signature_check(input: &str, certs: &[&str], policy: &AlgorithmRules) -> Check {
    the_signature_check(verified(input, certs, policy).0)
}

/// The `request.signature` check of `input` verified with `trust` under `policy`.
fn signature_check_with(input: &str, trust: &TrustStore, policy: &RequestPolicy) -> Check {
    the_signature_check(verified_with(input, trust, policy).0)
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
    let policy = AlgorithmRules::default();
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
    let ok = signature_check(&url, &[common::IDP2_CERT], &AlgorithmRules::default());
    expect(&ok, Status::Pass, "query-string signature");
}

#[test]
fn redirect_signature_algorithms_and_values_fail_closed() {
    let policy = AlgorithmRules::default();
    // SHA-1 is refused unless allowed, and then verifies with a warning.
    let sha1 = redirect_url(common::IDP2_KEY, RSA_SHA1, |q| q);
    let refused = signature_check(&sha1, &[common::IDP2_CERT], &policy);
    assert_eq!(refused.status, Status::Fail, "{refused:?}");
    fix_says(&refused, "RSA-SHA256");
    let allowed = AlgorithmRules {
        allow_sha1: true,
        ..AlgorithmRules::default()
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
    let policy = AlgorithmRules::default();
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
    // Unsigned: a failure when the SP signs (a stripped signature looks exactly so), not
    // checked when the policy says it does not.
    let body = format!("SAMLRequest={}", pct(&STANDARD.encode(REQUEST)));
    let unsigned = signature_check(&body, &[common::IDP2_CERT], &policy);
    expect(&unsigned, Status::Fail, "unsigned");
    fix_says(&unsigned, "--allow-unsigned");
    let allowed = RequestPolicy::new(false, false);
    let unsigned = signature_check_with(&body, &unbound(&[common::IDP2_CERT]), &allowed);
    assert_eq!(unsigned.status, Status::Skipped, "{unsigned:?}");
    // Inspection alone does not verify: no request.signature check there.
    let plain = inspect_authn_request(signed.as_bytes()).unwrap();
    assert!(plain.signed);
    assert!(plain.lints.iter().all(|c| c.id != C::RequestSignature));
}

#[test]
fn a_verified_signature_says_what_it_covers() {
    let policy = AlgorithmRules::default();
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

fn b64(pem: &str) -> String {
    pem.lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<String>()
}

/// An `EntityDescriptor` for `entity_id` whose SPSSODescriptors sign with `signing` (one
/// descriptor per entry, each with its certificates); no namespace declarations.
fn sp_entity(entity_id: &str, descriptors: &[&[&str]]) -> String {
    let mut roles = String::new();
    for certs in descriptors {
        roles.push_str(r#"<md:SPSSODescriptor AuthnRequestsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">"#);
        for c in *certs {
            roles.push_str(&format!(
                r#"<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"#,
                b64(c)
            ));
        }
        roles.push_str(r#"<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://sp.example.org/acs" index="0"/></md:SPSSODescriptor>"#);
    }
    format!(r#"<md:EntityDescriptor entityID="{entity_id}">{roles}</md:EntityDescriptor>"#)
}

const NS: &str = r#"xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#""#;

/// One entity as a metadata document.
fn sp_metadata(entity_id: &str, descriptors: &[&[&str]]) -> String {
    sp_entity(entity_id, descriptors).replacen(
        "<md:EntityDescriptor ",
        &format!("<md:EntityDescriptor {NS} "),
        1,
    )
}

/// Entities in an aggregate, the last ones in a nested aggregate.
fn aggregate(outer: &[String], nested: &[String]) -> String {
    format!(
        r#"<md:EntitiesDescriptor {NS} Name="federation">{}<md:EntitiesDescriptor Name="inner">{}</md:EntitiesDescriptor></md:EntitiesDescriptor>"#,
        outer.concat(),
        nested.concat()
    )
}

const AVOMA: &str = "https://app.avoma.com";
const EVIL: &str = "https://evil-sp.example.net";

/// REQUEST signed (enveloped) by `key`, POSTed.
fn posted_signed_by(key: &str, cert: &str) -> String {
    let signed = sign_enveloped(
        REQUEST,
        "_req42",
        &common::signer(key, cert),
        &SignOptions::default(),
    )
    .unwrap();
    format!("SAMLRequest={}", pct(&STANDARD.encode(&signed)))
}

#[test]
fn sp_metadata_gives_the_signing_certificates_bound_to_their_entity() {
    let metadata = format!(
        r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://app.avoma.com"><md:SPSSODescriptor AuthnRequestsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="encryption"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://prod-api.avoma.com/saml2/acs" index="0"/></md:SPSSODescriptor></md:EntityDescriptor>"#,
        b64(common::IDP_CERT),
        b64(common::IDP2_CERT)
    );
    let (trust, entities) = sp_trust_from_metadata(metadata.as_bytes()).unwrap();
    let keys: Vec<_> = trust
        .certificates()
        .iter()
        .map(|k| (k.certificate.clone(), k.entity.clone()))
        .collect();
    assert_eq!(
        keys,
        vec![(common::cert(common::IDP2_CERT), Some(AVOMA.to_owned()))]
    );
    assert_eq!(entities, vec![AVOMA]);
    // The same through the admin's entry point; a PEM certificate is given without an SP.
    assert_eq!(
        sp_trust(metadata.as_bytes()).unwrap().entities(),
        vec![AVOMA]
    );
    let pem = sp_trust(common::IDP2_CERT.as_bytes()).unwrap();
    assert!(pem.entities().is_empty());
    assert_eq!(pem.certificates().len(), 1);
    // IdP metadata is not an SP's; a public key is named.
    assert!(sp_trust_from_metadata(common::jumpcloud_metadata(false).as_bytes()).is_err());
    let public = format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        STANDARD.encode(common::cert(common::IDP2_CERT).subject_public_key_info())
    );
    let e = sp_trust(public.as_bytes()).unwrap_err().to_string();
    assert!(e.contains("PUBLIC KEY PEM, not a certificate"), "{e}");
}

/// An aggregate whose first entity is the attacker's: its key must not verify a request that
/// claims to be another SP's, wherever that SP sits in the aggregate.
#[test]
fn an_aggregate_binds_each_key_to_its_own_entity() {
    let policy = RequestPolicy::default();
    // The attacker's entity first, the real SP's nested further down.
    let md = aggregate(
        &[sp_entity(EVIL, &[&[common::ATTACKER_CERT]])],
        &[sp_entity(AVOMA, &[&[common::IDP2_CERT]])],
    );
    let trust = sp_trust(md.as_bytes()).unwrap();
    assert_eq!(trust.entities(), vec![EVIL, AVOMA]);
    // The attacker signs a request naming app.avoma.com: refused.
    let forged = posted_signed_by(common::ATTACKER_KEY, common::ATTACKER_CERT);
    let c = signature_check_with(&forged, &trust, &policy);
    expect(&c, Status::Fail, "does not verify");
    // The real SP's signature verifies, and the pass names whose key it was.
    let genuine = posted_signed_by(common::IDP2_KEY, common::IDP2_CERT);
    let c = signature_check_with(&genuine, &trust, &policy);
    expect(&c, Status::Pass, AVOMA);
    // The same for a Redirect request.
    let url = redirect_url(common::ATTACKER_KEY, RSA_SHA256, |q| q);
    expect(
        &signature_check_with(&url, &trust, &policy),
        Status::Fail,
        "does not verify",
    );
    let url = redirect_url(common::IDP2_KEY, RSA_SHA256, |q| q);
    expect(
        &signature_check_with(&url, &trust, &policy),
        Status::Pass,
        AVOMA,
    );
}

/// Metadata of another SP only: no key may verify the request, and the failure says whose
/// keys were given.
#[test]
fn no_matching_entity_is_a_failure_naming_the_entities_given() {
    let policy = RequestPolicy::default();
    let md = sp_metadata(EVIL, &[&[common::IDP2_CERT]]);
    let trust = sp_trust(md.as_bytes()).unwrap();
    for input in [
        posted_signed_by(common::IDP2_KEY, common::IDP2_CERT),
        redirect_url(common::IDP2_KEY, RSA_SHA256, |q| q),
    ] {
        let c = signature_check_with(&input, &trust, &policy);
        expect(
            &c,
            Status::Fail,
            "no SP key given belongs to the request's Issuer",
        );
        assert!(
            c.message.contains(EVIL) && c.message.contains(AVOMA),
            "{c:?}"
        );
        fix_says(&c, "impersonation");
    }
    // A certificate given alone verifies for any Issuer; bound to another SP, it does not.
    let mut pinned = unbound(&[common::IDP2_CERT]);
    let genuine = posted_signed_by(common::IDP2_KEY, common::IDP2_CERT);
    expect(
        &signature_check_with(&genuine, &pinned, &policy),
        Status::Pass,
        "verified",
    );
    pinned.bind_unbound(EVIL);
    expect(
        &signature_check_with(&genuine, &pinned, &policy),
        Status::Fail,
        EVIL,
    );
    // A request without an Issuer cannot use a bound key.
    let anonymous = REQUEST.replace("<saml:Issuer>https://app.avoma.com</saml:Issuer>", "");
    let signed = sign_enveloped(
        &anonymous,
        "_req42",
        &common::signer(common::IDP2_KEY, common::IDP2_CERT),
        &SignOptions::default(),
    )
    .unwrap();
    let body = format!("SAMLRequest={}", pct(&STANDARD.encode(&signed)));
    let c = signature_check_with(
        &body,
        &sp_trust(sp_metadata(AVOMA, &[&[common::IDP2_CERT]]).as_bytes()).unwrap(),
        &policy,
    );
    expect(&c, Status::Fail, "names no Issuer");
}

/// Every SPSSODescriptor of an entity is read, not only the first.
#[test]
fn every_sp_role_descriptor_is_read() {
    let md = sp_metadata(AVOMA, &[&[common::IDP_CERT], &[common::IDP2_CERT]]);
    let trust = sp_trust(md.as_bytes()).unwrap();
    assert_eq!(trust.certificates().len(), 2);
    let genuine = posted_signed_by(common::IDP2_KEY, common::IDP2_CERT);
    expect(
        &signature_check_with(&genuine, &trust, &RequestPolicy::default()),
        Status::Pass,
        "verified",
    );
}

/// A Redirect query with SigAlg but its Signature removed is stripped, refused whether or not
/// the SP is required to sign.
#[test]
fn a_stripped_redirect_signature_is_refused_always() {
    let url = redirect_url(common::IDP2_KEY, RSA_SHA256, |q| q);
    let (head, _) = url.split_once("&Signature=").unwrap();
    for require_signed in [true, false] {
        let policy = RequestPolicy::new(require_signed, false);
        let c = signature_check_with(head, &unbound(&[common::IDP2_CERT]), &policy);
        expect(&c, Status::Fail, "SigAlg but no Signature");
        fix_says(&c, "SigAlg and Signature together");
        // Signature without SigAlg, the other half.
        let no_alg = url.replace(&format!("&SigAlg={}", pct(RSA_SHA256)), "");
        let c = signature_check_with(&no_alg, &unbound(&[common::IDP2_CERT]), &policy);
        expect(&c, Status::Fail, "no SigAlg");
    }
    // An unsigned Redirect request: a failure only when the SP signs.
    let (plain, _) = head.split_once("&SigAlg=").unwrap();
    let c = signature_check_with(
        plain,
        &unbound(&[common::IDP2_CERT]),
        &RequestPolicy::default(),
    );
    expect(&c, Status::Fail, "unsigned");
    let c = signature_check_with(
        plain,
        &unbound(&[common::IDP2_CERT]),
        &RequestPolicy::new(false, false),
    );
    assert_eq!(c.status, Status::Skipped, "{c:?}");
}

/// An unsigned request wrapping the SP's genuine signed request (same ID) in its Extensions:
/// refused, even where unsigned requests are allowed.
#[test]
fn an_unsigned_request_wrapping_a_signed_one_is_refused() {
    let signed = sign_enveloped(
        REQUEST,
        "_req42",
        &common::signer(common::IDP2_KEY, common::IDP2_CERT),
        &SignOptions::default(),
    )
    .unwrap();
    let inner = signed.replace(r#" xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion""#, "");
    let evil = REQUEST
        .replace(
            "https://prod-api.avoma.com/saml2/acs",
            "https://evil.example.net/acs",
        )
        .replace(
            "</saml:Issuer>",
            &format!("</saml:Issuer><samlp:Extensions>{inner}</samlp:Extensions>"),
        );
    let body = format!("SAMLRequest={}", pct(&STANDARD.encode(&evil)));
    for require_signed in [true, false] {
        let c = signature_check_with(
            &body,
            &unbound(&[common::IDP2_CERT]),
            &RequestPolicy::new(require_signed, false),
        );
        expect(&c, Status::Fail, "signature wrapping");
    }
    // The same with the signature on the outer request and a copy of the ID inside.
    let copy = signed.replacen(
        "</saml:Issuer>",
        r#"</saml:Issuer><samlp:Extensions><x ID="_req42"/></samlp:Extensions>"#,
        1,
    );
    let body = format!("SAMLRequest={}", pct(&STANDARD.encode(&copy)));
    let c = signature_check_with(
        &body,
        &unbound(&[common::IDP2_CERT]),
        &RequestPolicy::default(),
    );
    expect(&c, Status::Fail, "request's own ID");
}

/// A POSTed request's signature failure says its cause and the fix for that cause, not
/// always "upload the SP's current signing certificate".
#[test]
fn posted_signature_failures_say_their_cause() {
    let signer = common::signer(common::IDP2_KEY, common::IDP2_CERT);
    let sign = |options: &SignOptions| sign_enveloped(REQUEST, "_req42", &signer, options).unwrap();
    let body = |xml: &str| format!("SAMLRequest={}", pct(&STANDARD.encode(xml)));
    let good = sign(&SignOptions::default());
    let check =
        |xml: &str, cert: &str| signature_check(&body(xml), &[cert], &AlgorithmRules::default());
    const UPLOAD: &str = "SP Certificate field";
    // SHA-1.
    let sha1 = sign(&SignOptions {
        signature: SignatureAlgorithm::RsaSha1,
        digest: samlscope_core::algorithm::DigestAlgorithm::Sha1,
        ..SignOptions::default()
    });
    let c = check(&sha1, common::IDP2_CERT);
    expect(&c, Status::Fail, "SHA-1");
    fix_says(&c, "RSA-SHA256");
    // A canonicalization off the allow-list (C14N 2.0), as the method and as a transform.
    const EXC: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
    const C14N2: &str = "http://www.w3.org/2010/xml-c14n2";
    let method = good.replacen(
        &format!(r#"<ds:CanonicalizationMethod Algorithm="{EXC}""#),
        &format!(r#"<ds:CanonicalizationMethod Algorithm="{C14N2}""#),
        1,
    );
    assert_ne!(method, good);
    let c = check(&method, common::IDP2_CERT);
    expect(&c, Status::Fail, "not exclusive C14N");
    fix_says(&c, "exclusive canonicalization");
    let transform = good.replacen(
        &format!(r#"<ds:Transform Algorithm="{EXC}""#),
        &format!(r#"<ds:Transform Algorithm="{C14N2}""#),
        1,
    );
    assert_ne!(transform, good);
    expect(
        &check(&transform, common::IDP2_CERT),
        Status::Fail,
        "not exclusive C14N",
    );
    // Inclusive C14N verifies (SAML core §5.4.3 only recommends exclusive): a warning.
    let inclusive = sign(&SignOptions {
        canonicalization: samlscope_core::algorithm::Canonicalization::Inclusive,
        ..SignOptions::default()
    });
    let c = check(&inclusive, common::IDP2_CERT);
    assert_eq!(c.status, Status::Warn, "{c:?}");
    // XSLT and an unknown transform.
    for uri in [
        "http://www.w3.org/TR/1999/REC-xslt-19991116",
        "urn:example:transform",
    ] {
        let x = good.replacen(
            &format!(r#"<ds:Transform Algorithm="{EXC}""#),
            &format!(r#"<ds:Transform Algorithm="{uri}""#),
            1,
        );
        let c = check(&x, common::IDP2_CERT);
        expect(&c, Status::Fail, "transform");
        fix_says(&c, "XSLT");
    }
    // Two signatures.
    let (s, e) = (
        good.find("<ds:Signature").unwrap(),
        good.find("</ds:Signature>").unwrap() + 15,
    );
    let twice = format!("{}{}{}", &good[..e], &good[s..e], &good[e..]);
    let c = check(&twice, common::IDP2_CERT);
    expect(&c, Status::Fail, "two XML signatures");
    fix_says(&c, "changed after it was signed");
    // URI="".
    let empty = good.replacen(r##"URI="#_req42""##, r#"URI="""#, 1);
    assert_ne!(empty, good);
    let c = check(&empty, common::IDP2_CERT);
    expect(&c, Status::Fail, r#"URI="""#);
    fix_says(&c, "by its ID");
    // Changed after signing.
    let c = check(
        &good.replace("/saml2/acs", "/saml2/evil"),
        common::IDP2_CERT,
    );
    expect(&c, Status::Fail, "changed after it was signed");
    // Key mismatch: this one is the certificate to upload.
    let c = check(&good, common::IDP_CERT);
    expect(&c, Status::Fail, "another key");
    fix_says(&c, UPLOAD);
    // A non-RSA certificate: unsupported, not "another key".
    let c = check(&good, common::ED25519_CERT);
    expect(&c, Status::Fail, "not supported for SAML signatures here");
    assert!(c.message.contains("Ed25519"), "{c:?}");
    fix_says(&c, "RSA key");
    // Only the key mismatch sends the admin to the SP Certificate field.
    for xml in [&sha1, &method, &twice, &empty] {
        let c = check(xml, common::IDP2_CERT);
        assert!(
            !c.fix.as_deref().unwrap_or_default().contains(UPLOAD),
            "{c:?}"
        );
    }
}
