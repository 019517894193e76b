//! Where one input becomes many messages: the fuzzer's bytes are cut into pieces, each piece
//! encoded as a message would travel (base64, optionally DEFLATEd) and the pieces packed into
//! one container (HAR, repeated POST parameters, an HTML page of forms, a SAML-tracer export, a
//! paste of lines); the raw bytes are also judged as a paste of their own. Every message found is
//! then judged as `samlscope check` judges a stream: under the per-input limits and one inflate
//! budget. Besides any panic, a budget is asserted: no input under 10 MB takes more than 2 s.
#![no_main]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use libfuzzer_sys::fuzz_target;
use samlscope_core::decode::{DecodeLimits, InflateBudget, decode_within};
use samlscope_core::validate::validate;
use samlscope_fuzz::sp_policy as policy;
use std::io::Write as _;
use std::time::Duration;

fn deflate(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

fn pct(v: &str) -> String {
    v.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D")
}

/// The pieces packed into container `kind`.
fn pack(kind: u8, pieces: &[String]) -> String {
    match kind % 5 {
        0 => {
            let entries: Vec<String> = pieces
                .iter()
                .map(|v| format!(
                    r#"{{"request":{{"method":"GET","url":"https://idp.example/sso?SAMLRequest={}","postData":{{"text":"SAMLResponse={}"}}}}}}"#,
                    pct(v), pct(v)
                ))
                .collect();
            format!(r#"{{"log":{{"entries":[{}]}}}}"#, entries.join(","))
        }
        1 => pieces
            .iter()
            .map(|v| format!("SAMLResponse={}", pct(v)))
            .collect::<Vec<_>>()
            .join("&"),
        2 => pieces
            .iter()
            .map(|v| format!("<form action=\"https://sp/acs\"><input name=SAMLResponse value=\"{v}\"></form>"))
            .collect(),
        3 => {
            let requests: Vec<String> = pieces
                .iter()
                .map(|v| format!(r#"{{"method":"POST","url":"https://sp/acs","post":[["SAMLResponse","{v}"]]}}"#))
                .collect();
            format!(r#"{{"requests":[{}]}}"#, requests.join(","))
        }
        _ => pieces
            .iter()
            .map(|v| format!("https://idp.example/sso?SAMLRequest={}", pct(v)))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// Judges one input of a stream as `check -` does a line: every message, or a refusal.
fn judge(input: &[u8], budget: &mut InflateBudget) {
    let limits = DecodeLimits::default();
    budget.grant(input.len().saturating_mul(8));
    if let Ok(d) = decode_within(input, &limits, budget) {
        assert!(d.messages.len() <= limits.max_messages);
        for m in &d.messages {
            let _ = validate(m.xml.as_bytes(), policy()).to_json();
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let start = std::time::Instant::now();
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let pieces: Vec<String> = rest
        .split(|&b| b == 0xFF)
        .enumerate()
        .map(|(i, p)| {
            if kind & 0x80 != 0 && i % 2 == 0 {
                STANDARD.encode(deflate(p))
            } else {
                STANDARD.encode(p)
            }
        })
        .collect();
    let mut budget = InflateBudget::new(DecodeLimits::default().max_inflated_total);
    judge(pack(kind, &pieces).as_bytes(), &mut budget);
    judge(rest, &mut budget);
    if data.len() < 10 << 20 {
        let spent = start.elapsed();
        assert!(
            spent < Duration::from_secs(2),
            "{} bytes took {spent:?}",
            data.len()
        );
    }
});
