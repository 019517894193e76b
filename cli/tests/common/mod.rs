//! Running the `samlscope` binary as a person or a script would, for the end-to-end tests of
//! each subcommand (each test file uses part of this).
#![allow(dead_code)]

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

/// The workspace root: relative paths in the tests (`examples/jumpcloud/…`) start there.
pub const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// The bundled example SP (Avoma behind JumpCloud) and the moment its example response is
/// judged at: `check`'s arguments besides the inputs and the trust.
pub const SP: &[&str] = &[
    "--sp-entity-id",
    "https://app.avoma.com",
    "--acs-url",
    "https://prod-api.avoma.com/saml2/acs",
    "--now",
    "2026-11-28T12:01:00Z",
];

/// The binary, to run from the workspace root.
pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_samlscope"));
    c.current_dir(ROOT);
    c
}

/// `samlscope args…` with `stdin` piped in.
pub fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    // Written from a thread while the output is read: a child that writes more than a pipe
    // holds before it has read all its input would otherwise wait on us as we wait on it. The
    // child may refuse early and close stdin; that is not a test failure (the exit code and
    // output say what happened).
    let stdin = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

/// [`run`] as (exit code, or -1 when killed by a signal; stdout; stderr).
pub fn samlscope(args: &[&str], stdin: &str) -> (i32, String, String) {
    let out = run(args, stdin.as_bytes());
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
