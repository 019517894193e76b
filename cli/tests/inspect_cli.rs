//! `samlscope metadata` and `samlscope request` end to end: facts, lints, exit codes, JSON.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use std::io::Write as _;

use base64::Engine as _;
use common::{ROOT, samlscope};

fn metadata_xml() -> String {
    std::fs::read_to_string(format!("{ROOT}/examples/jumpcloud/metadata.xml")).unwrap()
}

const NOW: &str = "2026-11-28T12:01:00Z";

#[test]
fn bundled_jumpcloud_metadata_is_ok_with_its_facts() {
    let (code, out, err) = samlscope(
        &["metadata", "examples/jumpcloud/metadata.xml", "--now", NOW],
        "",
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Entity ID:  jumpcloud-acmecorp"), "{out}");
    assert!(
        out.contains("HTTP-POST      https://sso.jumpcloud.com/saml2/avoma"),
        "{out}"
    );
    assert!(
        out.contains("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"),
        "{out}"
    );
    assert!(out.contains("Key:      RSA 2048 bits"), "{out}");
    assert!(out.contains("SHA-256:  "), "{out}");
    // JumpCloud's default entity ID and POST-only endpoint are warnings with the console field.
    assert!(out.contains("! metadata.entity_id"), "{out}");
    assert!(out.contains("Declare Redirect Endpoint"), "{out}");
    assert!(!out.contains('✖'), "{out}");
}

#[test]
fn metadata_json_parses_and_base64_input_is_accepted() {
    let b64 = base64::engine::general_purpose::STANDARD.encode(metadata_xml());
    let (code, out, err) = samlscope(&["metadata", "-", "--json", "--now", NOW], &b64);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["entity_id"], "jumpcloud-acmecorp");
    assert_eq!(v["sso_endpoints"][0]["binding"], "http_post");
    assert_eq!(v["signing_certificates"][0]["key_bits"], 2048);
    assert!(v["lints"].as_array().unwrap().len() >= 3);
}

#[test]
fn placeholder_entity_id_is_an_error_lint() {
    let xml = metadata_xml().replace(
        "entityID=\"jumpcloud-acmecorp\"",
        "entityID=\"https://example.com/your-idp\"",
    );
    assert!(xml.contains("your-idp"));
    let (code, out, err) = samlscope(&["metadata", "-", "--now", NOW], &xml);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("✖ metadata.entity_id"), "{out}");
    assert!(out.contains("placeholder"), "{out}");
    assert!(out.contains("fix:"), "{out}");
}

#[test]
fn expired_certificate_is_an_error_lint() {
    let (code, out, err) = samlscope(
        &[
            "metadata",
            "examples/jumpcloud/metadata.xml",
            "--now",
            "2200-01-01T00:00:00Z",
        ],
        "",
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("✖ metadata.certificate"), "{out}");
    assert!(out.contains("has expired"), "{out}");
    assert!(out.contains("IDP Certificate"), "{out}");
}

#[test]
fn garbage_and_wrong_documents_are_input_errors() {
    for cmd in ["metadata", "request"] {
        let (code, out, err) = samlscope(&[cmd, "-"], "this is not SAML at all");
        assert_eq!(code, 2, "{cmd}: {out}{err}");
        assert!(err.starts_with(&format!("samlscope: {cmd}: ")), "{err}");
        assert!(out.is_empty());
    }
    // A Response is SAML, but neither metadata nor an AuthnRequest.
    let (code, _, err) = samlscope(&["metadata", "examples/jumpcloud/response.xml"], "");
    assert_eq!(code, 2);
    assert!(err.contains("not md:EntityDescriptor"), "{err}");
    let (code, _, err) = samlscope(&["request", "examples/jumpcloud/metadata.xml"], "");
    assert_eq!(code, 2);
    assert!(err.contains("not samlp:AuthnRequest"), "{err}");
    let (code, _, _) = samlscope(&["metadata", "--now", "yesterday", "-"], "");
    assert_eq!(code, 2);
}

const REQUEST: &str = r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_req7f3a" Version="2.0" IssueInstant="2026-11-28T12:00:00Z" Destination="https://sso.jumpcloud.com/saml2/avoma" AssertionConsumerServiceURL="https://prod-api.avoma.com/saml2/acs" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" ForceAuthn="true"><saml:Issuer>https://app.avoma.com</saml:Issuer><samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress" AllowCreate="true"/></samlp:AuthnRequest>"#;

/// The HTTP-Redirect encoding (SAML Bindings §3.4.4.1): raw DEFLATE, base64, URL-encoding;
/// `signed`: RSA-SHA256 over `SAMLRequest=…&RelayState=…&SigAlg=…` with the key of
/// core/tests/data/keys/idp2.crt.pem (standing in for an SP's signing key).
fn redirect_url(xml: &str, signed: bool) -> String {
    let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(xml.as_bytes()).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD.encode(z.finish().unwrap());
    let enc = |s: &str| {
        s.replace('%', "%25")
            .replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D")
            .replace(':', "%3A")
            .replace('#', "%23")
    };
    let mut query = format!("SAMLRequest={}&RelayState=%2Fdashboard", enc(&b64));
    if signed {
        query.push_str(&format!(
            "&SigAlg={}",
            enc("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")
        ));
        let key =
            std::fs::read_to_string(format!("{ROOT}/core/tests/data/keys/idp2.key.pem")).unwrap();
        let signature = samlscope_forge::PrivateKey::from_pem(&key)
            .unwrap()
            .sign(
                samlscope_core::algorithm::SignatureAlgorithm::RsaSha256,
                query.as_bytes(),
            )
            .unwrap();
        let signature = base64::engine::general_purpose::STANDARD.encode(signature);
        query.push_str(&format!("&Signature={}", enc(&signature)));
    }
    format!("https://sso.jumpcloud.com/saml2/avoma?{query}")
}

#[test]
fn request_from_a_redirect_url() {
    let (code, out, err) = samlscope(&["request", "-"], &redirect_url(REQUEST, false));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("AuthnRequest via HTTP-Redirect"), "{out}");
    assert!(out.contains("_req7f3a   (use as --request-id)"), "{out}");
    assert!(
        out.contains("Issuer:           https://app.avoma.com"),
        "{out}"
    );
    assert!(
        out.contains("ACS URL:          https://prod-api.avoma.com/saml2/acs"),
        "{out}"
    );
    assert!(out.contains("AllowCreate=true"), "{out}");
    assert!(out.contains("ForceAuthn:       true"), "{out}");
    assert!(out.contains("RelayState:       /dashboard"), "{out}");
    assert!(out.contains("Signature:        unsigned"), "{out}");

    let (code, out, err) = samlscope(&["request", "-"], &redirect_url(REQUEST, true));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("query-string signature (http://www.w3.org/2001/04/xmldsig-more#rsa-sha256)"),
        "{out}"
    );
}

/// `--sp-cert`: the request's signature verified as the IdP would, with the SP's certificate
/// (PEM) or its metadata; a signature that does not verify fails with JumpCloud's field.
#[test]
fn request_signature_is_verified_with_the_sp_certificate() {
    let url = redirect_url(REQUEST, true);
    let good = "core/tests/data/keys/idp2.crt.pem";
    // The bundled SP metadata's signing certificate is that same one.
    for sp_cert in [good, "examples/jumpcloud/sp-metadata.xml"] {
        let (code, out, err) = samlscope(&["request", "-", "--sp-cert", sp_cert], &url);
        assert_eq!(code, 0, "{sp_cert}: {out}{err}");
        assert!(out.contains("✔ request.signature"), "{out}");
        assert!(out.contains("verified with the SP certificate"), "{out}");
    }
    // Another certificate: exit 1 and the console field.
    let other = "core/tests/data/keys/idp.crt.pem";
    let (code, out, err) = samlscope(&["request", "-", "--sp-cert", other], &url);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("✖ request.signature"), "{out}");
    assert!(out.contains("SP Certificate field"), "{out}");
    // Signed means signed: an unsigned request fails, unless the SP does not sign.
    let signature_lint = |args: &[&str], input: &str| {
        let (code, out, err) = samlscope(args, input);
        let v: serde_json::Value =
            serde_json::from_str(out.trim()).unwrap_or_else(|_| panic!("{out}{err}"));
        let lint = v["lints"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "request.signature")
            .unwrap()
            .clone();
        (code, lint)
    };
    let unsigned = redirect_url(REQUEST, false);
    let (code, lint) = signature_lint(&["request", "-", "--sp-cert", good, "--json"], &unsigned);
    assert_eq!(code, 1, "{lint}");
    assert_eq!(lint["status"], "fail", "{lint}");
    assert!(
        lint["fix"].as_str().unwrap().contains("--allow-unsigned"),
        "{lint}"
    );
    let (code, lint) = signature_lint(
        &[
            "request",
            "-",
            "--sp-cert",
            good,
            "--allow-unsigned",
            "--json",
        ],
        &unsigned,
    );
    assert_eq!(code, 0, "{lint}");
    assert_eq!(lint["status"], "skipped", "{lint}");
    // IdP metadata is not the SP's: a usage error naming the file and what it is.
    let (code, _, err) = samlscope(
        &[
            "request",
            "-",
            "--sp-cert",
            "examples/jumpcloud/metadata.xml",
        ],
        &url,
    );
    assert_eq!(code, 2);
    assert!(err.contains("examples/jumpcloud/metadata.xml"), "{err}");
    assert!(
        err.contains("does not describe a service provider"),
        "{err}"
    );
    // The policy options need --sp-cert.
    let (code, _, err) = samlscope(&["request", "-", "--allow-unsigned"], &url);
    assert_eq!(code, 2, "{err}");
}

/// A temporary file holding `bytes`, removed when dropped.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new(name: &str, bytes: &[u8]) -> Self {
        let path = std::env::temp_dir().join(format!("samlscope-{}-{name}", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        Self(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn certificate_base64(pem_path: &str) -> String {
    std::fs::read_to_string(format!("{ROOT}/{pem_path}"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect()
}

fn sp_entity(entity_id: &str, cert_pem_path: &str) -> String {
    format!(
        r#"<md:EntityDescriptor entityID="{entity_id}"><md:SPSSODescriptor AuthnRequestsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://sp.example.org/acs" index="0"/></md:SPSSODescriptor></md:EntityDescriptor>"#,
        certificate_base64(cert_pem_path)
    )
}

fn aggregate(entities: &[String]) -> String {
    format!(
        r#"<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">{}</md:EntitiesDescriptor>"#,
        entities.concat()
    )
}

/// Keys are bound to their SP: in an aggregate whose first entity is the attacker's, the
/// attacker's key does not verify a request naming another SP; a certificate given alone is
/// bound with --sp-entity-id; DER and PEM certificates are read, a public key is named.
#[test]
fn sp_keys_are_bound_to_the_request_issuer() {
    // The request is signed with the key of idp2.crt.pem: here the attacker's.
    let url = redirect_url(REQUEST, true);
    let attacker_first = TempFile::new(
        "aggregate.xml",
        aggregate(&[
            sp_entity(
                "https://evil-sp.example.net",
                "core/tests/data/keys/idp2.crt.pem",
            ),
            sp_entity("https://app.avoma.com", "core/tests/data/keys/idp.crt.pem"),
        ])
        .as_bytes(),
    );
    let (code, out, err) = samlscope(&["request", "-", "--sp-cert", attacker_first.path()], &url);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("✖ request.signature"), "{out}");
    // Only the attacker's entity: no key of the Issuer, and the entities given are named.
    let attacker_only = TempFile::new(
        "evil.xml",
        aggregate(&[sp_entity(
            "https://evil-sp.example.net",
            "core/tests/data/keys/idp2.crt.pem",
        )])
        .as_bytes(),
    );
    let (code, out, err) = samlscope(&["request", "-", "--sp-cert", attacker_only.path()], &url);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("no SP key given belongs to the request's Issuer"),
        "{out}"
    );
    assert!(out.contains("https://evil-sp.example.net"), "{out}");
    // A PEM certificate alone verifies for any Issuer, unless bound to another SP.
    let good = "core/tests/data/keys/idp2.crt.pem";
    for (entity, want) in [
        ("https://app.avoma.com", 0),
        ("https://evil-sp.example.net", 1),
    ] {
        let (code, out, err) = samlscope(
            &["request", "-", "--sp-cert", good, "--sp-entity-id", entity],
            &url,
        );
        assert_eq!(code, want, "{entity}: {out}{err}");
    }
    // DER is read; a public key PEM is refused by name.
    let pem = std::fs::read_to_string(format!("{ROOT}/{good}")).unwrap();
    let der = base64::engine::general_purpose::STANDARD
        .decode(certificate_base64(good))
        .unwrap();
    let der = TempFile::new("sp.der", &der);
    let (code, out, err) = samlscope(&["request", "-", "--sp-cert", der.path()], &url);
    assert_eq!(code, 0, "{out}{err}");
    let cert = samlscope_core::trust::Certificate::all_from_pem(&pem)
        .unwrap()
        .remove(0);
    let public = format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        base64::engine::general_purpose::STANDARD.encode(cert.subject_public_key_info())
    );
    let public = TempFile::new("sp.pub.pem", public.as_bytes());
    let (code, _, err) = samlscope(&["request", "-", "--sp-cert", public.path()], &url);
    assert_eq!(code, 2);
    assert!(
        err.contains("this is a PUBLIC KEY PEM, not a certificate"),
        "{err}"
    );
}

/// A Redirect URL whose Signature was removed but whose SigAlg was left: refused as stripped,
/// even when unsigned requests are allowed.
#[test]
fn a_stripped_redirect_signature_fails() {
    let url = redirect_url(REQUEST, true);
    let (stripped, _) = url.split_once("&Signature=").unwrap();
    for extra in [&[][..], &["--allow-unsigned"][..]] {
        let mut args = vec![
            "request",
            "-",
            "--sp-cert",
            "core/tests/data/keys/idp2.crt.pem",
        ];
        args.extend_from_slice(extra);
        let (code, out, err) = samlscope(&args, stripped);
        assert_eq!(code, 1, "{out}{err}");
        assert!(out.contains("SigAlg but no Signature"), "{out}");
    }
}

/// An aggregate lists every entity; past the text's limit it says how many it did not show,
/// and --json lists them all.
#[test]
fn metadata_on_an_aggregate_lists_every_entity() {
    let entities: Vec<String> = (0..60)
        .map(|i| {
            sp_entity(
                &format!("https://sp{i}.example.org"),
                "core/tests/data/keys/idp2.crt.pem",
            )
        })
        .collect();
    let md = aggregate(&entities);
    let (code, out, err) = samlscope(&["metadata", "-", "--now", NOW], &md);
    assert!(code == 0 || code == 1, "{err}");
    assert!(
        out.contains("Metadata aggregate: 60 IdP/SP descriptors"),
        "{out}"
    );
    assert!(
        out.contains("Service provider: https://sp0.example.org"),
        "{out}"
    );
    assert!(
        out.contains("Service provider: https://sp49.example.org"),
        "{out}"
    );
    assert!(!out.contains("https://sp50.example.org"), "{out}");
    assert!(
        out.contains("… and 10 more of the 60 descriptors not shown"),
        "{out}"
    );
    let (_, out, _) = samlscope(&["metadata", "-", "--now", NOW, "--json"], &md);
    assert_eq!(out.lines().count(), 60, "{out}");
    assert!(out.contains("https://sp59.example.org"));
    // Two entities: both, no "not shown".
    let two = aggregate(&entities[..2]);
    let (_, out, _) = samlscope(&["metadata", "-", "--now", NOW], &two);
    assert!(
        out.contains("https://sp0.example.org") && out.contains("https://sp1.example.org"),
        "{out}"
    );
    assert!(!out.contains("not shown"), "{out}");
}

/// A Redirect URL copied from HTML source (`&amp;` between the parameters) verifies: the SP
/// signed the `&` form, and that is what is checked; a note says the query was unescaped.
#[test]
fn request_signature_verifies_over_an_html_escaped_url() {
    let url = redirect_url(REQUEST, true).replace('&', "&amp;");
    let (code, out, err) = samlscope(
        &[
            "request",
            "-",
            "--sp-cert",
            "core/tests/data/keys/idp2.crt.pem",
        ],
        &url,
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("✔ request.signature"), "{out}");
    assert!(out.contains("RelayState:       /dashboard"), "{out}");
    assert!(
        err.contains("samlscope: note: ") && err.contains("`&amp;`"),
        "{err}"
    );
}

#[test]
fn request_json_parses_and_a_request_without_issuer_fails() {
    let (code, out, err) = samlscope(&["request", "-", "--json"], &redirect_url(REQUEST, true));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["id"], "_req7f3a");
    assert_eq!(v["issuer"], "https://app.avoma.com");
    assert_eq!(v["force_authn"], true);
    assert_eq!(v["binding"], "HTTP-Redirect");
    assert_eq!(v["redirect_signed"], true);
    assert_eq!(v["signed"], false);

    let no_issuer = REQUEST.replace("<saml:Issuer>https://app.avoma.com</saml:Issuer>", "");
    let (code, out, err) = samlscope(&["request", "-"], &no_issuer);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("✖ request.issuer"), "{out}");
}

#[test]
fn a_url_argument_is_the_input_and_is_never_fetched() {
    // The Redirect URL from the address bar, passed as the argument: the same facts as on
    // stdin (as the README shows it), for `request`, `decode` and `check`'s inputs alike.
    let url = redirect_url(REQUEST, false);
    let (code, from_arg, err) = samlscope(&["request", &url], "");
    assert_eq!(code, 0, "{err}");
    let (_, from_stdin, _) = samlscope(&["request", "-"], &url);
    assert_eq!(from_arg, from_stdin);
    let (code, out, err) = samlscope(&["decode", &url], "");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("_req7f3a"), "{out}");
    // A URL without a SAML parameter (a metadata URL) is refused with what to do instead;
    // nothing listens on that port, and nothing tries to connect.
    let (code, _, err) = samlscope(&["metadata", "http://127.0.0.1:9/saml2/avoma/metadata"], "");
    assert_eq!(code, 2);
    assert!(err.contains("never fetches a URL"), "{err}");
    assert!(err.contains("curl -o idp-metadata.xml URL"), "{err}");
    // `decode` says the same (one explanation for every subcommand).
    let (code, _, err) = samlscope(&["decode", "http://127.0.0.1:9/saml2/avoma/metadata"], "");
    assert_eq!(code, 2);
    assert!(err.contains("never fetches a URL"), "{err}");
}

/// An SP's metadata: what to enter on JumpCloud's SSO tab, then facts and lints; `--json` has
/// `role` and the settings; given as trust to `check`, it is named as the SP's metadata.
#[test]
fn sp_metadata_says_what_to_enter_in_jumpcloud() {
    let (code, out, err) = samlscope(
        &[
            "metadata",
            "examples/jumpcloud/sp-metadata.xml",
            "--now",
            NOW,
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("Service provider: https://app.avoma.com\n"),
        "{out}"
    );
    assert!(
        out.contains("  SP Entity ID               https://app.avoma.com\n"),
        "{out}"
    );
    assert!(
        out.contains("  ACS URLs                   https://prod-api.avoma.com/saml2/acs\n"),
        "{out}"
    );
    assert!(
        out.contains("  Sign                       Assertion\n"),
        "{out}"
    );
    assert!(out.contains("✔ metadata.endpoints"), "{out}");

    let (code, out, _) = samlscope(
        &[
            "metadata",
            "examples/jumpcloud/sp-metadata.xml",
            "--json",
            "--now",
            NOW,
        ],
        "",
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["role"], "service_provider");
    assert_eq!(v["idp_settings"][0]["field"], "SP Entity ID");
    // IdP metadata keeps its fields, now with its role.
    let (_, out, _) = samlscope(
        &[
            "metadata",
            "examples/jumpcloud/metadata.xml",
            "--json",
            "--now",
            NOW,
        ],
        "",
    );
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["role"], "identity_provider");
    assert_eq!(v["entity_id"], "jumpcloud-acmecorp");

    // The SP's metadata where the IdP's belongs: exit 2, saying which it is.
    let (code, _, err) = samlscope(
        &[
            "check",
            "examples/jumpcloud/response.b64",
            "--metadata",
            "examples/jumpcloud/sp-metadata.xml",
            "--sp-entity-id",
            "https://app.avoma.com",
            "--acs-url",
            "https://prod-api.avoma.com/saml2/acs",
        ],
        "",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("service provider's metadata"), "{err}");
}

/// Judging signatures, a paste passes only when every message in it was judged: a second line
/// that names `SAMLRequest` but cannot be read keeps it from exit 0.
#[test]
fn request_with_sp_cert_fails_a_paste_with_an_unread_message() {
    let url = redirect_url(REQUEST, true);
    let good = "core/tests/data/keys/idp2.crt.pem";
    let (code, out, err) = samlscope(&["request", "-", "--sp-cert", good], &url);
    assert_eq!(code, 0, "{out}{err}");
    let paste = format!("{url}\nhttps://idp.example/sso?SAMLRequest=%21%21%21broken\n");
    let (code, out, err) = samlscope(&["request", "-", "--sp-cert", good], &paste);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("found but not checked"), "{err}");
}
