//! `check` with trust from several places: IdP B's key never verifies a message that claims to
//! come from IdP A, whether the keys come from two metadata files, one aggregate, or pinned
//! certificates named with `--idp-entity-id`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{ROOT, SP, samlscope};
use samlscope_core::trust::Certificate;
use samlscope_forge::PrivateKey;
use samlscope_forge::build::{NAMEID_EMAIL, ResponseSpec, idp_metadata_xml, response_xml};
use samlscope_forge::sign::{Signer, sign_enveloped};
use std::path::PathBuf;

const A: &str = "jumpcloud-acmecorp";
const B: &str = "jumpcloud-evilcorp";

fn key_file(name: &str) -> String {
    std::fs::read_to_string(format!("{ROOT}/core/tests/data/keys/{name}")).unwrap()
}

fn cert_path(idp: &str) -> String {
    let file = if idp == A {
        "idp.crt.pem"
    } else {
        "idp2.crt.pem"
    };
    format!("{ROOT}/core/tests/data/keys/{file}")
}

fn metadata(entity: &str) -> String {
    let pem = std::fs::read_to_string(cert_path(entity)).unwrap();
    let cert = Certificate::all_from_pem(&pem).unwrap().remove(0);
    idp_metadata_xml(
        entity,
        "https://sso.jumpcloud.com/saml2/avoma",
        &cert.to_base64(),
        false,
        NAMEID_EMAIL,
    )
}

/// The example response claiming `issuer`, signed (Response and Assertion) with `signer`'s key.
fn response(issuer: &str, signer: &str) -> String {
    let (key, cert) = if signer == A {
        ("idp.key.pem", "idp.crt.pem")
    } else {
        ("idp2.key.pem", "idp2.crt.pem")
    };
    let s = Signer {
        key: PrivateKey::from_pem(&key_file(key)).unwrap(),
        certificate: Certificate::all_from_pem(&key_file(cert)).unwrap().pop(),
    };
    let spec = ResponseSpec {
        idp_entity_id: issuer.into(),
        ..ResponseSpec::example()
    };
    let x = sign_enveloped(
        &response_xml(&spec),
        &spec.assertion_id,
        &s,
        &Default::default(),
    )
    .unwrap();
    sign_enveloped(&x, &spec.response_id, &s, &Default::default()).unwrap()
}

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("samlscope-trust-cli-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(name: &str, text: &str) -> String {
    let p = dir().join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_owned()
}

/// `check` of `message` with `trust` options; (exit code, stdout).
fn check(message: &str, trust: &[&str]) -> (i32, String) {
    let file = write(&format!("msg-{}.xml", message.len() % 997), message);
    let mut args = vec!["check", file.as_str(), "--request-id", "_req42"];
    args.extend_from_slice(SP);
    args.extend_from_slice(trust);
    let (code, out, err) = samlscope(&args, "");
    (code, format!("{out}{err}"))
}

#[test]
fn b_key_never_verifies_a_claim_to_be_a_in_any_trust_form() {
    let md_a = write("a.xml", &metadata(A));
    let md_b = write("b.xml", &metadata(B));
    let aggregate = write(
        "agg.xml",
        &format!(
            "<md:EntitiesDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\">{}{}</md:EntitiesDescriptor>",
            metadata(A),
            metadata(B)
        ),
    );
    let (cert_a, cert_b) = (cert_path(A), cert_path(B));
    let forms: [(&str, Vec<&str>); 4] = [
        (
            "two metadata files",
            vec!["--metadata", &md_a, "--metadata", &md_b],
        ),
        ("one aggregate", vec!["--metadata", &aggregate]),
        (
            "B's certificate named as B's",
            vec!["--idp-cert", &cert_b, "--idp-entity-id", B],
        ),
        (
            "B's metadata, the SP configured for A",
            vec!["--metadata", &md_b, "--idp-entity-id", A],
        ),
    ];
    let forged = response(A, B);
    for (form, trust) in &forms {
        let (code, out) = check(&forged, trust);
        assert_eq!(code, 1, "{form}: {out}");
        assert!(
            out.contains("assertion.issuer") || out.contains("signature.trusted"),
            "{form}: {out}"
        );
    }
    // Each IdP still logs in as itself, and the report says whose key verified.
    for (form, trust) in &forms[..2] {
        for (entity, signer) in [(A, A), (B, B)] {
            let (code, out) = check(&response(entity, signer), trust);
            assert_eq!(code, 0, "{form} {entity}: {out}");
            assert!(out.contains(&format!(" of {entity}")), "{form}: {out}");
        }
    }
    let (code, out) = check(
        &response(A, A),
        &["--idp-cert", &cert_a, "--idp-entity-id", A],
    );
    assert_eq!(code, 0, "{out}");
}
