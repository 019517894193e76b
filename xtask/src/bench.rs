//! `cargo xtask bench-idp` and `cargo xtask bench-batch`: the speed of what users run, measured
//! from outside the process against its same-run peer or floor (docs/performance.md).
//!
//! - `bench-idp [--long] [--seconds N]`: the release `samlscope serve` on a free 127.0.0.1
//!   port (a fresh state directory) under `wrk -t2 -c8` (Debian's; installed when missing),
//!   first doubly signed responses (Sign = both: two RSA-2048 signatures each), then
//!   single-signed ones; responses/s and p99 latency of each beside `openssl speed rsa2048`'s
//!   sign/s (the floor: sign/s × cores ÷ signatures per response). No non-2xx answer is
//!   allowed, and responses sampled during the load verify in `xmlsec1 --verify` (both
//!   signatures). The server's RSS before and after; `--long` makes the doubly signed run
//!   60 seconds.
//! - `bench-batch [--lines N]`: `samlscope check - --json` end to end (process start, N base64
//!   lines of one doubly signed response in, one JSON line per message out) against
//!   python-xmlsec verifying both signatures of the same response in-process
//!   (tests/benches/xmlsec_baseline.py), in alternating rounds; prints both and the ratio.

use anyhow::{Context, Result, bail, ensure};
use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{apt_install, cargo, on_path, run, target_dir, workspace_root};

const APP: &str = "avoma";
const USER: &str = "alice%40acmecorp.com";
const SAML_ID_ATTRS: [&str; 4] = [
    "--id-attr:ID",
    "urn:oasis:names:tc:SAML:2.0:protocol:Response",
    "--id-attr:ID",
    "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
];

pub fn bench_idp(args: &[String]) -> Result<()> {
    let long = args.iter().any(|a| a == "--long");
    let seconds: u64 = flag_value(args, "--seconds")?.unwrap_or(10);
    ensure!((1..=600).contains(&seconds), "--seconds must be 1 to 600");
    tool("wrk", "wrk")?;
    tool("xmlsec1", "xmlsec1")?;
    let samlscope = build_cli()?;
    let server = Server::start(&samlscope)?;
    let cert = server.scratch.join("idp.crt.pem");
    std::fs::write(&cert, server.get(&format!("/api/apps/{APP}/certificate"))?)?;
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let load_before = load_average();
    let floor = openssl_sign_per_second()?;
    // Warm-up: connections, allocator, caches.
    wrk(&server.url("valid-both"), 2)?;
    let rss_before = server.rss_kib()?;
    let both_seconds = if long { 60 } else { seconds };
    let both = load_run(&server, "valid-both", both_seconds, 2, &cert)?;
    let rss_after = server.rss_kib()?;
    let single = load_run(&server, "valid-assertion", seconds, 1, &cert)?;
    let load_after = load_average();
    drop(server);

    let per_core = floor;
    println!();
    println!(
        "bench-idp: samlscope serve on 127.0.0.1, wrk -t2 -c8 on the same machine ({cores} cores; load average {load_before} before, {load_after} after)"
    );
    println!("  openssl speed -seconds 3 rsa2048: {per_core:.0} sign/s per core");
    for (name, r, signatures) in [
        ("doubly signed (valid-both)", &both, 2.0),
        ("single-signed (valid-assertion)", &single, 1.0),
    ] {
        let floor = per_core * cores as f64 / signatures;
        println!(
            "  {name:<32} {:>7.0} responses/s  p50 {:>6.2} ms  p99 {:>6.2} ms  over {} s  = {:.0}% of the signing floor ({floor:.0}/s: {per_core:.0} × {cores} cores ÷ {signatures})",
            r.per_second,
            r.p50_ms,
            r.p99_ms,
            r.seconds,
            100.0 * r.per_second / floor,
        );
    }
    let sign_us = 1e6 / per_core;
    for (name, r, signatures) in [
        ("doubly signed", &both, 2.0),
        ("single-signed", &single, 1.0),
    ] {
        if let Some(cpu) = r.cpu_us {
            println!(
                "  server CPU per {name} response: {cpu:.0} µs, of which {:.0} µs are {signatures} signature(s) at openssl's rate ({:.0}%)",
                sign_us * signatures,
                100.0 * sign_us * signatures / cpu
            );
            if let Some(wrk) = r.wrk_cpu_us {
                let capacity = cores as f64 * 1e6 / (cpu + wrk);
                println!(
                    "    with wrk's {wrk:.0} µs per request: {cores} cores running nothing else would serve {capacity:.0} {name} responses/s ({:.0}% of the floor)",
                    100.0 * capacity / (per_core * cores as f64 / signatures)
                );
            }
        }
    }
    println!(
        "  xmlsec1 --verify: {} of {} sampled doubly signed responses (both signatures each), {} of {} single-signed",
        both.verified, both.sampled, single.verified, single.sampled
    );
    println!(
        "  server RSS: {:.1} MiB before the {both_seconds}-second doubly signed run, {:.1} MiB after ({:+.1} MiB)",
        rss_before as f64 / 1024.0,
        rss_after as f64 / 1024.0,
        (rss_after as f64 - rss_before as f64) / 1024.0
    );
    println!(
        "  targets (issue 26): >= 2,500 doubly signed/s with p99 < 20 ms: {}; >= 4,000 single-signed/s: {}",
        met(both.per_second >= 2500.0 && both.p99_ms < 20.0),
        met(single.per_second >= 4000.0)
    );
    Ok(())
}

fn met(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT met" }
}

pub fn bench_batch(args: &[String]) -> Result<()> {
    let lines: usize = flag_value(args, "--lines")?.unwrap_or(20_000);
    ensure!(
        (1..=1_000_000).contains(&lines),
        "--lines must be 1 to 1000000"
    );
    let rounds: usize = flag_value(args, "--rounds")?.unwrap_or(3);
    ensure!((1..=20).contains(&rounds), "--rounds must be 1 to 20");
    ensure!(
        Command::new("python3")
            .args(["-c", "import xmlsec, lxml"])
            .stdin(Stdio::null())
            .output()
            .is_ok_and(|o| o.status.success()),
        "python-xmlsec is missing: run `cargo xtask setup` first (it installs lxml and xmlsec)"
    );
    let samlscope = build_cli()?;
    // One fresh doubly signed response from the mock IdP, and its certificate.
    let server = Server::start(&samlscope)?;
    let xml = server.get(&server.path("valid-both"))?;
    let scratch = server.scratch.clone();
    let cert = scratch.join("idp.crt.pem");
    std::fs::write(&cert, server.get(&format!("/api/apps/{APP}/certificate"))?)?;
    let config = server.get("/api/apps")?;
    drop(server);
    ensure!(
        xml.matches("<ds:Signature ").count() == 2,
        "the valid-both response does not carry two signatures"
    );
    let response = scratch.join("response.xml");
    std::fs::write(&response, &xml)?;
    let b64 = base64(xml.as_bytes());
    let input = scratch.join("lines.b64");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&input)?);
        for _ in 0..lines {
            f.write_all(b64.as_bytes())?;
            f.write_all(b"\n")?;
        }
        f.flush()?;
    }
    // Judged as of its own IssueInstant, so a slow run never sees it expire.
    let issued = attribute(&xml, "IssueInstant").context("no IssueInstant in the response")?;
    ensure!(
        config.contains("https://app.avoma.com")
            && config.contains("https://prod-api.avoma.com/saml2/acs"),
        "the bundled avoma app changed: update bench-batch's SP settings"
    );
    // (wall seconds, CPU seconds, JSON bytes per line)
    let check = |json: &str| -> Result<(f64, f64, usize)> {
        let cpu_before = cpu_seconds("self", true).unwrap_or(0.0);
        let t = Instant::now();
        let out = Command::new(&samlscope)
            .args(["check", "-", "--idp-cert"])
            .arg(&cert)
            .args([
                "--sp-entity-id",
                "https://app.avoma.com",
                "--acs-url",
                "https://prod-api.avoma.com/saml2/acs",
                "--now",
                issued.as_str(),
                json,
            ])
            .stdin(std::fs::File::open(&input)?)
            .stderr(Stdio::piped())
            .output()
            .context("running samlscope check")?;
        let secs = t.elapsed().as_secs_f64();
        let cpu = cpu_seconds("self", true).unwrap_or(0.0) - cpu_before;
        let valid = out
            .stdout
            .split(|&b| b == b'\n')
            .filter(|l| l.starts_with(b"{\"input\":") && contains(l, b"\"verdict\":\"valid\""))
            .count();
        ensure!(
            out.status.success() && valid == lines,
            "samlscope check {json}: exit {}, {valid} of {lines} lines valid: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        Ok((secs, cpu, out.stdout.len() / lines.max(1)))
    };
    // (responses/s by the median batch, CPU µs per response over the whole process, cores
    // used: CPU seconds per wall second)
    let python = |seconds: &str| -> Result<(f64, f64, f64)> {
        let cpu_before = cpu_seconds("self", true).unwrap_or(0.0);
        let t = Instant::now();
        let out = Command::new("python3")
            .arg(workspace_root()?.join("tests/benches/xmlsec_baseline.py"))
            .arg(&response)
            .arg(&cert)
            .arg(seconds)
            .stdin(Stdio::null())
            .output()
            .context("running tests/benches/xmlsec_baseline.py")?;
        let text = String::from_utf8_lossy(&out.stdout);
        ensure!(out.status.success(), "xmlsec_baseline.py failed: {text}");
        let cpu = cpu_seconds("self", true).unwrap_or(0.0) - cpu_before;
        let cores = cpu / t.elapsed().as_secs_f64();
        // "python-xmlsec: 1480 responses/s (… median of 225 batches of 20; …)"
        let rate = text
            .split_whitespace()
            .nth(1)
            .and_then(|n| n.parse::<f64>().ok());
        let batches = text
            .split("median of ")
            .nth(1)
            .and_then(|t| t.split_whitespace().next())
            .and_then(|n| n.parse::<f64>().ok());
        match (rate, batches) {
            // One verification before the batches, then 20 per batch.
            (Some(rate), Some(b)) => Ok((rate, cpu * 1e6 / (b * 20.0 + 1.0), cores)),
            _ => bail!("unexpected baseline output: {text}"),
        }
    };
    let load_before = load_average();
    // Warm-up of both (page cache, CPU frequency), not counted.
    check("--json")?;
    python("1")?;
    let mut own = Vec::new();
    let mut own_cpu = Vec::new();
    let mut py = Vec::new();
    let mut py_cpu = Vec::new();
    let mut own_cores = Vec::new();
    let mut py_cores = Vec::new();
    let mut bytes_per_line = 0;
    for round in 0..rounds {
        let (secs, cpu, per_line) = check("--json")?;
        bytes_per_line = per_line;
        own_cpu.push(cpu * 1e6 / lines as f64);
        own_cores.push(cpu / secs);
        let (p, p_cpu, p_cores) = python("3")?;
        py_cores.push(p_cores);
        own.push(lines as f64 / secs);
        py.push(p);
        py_cpu.push(p_cpu);
        eprintln!(
            "xtask: bench-batch round {}: samlscope {:.0} responses/s end to end, python-xmlsec {p:.0}/s in-process",
            round + 1,
            lines as f64 / secs
        );
    }
    let (full_secs, _, full_bytes) = check("--json-full")?;
    let load_after = load_average();
    let ratios: Vec<f64> = own.iter().zip(&py).map(|(o, p)| o / p).collect();
    let (own_m, py_m, ratio_m) = (median(&own), median(&py), median(&ratios));
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    println!();
    println!(
        "bench-batch: {lines} base64 lines of one {}-byte doubly signed mock-IdP response ({cores} cores; load average {load_before} before, {load_after} after)",
        xml.len()
    );
    println!(
        "  samlscope check - --json       {own_m:>8.0} responses/s end to end (median of {rounds}; process start, decode, validate, {bytes_per_line} bytes of JSON per line)"
    );
    println!(
        "  python-xmlsec (both signatures) {py_m:>7.0} responses/s in-process, one core (median of {rounds} rounds, each the median of 20-verification batches over 3 s)"
    );
    println!(
        "  ratio: {ratio_m:.1}x (median of the per-round ratios; rounds {})",
        ratios
            .iter()
            .map(|r| format!("{r:.1}x"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let (cpu_m, py_cpu_m) = (median(&own_cpu), median(&py_cpu));
    println!(
        "  CPU per response: samlscope {cpu_m:.0} µs (all threads, process start included), python-xmlsec {py_cpu_m:.0} µs (interpreter start included): {:.1}x less CPU",
        py_cpu_m / cpu_m
    );
    // Linux shares CPU between sessions (autogroups), not threads: while other sessions
    // build, samlscope's threads together get about what python's one thread gets, and the
    // wall ratio falls toward the CPU ratio. These say how much of the machine each side had.
    println!(
        "  cores used (CPU ÷ wall, medians): samlscope {:.2} of {cores}, python-xmlsec {:.2} of 1",
        median(&own_cores),
        median(&py_cores)
    );
    println!(
        "  samlscope check - --json-full  {:>8.0} responses/s ({full_bytes} bytes per line; one run, for comparison)",
        lines as f64 / full_secs
    );
    println!(
        "  target (issue 26): >= 10x python-xmlsec: {}",
        met(ratio_m >= 10.0)
    );
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(())
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s.get(s.len() / 2).copied().unwrap_or(0.0)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The value of the first `name="…"` attribute in `xml`.
fn attribute(xml: &str, name: &str) -> Option<String> {
    let at = xml.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = xml[at..].find('"')?;
    Some(xml[at..at + end].to_owned())
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn flag_value<T: std::str::FromStr>(args: &[String], flag: &str) -> Result<Option<T>> {
    match args.iter().position(|a| a == flag) {
        None => Ok(None),
        Some(i) => {
            let v = args
                .get(i + 1)
                .with_context(|| format!("{flag} needs a value"))?;
            v.parse()
                .map(Some)
                .map_err(|_| anyhow::anyhow!("{flag} {v}: not a number"))
        }
    }
}

/// A Debian tool the bench needs, installed when missing (as `setup` installs its own).
fn tool(bin: &str, package: &str) -> Result<()> {
    if on_path(bin).is_none() {
        apt_install(&[package])?;
        ensure!(
            on_path(bin).is_some(),
            "{package} installed but `{bin}` is not on PATH"
        );
    }
    Ok(())
}

fn build_cli() -> Result<PathBuf> {
    run(
        "build the release CLI",
        cargo().args(["build", "--release", "-p", "samlscope"]),
    )?;
    Ok(target_dir()?.join("release").join("samlscope"))
}

/// CPU seconds (user + system) from a `/proc/…/stat` line: the process's own (fields 14 and
/// 15) or, with `children`, those of its children waited for (16 and 17).
fn cpu_seconds(pid: &str, children: bool) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name, in parentheses, may hold spaces: count fields after it.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let at = if children { 13 } else { 11 };
    let ticks: f64 =
        fields.get(at)?.parse::<f64>().ok()? + fields.get(at + 1)?.parse::<f64>().ok()?;
    // USER_HZ is 100 on Linux.
    Some(ticks / 100.0)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

/// `openssl speed -seconds 3 rsa2048`: RSA-2048 signatures per second on one core.
fn openssl_sign_per_second() -> Result<f64> {
    let out = Command::new("openssl")
        .args(["speed", "-seconds", "3", "rsa2048"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .context("running openssl speed")?;
    let text = String::from_utf8_lossy(&out.stdout);
    // "rsa 2048 bits 0.000286s 0.000018s   3498.5  56180.6": sign/s is the fifth number.
    text.lines()
        .find(|l| l.starts_with("rsa") && l.contains("2048 bits"))
        .and_then(|l| l.split_whitespace().nth(5))
        .and_then(|n| n.parse().ok())
        .with_context(|| format!("unexpected openssl speed output: {text}"))
}

/// `samlscope serve` on a free loopback port with a fresh state directory; killed on drop.
struct Server {
    child: Child,
    addr: SocketAddr,
    scratch: PathBuf,
}

impl Server {
    fn start(samlscope: &Path) -> Result<Self> {
        let scratch = std::env::temp_dir().join(format!("samlscope-bench-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&scratch);
        std::fs::create_dir_all(&scratch)?;
        // A free port: bound by the OS, released, then given to the server.
        let addr = TcpListener::bind("127.0.0.1:0")?.local_addr()?;
        let log = std::fs::File::create(scratch.join("serve.log"))?;
        let child = Command::new(samlscope)
            .arg("serve")
            .arg("--addr")
            .arg(addr.to_string())
            .arg("--state-dir")
            .arg(scratch.join("state"))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .context("starting samlscope serve")?;
        let server = Self {
            child,
            addr,
            scratch,
        };
        let started = Instant::now();
        while server.get("/api/apps").is_err() {
            if started.elapsed() > Duration::from_secs(60) {
                bail!(
                    "samlscope serve did not answer within 60 s (log: {})",
                    server.scratch.join("serve.log").display()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(server)
    }

    fn path(&self, scenario: &str) -> String {
        format!("/api/apps/{APP}/responses/{scenario}?user={USER}&format=xml")
    }

    fn url(&self, scenario: &str) -> String {
        format!("http://{}{}", self.addr, self.path(scenario))
    }

    /// GET over a fresh connection (HTTP/1.0: no chunking); the body of a 200, else an error.
    fn get(&self, path: &str) -> Result<String> {
        let mut s = TcpStream::connect_timeout(&self.addr, Duration::from_secs(5))?;
        s.set_read_timeout(Some(Duration::from_secs(30)))?;
        write!(s, "GET {path} HTTP/1.0\r\nHost: {}\r\n\r\n", self.addr)?;
        let mut buf = Vec::new();
        s.read_to_end(&mut buf)?;
        let text = String::from_utf8(buf).context("a non-UTF-8 answer")?;
        let (head, body) = text.split_once("\r\n\r\n").context("no HTTP header")?;
        let status = head.split(' ').nth(1).unwrap_or("");
        ensure!(status == "200", "GET {path}: HTTP {status}: {body}");
        Ok(body.to_owned())
    }

    /// The server's CPU seconds so far.
    fn cpu_seconds(&self) -> Option<f64> {
        cpu_seconds(&self.child.id().to_string(), false)
    }

    /// The server's resident set size, KiB.
    fn rss_kib(&self) -> Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .context("no VmRSS in /proc/PID/status")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(self.scratch.join("state"));
    }
}

struct LoadResult {
    /// The server's CPU time per response, µs: what the machine's other load moves least.
    cpu_us: Option<f64>,
    /// wrk's CPU time per response, µs.
    wrk_cpu_us: Option<f64>,
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    seconds: u64,
    sampled: usize,
    verified: usize,
}

/// `wrk` for `seconds` against one scenario while this thread samples a response about once a
/// second from the same endpoint; then every sample must verify in xmlsec1.
fn load_run(
    server: &Server,
    scenario: &str,
    seconds: u64,
    signatures: usize,
    cert: &Path,
) -> Result<LoadResult> {
    let url = server.url(scenario);
    let cpu_before = server.cpu_seconds();
    let wrk_cpu_before = cpu_seconds("self", true);
    let wrk = std::thread::scope(|s| {
        let load = s.spawn(|| wrk(&url, seconds));
        let mut samples = Vec::new();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(seconds.saturating_sub(1).max(1))
            && !load.is_finished()
        {
            std::thread::sleep(Duration::from_millis(900));
            samples.push(server.get(&server.path(scenario)));
        }
        (load.join(), samples)
    });
    let (out, samples) = wrk;
    let cpu = server
        .cpu_seconds()
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    // wrk is the only child waited for during the run.
    let wrk_cpu = cpu_seconds("self", true)
        .zip(wrk_cpu_before)
        .map(|(after, before)| after - before);
    let out = out.map_err(|_| anyhow::anyhow!("the wrk thread panicked"))??;
    let report = parse_wrk(&out).with_context(|| format!("unexpected wrk output:\n{out}"))?;
    ensure!(
        !out.contains("Non-2xx") && !out.contains("Socket errors"),
        "{scenario}: errors under load:\n{out}"
    );
    let mut verified = 0;
    let sampled = samples.len();
    for (i, sample) in samples.into_iter().enumerate() {
        let xml =
            sample.with_context(|| format!("{scenario}: a sample request failed under load"))?;
        ensure!(
            xml.matches("<ds:Signature ").count() == signatures,
            "{scenario}: a sample does not carry {signatures} signature(s)"
        );
        xmlsec1_verify(&server.scratch, &xml, cert, &format!("{scenario}-{i}"))?;
        if signatures == 2 {
            // xmlsec1 verifies the first signature it finds (the Response's): without it, the
            // Assertion's.
            let start = xml.find("<ds:Signature ").context("no signature")?;
            let end = xml[start..]
                .find("</ds:Signature>")
                .context("no signature end")?
                + start
                + "</ds:Signature>".len();
            let inner = format!("{}{}", &xml[..start], &xml[end..]);
            xmlsec1_verify(
                &server.scratch,
                &inner,
                cert,
                &format!("{scenario}-{i}-assertion"),
            )?;
        }
        verified += 1;
    }
    ensure!(sampled > 0, "{scenario}: no sample was taken");
    let requests = out
        .lines()
        .find(|l| l.contains("requests in"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse::<f64>().ok());
    let per_request = |c: f64, n: f64| c * 1e6 / (n + sampled as f64).max(1.0);
    Ok(LoadResult {
        cpu_us: cpu.zip(requests).map(|(c, n)| per_request(c, n)),
        wrk_cpu_us: wrk_cpu.zip(requests).map(|(c, n)| per_request(c, n)),
        per_second: report.0,
        p50_ms: report.1,
        p99_ms: report.2,
        seconds,
        sampled,
        verified,
    })
}

fn xmlsec1_verify(dir: &Path, xml: &str, cert: &Path, name: &str) -> Result<()> {
    let file = dir.join(format!("{name}.xml"));
    std::fs::write(&file, xml)?;
    let out = Command::new("xmlsec1")
        .args(["--verify", "--pubkey-cert-pem"])
        .arg(cert)
        .args(SAML_ID_ATTRS)
        .arg(&file)
        .stdin(Stdio::null())
        .output()
        .context("running xmlsec1")?;
    ensure!(
        out.status.success(),
        "xmlsec1 --verify rejected {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_file(&file);
    Ok(())
}

/// `wrk -t2 -c8 -dNs --latency URL` (bounded: wrk stops itself after N seconds).
fn wrk(url: &str, seconds: u64) -> Result<String> {
    let out = Command::new("wrk")
        .args(["-t2", "-c8", &format!("-d{seconds}s"), "--latency", url])
        .stdin(Stdio::null())
        .output()
        .context("running wrk")?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    ensure!(out.status.success(), "wrk failed: {text}");
    Ok(text)
}

/// (requests/s, p50 ms, p99 ms) from wrk's output.
fn parse_wrk(out: &str) -> Option<(f64, f64, f64)> {
    let per_second = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())?;
    let percentile = |p: &str| {
        out.lines()
            .find_map(|l| l.trim().strip_prefix(p))
            .and_then(|v| millis(v.trim()))
    };
    Some((per_second, percentile("50%")?, percentile("99%")?))
}

/// wrk's latency ("812.00us", "4.58ms", "1.02s") in milliseconds.
fn millis(v: &str) -> Option<f64> {
    let split = v.find(|c: char| c.is_ascii_alphabetic())?;
    let (n, unit) = v.split_at(split);
    let n: f64 = n.parse().ok()?;
    Some(match unit {
        "us" => n / 1000.0,
        "ms" => n,
        "s" => n * 1000.0,
        "m" => n * 60_000.0,
        _ => return None,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn wrk_output_is_read() {
        let out = "  Latency Distribution\n     50%    4.58ms\n     75%    6.00ms\n     90%  812.00us\n     99%   1.02s\n  23393 requests in 10.03s, 169.13MB read\nRequests/sec:   2331.60\nTransfer/sec:     16.86MB\n";
        assert_eq!(parse_wrk(out), Some((2331.6, 4.58, 1020.0)));
        assert_eq!(millis("812.00us"), Some(0.812));
    }

    #[test]
    fn base64_matches_the_standard_alphabet_with_padding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"<x a=\"\xff\"/>"), "PHggYT0i/yIvPg==");
    }

    #[test]
    fn attributes_are_found() {
        let xml = "<R ID=\"_1\" IssueInstant=\"2026-12-07T20:55:58Z\" Version=\"2.0\">";
        assert_eq!(
            attribute(xml, "IssueInstant").as_deref(),
            Some("2026-12-07T20:55:58Z")
        );
        assert_eq!(attribute(xml, "Missing"), None);
    }
}
