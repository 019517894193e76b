//! Writes a seed corpus for `cargo fuzz run pipeline` (and `verdict`): a valid signed response
//! (raw and base64), one with an encrypted NameID and attribute, one with an EncryptedAssertion
//! (both for the IdP test certificate, the key the `verdict` target decrypts with), signed
//! AuthnRequests (Redirect and POST) and every variant of the attack catalogue.
//! Usage: `cargo run -p samlscope-forge --example fuzz_corpus -- fuzz/corpus/pipeline`.

use base64::Engine as _;
use samlscope_core::trust::Certificate;
use samlscope_core::xenc::{DataEncryption, EncryptedElement, KeyTransport};
use samlscope_forge::PrivateKey;
use samlscope_forge::attacks::{Fixture, catalogue};
use samlscope_forge::build::{ResponseSpec, response_xml};
use samlscope_forge::encrypt::{MIN_RANDOMNESS, encrypt_in_place};
use samlscope_forge::sign::{SignOptions, Signer, sign_enveloped};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: fuzz_corpus DIR")?;
    std::fs::create_dir_all(&dir)?;
    let key = PrivateKey::from_pem(include_str!("../../core/tests/data/keys/idp.key.pem"))?;
    let cert = Certificate::all_from_pem(include_str!("../../core/tests/data/keys/idp.crt.pem"))?
        .remove(0);
    let akey = PrivateKey::from_pem(include_str!("../../core/tests/data/keys/attacker.key.pem"))?;
    let spec = ResponseSpec::example();
    let idp = Signer {
        key,
        certificate: Some(cert.clone()),
    };
    let fx = Fixture {
        spec: spec.clone(),
        idp: idp.clone(),
        attacker: Signer {
            key: akey,
            certificate: Some(cert),
        },
        options: SignOptions::default(),
        evil_name_id: "admin@acmecorp.com".into(),
    };
    let valid = sign_enveloped(
        &response_xml(&spec),
        &spec.assertion_id,
        &idp,
        &SignOptions::default(),
    )?;
    std::fs::write(format!("{dir}/valid.xml"), &valid)?;
    let b64 = base64::engine::general_purpose::STANDARD.encode(&valid);
    std::fs::write(format!("{dir}/valid.b64"), &b64)?;
    std::fs::write(
        format!("{dir}/valid.post"),
        format!("SAMLResponse={}&RelayState=x", b64.replace('+', "%2B")),
    )?;
    // Fixed randomness: the corpus is the same on every run.
    let randomness: Vec<u8> = (0..MIN_RANDOMNESS).map(|i| (i * 41 % 251) as u8).collect();
    let spki = fx
        .idp
        .certificate
        .as_ref()
        .ok_or("no certificate")?
        .subject_public_key_info();
    let encrypt = |kind, xml: &str| {
        encrypt_in_place(
            kind,
            xml,
            |_, _| true,
            spki,
            DataEncryption::Aes256Gcm,
            KeyTransport::RSA_OAEP_MGF1P,
            &randomness,
        )
    };
    let parts = encrypt(EncryptedElement::NameId, &response_xml(&spec))?;
    let parts = encrypt(EncryptedElement::Attribute, &parts)?;
    let parts = sign_enveloped(&parts, &spec.assertion_id, &idp, &SignOptions::default())?;
    std::fs::write(format!("{dir}/encrypted-parts.xml"), &parts)?;
    let assertion = sign_enveloped(
        &encrypt(EncryptedElement::Assertion, &valid)?,
        &spec.response_id,
        &idp,
        &SignOptions::default(),
    )?;
    std::fs::write(format!("{dir}/encrypted-assertion.xml"), &assertion)?;
    // Signed AuthnRequests: a Redirect URL (signature over the query) and a POST body (XML
    // signature), both with the IdP test key the `verdict` target trusts.
    let request = r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_req42" Version="2.0" IssueInstant="2026-11-28T12:00:00Z" AssertionConsumerServiceURL="https://prod-api.avoma.com/saml2/acs"><saml:Issuer>https://app.avoma.com</saml:Issuer></samlp:AuthnRequest>"#;
    let pct = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut z, request.as_bytes())?;
    let query = format!(
        "SAMLRequest={}&RelayState=%2Fdashboard&SigAlg={}",
        pct(&base64::engine::general_purpose::STANDARD.encode(z.finish()?)),
        pct(samlscope_core::algorithm::SignatureAlgorithm::RsaSha256.as_uri())
    );
    let signature = idp.key.sign(
        samlscope_core::algorithm::SignatureAlgorithm::RsaSha256,
        query.as_bytes(),
    )?;
    std::fs::write(
        format!("{dir}/request-redirect.url"),
        format!(
            "https://sso.jumpcloud.com/saml2/avoma?{query}&Signature={}",
            pct(&base64::engine::general_purpose::STANDARD.encode(signature))
        ),
    )?;
    let posted = sign_enveloped(request, "_req42", &idp, &SignOptions::default())?;
    std::fs::write(
        format!("{dir}/request-post.form"),
        format!(
            "SAMLRequest={}",
            pct(&base64::engine::general_purpose::STANDARD.encode(posted))
        ),
    )?;
    let mut n = 7;
    for a in catalogue() {
        std::fs::write(format!("{dir}/{}.xml", a.id), a.build(&fx)?)?;
        n += 1;
    }
    println!("wrote {n} corpus files to {dir}");
    Ok(())
}
