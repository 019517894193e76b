//! A fixed-count loop over `validate` of the bench's ≈8.5 KB doubly signed response, for
//! profilers and instruction counters (criterion's adaptive loop hides the per-call count):
//! `perf stat -e instructions:u target/release/examples/profile_validate 2000` or
//! `perf record -g …`. Pass `parse` as the second argument to time the parser alone, `sigs` for parse + both signatures, `decode` to
//! decode the response pasted as base64 (what `check -` does with each line before validating).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // profiling harness

use samlscope_core::saml::time::Instant;
use samlscope_core::trust::{Certificate, TrustSource, TrustStore};
use samlscope_core::validate::{Policy, validate};
use samlscope_forge::build::{ResponseSpec, response_xml};
use samlscope_forge::sign::{SignOptions, Signer, sign_enveloped};
use std::hint::black_box;

/// The allocator the `samlscope` binary (CLI and server) runs with, so that these numbers are
/// what it does (see cli/src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const KEY: &str = include_str!("../../core/tests/data/keys/idp.key.pem");
const CERT: &str = include_str!("../../core/tests/data/keys/idp.crt.pem");

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2000);
    // `parse`: the parser alone; `sigs`: parse + both signatures (the baseline's own work).
    let mode = std::env::args().nth(2).unwrap_or_default();
    let mut spec = ResponseSpec::example();
    spec.attributes = vec![
        ("email".into(), vec!["alice@acmecorp.com".into()]),
        ("firstname".into(), vec!["Alice".into()]),
        ("lastname".into(), vec!["Liddell".into()]),
        ("department".into(), vec!["Engineering".into()]),
        (
            "memberOf".into(),
            (0..6).map(|i| format!("group-{i}")).collect(),
        ),
    ];
    let cert = Certificate::all_from_pem(CERT).unwrap().remove(0);
    let signer = Signer {
        key: samlscope_forge::PrivateKey::from_pem(KEY).unwrap(),
        certificate: Some(cert.clone()),
    };
    let o = SignOptions::default();
    let x = sign_enveloped(&response_xml(&spec), &spec.assertion_id, &signer, &o).unwrap();
    let xml = sign_enveloped(&x, &spec.response_id, &signer, &o).unwrap();
    let mut trust = TrustStore::new();
    trust.add_certificate(cert, TrustSource::PinnedCertificate);
    let mut p = Policy::new(trust, Instant::parse("2026-11-28T12:01:00Z").unwrap().0);
    p.idp_entity_id = Some("jumpcloud-acmecorp".into());
    p.sp_entity_id = Some("https://app.avoma.com".into());
    p.acs_url = Some("https://prod-api.avoma.com/saml2/acs".into());
    p.request_id = Some("_req42".into());
    assert_eq!(validate(xml.as_bytes(), &p).verdict.as_str(), "valid");
    let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &xml);
    let limits = samlscope_core::decode::DecodeLimits::default();
    let start = std::time::Instant::now();
    for _ in 0..n {
        if mode == "decode" {
            black_box(samlscope_core::decode::decode(black_box(b64.as_bytes()), &limits).unwrap());
        } else if mode == "parse" {
            black_box(samlscope_core::xml::parse(black_box(xml.as_bytes())).unwrap());
        } else if mode == "sigs" {
            let doc = samlscope_core::xml::parse(black_box(xml.as_bytes())).unwrap();
            let v = samlscope_core::saml::verify_response(&doc, &p.trust, p.signature_rules());
            black_box(v.unwrap());
        } else {
            black_box(validate(black_box(xml.as_bytes()), &p));
        }
    }
    let per = start.elapsed().as_secs_f64() / n as f64;
    println!("{} bytes, {n} runs, {:.1} µs per run", xml.len(), per * 1e6);
}
