//! `examples/sp-conformance/sp_conformance.py`, the script an SP developer runs in CI from any
//! language, against the mock IdP on 127.0.0.1: the demo SP (which validates with the core)
//! passes every scenario SP-initiated; an SP that accepts everything is caught accepting the
//! attacks, each labelled by its impact and by the user the SP says it logged in; the SP's
//! signature settings decide whether a refusal is right; an SP that crashes is reported; an
//! unreachable IdP, bad options or an IdP that does not say what scenarios mean are usage errors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;

use base64::Engine as _;
use samlscope_idp::Config;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

const USER: &str = "alice@acmecorp.com";
/// The user the attacks plant (the scenario API's `evil_name_id`).
const EVIL: &str = "admin@acmecorp.com";

/// The AuthnRequest the careless SP's POST-binding login sends.
const POST_REQUEST: &str = concat!(
    r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" "#,
    r#"ID="_post-binding-req-9" Version="2.0" IssueInstant="2026-11-28T12:00:00Z"/>"#
);

fn python_available() -> bool {
    samlscope_tests::oracle_available("python3", Command::new("python3").arg("--version"))
}

/// Runs the script with `args`; (exit code, stdout, stderr). Blocking, so off the runtime.
async fn script(args: Vec<String>) -> (i32, String, String) {
    tokio::task::spawn_blocking(move || {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../examples/sp-conformance/sp_conformance.py");
        let out = Command::new("python3")
            .arg(path)
            .args(&args)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    })
    .await
    .unwrap()
}

fn args(idp: SocketAddr, app: &str, extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = [
        "--idp",
        &format!("http://{idp}"),
        "--app",
        app,
        "--user",
        USER,
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    v.extend(extra.iter().map(ToString::to_string));
    v
}

/// A careless SP: reads each request whole, then answers 200 on `/acs` (whatever was posted),
/// 200 naming the attacker's user on `/acs-evil` and the genuine user on `/acs-alice` (as an
/// SP that reads the unsigned or the signed NameID would), a redirect to its login page on
/// `/redirect` and 500 on `/crash`; `GET /api/scenarios` is an old IdP's scenario list, which
/// does not say what the scenarios mean. At most `requests` connections, so the task ends.
async fn careless_sp(requests: usize) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        for _ in 0..requests {
            let Ok((mut s, _)) = listener.accept().await else {
                return;
            };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 8192];
            // Headers, then as many body bytes as Content-Length says (bounded: 1 MiB).
            let (head_end, length) = loop {
                let n = s.read(&mut chunk).await.unwrap_or(0);
                if n == 0 || buf.len() > 1 << 20 {
                    break (buf.len(), 0);
                }
                buf.extend_from_slice(&chunk[..n]);
                if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&buf[..i]).to_lowercase();
                    let length = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    break (i + 4, length);
                }
            };
            while buf.len() < head_end + length && buf.len() <= 1 << 20 {
                let n = s.read(&mut chunk).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            if buf.starts_with(b"GET /login-post") {
                // SP-initiated with the HTTP-POST binding: an auto-post form carrying the
                // base64 AuthnRequest and a RelayState.
                // Attributes in another order, single quotes and character references, as
                // some SPs write them.
                let b64 = base64::engine::general_purpose::STANDARD
                    .encode(POST_REQUEST)
                    .replace('+', "&#43;")
                    .replace('=', "&#x3D;");
                let form = format!(
                    "<form method=\"post\" action=\"http://idp/sso\">\
                     <input value='{b64}' type=\"hidden\" name='SAMLRequest'>\
                     <INPUT type=\"hidden\" name=\"RelayState\" value=\"rs&amp;17\"/></form>"
                );
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\
                     Connection: close\r\n\r\n{form}",
                    form.len()
                );
                let _ = s.write_all(answer.as_bytes()).await;
                let _ = s.shutdown().await;
                continue;
            }
            let (status, body) = if buf.starts_with(b"POST /crash") {
                ("500 Internal Server Error", "ok".to_owned())
            } else if buf.starts_with(b"POST /redirect") {
                // As most SPs answer a refused login: back to the login page with an error.
                ("302 Found\r\nLocation: /login?error=saml", "ok".to_owned())
            } else if buf.starts_with(b"POST /acs-evil") {
                ("200 OK", format!("logged in as {EVIL}"))
            } else if buf.starts_with(b"POST /acs-alice") {
                ("200 OK", format!("logged in as {USER}"))
            } else if buf.starts_with(b"GET /api/scenarios") {
                let old = r#"[{"name":"valid-both","description":"d","category":"valid","expected_sp_verdict":"valid"}]"#;
                ("200 OK\r\nContent-Type: application/json", old.to_owned())
            } else {
                ("200 OK", "ok".to_owned())
            };
            let answer = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = s.write_all(answer.as_bytes()).await;
            let _ = s.shutdown().await;
        }
    });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_sp_passes_every_scenario_sp_initiated() {
    if !python_available() {
        return;
    }
    let idp = samlscope_idp::start(Config::bundled().unwrap())
        .await
        .unwrap();
    let scenarios = samlscope_idp::scenarios().len();
    let login = format!("http://{}/sp/login", idp.addr());
    // The demo SP validates with the core's default policy: one signature on the Response or the
    // Assertion (either), no SHA-1.
    let (code, out, err) = script(args(idp.addr(), "demo-sp", &["--sp-login", &login])).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.ends_with(&format!(
            "{scenarios} scenarios: {scenarios} as expected, 0 not\n"
        )),
        "{out}"
    );
    // SP-initiated: the request-bound scenario ran against the SP's own request ID and was
    // refused for answering another one (the demo SP is strict), with a 403.
    assert!(
        out.lines().any(|l| l.starts_with("OK ")
            && l.contains("in-response-to-mismatch")
            && l.contains("HTTP 403")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("OK ") && l.contains("valid-both") && l.contains("HTTP 200")),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_careless_sp_is_caught_and_a_crashing_one_reported() {
    if !python_available() {
        return;
    }
    let idp = samlscope_idp::start(Config::bundled().unwrap())
        .await
        .unwrap();
    let sp = careless_sp(60).await;
    let pick = [
        "--scenario",
        "valid-both",
        "--scenario",
        "xsw1",
        "--scenario",
        "expired",
    ];
    let acs = format!("http://{sp}/acs");
    let mut extra = pick.to_vec();
    extra.extend(["--acs", &acs]);
    let (code, out, err) = script(args(idp.addr(), "avoma", &extra)).await;
    assert_eq!(code, 1, "{out}{err}");
    let line = |out: &str, name: &str| {
        out.lines()
            .find(|l| l.split_whitespace().any(|w| w == name))
            .unwrap_or_else(|| panic!("no line for {name}: {out}"))
            .to_owned()
    };
    assert!(line(&out, "valid-both").starts_with("OK "), "{out}");
    // Without --identity-regex, accepting a takeover scenario is a takeover.
    assert!(line(&out, "xsw1").starts_with("TAKEOVER "), "{out}");
    assert!(line(&out, "expired").starts_with("POLICY "), "{out}");
    assert!(
        out.ends_with("3 scenarios: 1 as expected, 2 not (POLICY 1, TAKEOVER 1)\n"),
        "{out}"
    );

    // An SP that says whom it logged in: the attacker's user is a takeover, named.
    let evil = format!("http://{sp}/acs-evil");
    let mut extra = pick.to_vec();
    extra.extend([
        "--acs",
        &evil,
        "--identity-regex",
        r"logged in as (\S+)",
        "--json",
    ]);
    let (code, out, err) = script(args(idp.addr(), "avoma", &extra)).await;
    assert_eq!(code, 1, "{out}{err}");
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let row = |name: &str| rows.iter().find(|r| r["name"] == name).unwrap().clone();
    let xsw1 = row("xsw1");
    assert_eq!(xsw1["label"], "TAKEOVER", "{xsw1}");
    assert_eq!(xsw1["identity"], EVIL, "{xsw1}");
    assert_eq!(xsw1["evil_name_id"], EVIL, "{xsw1}");
    assert_eq!(xsw1["impact"], "takeover", "{xsw1}");
    assert_eq!(xsw1["as_expected"], false, "{xsw1}");
    assert_eq!(row("valid-both")["label"], "OK");
    // A policy failure plants no one (evil_name_id null): whoever logs in, it stays POLICY.
    assert_eq!(row("expired")["label"], "POLICY");
    assert!(row("expired")["evil_name_id"].is_null());
    assert!(
        err.contains("3 scenarios: 1 as expected, 2 not (POLICY 1, TAKEOVER 1)"),
        "{err}"
    );

    // One that logs in the genuine, signed user from a takeover scenario: lenient, not a
    // takeover, and only a failure when asked for.
    let alice = format!("http://{sp}/acs-alice");
    let mut extra = pick.to_vec();
    extra.extend(["--acs", &alice, "--identity-regex", r"logged in as (\S+)"]);
    let (code, out, err) = script(args(idp.addr(), "avoma", &extra)).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        line(&out, "xsw1").starts_with("LENIENT ") && line(&out, "xsw1").contains(USER),
        "{out}"
    );
    assert!(
        out.ends_with("3 scenarios: 1 as expected, 2 not (LENIENT 1, POLICY 1)\n"),
        "{out}"
    );
    extra.extend(["--fail-on", "lenient"]);
    let (code, out, err) = script(args(idp.addr(), "avoma", &extra)).await;
    assert_eq!(code, 1, "{out}{err}");

    // A 5xx is never "refused": the SP crashed on a valid login and on an attack alike.
    let crash = format!("http://{sp}/crash");
    let mut extra = pick.to_vec();
    extra.extend(["--acs", &crash, "--json"]);
    let (code, out, err) = script(args(idp.addr(), "avoma", &extra)).await;
    assert_eq!(code, 1, "{out}{err}");
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 3, "{out}");
    for r in &rows {
        assert_eq!(r["sp"], "error", "{r}");
        assert_eq!(r["label"], "ERROR", "{r}");
        assert_eq!(r["http_status"], 500, "{r}");
        assert_eq!(r["as_expected"], false, "{r}");
    }
    assert!(
        err.contains("3 scenarios: 0 as expected, 3 not (ERROR 3)"),
        "{err}"
    );

    // Each impact has its label; SHA-1 is a valid login only for an SP that allows it.
    let impacts = [
        "--scenario",
        "alg-sha1",
        "--scenario",
        "ref-external",
        "--scenario",
        "billion-laughs",
        "--acs",
        &acs,
    ];
    let (code, out, err) = script(args(idp.addr(), "avoma", &impacts)).await;
    assert_eq!(code, 1, "{out}{err}");
    assert!(line(&out, "alg-sha1").starts_with("POLICY "), "{out}");
    assert!(line(&out, "ref-external").starts_with("TAMPER "), "{out}");
    assert!(line(&out, "billion-laughs").starts_with("DOS "), "{out}");
    let mut extra = impacts.to_vec();
    extra.extend(["--sp-allows-sha1", "--fail-on", "takeover"]);
    let (code, out, err) = script(args(idp.addr(), "avoma", &extra)).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(line(&out, "alg-sha1").starts_with("OK "), "{out}");
    assert!(
        out.ends_with("3 scenarios: 1 as expected, 2 not (DOS 1, TAMPER 1)\n"),
        "{out}"
    );
    extra.extend(["--fail-on", "dos"]);
    let (code, out, err) = script(args(idp.addr(), "avoma", &extra)).await;
    assert_eq!(code, 1, "{out}{err}");

    // SP-initiated through an HTTP-POST binding login page: the request ID is read from the
    // form and answered (InResponseTo), whatever the SP then does with it.
    let login = format!("http://{sp}/login-post");
    let extra = [
        "--scenario",
        "valid-both",
        "--sp-login",
        &login,
        "--acs",
        &acs,
        "--json",
    ];
    let (code, out, err) = script(args(idp.addr(), "avoma", &extra)).await;
    assert_eq!(code, 0, "{out}{err}");
    let row: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(row["in_response_to"], "_post-binding-req-9", "{row}");
    assert_eq!(row["sp"], "accepted", "{row}");
    assert_eq!(row["label"], "OK", "{row}");

    // An SP that redirects whatever happened: only the Location tells. Read with
    // --accepted-location, the attacks are refused and the valid login is not.
    let redirect = format!("http://{sp}/redirect");
    let mut extra = pick.to_vec();
    extra.extend(["--acs", &redirect, "--accepted-location", "^/dashboard"]);
    let (code, out, err) = script(args(idp.addr(), "avoma", &extra)).await;
    assert_eq!(code, 1, "{out}{err}");
    assert!(line(&out, "valid-both").starts_with("REFUSED "), "{out}");
    assert!(
        out.ends_with("3 scenarios: 2 as expected, 1 not (REFUSED 1)\n"),
        "{out}"
    );
    // A 200 whose body must greet the user: the careless SP's "ok" does not.
    let mut extra = pick.to_vec();
    extra.extend(["--acs", &acs, "--accepted-body", "Welcome"]);
    let (code, out, _) = script(args(idp.addr(), "avoma", &extra)).await;
    assert_eq!(code, 1);
    assert!(
        out.ends_with("3 scenarios: 2 as expected, 1 not (REFUSED 1)\n"),
        "{out}"
    );

    // The SP's settings decide: a Response signed over the Response alone is a valid login for
    // an SP that takes either signature, and rightly refused by one that requires a signed
    // Assertion.
    let pick = ["--scenario", "valid-response", "--acs", &redirect];
    let mut extra = pick.to_vec();
    extra.extend(["--accepted-location", "^/dashboard"]);
    let (code, out, _) = script(args(idp.addr(), "avoma", &extra)).await;
    assert_eq!(code, 1, "{out}");
    assert!(
        line(&out, "valid-response").starts_with("REFUSED "),
        "{out}"
    );
    extra.extend(["--sp-requires", "signed-assertion"]);
    let (code, out, _) = script(args(idp.addr(), "avoma", &extra)).await;
    assert_eq!(code, 0, "{out}");
    assert!(line(&out, "valid-response").starts_with("OK "), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_exit_2() {
    if !python_available() {
        return;
    }
    // Nothing listens on the discard port: the scenario list cannot be read.
    let dead: SocketAddr = "127.0.0.1:9".parse().unwrap();
    let (code, _, err) = script(args(dead, "avoma", &[])).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot list the scenarios"), "{err}");
    // An IdP whose scenarios do not say what accepting them means cannot be judged.
    let old = careless_sp(1).await;
    let (code, _, err) = script(args(old, "avoma", &[])).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("do not say accepted_when and impact"), "{err}");
    let idp = samlscope_idp::start(Config::bundled().unwrap())
        .await
        .unwrap();
    let (code, _, err) = script(args(idp.addr(), "avoma", &["--scenario", "no-such"])).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no such scenario"), "{err}");
    let (code, _, err) = script(args(idp.addr(), "avoma", &["--accepted-location", "("])).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("bad --accepted-* option"), "{err}");
    let (code, _, err) = script(args(idp.addr(), "avoma", &["--identity-regex", "("])).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("bad --identity-regex"), "{err}");
    let (code, _, err) = script(args(idp.addr(), "avoma", &["--fail-on", "takeover,typo"])).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("bad --fail-on: ['typo']"), "{err}");
    // A login URL that starts no SAML login (here a JSON page) is a setup error, not a verdict.
    let not_login = format!("http://{}/api/scenarios", idp.addr());
    let (code, _, err) = script(args(idp.addr(), "avoma", &["--sp-login", &not_login])).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("without a SAMLRequest"), "{err}");
}
