//! The page ships the judging core and nothing else: no producer (signing, message building,
//! encryption, the attack catalogue), no server, and no native crypto library. What the page
//! does not link it cannot run against the admin's paste, and it does not weigh on every visit.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::process::Command;

/// Packages that must never reach the page's normal (shipped) dependency graph.
const FORBIDDEN: &[&str] = &[
    "samlscope-forge",
    "samlscope-idp",
    "aws-lc-rs",
    "aws-lc-sys",
    "ring",
];

/// The package's normal dependencies when built for `target` (`None`: this host).
fn tree(package: &str, target: Option<&str>) -> Vec<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args([
        "tree", "-p", package, "-e", "normal", "--prefix", "none", "--format", "{p}",
    ]);
    if let Some(t) = target {
        cmd.args(["--target", t]);
    }
    let out = cmd
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect()
}

#[test]
fn the_page_links_the_core_and_no_producer_or_native_crypto() {
    let packages = tree("samlscope-web", Some("wasm32-unknown-unknown"));
    assert!(
        packages.iter().any(|p| p == "samlscope-core"),
        "the page is expected to depend on samlscope-core: {packages:?}"
    );
    let found: Vec<&String> = packages
        .iter()
        .filter(|p| FORBIDDEN.contains(&p.as_str()))
        .collect();
    assert!(
        found.is_empty(),
        "the page's shipped dependencies include {found:?}"
    );
}

/// Natively the core verifies with aws-lc, so only the producers and the server are ruled out
/// there: the core judges, and nothing it links makes a message.
#[test]
fn neither_the_core_nor_the_page_links_a_producer_natively() {
    for package in ["samlscope-core", "samlscope-web"] {
        let packages = tree(package, None);
        for p in ["samlscope-forge", "samlscope-idp"] {
            assert!(!packages.iter().any(|q| q == p), "{package} depends on {p}");
        }
    }
}
