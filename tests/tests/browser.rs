#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
//! The inspector page in headless Chromium, served by the mock IdP exactly as `samlscope serve`
//! serves it (`dist/`, built by `cargo xtask web`, which `cargo xtask test` runs first).
//!
//! Every byte the browser sends goes through a recording proxy on 127.0.0.1, and the page's own
//! resource list is read back: the test fails if any request went elsewhere or carried anything
//! that was pasted or typed. Screenshots of the main states go to `target/screenshots/`
//! (`docs/` holds copies).

use base64::Engine as _;
use fantoccini::{Client, ClientBuilder, Locator};
use samlscope_idp::{Config, KeyStore, RunningIdp};
use serde_json::json;
use std::net::SocketAddr;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

const USER: &str = "alice@acmecorp.com";
const APP: &str = "avoma";
/// Typed into the SP Entity ID box; must never appear in any request.
const MARKER_SP: &str = "https://marker-7f3a9c.example/sp";
/// Typed into the IdP Entity ID box: an IdP the metadata's key is not trusted for.
const MARKER_IDP: &str = "jumpcloud-marker-4b1d2e";

// Regression budgets of the page (issue 26), printed and asserted by the test below. What a
// user downloads before the page works is `dist/web_bg.wasm` + `dist/web.js`, gzip -9 (what
// `cargo xtask web` prints); what they wait for on every edit is one validation of the bundled
// 7.5 KB doubly signed response, timed in the page with `performance.now()` (Chromium rounds it
// to 0.1 ms here) and taken as the median of `TIMED_RUNS`. A change that grows the bundle or
// slows validation past these fails here, and is a decision to make in this file, not by default.
/// Bytes of the served wasm + JS, gzip -9. Issue 26 asked for 300 KB; 421.7 KB is what the
/// page's features take today (its own views and checks, Yew, X.509, serde_json for HAR and
/// SAML-tracer files, and the RSA private-key code the SP key's decryption needs, about 43 KB
/// gzip of it), so the budget is that plus 2%: it catches growth, it does not claim the target.
const PAGE_GZIP_BUDGET: usize = 430_000;
/// Median in-page validation time of the doubly signed response, in milliseconds.
const PAGE_VALIDATION_MS_BUDGET: f64 = 1.0;
/// Validations timed for the median (odd: the median is one run's time).
const TIMED_RUNS: usize = 41;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn dist() -> Option<PathBuf> {
    let d = workspace().join("dist");
    if d.join("index.html").is_file() && d.join("web_bg.wasm").is_file() {
        return Some(d);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("dist/ is not built under CI=true; `cargo xtask test` builds it before the tests");
    }
    eprintln!("SKIPPED: dist/ is not built (run `cargo xtask web`)");
    None
}

/// Kills chromedriver and the Chromium it started when the test ends, pass or fail: the driver
/// runs in its own process group, and the whole group is killed (a panicking test never gets to
/// close its session, and Chromium outlives a killed chromedriver).
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.0.id())])
            .status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn browser(profile: &Path) -> (Driver, Client) {
    let port = free_port();
    let driver = Driver(
        Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver"),
    );
    let caps = json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--window-size=1440,1100",
                format!("--user-data-dir={}", profile.display()),
            ]
        }
    });
    let caps = match caps {
        serde_json::Value::Object(m) => m,
        _ => unreachable!(),
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => return (driver, c),
            Err(e) if Instant::now() > deadline => panic!("chromedriver did not answer: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

/// A TCP proxy in front of the server that records everything the browser sends.
async fn recording_proxy(upstream: SocketAddr) -> (SocketAddr, Arc<Mutex<Vec<u8>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let sent = Arc::new(Mutex::new(Vec::new()));
    let record = sent.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let record = record.clone();
            tokio::spawn(async move {
                let Ok(server) = TcpStream::connect(upstream).await else {
                    return;
                };
                let (mut client_r, mut client_w) = client.into_split();
                let (mut server_r, mut server_w) = server.into_split();
                let up = async {
                    let mut buf = vec![0u8; 16 * 1024];
                    loop {
                        let n = match client_r.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => n,
                        };
                        record.lock().unwrap().extend_from_slice(&buf[..n]);
                        if server_w.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                    let _ = server_w.shutdown().await;
                };
                let down = async {
                    let _ = tokio::io::copy(&mut server_r, &mut client_w).await;
                    let _ = client_w.shutdown().await;
                };
                tokio::join!(up, down);
            });
        }
    });
    (addr, sent)
}

/// Sets a field's value the way a paste does (one `input` event), returns once dispatched.
async fn paste(c: &Client, testid: &str, text: &str) {
    c.execute(
        "const el = document.querySelector(`[data-testid=\"${arguments[0]}\"]`);
         el.value = arguments[1];
         el.dispatchEvent(new Event('input', { bubbles: true }));",
        vec![json!(testid), json!(text)],
    )
    .await
    .unwrap();
}

/// The current value of the input or text area `testid`.
async fn value_of(c: &Client, testid: &str) -> String {
    c.find(Locator::Css(&format!("[data-testid={testid}]")))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

async fn text_of(c: &Client, css: &str) -> Option<String> {
    match c.find(Locator::Css(css)).await {
        Ok(el) => el.text().await.ok(),
        Err(_) => None,
    }
}

async fn run_count(c: &Client) -> u64 {
    let el = c.find(Locator::Css("[data-testid=result]")).await.unwrap();
    el.attr("data-run")
        .await
        .unwrap()
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

/// Waits until the page has validated again since `before` and then stayed quiet for longer
/// than its debounce (so the result reflects every edit made), at most 20 s; returns the
/// verdict banner's text.
async fn settled(c: &Client, before: u64) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut last = before;
    let mut quiet_since = Instant::now();
    loop {
        let now = run_count(c).await;
        if now != last {
            last = now;
            quiet_since = Instant::now();
        }
        if last != before && quiet_since.elapsed() > Duration::from_millis(500) {
            return text_of(c, "[data-testid=verdict]")
                .await
                .unwrap_or_default();
        }
        if Instant::now() > deadline {
            panic!("the page did not validate again (runs: {before} → {last})");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Pastes into each field, then waits for the page's verdict on all of them together.
async fn edit(c: &Client, fields: &[(&str, &str)]) -> String {
    let before = run_count(c).await;
    for (testid, text) in fields {
        paste(c, testid, text).await;
    }
    settled(c, before).await
}

/// Clicks the element, then waits for the page's verdict.
async fn click(c: &Client, css: &str) -> String {
    let before = run_count(c).await;
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    settled(c, before).await
}

fn verdict_word(text: &str) -> String {
    text.split_whitespace()
        .next()
        .unwrap_or_default()
        .to_lowercase()
}

async fn screenshot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    let dir = workspace().join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

/// The page's download, wasm + JS as the server sends them from `dist/`, gzip -9: printed, and
/// held to `PAGE_GZIP_BUDGET`.
fn page_size_within_budget(dist: &Path) {
    use std::io::Write as _;
    let mut raw = 0;
    let mut gzip = 0;
    for file in ["web_bg.wasm", "web.js"] {
        let bytes = std::fs::read(dist.join(file)).unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&bytes).unwrap();
        raw += bytes.len();
        gzip += gz.finish().unwrap().len();
    }
    eprintln!("page size: wasm + js {raw} B, gzip -9 {gzip} B (budget {PAGE_GZIP_BUDGET} B)");
    assert!(
        gzip <= PAGE_GZIP_BUDGET,
        "the page is {gzip} B gzip (wasm + js), above its budget of {PAGE_GZIP_BUDGET} B"
    );
}

fn response_b64(idp: &RunningIdp, scenario: &str) -> String {
    let made = idp.response(APP, USER, scenario).unwrap();
    base64::engine::general_purpose::STANDARD.encode(made.xml)
}

/// Whether headless Chromium and its driver are here (under `CI=true` their absence fails).
fn chromium_available() -> bool {
    samlscope_tests::oracle_available(
        "chromium + chromedriver",
        Command::new("chromedriver").arg("--version"),
    )
}

/// The bundled IdP serving the built page from `dist`.
async fn idp_serving(dist: PathBuf) -> RunningIdp {
    samlscope_idp::start_with(
        Config::bundled().unwrap(),
        KeyStore::Memory,
        None,
        Some(dist),
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inspector_in_headless_chromium() {
    let _one = ONE_BROWSER.lock().await;
    let Some(dist) = dist() else { return };
    page_size_within_budget(&dist);
    if !chromium_available() {
        return;
    }
    let idp = idp_serving(dist).await;
    let (proxy, sent) = recording_proxy(idp.addr()).await;
    let origin = format!("http://{proxy}");
    let profile = samlscope_tests::scratch("chromium-profile");
    let (_driver, c) = browser(&profile).await;

    c.goto(&format!("{origin}/")).await.unwrap();
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("[data-testid=input]"))
        .await
        .expect("the page rendered");
    screenshot(&c, "01-empty").await;

    // 1. A valid, doubly signed response with its metadata: valid, and the user.
    let metadata = idp.metadata(APP).unwrap();
    let valid = response_b64(&idp, "valid-both");
    let v = edit(
        &c,
        &[
            ("trust", &metadata),
            ("sp-entity-id", "https://app.avoma.com"),
            ("acs-url", "https://prod-api.avoma.com/saml2/acs"),
            ("input", &valid),
        ],
    )
    .await;
    assert_eq!(verdict_word(&v), "valid", "{v}");
    assert!(v.contains("jumpcloud-acmecorp"), "{v}");
    assert_eq!(
        text_of(&c, "[data-testid=name-id]").await.as_deref(),
        Some(USER)
    );
    let groups = text_of(&c, "[data-testid=groups]")
        .await
        .unwrap_or_default();
    assert!(groups.contains("avoma-users"), "{groups}");
    let sig = c
        .find(Locator::Css("[data-testid='check-signature.trusted']"))
        .await
        .unwrap();
    assert_eq!(
        sig.attr("data-status").await.unwrap().as_deref(),
        Some("pass")
    );
    screenshot(&c, "02-valid").await;

    // Validation time in the page: each toggle of "Allow SHA-1" re-runs the whole pipeline
    // (decode, parse, both signatures, checks, report) synchronously (no debounce) on the
    // doubly signed response, with the trust already parsed (as on every edit but a trust one).
    let mut times = Vec::new();
    for _ in 0..TIMED_RUNS {
        click(&c, "[data-testid=allow-sha1]").await;
        let ms = c
            .find(Locator::Css("[data-testid=elapsed]"))
            .await
            .unwrap()
            .attr("data-ms")
            .await
            .unwrap();
        times.push(ms.unwrap_or_default().parse::<f64>().unwrap());
    }
    times.sort_by(f64::total_cmp);
    eprintln!(
        "page validation of the {} B doubly signed response: median {:.3} ms, min {:.3} ms, max {:.3} ms ({} runs)",
        idp.response(APP, USER, "valid-both").unwrap().xml.len(),
        times[times.len() / 2],
        times[0],
        times[times.len() - 1],
        times.len()
    );
    let median = times[times.len() / 2];
    assert!(
        median <= PAGE_VALIDATION_MS_BUDGET,
        "page validation median {median:.3} ms is above its budget of {PAGE_VALIDATION_MS_BUDGET} ms"
    );
    // 2. The SP entity ID with a typo: invalid, the audience check fails with its fix.
    let v = edit(&c, &[("sp-entity-id", MARKER_SP)]).await;
    assert_eq!(verdict_word(&v), "invalid", "{v}");
    let audience = c
        .find(Locator::Css("[data-testid='check-conditions.audience']"))
        .await
        .unwrap();
    assert_eq!(
        audience.attr("data-status").await.unwrap().as_deref(),
        Some("fail")
    );
    let fix = text_of(&c, "[data-testid='failure-conditions.audience']")
        .await
        .unwrap_or_default();
    assert!(fix.contains("SP Entity ID"), "{fix}");
    screenshot(&c, "03-audience-typo").await;
    let v = edit(&c, &[("sp-entity-id", "https://app.avoma.com")]).await;
    assert_eq!(verdict_word(&v), "valid", "{v}");

    // The checks name the entity whose key verified; an IdP Entity ID that key is not trusted
    // for turns the verdict invalid at the key's trust, and the trust summary says why.
    let trusted = text_of(&c, "[data-testid='check-signature.trusted']")
        .await
        .unwrap_or_default();
    assert!(trusted.contains(" of jumpcloud-acmecorp"), "{trusted}");
    let v = edit(&c, &[("idp-entity-id", MARKER_IDP)]).await;
    assert_eq!(verdict_word(&v), "invalid", "{v}");
    let refused = text_of(&c, "[data-testid='failure-signature.trusted']")
        .await
        .unwrap_or_default();
    assert!(
        refused.contains("jumpcloud-acmecorp") && refused.contains(MARKER_IDP),
        "{refused}"
    );
    let summary = text_of(&c, "[data-testid=trust-summary]")
        .await
        .unwrap_or_default();
    assert!(summary.contains(MARKER_IDP), "{summary}");
    let v = edit(&c, &[("idp-entity-id", "")]).await;
    assert_eq!(verdict_word(&v), "valid", "{v}");

    // 3. Signature wrapping: invalid, the wrapping is caught, and no verified user is shown.
    let xsw = response_b64(&idp, "xsw1");
    let v = edit(&c, &[("input", &xsw)]).await;
    assert_eq!(verdict_word(&v), "invalid", "{v}");
    let wrapped = c
        .find(Locator::Css("[data-testid='check-structure.unique_ids']"))
        .await
        .unwrap();
    assert_eq!(
        wrapped.attr("data-status").await.unwrap().as_deref(),
        Some("fail")
    );
    assert!(text_of(&c, "[data-testid=name-id]").await.is_none());
    // An attack is not excused as merely old.
    assert!(
        text_of(&c, "[data-testid=valid-when-issued]")
            .await
            .is_none()
    );
    screenshot(&c, "04-xsw-attack").await;

    // 4. A tampered NameID: the digest fails, and the XML view marks what is not vouched for.
    let tampered = response_b64(&idp, "tamper-nameid");
    let v = edit(&c, &[("input", &tampered)]).await;
    assert_eq!(verdict_word(&v), "invalid", "{v}");
    let digest = c
        .find(Locator::Css("[data-testid='check-signature.digest']"))
        .await
        .unwrap();
    assert_eq!(
        digest.attr("data-status").await.unwrap().as_deref(),
        Some("fail")
    );

    // 5. Metadata pasted as the message: the metadata view.
    let m = edit(&c, &[("input", &metadata)]).await;
    assert_eq!(verdict_word(&m), "metadata", "{m}");
    assert_eq!(
        text_of(&c, "[data-testid=entity-id]").await.as_deref(),
        Some("jumpcloud-acmecorp"),
        "{m}"
    );
    screenshot(&c, "05-metadata").await;

    // 6. Robustness: 5 MB of garbage gets an inline error, then the page still works.
    let garbage = "A1b2C3d4/".repeat(5 * 1024 * 1024 / 9);
    let g = edit(&c, &[("input", &garbage)]).await;
    assert!(g.contains("Not a SAML message"), "{g}");
    let v = edit(&c, &[("input", &valid)]).await;
    assert_eq!(verdict_word(&v), "valid", "{v}");

    // 7. An example from the menu (a fixed scenario name, fetched from the mock IdP).
    let before = run_count(&c).await;
    c.execute(
        "const s = document.querySelector('[data-testid=examples]');
         s.value = 'expired';
         s.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![],
    )
    .await
    .unwrap();
    let v = settled(&c, before).await;
    assert_eq!(verdict_word(&v), "invalid", "{v}");
    let window = c
        .find(Locator::Css("[data-testid='check-conditions.window']"))
        .await
        .unwrap();
    assert_eq!(
        window.attr("data-status").await.unwrap().as_deref(),
        Some("fail")
    );
    // It is old, not misconfigured: the banner says so, and its button checks the message as
    // of its IssueInstant, where it is valid.
    let note = text_of(&c, "[data-testid=valid-when-issued]")
        .await
        .unwrap_or_default();
    assert!(note.contains("it is old, not misconfigured"), "{note}");
    let v = click(&c, "[data-testid=valid-when-issued] button").await;
    assert_eq!(verdict_word(&v), "valid", "{v}");
    assert!(
        text_of(&c, "[data-testid=valid-when-issued]")
            .await
            .is_none(),
        "no note once checked as of then"
    );

    // 8. An SP's metadata: what to enter in JumpCloud, and its button fills the SP settings.
    let sp_metadata = include_str!("../../examples/jumpcloud/sp-metadata.xml");
    let m = edit(&c, &[("input", sp_metadata)]).await;
    // The banner word is upper-cased by the stylesheet.
    assert!(m.to_lowercase().starts_with("sp metadata"), "{m}");
    let settings = text_of(&c, "[data-testid=idp-settings]")
        .await
        .unwrap_or_default();
    assert!(
        settings.contains("SP Entity ID")
            && settings.contains("https://prod-api.avoma.com/saml2/acs"),
        "{settings}"
    );
    click(&c, "[data-testid=use-sp-settings]").await;
    for (field, want) in [
        ("sp-entity-id", "https://app.avoma.com"),
        ("acs-url", "https://prod-api.avoma.com/saml2/acs"),
    ] {
        assert_eq!(value_of(&c, field).await, want, "{field}");
    }
    // The SP's metadata became the SP certificate source: a request signed with the key of its
    // signing certificate verifies, one signed with another key does not.
    let sp_cert = value_of(&c, "sp-cert").await;
    assert!(sp_cert.contains("SPSSODescriptor"), "{sp_cert}");
    let request = r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_req9" Version="2.0" IssueInstant="2026-11-28T12:00:00Z" AssertionConsumerServiceURL="https://prod-api.avoma.com/saml2/acs"><saml:Issuer>https://app.avoma.com</saml:Issuer></samlp:AuthnRequest>"#;
    for (key, want) in [
        (
            include_str!("../../core/tests/data/keys/idp2.key.pem"),
            "pass",
        ),
        (
            include_str!("../../core/tests/data/keys/idp.key.pem"),
            "fail",
        ),
    ] {
        let signer = samlscope_forge::sign::Signer {
            key: samlscope_forge::PrivateKey::from_pem(key).unwrap(),
            certificate: None,
        };
        let signed =
            samlscope_forge::sign::sign_enveloped(request, "_req9", &signer, &Default::default())
                .unwrap();
        edit(
            &c,
            &[(
                "input",
                &base64::engine::general_purpose::STANDARD.encode(signed),
            )],
        )
        .await;
        let check = c
            .find(Locator::Css("[data-testid='check-request.signature']"))
            .await
            .unwrap();
        assert_eq!(
            check.attr("data-status").await.unwrap().as_deref(),
            Some(want)
        );
        // The XML panel shades what a verified signature covers (the whole request), and
        // nothing when it did not verify.
        let legend = text_of(&c, "[data-testid=xml] .legend")
            .await
            .unwrap_or_default();
        let unsigned_lines = c
            .find_all(Locator::Css("[data-testid=xml] .line.unsigned"))
            .await
            .unwrap()
            .len();
        if want == "pass" {
            assert!(
                legend.contains("covered by a verified signature"),
                "{legend}"
            );
            assert_eq!(unsigned_lines, 0, "every line of the request is covered");
        } else {
            assert!(legend.contains("No verified signature"), "{legend}");
            assert!(unsigned_lines > 0);
        }
    }

    // 9. Privacy: every request went to this origin, and none carried what was pasted/typed.
    let urls = c
        .execute(
            "return performance.getEntriesByType('resource').map(e => e.name)
                 .concat(performance.getEntriesByType('navigation').map(e => e.name));",
            vec![],
        )
        .await
        .unwrap();
    let urls: Vec<String> = serde_json::from_value(urls).unwrap();
    assert!(!urls.is_empty());
    for u in &urls {
        assert!(
            u.starts_with(&origin),
            "request outside the page's origin: {u}"
        );
    }
    let sent = sent.lock().unwrap().clone();
    let sent = String::from_utf8_lossy(&sent);
    assert!(
        sent.contains("GET /web_bg.wasm"),
        "the proxy saw the page load"
    );
    for (what, needle) in [
        (
            "the pasted response",
            &valid[valid.len() / 2..valid.len() / 2 + 64],
        ),
        ("the XSW response", &xsw[xsw.len() / 2..xsw.len() / 2 + 64]),
        ("the typed SP entity ID", "marker-7f3a9c"),
        ("the typed IdP entity ID", "marker-4b1d2e"),
        ("the garbage paste", "A1b2C3d4/A1b2C3d4/"),
        ("the pasted metadata", metadata_chunk(&metadata)),
        ("the pasted SP metadata", metadata_chunk(sp_metadata)),
    ] {
        assert!(
            !sent.contains(needle),
            "{what} was sent over the network: {needle:?}"
        );
    }
    // The page asks for nothing the server does not have (a browser's automatic favicon request
    // was a 404 in the console of every admin who opened the page).
    assert!(
        !sent.contains("GET /favicon.ico"),
        "the page requested /favicon.ico"
    );
    let posts = sent.matches("POST ").count();
    assert_eq!(posts, 0, "the page made POST requests");
    eprintln!(
        "privacy: {} requests, all to {origin}, none carried pasted or typed text",
        urls.len()
    );
    c.close().await.unwrap();
}

/// A stretch of the certificate's base64 in the metadata (distinctive, not a URL).
fn metadata_chunk(metadata: &str) -> &str {
    let start = metadata.find("<ds:X509Certificate>").unwrap() + 40;
    &metadata[start..start + 64]
}

/// The two browser tests share the machine's two cores: one Chromium at a time, so that the
/// first test's in-page timing is not measured beside another browser.
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// One request straight to the server (not through the proxy: this is the SP's and the test's
/// traffic, not the browser's); the status and body.
async fn http(addr: SocketAddr, method: &str, target: &str, form: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
        form.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text.split(' ').nth(1).unwrap().parse().unwrap();
    (status, text)
}

/// The newest event's response (base64), which must be a success.
fn logged_response(idp: &RunningIdp) -> (u64, String) {
    use samlscope_idp::events::{Filter, Outcome};
    let e = idp.events().list(&Filter::default()).events.pop().unwrap();
    match e.outcome {
        Outcome::Success {
            saml_response: Some(b64),
            ..
        } => (e.seq, b64),
        o => panic!("not an issued response: {o:?}"),
    }
}

/// Waits (at most 20 s) until the page's note contains `want`; then the verdict's text.
async fn note_then_verdict(c: &Client, want: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let note = text_of(c, "[data-testid=note]").await.unwrap_or_default();
        if note.contains(want) {
            return text_of(c, "[data-testid=verdict]")
                .await
                .unwrap_or_default();
        }
        assert!(
            Instant::now() < deadline,
            "the note never said {want:?}: {note:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `/events` → "Open in inspector": the response opens in the page through the URL fragment,
/// is checked against the app's metadata (fetched by label) and the request it answered, and
/// never travels to the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_open_in_the_inspector_without_the_response_travelling() {
    let _one = ONE_BROWSER.lock().await;
    let Some(dist) = dist() else { return };
    if !chromium_available() {
        return;
    }
    let idp = idp_serving(dist).await;
    // An SP-initiated sign-in over HTTP (the SP's request, the user's credentials) and a
    // wrapping attack from the scenario API: two responses in the log.
    let request = r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_events_req" Version="2.0" IssueInstant="2026-01-01T00:00:00Z" AssertionConsumerServiceURL="https://prod-api.avoma.com/saml2/acs"><saml:Issuer>https://app.avoma.com</saml:Issuer></samlp:AuthnRequest>"#;
    let body = samlscope_idp::form::form_encode(&[
        ("email", USER),
        ("password", "alice-password"),
        (
            "SAMLRequest",
            &base64::engine::general_purpose::STANDARD.encode(request),
        ),
    ]);
    let (status, page) = http(idp.addr(), "POST", &format!("/saml2/{APP}/login"), &body).await;
    assert_eq!(status, 200, "{page}");
    let (valid_seq, valid) = logged_response(&idp);
    let (status, page) = http(
        idp.addr(),
        "GET",
        &format!("/api/apps/{APP}/responses/xsw1?user=alice%40acmecorp.com"),
        "",
    )
    .await;
    assert_eq!(status, 200, "{page}");
    let (xsw_seq, xsw) = logged_response(&idp);

    let (proxy, sent) = recording_proxy(idp.addr()).await;
    let origin = format!("http://{proxy}");
    let profile = samlscope_tests::scratch("chromium-profile-events");
    let (_driver, c) = browser(&profile).await;
    // Settings typed earlier must not hide what the link brings: the link's app sets them.
    c.goto(&format!("{origin}/")).await.unwrap();
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("[data-testid=input]"))
        .await
        .unwrap();
    edit(&c, &[("sp-entity-id", MARKER_SP)]).await;

    // 1. The valid response: opened, trusted by the app's metadata, valid, and the fragment
    // is gone from the address bar.
    c.goto(&format!("{origin}/events")).await.unwrap();
    screenshot(&c, "06-events").await;
    c.find(Locator::Css(&format!("[data-testid=open-{valid_seq}]")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let v = note_then_verdict(&c, "Opened the response from the link").await;
    assert_eq!(verdict_word(&v), "valid", "{v}");
    assert_eq!(
        text_of(&c, "[data-testid=name-id]").await.as_deref(),
        Some(USER)
    );
    assert_eq!(value_of(&c, "sp-entity-id").await, "https://app.avoma.com");
    assert_eq!(value_of(&c, "request-id").await, "_events_req");
    assert_eq!(value_of(&c, "input").await, valid);
    // The request ID came with the link: InResponseTo is checked, not skipped.
    let in_response_to = c
        .find(Locator::Css(
            "[data-testid='check-response.in_response_to']",
        ))
        .await
        .unwrap();
    assert_eq!(
        in_response_to.attr("data-status").await.unwrap().as_deref(),
        Some("pass")
    );
    let url = c.current_url().await.unwrap();
    assert_eq!(url.fragment(), None, "{url}");
    assert_eq!(url.path(), "/");
    screenshot(&c, "07-opened-from-events").await;

    // 2. The wrapping attack: invalid, the wrapping caught, no verified user.
    c.goto(&format!("{origin}/events")).await.unwrap();
    c.find(Locator::Css(&format!("[data-testid=open-{xsw_seq}]")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let v = note_then_verdict(&c, "Opened the response from the link").await;
    assert_eq!(verdict_word(&v), "invalid", "{v}");
    let wrapped = c
        .find(Locator::Css("[data-testid='check-structure.unique_ids']"))
        .await
        .unwrap();
    assert_eq!(
        wrapped.attr("data-status").await.unwrap().as_deref(),
        Some("fail")
    );
    assert!(text_of(&c, "[data-testid=name-id]").await.is_none());
    assert_eq!(value_of(&c, "input").await, xsw);

    // 3. A fragment set on the open page (hashchange): the valid response again.
    let link = |b64: &str| {
        use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
        format!(
            "#SAMLResponse={}&app={APP}",
            utf8_percent_encode(b64, NON_ALPHANUMERIC)
        )
    };
    let before = run_count(&c).await;
    c.execute("location.hash = arguments[0];", vec![json!(link(&valid))])
        .await
        .unwrap();
    let v = settled(&c, before).await;
    assert_eq!(verdict_word(&v), "valid", "{v}");
    assert_eq!(value_of(&c, "input").await, valid);

    // 4. A fragment above the cap: refused with a message, the paste left as it was.
    let huge = "A".repeat(300 * 1024);
    c.execute("location.hash = arguments[0];", vec![json!(link(&huge))])
        .await
        .unwrap();
    let note = {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let n = text_of(&c, "[data-testid=note]").await.unwrap_or_default();
            if n.contains("KiB") || Instant::now() > deadline {
                break n;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    assert!(
        note.contains("above the 256 KiB a link may carry"),
        "{note}"
    );
    assert_eq!(value_of(&c, "input").await, valid);

    // 5. What the browser sent: the pages and the app's metadata, never a response.
    let sent = sent.lock().unwrap().clone();
    let sent = String::from_utf8_lossy(&sent);
    for needed in [
        "GET /events ",
        "GET / ",
        "GET /api/apps ",
        "GET /api/apps/avoma/metadata ",
    ] {
        assert!(sent.contains(needed), "the browser did not send {needed:?}");
    }
    for (what, b64) in [("the valid response", &valid), ("the XSW response", &xsw)] {
        let mid = b64.len() / 2;
        let chunk = &b64[mid..mid + 48];
        let encoded =
            percent_encoding::utf8_percent_encode(chunk, percent_encoding::NON_ALPHANUMERIC)
                .to_string();
        assert!(
            !sent.contains(chunk) && !sent.contains(&encoded),
            "{what} was sent over the network"
        );
    }
    assert!(
        !sent.contains("SAMLResponse"),
        "a request named SAMLResponse"
    );
    assert!(
        !sent.contains("AAAAAAAAAAAAAAAA"),
        "the oversized fragment was sent"
    );
    assert!(
        !sent.contains("marker-7f3a9c"),
        "the typed SP entity ID was sent"
    );
    assert_eq!(
        sent.matches("POST ").count(),
        0,
        "the page made POST requests"
    );
    eprintln!(
        "events → inspector: {} B sent by the browser, no response among them",
        sent.len()
    );
    c.close().await.unwrap();
}
