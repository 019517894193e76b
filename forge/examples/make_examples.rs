//! Writes the bundled example under examples/jumpcloud/: a JumpCloud-shaped response signed
//! ("Assertion and Response") with the fixed test key, its base64 form, and the matching IdP
//! metadata. Usage: `cargo run -p samlscope-forge --example make_examples -- examples/jumpcloud`.

use base64::Engine as _;
use samlscope_core::trust::Certificate;
use samlscope_forge::PrivateKey;
use samlscope_forge::build::{NAMEID_EMAIL, ResponseSpec, idp_metadata_xml, response_xml};
use samlscope_forge::sign::{SignOptions, Signer, sign_enveloped};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: make_examples DIR")?;
    std::fs::create_dir_all(&dir)?;
    let cert = Certificate::all_from_pem(include_str!("../../core/tests/data/keys/idp.crt.pem"))?
        .remove(0);
    let signer = Signer {
        key: PrivateKey::from_pem(include_str!("../../core/tests/data/keys/idp.key.pem"))?,
        certificate: Some(cert.clone()),
    };
    let spec = ResponseSpec {
        response_id: "_8f3a2c1e9b7d4f6a0c5e".into(),
        assertion_id: "_2d9c4b7e1a3f5c8e6b0d".into(),
        in_response_to: None,
        session_index: "_sess-7f2b".into(),
        ..ResponseSpec::example()
    };
    let o = SignOptions::default();
    let xml = sign_enveloped(&response_xml(&spec), &spec.assertion_id, &signer, &o)?;
    let xml = sign_enveloped(&xml, &spec.response_id, &signer, &o)?;
    std::fs::write(format!("{dir}/response.xml"), &xml)?;
    std::fs::write(
        format!("{dir}/response.b64"),
        base64::engine::general_purpose::STANDARD.encode(&xml) + "\n",
    )?;
    std::fs::write(
        format!("{dir}/metadata.xml"),
        idp_metadata_xml(
            "jumpcloud-acmecorp",
            "https://sso.jumpcloud.com/saml2/avoma",
            &cert.to_base64(),
            false,
            NAMEID_EMAIL,
        ),
    )?;
    println!("wrote {dir}/response.xml, response.b64, metadata.xml");
    Ok(())
}
