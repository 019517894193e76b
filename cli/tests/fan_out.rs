//! Where one input becomes many messages, `check` judges every one of them or refuses the
//! input: exit 0 means every message found was checked and valid. Generated HAR files, POST
//! bodies with a repeated `SAMLResponse`, HTML pages with several forms, SAML-tracer exports and
//! `-` line streams, with a forged message at a random position (beyond the 64-message cap too).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use common::{ROOT, SP, run};
use proptest::prelude::*;

/// Messages per input before the input is refused (core's `DecodeLimits::max_messages`).
const CAP: usize = 64;

const TRUST: &[&str] = &["--metadata", "examples/jumpcloud/metadata.xml", "--json"];

fn genuine() -> String {
    std::fs::read_to_string(format!("{ROOT}/examples/jumpcloud/response.xml")).unwrap()
}

/// The genuine response with its signed NameID changed: an attacker's login.
fn forged() -> String {
    let g = genuine();
    let f = g.replace(">alice@acmecorp.com<", ">admin@acmecorp.com<");
    assert_ne!(f, g);
    f
}

#[derive(Debug, Clone, Copy)]
enum Container {
    Har,
    PostBody,
    Html,
    Tracer,
}

fn url_encoded(v: &str) -> String {
    v.replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D")
}

/// One input holding `values` (base64 of each message) in the container's own way.
fn build(container: Container, values: &[String]) -> String {
    match container {
        Container::Har => {
            let entries: Vec<serde_json::Value> = values
                .iter()
                .map(|v| {
                    serde_json::json!({"request": {"method": "POST",
                        "url": "https://prod-api.avoma.com/saml2/acs",
                        "postData": {"mimeType": "application/x-www-form-urlencoded",
                                     "text": format!("SAMLResponse={}", url_encoded(v))}}})
                })
                .collect();
            serde_json::json!({"log": {"entries": entries}}).to_string()
        }
        Container::PostBody => values
            .iter()
            .map(|v| format!("SAMLResponse={}", url_encoded(v)))
            .collect::<Vec<_>>()
            .join("&"),
        Container::Html => {
            let forms: String = values
                .iter()
                .map(|v| {
                    format!(
                        "<form method=post action=\"https://prod-api.avoma.com/saml2/acs\">\
                         <input type=hidden name=SAMLResponse value=\"{v}\"></form>"
                    )
                })
                .collect();
            format!("<html><body>{forms}</body></html>")
        }
        Container::Tracer => {
            let requests: Vec<serde_json::Value> = values
                .iter()
                .map(|v| {
                    serde_json::json!({"method": "POST",
                        "url": "https://prod-api.avoma.com/saml2/acs",
                        "post": [["SAMLResponse", v]]})
                })
                .collect();
            serde_json::json!({"requests": requests}).to_string()
        }
    }
}

/// `k` messages, the one at `forged_at` (if any) forged, each as base64.
fn values(k: usize, forged_at: Option<usize>) -> Vec<String> {
    let (g, f) = (STANDARD.encode(genuine()), STANDARD.encode(forged()));
    (0..k)
        .map(|i| {
            if Some(i) == forged_at {
                f.clone()
            } else {
                g.clone()
            }
        })
        .collect()
}

/// Runs `check` on one file holding the input; (exit code, JSON lines, stderr).
fn check_file(name: &str, input: &str) -> (i32, Vec<serde_json::Value>, String) {
    let dir = std::env::temp_dir().join(format!("samlscope-fan-out-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, input).unwrap();
    let mut args = vec!["check", path.to_str().unwrap()];
    args.extend_from_slice(TRUST);
    args.extend_from_slice(SP);
    let out = run(&args, b"");
    let _ = std::fs::remove_file(&path);
    lines(out)
}

fn lines(out: std::process::Output) -> (i32, Vec<serde_json::Value>, String) {
    let reports = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (
        out.status.code().unwrap_or(-1),
        reports,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The property: exit 0 only when every one of the `k` messages was checked and valid; a
/// forged one anywhere is exit 1; above the cap the input is refused with exit 2, naming the
/// cap and the count, and nothing is passed.
fn holds(k: usize, forged_at: Option<usize>, code: i32, reports: &[serde_json::Value], err: &str) {
    if k > CAP {
        assert_eq!(code, 2, "{k} messages: {err}");
        assert!(
            err.contains(&k.to_string()) && err.contains(&CAP.to_string()),
            "{err}"
        );
        assert!(reports.is_empty());
        return;
    }
    assert_eq!(reports.len(), k, "every message gets its report");
    let valid = reports.iter().filter(|r| r["verdict"] == "valid").count();
    match forged_at {
        None => {
            assert_eq!(code, 0, "{err}");
            assert_eq!(valid, k);
        }
        Some(i) => {
            assert_eq!(code, 1, "forged at {i} of {k}: {err}");
            assert_eq!(reports[i]["verdict"], "invalid");
            assert_eq!(valid, k - 1);
        }
    }
}

fn container() -> impl Strategy<Value = Container> {
    prop_oneof![
        Just(Container::Har),
        Just(Container::PostBody),
        Just(Container::Html),
        Just(Container::Tracer),
    ]
}

/// `k` in 1..=70 (past the cap of 64), and a forged position or none.
fn shape() -> impl Strategy<Value = (usize, Option<usize>)> {
    (1usize..=CAP + 6).prop_flat_map(|k| (Just(k), proptest::option::of(0..k)))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn exit_0_means_every_message_of_a_container_was_checked_and_valid(
        c in container(),
        (k, forged_at) in shape(),
    ) {
        let input = build(c, &values(k, forged_at));
        let (code, reports, err) = check_file(&format!("{c:?}-{k}"), &input);
        holds(k, forged_at, code, &reports, &err);
    }

    #[test]
    fn exit_0_means_every_line_of_a_stream_was_checked_and_valid(
        k in 1usize..=40,
        forged_at in proptest::option::of(0usize..40),
    ) {
        let forged_at = forged_at.filter(|&i| i < k);
        let stdin = values(k, forged_at).join("\n");
        let mut args = vec!["check", "-"];
        args.extend_from_slice(TRUST);
        args.extend_from_slice(SP);
        let (code, reports, err) = lines(run(&args, stdin.as_bytes()));
        holds(k, forged_at, code, &reports, &err);
    }
}

#[test]
fn the_cap_itself_is_checked_and_one_more_is_refused() {
    for (k, forged_at) in [(CAP, Some(CAP - 1)), (CAP, None), (CAP + 1, None)] {
        let input = build(Container::Html, &values(k, forged_at));
        let (code, reports, err) = check_file(&format!("cap-{k}"), &input);
        holds(k, forged_at, code, &reports, &err);
    }
}

#[test]
fn a_message_found_but_unreadable_is_never_exit_0() {
    // A genuine message beside one an SP might read but samlscope cannot (redacted, broken
    // base64): the run is not a pass.
    let g = STANDARD.encode(genuine());
    for other in ["[REDACTED]", "!!!notbase64", &g[..g.len() - 3]] {
        let input = build(Container::PostBody, &[g.clone(), other.to_owned()]);
        let (code, reports, err) = check_file("unreadable", &input);
        assert_eq!(code, 1, "{other}: {err}");
        assert_eq!(reports.len(), 2, "{err}");
        assert_eq!(reports[0]["verdict"], "valid");
        assert_eq!(reports[1]["verdict"], "invalid");
        assert!(err.contains("not checked"), "{err}");
    }
}

#[test]
fn a_run_stops_at_max_messages_with_exit_2() {
    let stdin = values(5, None).join("\n");
    let mut args = vec!["check", "-", "--max-messages", "3"];
    args.extend_from_slice(TRUST);
    args.extend_from_slice(SP);
    let (code, reports, err) = lines(run(&args, stdin.as_bytes()));
    assert_eq!(code, 2, "{err}");
    assert_eq!(reports.len(), 3);
    assert!(err.contains("--max-messages"), "{err}");
}

#[test]
fn a_stream_of_compressed_messages_stops_at_its_inflate_budget() {
    use flate2::Compression;
    use flate2::write::DeflateEncoder;
    use std::io::Write as _;
    // Each line: ~1 KB of DEFLATE that inflates to ~1 MB of XML.
    let big = format!(
        "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"><!--{}--></samlp:Response>",
        "a".repeat(1_000_000)
    );
    let mut enc = DeflateEncoder::new(Vec::new(), Compression::best());
    enc.write_all(big.as_bytes()).unwrap();
    let line = format!(
        "https://prod-api.avoma.com/saml2/acs?SAMLResponse={}",
        url_encoded(&STANDARD.encode(enc.finish().unwrap()))
    );
    let stdin = vec![line; 50].join("\n");
    let mut args = vec!["check", "-"];
    args.extend_from_slice(TRUST);
    args.extend_from_slice(SP);
    let t = std::time::Instant::now();
    let (code, reports, err) = lines(run(&args, stdin.as_bytes()));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("inflate"), "{err}");
    // Refused after the allowance (4 MiB), not after inflating all 50 MB.
    assert!(reports.len() < 10, "{}", reports.len());
    assert!(t.elapsed() < std::time::Duration::from_secs(20));
}
