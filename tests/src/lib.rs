//! Shared helpers for samlscope's cross-crate tests: external oracles (xmlsec1, Python) and the
//! fixed test keys of the core.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test support code

use std::path::{Path, PathBuf};
use std::process::Command;

/// The core's fixed test keys (see core/tests/data/keys/README.md).
pub fn keys_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/data/keys")
}

pub fn key_file(name: &str) -> PathBuf {
    keys_dir().join(name)
}

pub fn read_key(name: &str) -> String {
    std::fs::read_to_string(key_file(name)).unwrap()
}

/// Whether an external tool is usable. Under `CI=true` a missing oracle fails the test loudly
/// instead of skipping it: a skipped oracle proves nothing.
pub fn oracle_available(what: &str, probe: &mut Command) -> bool {
    let ok = probe.output().map(|o| o.status.success()).unwrap_or(false);
    if !ok {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("oracle {what} is missing under CI=true; `cargo xtask setup` installs it");
        }
        eprintln!("SKIPPED: oracle {what} is not installed (run `cargo xtask setup`)");
    }
    ok
}

pub fn xmlsec1_available() -> bool {
    oracle_available("xmlsec1", Command::new("xmlsec1").arg("--version"))
}

pub fn python_module_available(module: &str) -> bool {
    oracle_available(
        &format!("python3 module {module}"),
        Command::new("python3").args(["-c", &format!("import {module}")]),
    )
}

/// A scratch directory unique to this test process and name.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("samlscope-test-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `xmlsec1 --verify` of a SAML document with the given PEM certificate, SAML `ID`s declared.
/// xmlsec1 checks the first Signature it finds. Returns xmlsec1's stderr on failure.
pub fn xmlsec1_verify(xml: &str, cert: &Path, name: &str) -> Result<(), String> {
    let file = scratch("xmlsec1-verify").join(format!("{name}.xml"));
    std::fs::write(&file, xml).unwrap();
    let out = Command::new("xmlsec1")
        .args(["--verify", "--pubkey-cert-pem"])
        .arg(cert)
        .args([
            "--id-attr:ID",
            "urn:oasis:names:tc:SAML:2.0:protocol:Response",
            "--id-attr:ID",
            "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
        ])
        .arg(&file)
        .output()
        .unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}
