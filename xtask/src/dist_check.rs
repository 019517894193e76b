//! The archive tested as a person without Rust uses it: its checksum verified, unpacked by the
//! system's `tar` into an empty folder, `./samlscope serve` run from there (no dist/ beside
//! it), and the page and the IdP asked for over HTTP. Bounded: 30 s to answer, then killed.

use anyhow::{Context, Result, bail, ensure};
use std::io::{BufRead as _, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::dist::{Archive, EXAMPLE_CONFIG};
use super::{on_path, run, workspace_root};

/// How long the unpacked server may take to print its URLs and answer.
const START_LIMIT: Duration = Duration::from_secs(30);
/// The largest answer read (the page's wasm is about 1.3 MB).
const MAX_BODY: u64 = 64 << 20;

pub fn check(archive: &Archive) -> Result<()> {
    verify_sha256(archive)?;
    let scratch = Scratch::new()?;
    run(
        "unpack the archive",
        Command::new("tar")
            .arg("-xzf")
            .arg(&archive.path)
            .arg("-C")
            .arg(&scratch.0),
    )?;
    let folder = scratch.0.join(&archive.stem);
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .with_context(|| format!("{} (the archive's folder)", folder.display()))?
        .map(|e| Ok(e?.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_>>()?;
    names.sort();
    for needed in [
        "LICENSES.md",
        "README.md",
        "samlscope",
        "samlscope.example.toml",
    ] {
        ensure!(
            names.iter().any(|n| n == needed),
            "{needed} missing from the archive (it holds {names:?})"
        );
    }
    ensure!(
        !names.iter().any(|n| n == "dist"),
        "the archive must not need a dist/ folder"
    );
    // The example is the configuration `serve` runs without --config, byte for byte.
    ensure!(
        std::fs::read(folder.join("samlscope.example.toml"))?
            == std::fs::read(workspace_root()?.join(EXAMPLE_CONFIG))?,
        "samlscope.example.toml differs from {EXAMPLE_CONFIG}"
    );
    let licences = std::fs::read_to_string(folder.join("LICENSES.md"))?;
    ensure!(
        licences.contains("| aws-lc-sys |") && licences.contains("| axum |"),
        "LICENSES.md does not list the linked crates:\n{licences}"
    );

    let server = Server::start(&folder, &scratch.0.join("state"))?;
    ensure!(
        server.banner.contains("embedded in this binary"),
        "the banner does not say the page is embedded:\n{}",
        server.banner
    );
    let index = server.get("/")?;
    index.ok("text/html")?;
    // The inspector's own index.html (copied verbatim into dist/), not the IdP's index.
    let inspector_index = std::fs::read(workspace_root()?.join("web").join("index.html"))?;
    ensure!(
        index.body == inspector_index,
        "GET / is not the inspector's index.html: {}",
        String::from_utf8_lossy(&index.body)
    );
    let wasm = server.get("/web_bg.wasm")?;
    wasm.ok("application/wasm")?;
    ensure!(
        wasm.body.starts_with(b"\0asm"),
        "GET /web_bg.wasm is not WebAssembly"
    );
    server.get("/web.js")?.ok("text/javascript")?;
    server.get("/style.css")?.ok("text/css")?;
    let apps = server.get("/api/apps")?;
    apps.ok("application/json")?;
    let apps: serde_json::Value = serde_json::from_slice(&apps.body)?;
    let app = apps[0]["label"]
        .as_str()
        .context("GET /api/apps lists no app")?;
    let metadata = server.get(&format!("/saml2/{app}/metadata"))?;
    metadata.ok("xml")?;
    ensure!(
        String::from_utf8_lossy(&metadata.body).contains(":EntityDescriptor"),
        "GET /saml2/{app}/metadata is not an EntityDescriptor"
    );
    let scenarios = server.get("/api/scenarios")?;
    scenarios.ok("application/json")?;
    let scenarios: serde_json::Value =
        serde_json::from_slice(&scenarios.body).context("GET /api/scenarios is not JSON")?;
    ensure!(
        scenarios.as_array().is_some_and(|a| !a.is_empty()),
        "GET /api/scenarios is not a list of scenarios"
    );
    eprintln!(
        "xtask: dist check: unpacked into an empty folder, `./samlscope serve` answered in {:.1}s: \
         / is the inspector ({} bytes), /web_bg.wasm application/wasm ({} bytes), \
         /saml2/{app}/metadata an EntityDescriptor, /api/scenarios {} scenarios",
        server.answered.as_secs_f64(),
        index.body.len(),
        wasm.body.len(),
        scenarios.as_array().map_or(0, Vec::len)
    );
    Ok(())
}

fn has_web_line(banner: &str) -> bool {
    banner
        .lines()
        .any(|l| l.starts_with("  inspector (web):") || l.starts_with("  index:"))
}

/// `sha256sum -c` (coreutils) on the written `.sha256`: the format users check it with.
fn verify_sha256(archive: &Archive) -> Result<()> {
    ensure!(
        on_path("sha256sum").is_some(),
        "sha256sum (coreutils) is needed to check {}",
        archive.sha256_path.display()
    );
    let dir = archive
        .sha256_path
        .parent()
        .context("checksum file has no folder")?;
    let out = Command::new("sha256sum")
        .arg("-c")
        .arg(&archive.sha256_path)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .context("sha256sum: cannot start")?;
    ensure!(
        out.status.success(),
        "sha256sum -c {}: {}{}",
        archive.sha256_path.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!(
        "xtask: dist check: {}",
        String::from_utf8_lossy(&out.stdout).trim()
    );
    Ok(())
}

/// An empty folder under the system's temp dir, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Self> {
        let dir = std::env::temp_dir().join(format!("samlscope-dist-check-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        Ok(Self(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The unpacked `samlscope serve`, killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
    banner: String,
    answered: Duration,
}

impl Server {
    /// Runs `./samlscope serve` in `folder` on a port the OS picks (no race for a free one),
    /// reads the address from its banner, and waits until the API answers.
    fn start(folder: &Path, state: &Path) -> Result<Self> {
        let started = Instant::now();
        let mut child = Command::new("./samlscope")
            .args(["serve", "--addr", "127.0.0.1:0", "--state-dir"])
            .arg(state)
            .current_dir(folder)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting the unpacked ./samlscope serve")?;
        let stdout = child.stdout.take().context("no stdout")?;
        // Lines arrive on a thread so that waiting for them is bounded by a deadline.
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Self {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            banner: String::new(),
            answered: Duration::ZERO,
        };
        // The banner's first line names the address, its second where the page comes from.
        while !has_web_line(&server.banner) {
            let left = START_LIMIT.saturating_sub(started.elapsed());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    server.banner.push_str(&line);
                    server.banner.push('\n');
                }
                Err(mpsc::RecvTimeoutError::Timeout) => bail!(
                    "./samlscope serve printed no URLs within {START_LIMIT:?}:\n{}",
                    server.banner
                ),
                Err(mpsc::RecvTimeoutError::Disconnected) => bail!(
                    "./samlscope serve exited ({:?}):\n{}",
                    server.child.try_wait(),
                    server.banner
                ),
            }
        }
        // The rest of the banner, for the log (it is printed at once).
        while let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
            server.banner.push_str(&line);
            server.banner.push('\n');
        }
        let url = server
            .banner
            .split_whitespace()
            .find_map(|w| w.strip_prefix("http://"))
            .context("no http:// URL in the banner")?;
        server.addr = url
            .trim_end_matches('/')
            .parse()
            .with_context(|| format!("the banner's address {url}"))?;
        loop {
            if server.get("/api/scenarios").is_ok_and(|r| r.status == 200) {
                break;
            }
            ensure!(
                started.elapsed() < START_LIMIT,
                "./samlscope serve did not answer within {START_LIMIT:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        server.answered = started.elapsed();
        eprint!(
            "xtask: dist check: the unpacked server says:\n{}",
            server.banner
        );
        Ok(server)
    }

    /// One GET over a fresh connection; HTTP/1.0 so that the body is never chunked.
    fn get(&self, path: &str) -> Result<Answer> {
        let mut s = TcpStream::connect_timeout(&self.addr, Duration::from_secs(5))?;
        s.set_read_timeout(Some(Duration::from_secs(10)))?;
        write!(s, "GET {path} HTTP/1.0\r\nHost: {}\r\n\r\n", self.addr)?;
        let mut buf = Vec::new();
        s.take(MAX_BODY).read_to_end(&mut buf)?;
        let split = buf
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .with_context(|| format!("GET {path}: no HTTP header"))?;
        let head = String::from_utf8_lossy(&buf[..split]).into_owned();
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .with_context(|| format!("GET {path}: no status in {head:?}"))?;
        let content_type = head
            .lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default();
        Ok(Answer {
            path: path.to_owned(),
            status,
            content_type,
            body: buf[split + 4..].to_vec(),
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Answer {
    path: String,
    status: u16,
    content_type: String,
    body: Vec<u8>,
}

impl Answer {
    /// A 200 whose Content-Type contains `ty`.
    fn ok(&self, ty: &str) -> Result<()> {
        ensure!(
            self.status == 200,
            "GET {}: HTTP {}: {}",
            self.path,
            self.status,
            String::from_utf8_lossy(&self.body)
        );
        ensure!(
            self.content_type.contains(ty),
            "GET {}: Content-Type {:?}, expected {ty}",
            self.path,
            self.content_type
        );
        Ok(())
    }
}
