//! Where `/` comes from: the page built into the binary, a folder (`--web-dist` or `./dist`), or
//! none (then the index says how to get it); each served with the types browsers need.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};

use common::*;
use samlscope_idp::web::WebFile;
use samlscope_idp::{Config, KeyStore, WebPage};

const WASM: &[u8] = b"\0asm\x01\0\0\0embedded";

/// A page as the build would embed it (a small stand-in: the real one is checked by
/// `cargo xtask dist` on the archive it writes).
static EMBEDDED: &[WebFile] = &[
    WebFile {
        name: "index.html",
        bytes: b"<!doctype html><title>embedded page</title>",
    },
    WebFile {
        name: "style.css",
        bytes: b"body{}",
    },
    WebFile {
        name: "web.js",
        bytes: b"export default 1;",
    },
    WebFile {
        name: "web_bg.wasm",
        bytes: WASM,
    },
];

/// A built page folder in a fresh directory; its index says `marker`.
fn page_dir(name: &str, marker: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("web-page-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("index.html"),
        format!("<!doctype html><title>{marker}</title>"),
    )
    .unwrap();
    std::fs::write(dir.join("style.css"), "body{}").unwrap();
    std::fs::write(dir.join("web.js"), "export default 1;").unwrap();
    std::fs::write(dir.join("web_bg.wasm"), b"\0asm\x01\0\0\0folder").unwrap();
    dir
}

fn empty_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("web-empty-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn serving(web: WebPage) -> samlscope_idp::RunningIdp {
    samlscope_idp::start_with_page(Config::bundled().unwrap(), KeyStore::Memory, None, web)
        .await
        .unwrap()
}

#[test]
fn one_decision_flag_then_binary_then_dist_then_none() {
    let flag = page_dir("flag", "from the flag");
    let default = page_dir("default", "beside");
    let nothing = empty_dir("nothing");
    // `--web-dist` wins over the page in the binary and over ./dist.
    assert_eq!(
        WebPage::choose_from(Some(&flag), EMBEDDED, &default).unwrap(),
        WebPage::Dir(flag.clone())
    );
    // Without the flag: the binary's page, even with a dist/ beside the working directory.
    assert_eq!(
        WebPage::choose_from(None, EMBEDDED, &default).unwrap(),
        WebPage::Embedded(EMBEDDED)
    );
    // A binary without the page: ./dist when it holds one, else none.
    assert_eq!(
        WebPage::choose_from(None, &[], &default).unwrap(),
        WebPage::Dir(default.clone())
    );
    assert_eq!(
        WebPage::choose_from(None, &[], &nothing).unwrap(),
        WebPage::Missing
    );
    // A table without an index.html is not a page.
    assert_eq!(
        WebPage::choose_from(None, &EMBEDDED[1..], &nothing).unwrap(),
        WebPage::Missing
    );
    // A flag naming a folder without the page is an error that says how to build it, never a
    // silent fallback to another page.
    let err = WebPage::choose_from(Some(&nothing), EMBEDDED, &default).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains(&nothing.display().to_string()) && msg.contains("cargo xtask web"),
        "{msg}"
    );
}

#[tokio::test]
async fn embedded_page_is_served_with_browser_types() {
    let idp = serving(WebPage::Embedded(EMBEDDED)).await;
    let index = get(idp.addr(), "/").await;
    assert_eq!(index.status, 200);
    assert!(index.body.contains("embedded page"), "{}", index.body);
    assert_eq!(
        index.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(get(idp.addr(), "/index.html").await.body, index.body);
    for (path, ty) in [
        ("/web.js", "text/javascript; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/web_bg.wasm", "application/wasm"),
    ] {
        let r = get(idp.addr(), path).await;
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some(ty), "{path}");
    }
    let wasm = get(idp.addr(), "/web_bg.wasm").await;
    assert_eq!(wasm.body.as_bytes(), WASM);
    assert_eq!(
        wasm.header("content-length"),
        Some(WASM.len().to_string().as_str())
    );
    // Outside the page: a JSON 404, and only GET/HEAD reach its files.
    let missing = get(idp.addr(), "/nope.js").await;
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("nothing at /nope.js"),
        "{}",
        missing.body
    );
    let post = raw(idp.addr(), "POST", "/web.js", None, b"x", None).await;
    assert_eq!(post.status, 405, "{}", post.body);
    let head = raw(idp.addr(), "HEAD", "/web_bg.wasm", None, b"", None).await;
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-type"), Some("application/wasm"));
    // The IdP and its API are still there beside the page.
    let scenarios = get(idp.addr(), "/api/scenarios").await;
    assert_eq!(scenarios.status, 200);
    assert!(scenarios.body.starts_with('['), "{}", scenarios.body);
    let md = get(idp.addr(), "/saml2/avoma/metadata").await;
    assert!(md.body.contains("EntityDescriptor"));

    let banner = samlscope_idp::urls(&idp, Path::new("/tmp/state"), &WebPage::Embedded(EMBEDDED));
    assert!(
        banner.contains(&format!("inspector (web):   {}/", idp.base_url()))
            && banner.contains("(embedded in this binary: 4 files, 0 KB)"),
        "{banner}"
    );
}

#[tokio::test]
async fn web_dist_folder_overrides_the_binary_page() {
    let dir = page_dir("override", "the folder's page");
    let web = WebPage::choose_from(Some(&dir), EMBEDDED, &empty_dir("unused")).unwrap();
    let idp = serving(web.clone()).await;
    let index = get(idp.addr(), "/").await;
    assert_eq!(index.status, 200);
    assert!(index.body.contains("the folder's page"), "{}", index.body);
    assert!(
        index
            .header("content-type")
            .unwrap()
            .starts_with("text/html"),
        "{:?}",
        index.headers
    );
    for (path, ty) in [
        ("/web.js", "text/javascript"),
        ("/style.css", "text/css"),
        ("/web_bg.wasm", "application/wasm"),
    ] {
        let r = get(idp.addr(), path).await;
        assert_eq!(r.status, 200, "{path}");
        assert!(
            r.header("content-type").unwrap().starts_with(ty),
            "{path}: {:?}",
            r.headers
        );
    }
    assert!(
        get(idp.addr(), "/web_bg.wasm")
            .await
            .body
            .ends_with("folder")
    );
    let banner = samlscope_idp::urls(&idp, Path::new("/tmp/state"), &web);
    assert!(
        banner.contains(&format!("(from {})", dir.display())),
        "{banner}"
    );
}

#[tokio::test]
async fn without_a_page_the_index_says_how_to_get_it() {
    let idp = serving(WebPage::Missing).await;
    let index = get(idp.addr(), "/").await;
    assert_eq!(index.status, 200);
    let text = unescape(&index.body);
    for needle in [
        "/saml2/avoma/metadata",
        "cargo xtask web",
        "--web-dist",
        "cargo xtask dist",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
    assert_eq!(get(idp.addr(), "/web_bg.wasm").await.status, 404);
    let banner = samlscope_idp::urls(&idp, Path::new("/tmp/state"), &WebPage::Missing);
    assert!(
        banner.contains("index:") && banner.contains("cargo xtask web"),
        "{banner}"
    );
}
