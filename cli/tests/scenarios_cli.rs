//! `samlscope scenarios` lists the mock IdP's catalogue (from core's attack list).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::process::Command;

#[test]
fn scenarios_json_lists_valid_policy_and_every_attack() {
    let out = Command::new(env!("CARGO_BIN_EXE_samlscope"))
        .args(["scenarios", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let list: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let attacks = samlscope_forge::attacks::catalogue();
    assert!(list.len() >= attacks.len() + 3);
    for a in attacks {
        let s = list.iter().find(|s| s["name"] == a.id);
        let s = s.unwrap_or_else(|| panic!("{} missing", a.id));
        assert_eq!(s["impact"], a.impact.as_str(), "{}", a.id);
        assert_eq!(s["rule"], a.rule, "{}", a.id);
    }
    let by_name = |n: &str| list.iter().find(|s| s["name"] == n).unwrap();
    assert_eq!(by_name("valid-both")["expected_sp_verdict"], "valid");
    // What an SP must accept depends on the signatures it requires.
    assert_eq!(
        by_name("valid-both")["accepted_when"],
        serde_json::json!([
            "signed-assertion",
            "signed-response",
            "signed-both",
            "either"
        ])
    );
    assert_eq!(
        by_name("valid-response")["accepted_when"],
        serde_json::json!(["signed-response", "either"])
    );
    assert_eq!(
        by_name("valid-assertion")["accepted_when"],
        serde_json::json!(["signed-assertion", "either"])
    );
    assert_eq!(by_name("alg-sha1")["needs_sha1"], true);
    assert_eq!(by_name("xsw1")["accepted_when"], serde_json::json!([]));
    assert_eq!(by_name("xsw1")["impact"], "takeover");
    assert_eq!(by_name("expired")["impact"], "policy");
    assert!(
        by_name("digest-comment")["references"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.as_str().unwrap().starts_with("CVE-2025-29775"))
    );
    // The text listing names the impact too.
    let out = Command::new(env!("CARGO_BIN_EXE_samlscope"))
        .arg("scenarios")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text.lines().find(|l| l.starts_with("xsw1 ")).unwrap();
    assert!(line.contains("takeover"), "{line}");
}

#[test]
fn serve_refuses_a_bad_config_with_one_line_and_exit_2() {
    let dir = std::env::temp_dir().join(format!("samlscope-cli-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("bad.toml");
    std::fs::write(&cfg, "this is = not [valid").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_samlscope"))
        .args(["serve", "--addr", "127.0.0.1:0", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("samlscope: serve:"), "{err}");
}
