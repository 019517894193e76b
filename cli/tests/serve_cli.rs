//! `samlscope serve` run as a person runs it, from a folder of their own: where the page comes
//! from (the binary, `--web-dist`, or nowhere, and then the index says how to get it), and a
//! `--web-dist` without a page refused at start. Loopback only; every wait is bounded.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead as _, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(30);

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("serve-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `samlscope serve` in `cwd` on a port the OS picks; killed when dropped.
struct Serve {
    child: Child,
    banner: String,
    addr: SocketAddr,
}

impl Serve {
    fn start(cwd: &Path, extra: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_samlscope"))
            .args(["serve", "--addr", "127.0.0.1:0", "--state-dir"])
            .arg(cwd.join("state"))
            .args(extra)
            .current_dir(cwd)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let started = Instant::now();
        let mut banner = String::new();
        // Up to the line that says where the page comes from (the second).
        while !banner
            .lines()
            .any(|l| l.starts_with("  inspector (web):") || l.starts_with("  index:"))
        {
            let line = rx
                .recv_timeout(LIMIT.saturating_sub(started.elapsed()))
                .unwrap_or_else(|e| panic!("no banner ({e}): {banner}"));
            banner.push_str(&line);
            banner.push('\n');
        }
        let addr = banner
            .split_whitespace()
            .find_map(|w| w.strip_prefix("http://"))
            .unwrap()
            .parse()
            .unwrap();
        Self {
            child,
            banner,
            addr,
        }
    }

    /// (status, content type, body) of one GET (HTTP/1.0: never chunked).
    fn get(&self, path: &str) -> (u16, String, Vec<u8>) {
        let mut s = TcpStream::connect_timeout(&self.addr, Duration::from_secs(5)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(s, "GET {path} HTTP/1.0\r\nHost: {}\r\n\r\n", self.addr).unwrap();
        let mut buf = Vec::new();
        s.take(16 << 20).read_to_end(&mut buf).unwrap();
        let split = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&buf[..split]).to_lowercase();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        let ty = head
            .lines()
            .find_map(|l| l.strip_prefix("content-type:"))
            .unwrap_or("")
            .trim()
            .to_owned();
        (status, ty, buf[split + 4..].to_vec())
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn serve_from_any_folder_serves_the_binary_page_or_says_how_to_get_it() {
    let cwd = scratch("empty");
    let serve = Serve::start(&cwd, &[]);
    let (status, ty, body) = serve.get("/");
    let body = String::from_utf8_lossy(&body);
    assert_eq!(status, 200);
    assert!(ty.starts_with("text/html"), "{ty}");
    if samlscope_idp::web::EMBEDDED.is_empty() {
        // A plain `cargo build` / `cargo install --path cli`: no page inside, no dist/ here.
        assert!(serve.banner.contains("index:"), "{}", serve.banner);
        for needle in [
            "cargo xtask web",
            "cargo xtask dist",
            "/saml2/avoma/metadata",
        ] {
            assert!(body.contains(needle), "{needle} missing from:\n{body}");
        }
        assert_eq!(serve.get("/web_bg.wasm").0, 404);
    } else {
        // Built by `cargo xtask dist`: the page is in the binary.
        assert!(
            serve.banner.contains("embedded in this binary"),
            "{}",
            serve.banner
        );
        assert!(body.contains("web.js"), "{body}");
        let (status, ty, wasm) = serve.get("/web_bg.wasm");
        assert_eq!((status, ty.as_str()), (200, "application/wasm"));
        assert!(wasm.starts_with(b"\0asm"));
    }
    // The IdP is served either way.
    let (status, _, md) = serve.get("/saml2/avoma/metadata");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&md).contains("EntityDescriptor"));
}

#[test]
fn web_dist_flag_serves_that_folder() {
    let cwd = scratch("flag");
    let page = cwd.join("my-page");
    std::fs::create_dir_all(&page).unwrap();
    std::fs::write(page.join("index.html"), "<title>page from the flag</title>").unwrap();
    std::fs::write(page.join("web_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    let serve = Serve::start(&cwd, &["--web-dist", "my-page"]);
    assert!(serve.banner.contains("(from my-page)"), "{}", serve.banner);
    let (status, _, body) = serve.get("/");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("page from the flag"));
    let (status, ty, _) = serve.get("/web_bg.wasm");
    assert_eq!((status, ty.as_str()), (200, "application/wasm"));
}

#[test]
fn web_dist_without_a_page_is_refused_at_start() {
    let cwd = scratch("refused");
    std::fs::create_dir_all(cwd.join("empty-page")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_samlscope"))
        .args(["serve", "--addr", "127.0.0.1:0", "--web-dist", "empty-page"])
        .arg("--state-dir")
        .arg(cwd.join("state"))
        .current_dir(&cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            panic!("serve kept running with a --web-dist that holds no page");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--web-dist empty-page: no index.html there")
            && stderr.contains("cargo xtask web"),
        "{stderr}"
    );
}
