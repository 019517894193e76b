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
        assert!(list.iter().any(|s| s["name"] == a.id), "{} missing", a.id);
    }
    assert!(
        list.iter()
            .any(|s| s["name"] == "valid-both" && s["expected_sp_verdict"] == "valid")
    );
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
