//! `samlscope check` end to end on the bundled JumpCloud example (examples/jumpcloud).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{ROOT, SP, samlscope};

fn with(extra: &[&str]) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = Vec::new();
    for e in extra {
        v.push(Box::leak(e.to_string().into_boxed_str()));
    }
    v.extend_from_slice(SP);
    v
}

#[test]
fn valid_response_exits_0_with_the_name_id_in_json() {
    let args = with(&[
        "check",
        "examples/jumpcloud/response.b64",
        "--metadata",
        "examples/jumpcloud/metadata.xml",
        "--json",
    ]);
    let (code, out, err) = samlscope(&args, "");
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["verdict"], "valid");
    assert_eq!(v["name_id"], "alice@acmecorp.com");
}

#[test]
fn every_trust_option_works() {
    let cert = "core/tests/data/keys/idp.crt.pem";
    let der_fp = {
        let pem = std::fs::read_to_string(format!("{ROOT}/{cert}")).unwrap();
        samlscope_core::trust::Certificate::all_from_pem(&pem).unwrap()[0]
            .info()
            .sha256_fingerprint
            .clone()
    };
    for trust in [
        vec!["--idp-cert", cert],
        vec!["--fingerprint", der_fp.as_str()],
    ] {
        let mut args = vec![
            "check",
            "examples/jumpcloud/response.xml",
            "--idp-entity-id",
            "jumpcloud-acmecorp",
        ];
        args.extend(trust.iter().copied());
        let args = with(&args);
        let (code, out, err) = samlscope(&args, "");
        assert_eq!(code, 0, "{trust:?}: {out}{err}");
        assert!(out.contains("VALID — alice@acmecorp.com"), "{out}");
    }
}

#[test]
fn acs_url_typo_exits_1_and_names_the_jumpcloud_field() {
    let (code, out, _) = samlscope(
        &[
            "check",
            "examples/jumpcloud/response.b64",
            "--metadata",
            "examples/jumpcloud/metadata.xml",
            "--sp-entity-id",
            "https://app.avoma.com",
            "--acs-url",
            "https://prod-api.avoma.com/saml/acs",
            "--now",
            "2026-11-28T12:01:00Z",
        ],
        "",
    );
    assert_eq!(code, 1);
    // The verdict line names what failed, and not the (unverified) user.
    assert_eq!(
        out.lines().next(),
        Some(
            "examples/jumpcloud/response.b64: INVALID — 2 checks failed: response.destination, subject.recipient"
        ),
        "{out}"
    );
    assert!(out.contains("✖ response.destination"));
    assert!(
        out.contains("fix:      In JumpCloud, open the application's SSO tab: under ACS URLs"),
        "{out}"
    );
}

#[test]
fn garbage_and_missing_trust_exit_2_with_one_line() {
    let dir = std::env::temp_dir().join(format!("samlscope-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let junk = dir.join("junk.txt");
    std::fs::write(&junk, "%%% not a saml message %%%").unwrap();
    let args = with(&[
        "check",
        junk.to_str().unwrap(),
        "--metadata",
        "examples/jumpcloud/metadata.xml",
    ]);
    let (code, _, err) = samlscope(&args, "");
    assert_eq!(code, 2);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let args = with(&["check", "examples/jumpcloud/response.b64"]);
    let (code, _, err) = samlscope(&args, "");
    assert_eq!(code, 2);
    assert!(err.contains("no trust given"), "{err}");
}

#[test]
fn batch_from_stdin_prints_one_json_line_per_message() {
    let b64 = std::fs::read_to_string(format!("{ROOT}/examples/jumpcloud/response.b64")).unwrap();
    let b64 = b64.trim();
    let expired = format!("{b64}\n{b64}\n{b64}\n");
    let args = with(&[
        "check",
        "-",
        "--metadata",
        "examples/jumpcloud/metadata.xml",
        "--json",
    ]);
    let (code, out, err) = samlscope(&args, &expired);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[2]["input"], "stdin:3");
    assert!(err.contains("3 checked: 3 valid"), "{err}");
    // One bad line makes the batch exit 1 but the others are still checked, and the bad line
    // keeps its place in the output: an invalid report whose one check is input.decode.
    let (code, out, err) = samlscope(&args, &format!("not-base64!\n{b64}\n"));
    assert_eq!(code, 1);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert_eq!(lines[0]["input"], "stdin:1");
    assert_eq!(lines[0]["verdict"], "invalid");
    assert_eq!(lines[0]["checks"][0]["id"], "input.decode");
    assert_eq!(lines[0]["checks"][0]["status"], "fail");
    assert!(
        lines[0]["checks"][0]["fix"]
            .as_str()
            .unwrap()
            .contains("SAMLResponse form value"),
        "{out}"
    );
    assert_eq!(lines[1]["input"], "stdin:2");
    assert_eq!(lines[1]["verdict"], "valid");
    assert!(err.contains("1 valid, 0 invalid, 1 unreadable"), "{err}");
}

#[test]
fn an_empty_batch_is_an_input_error_not_a_pass() {
    // A script that pipes a failed download into `check -` must not see exit 0.
    let args = with(&[
        "check",
        "-",
        "--metadata",
        "examples/jumpcloud/metadata.xml",
    ]);
    for stdin in ["", "\n", "  \n\t\n"] {
        let (code, out, err) = samlscope(&args, stdin);
        assert_eq!(code, 2, "{stdin:?}: {err}");
        assert!(out.is_empty(), "{out}");
        assert!(err.contains("stdin: no message"), "{err}");
        assert!(
            err.contains("0 checked: 0 valid, 0 invalid, 1 unreadable"),
            "{err}"
        );
    }
    // In JSON mode the refusal is a line of its own, like any unreadable input.
    let mut json = args.clone();
    json.push("--json");
    let (code, out, _) = samlscope(&json, "");
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["input"], "stdin");
    assert_eq!(v["verdict"], "invalid");
    assert_eq!(v["checks"][0]["id"], "input.decode");
}

#[test]
fn an_old_paste_checked_by_the_wall_clock_is_called_old_not_misconfigured() {
    // The example was issued at 2026-11-28T12:00:00Z and is valid for minutes: by the wall
    // clock it fails only time checks, and `check` says so and how to look at it as of then.
    let base = [
        "check",
        "examples/jumpcloud/response.b64",
        "--metadata",
        "examples/jumpcloud/metadata.xml",
        "--acs-url",
        "https://prod-api.avoma.com/saml2/acs",
        "--sp-entity-id",
    ];
    let note = "  note: as of its IssueInstant it passes every check: the message is old, not \
                misconfigured (inspect it as of then with --now 2026-11-28T12:00:00Z)";
    let mut args = base.to_vec();
    args.push("https://app.avoma.com");
    let (code, out, err) = samlscope(&args, "");
    assert_eq!(code, 1, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].contains("INVALID — "), "{out}");
    assert_eq!(lines[1], note, "{out}");
    // A real misconfiguration as well (an SP Entity ID typo): no such note, since the message
    // would fail as of any moment.
    let mut typo = base.to_vec();
    typo.push("https://app.avoma.co");
    let (code, out, _) = samlscope(&typo, "");
    assert_eq!(code, 1);
    assert!(!out.contains("note:"), "{out}");
    // With --now the admin chose the moment: no second opinion. With --json the Report is
    // the contract and carries no note.
    let mut dated = args.clone();
    dated.extend(["--now", "2026-11-29T12:00:00Z"]);
    let (code, out, _) = samlscope(&dated, "");
    assert_eq!(code, 1);
    assert!(!out.contains("note:"), "{out}");
    let mut json = args.clone();
    json.push("--json");
    let (_, out, _) = samlscope(&json, "");
    assert!(!out.contains("note:"), "{out}");
}

/// `--sp-key`: a response whose NameID and `groups` attribute were sent encrypted (EncryptedID,
/// EncryptedAttribute) is valid with the SP key, and JSON shows the decrypted user and
/// attributes marked `encrypted`; without the key the user cannot be read (exit 1), and the
/// hidden attribute is named.
#[test]
fn sp_key_decrypts_an_encrypted_name_id_and_attributes() {
    use samlscope_core::trust::Certificate;
    use samlscope_core::xenc::{DataEncryption, EncryptedElement, KeyTransport};
    use samlscope_forge::build::{ResponseSpec, assertion_xml, response_xml};
    use samlscope_forge::encrypt::encrypt_in_place;
    use samlscope_forge::sign::{Signer, sign_enveloped};
    let keys = format!("{ROOT}/core/tests/data/keys");
    let read = |f: &str| std::fs::read_to_string(format!("{keys}/{f}")).unwrap();
    // The SP's key pair is the second test key pair.
    let sp_cert = Certificate::all_from_pem(&read("idp2.crt.pem"))
        .unwrap()
        .remove(0);
    let encrypted = |xml: &str, kind, name: Option<&str>| {
        encrypt_in_place(
            kind,
            xml,
            |d, n| name.is_none() || d.element(n).and_then(|e| e.attr("Name")) == name,
            sp_cert.subject_public_key_info(),
            DataEncryption::Aes256Gcm,
            KeyTransport::RSA_OAEP_MGF1P,
            &[7u8; 32],
        )
        .unwrap()
    };
    let spec = ResponseSpec::example();
    let assertion = encrypted(&assertion_xml(&spec), EncryptedElement::NameId, None);
    let assertion = encrypted(&assertion, EncryptedElement::Attribute, Some("groups"));
    let signer = Signer {
        key: samlscope_forge::PrivateKey::from_pem(&read("idp.key.pem")).unwrap(),
        certificate: Some(
            Certificate::all_from_pem(&read("idp.crt.pem"))
                .unwrap()
                .remove(0),
        ),
    };
    let assertion =
        sign_enveloped(&assertion, &spec.assertion_id, &signer, &Default::default()).unwrap();
    let plain = response_xml(&spec);
    let s = plain.find("<saml2:Assertion").unwrap();
    let e = plain.rfind("</saml2:Assertion>").unwrap() + "</saml2:Assertion>".len();
    let response = format!("{}{assertion}{}", &plain[..s], &plain[e..]);
    assert!(!response.contains("</saml2:NameID>") && !response.contains("sso-admins"));

    let dir = std::env::temp_dir().join(format!("samlscope-cli-enc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("response.xml");
    std::fs::write(&file, &response).unwrap();
    let file = file.to_str().unwrap().to_owned();
    let idp_cert = format!("{keys}/idp.crt.pem");
    let sp_key = format!("{keys}/idp2.key.pem");

    let args = with(&[
        "check",
        &file,
        "--idp-cert",
        &idp_cert,
        "--sp-key",
        &sp_key,
        "--json",
    ]);
    let (code, out, err) = samlscope(&args, "");
    assert_eq!(code, 0, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["name_id"], "alice@acmecorp.com");
    assert_eq!(v["identity"]["name_id"]["encrypted"], true);
    let groups = v["identity"]["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "groups")
        .unwrap();
    assert_eq!(groups["encrypted"], true);
    assert_eq!(groups["values"][1], "sso-admins");

    let args = with(&["check", &file, "--idp-cert", &idp_cert]);
    let (code, out, _) = samlscope(&args, "");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("EncryptedID"), "{out}");
    assert!(
        out.contains("1 attribute is encrypted (EncryptedAttribute) and not shown"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--json` is the compact Report (no document text); `--json-full` the whole one, with the XML
/// its spans point into. Both share every other field; asking for both is a usage error.
#[test]
fn json_is_compact_and_json_full_carries_the_xml() {
    let base = with(&[
        "check",
        "examples/jumpcloud/response.b64",
        "--metadata",
        "examples/jumpcloud/metadata.xml",
    ]);
    let parse = |flag: &str| {
        let mut args = base.clone();
        args.push(Box::leak(flag.to_owned().into_boxed_str()));
        let (code, out, err) = samlscope(&args, "");
        assert_eq!(code, 0, "{flag}: {err}");
        let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
        (v, out.len())
    };
    let (compact, compact_len) = parse("--json");
    let (full, full_len) = parse("--json-full");
    assert!(compact.get("xml").is_none() && compact.get("decrypted_assertion").is_none());
    assert!(full["xml"].as_str().unwrap().contains("<saml2p:Response"));
    assert!(
        compact_len * 3 < full_len * 2,
        "{compact_len} vs {full_len}"
    );
    let mut without_xml = full.as_object().unwrap().clone();
    without_xml.remove("xml");
    assert_eq!(serde_json::Value::Object(without_xml), compact);
    for key in [
        "input",
        "verdict",
        "checks",
        "identity",
        "certificates",
        "time_window",
    ] {
        assert!(compact.get(key).is_some(), "{key}");
    }
    let mut both = base.clone();
    both.extend(["--json", "--json-full"]);
    let (code, _, err) = samlscope(&both, "");
    assert_eq!(code, 2, "{err}");
}

/// A batch runs on every core, yet each line's report is printed in input order, unreadable
/// lines in their place, with the same counts and exit code as one by one.
#[test]
fn a_large_batch_prints_in_input_order() {
    let b64 = std::fs::read_to_string(format!("{ROOT}/examples/jumpcloud/response.b64")).unwrap();
    let b64 = b64.trim();
    // Another user in the signed NameID: invalid (the digest), not unreadable.
    let xml = std::fs::read_to_string(format!("{ROOT}/examples/jumpcloud/response.xml")).unwrap();
    let forged = xml.replacen(">alice@acmecorp.com<", ">admin@acmecorp.com<", 1);
    assert_ne!(forged, xml);
    let forged = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(forged)
    };
    let mut stdin = String::new();
    let mut want = Vec::new();
    for i in 0..300 {
        let (line, verdict) = match i % 7 {
            3 => (forged.as_str(), "invalid"),
            5 => ("not-base64!", "unreadable"),
            _ => (b64, "valid"),
        };
        stdin.push_str(line);
        stdin.push('\n');
        want.push((format!("stdin:{}", i + 1), verdict));
    }
    for flag in ["--json", "--json-full"] {
        let args = with(&[
            "check",
            "-",
            "--metadata",
            "examples/jumpcloud/metadata.xml",
            flag,
        ]);
        let (code, out, err) = samlscope(&args, &stdin);
        assert_eq!(code, 1, "{err}");
        let got: Vec<(String, &str)> = out
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                let verdict = match (v["verdict"].as_str(), v["checks"][0]["id"].as_str()) {
                    (Some("invalid"), Some("input.decode")) => "unreadable",
                    (Some("invalid"), _) => "invalid",
                    _ => "valid",
                };
                (v["input"].as_str().unwrap().to_owned(), verdict)
            })
            .collect();
        assert_eq!(got.len(), want.len(), "{flag}");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!((g.0.as_str(), g.1), (w.0.as_str(), w.1), "{flag}");
        }
        assert!(
            err.contains("257 checked: 214 valid, 43 invalid, 43 unreadable"),
            "{err}"
        );
        // stderr names the unreadable lines in input order too.
        let named: Vec<&str> = err
            .lines()
            .filter_map(|l| l.strip_prefix("samlscope: stdin:"))
            .map(|l| l.split(':').next().unwrap())
            .collect();
        let lines: Vec<String> = (0..300)
            .filter(|i| i % 7 == 5)
            .map(|i| (i + 1).to_string())
            .collect();
        assert_eq!(named, lines, "{err}");
    }
}
