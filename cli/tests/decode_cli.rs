//! `samlscope decode` run as a process, as a person or a script would.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::Output;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use common::{bin, run as run_stdin};

const RESPONSE: &str = include_str!("../../core/tests/data/decode/response.xml");
const HAR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../core/tests/data/decode/synthetic.har"
);
const REDACTED_HAR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../core/tests/data/decode/redacted.har"
);

fn tmp_file(name: &str, contents: &[u8]) -> PathBuf {
    let p = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("decode_cli_{}_{name}", std::process::id()));
    std::fs::write(&p, contents).unwrap();
    p
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn assert_one_line_error(o: &Output) {
    assert_eq!(
        o.status.code(),
        Some(2),
        "stdout: {}\nstderr: {}",
        stdout(o),
        stderr(o)
    );
    let err = stderr(o);
    assert!(err.starts_with("samlscope: "), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(o.stdout.is_empty());
}

#[test]
fn decodes_base64_file_to_header_layers_and_pretty_xml() {
    let path = tmp_file("b64.txt", STANDARD.encode(RESPONSE).as_bytes());
    let o = bin().arg("decode").arg(&path).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("#1 HTTP-POST — pasted text\n"), "{out}");
    assert!(out.contains("  Layers:     base64\n"), "{out}");
    assert!(
        out.contains(
            "\n    <saml2:Issuer>https://sso.jumpcloud.com/saml2/example</saml2:Issuer>\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("<saml2:AttributeValue>Engineering &amp; Ops</saml2:AttributeValue>"),
        "{out}"
    );
}

#[test]
fn reads_a_post_body_from_stdin() {
    let body = format!(
        "SAMLResponse={}&RelayState=%2Fhome",
        STANDARD.encode(RESPONSE).replace('+', "%2B")
    );
    let o = run_stdin(&["decode", "-"], body.as_bytes());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("#1 HTTP-POST SAMLResponse — POST body\n"),
        "{out}"
    );
    assert!(out.contains("  RelayState: /home\n"), "{out}");
    assert!(
        out.contains("  Layers:     URL-decoded → base64\n"),
        "{out}"
    );
}

#[test]
fn raw_flag_prints_the_xml_exactly() {
    let o = run_stdin(
        &["decode", "--raw", "-"],
        STANDARD.encode(RESPONSE).as_bytes(),
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).ends_with(&format!("\n\n{RESPONSE}\n")),
        "{}",
        stdout(&o)
    );
}

#[test]
fn json_output_for_a_har_file() {
    let o = bin().args(["decode", "--json", HAR]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let arr = v.as_array().unwrap();
    // The POST body's text and params are both read; the copy is marked.
    assert_eq!(arr.len(), 4);
    assert_eq!(arr[3]["duplicate_of"], 1);
    assert_eq!(arr[0]["index"], 0);
    assert_eq!(arr[0]["binding"], "redirect");
    assert_eq!(arr[0]["parameter"], "SAMLRequest");
    assert_eq!(
        arr[0]["sig_alg"],
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    );
    assert_eq!(arr[0]["origin"]["kind"], "har");
    assert_eq!(arr[0]["origin"]["part"], "request_query");
    assert_eq!(arr[1]["origin"]["part"], "response_body");
    assert_eq!(arr[2]["xml"], RESPONSE);
    assert_eq!(arr[2]["duplicate_of"], 1);
    assert!(stderr(&o).is_empty());
}

#[test]
fn garbage_is_exit_2_with_one_line() {
    let o = run_stdin(&["decode", "-"], b"this is not saml!");
    assert_one_line_error(&o);
    assert!(stderr(&o).starts_with(
        "samlscope: cannot decode input: pasted text: base64: character '!' at offset 16"
    ));
}

#[test]
fn redacted_har_says_redacted() {
    let o = bin().args(["decode", REDACTED_HAR]).output().unwrap();
    assert_one_line_error(&o);
    assert!(
        stderr(&o).contains("is redacted (value \"[REDACTED]\")"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn deflate_bomb_is_refused() {
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..20 {
        enc.write_all(&chunk).unwrap();
    }
    let url = format!(
        "https://idp/sso?SAMLRequest={}",
        STANDARD
            .encode(enc.finish().unwrap())
            .replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D")
    );
    let o = run_stdin(&["decode", "-"], url.as_bytes());
    assert_one_line_error(&o);
    assert!(
        stderr(&o).contains("exceeds the 1048576-byte limit"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn empty_missing_and_oversized_inputs() {
    assert_one_line_error(&run_stdin(&["decode", "-"], b""));
    let o = bin()
        .args(["decode", "/nonexistent/samlscope-input"])
        .output()
        .unwrap();
    assert_one_line_error(&o);

    // Sparse file just above the 64 MiB input limit: refused from its size, not read.
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("decode_cli_{}_big", std::process::id()));
    let f = std::fs::File::create(&path).unwrap();
    f.set_len((64 << 20) + 1).unwrap();
    let o = bin().arg("decode").arg(&path).output().unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_one_line_error(&o);
    assert!(
        stderr(&o).contains("above the 67108864-byte input limit"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn usage_errors_exit_2() {
    let o = bin().arg("decode").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = bin().arg("frobnicate").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
}

const REQUEST: &str = include_str!("../../core/tests/data/decode/authnrequest.xml");

/// A Redirect URL for the AuthnRequest with the given ID.
fn request_url(id: &str) -> String {
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(REQUEST.replace("_req4a7e1f0c", id).as_bytes())
        .unwrap();
    format!(
        "https://idp.example.com/sso?SAMLRequest={}&RelayState=%2Fr",
        STANDARD
            .encode(enc.finish().unwrap())
            .replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D")
    )
}

#[test]
fn every_message_of_a_paste_of_lines_names_its_line() {
    let paste = format!(
        "# two logins\n{}\n127.0.0.1 - - [07/Dec/2026:10:00:00 +0000] \"GET /sso?{} HTTP/1.1\" 302 0\n",
        request_url("_one"),
        request_url("_two").split_once('?').unwrap().1
    );
    let o = run_stdin(&["decode", "-"], paste.as_bytes());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with(
            "#1 HTTP-Redirect SAMLRequest — line 2: redirect URL https://idp.example.com/sso\n  RelayState: /r\n"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "\n#2 HTTP-Redirect SAMLRequest — line 3: log line GET /sso\n  RelayState: /r\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("ID=\"_one\"") && out.contains("ID=\"_two\""),
        "{out}"
    );
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

/// Above the per-input limit `decode` and `request` refuse the paste, naming the count and
/// the limit, rather than show the first 64.
#[test]
fn sixty_five_lines_are_refused_naming_count_and_limit() {
    let paste: Vec<String> = (0..65).map(|i| request_url(&format!("_r{i}"))).collect();
    let paste = paste.join("\n");
    for cmd in ["decode", "request"] {
        let o = run_stdin(&[cmd, "-"], paste.as_bytes());
        assert_one_line_error(&o);
        let err = stderr(&o);
        assert!(
            err.contains("holds 65 SAML messages, above the limit of 64"),
            "{cmd}: {err}"
        );
    }
}

#[test]
fn a_broken_line_is_a_note_next_to_the_messages_read() {
    let paste = format!(
        "{}\nhttps://idp.example.com/sso?SAMLRequest=%21%21\n",
        request_url("_one")
    );
    for cmd in ["decode", "request"] {
        let o = run_stdin(&[cmd, "-"], paste.as_bytes());
        assert_eq!(o.status.code(), Some(0), "{cmd}: {}", stderr(&o));
        assert!(
            stderr(&o).starts_with(
                "samlscope: note: SAMLRequest in line 2: redirect URL https://idp.example.com/sso skipped: base64"
            ),
            "{cmd}: {}",
            stderr(&o)
        );
    }
}
