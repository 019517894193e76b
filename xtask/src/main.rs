//! `cargo xtask …`: the project's own build and CI steps, so a fresh machine needs nothing but
//! the Rust toolchain. `setup` installs what the tests need (wasm target, headless Chromium,
//! Debian and PyPI oracles); `web` builds the inspector page into `dist/`; `serve` builds the
//! page and runs the server; `dist` writes the release archive (one static binary with the
//! page inside) and checks it; `test` is exactly what CI runs; `wasm-test-runner` is the cargo
//! runner for `cargo test --target wasm32-unknown-unknown` (see `.cargo/config.toml`).
//!
//! wasm-bindgen is used as a library (`wasm-bindgen-cli`, pinned to the same exact version as
//! the page's `wasm-bindgen` in the workspace lockfile), so nothing is installed with
//! `cargo install` and nothing is downloaded besides crates.

mod bench;
mod dist;
mod dist_check;

use anyhow::{Context, Result, bail};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// Size-optimised release profile of the page (root Cargo.toml).
const WEB_PROFILE: &str = "wasm-release";
/// Debian packages: (binary that proves it is installed, package).
const APT: [(&str, &str); 4] = [
    ("chromium", "chromium"),
    ("chromedriver", "chromium-driver"),
    ("xmlsec1", "xmlsec1"),
    // The C compiler for the static release binary's C crates (aws-lc, mimalloc): `dist`.
    ("musl-gcc", "musl-tools"),
];
/// PyPI oracles: (module to import, package).
const PIP: [(&str, &str); 3] = [
    ("lxml", "lxml"),
    ("xmlsec", "xmlsec"),
    ("signxml", "signxml"),
];

const USAGE: &str = "usage: cargo xtask <command>
  setup             wasm and musl targets, Chromium + chromedriver, xmlsec1, musl-tools, Python oracles (lxml, xmlsec, signxml),
                    the real SP libraries of the interop suite (under target/sp-interop)
  web               build the inspector page into dist/ (release wasm + wasm-bindgen)
  serve [ARGS…]     wasm target, web, then `samlscope serve --web-dist dist [ARGS…]` (prints its URLs)
  dist [--check]    the release archive target/dist/samlscope-VERSION-x86_64-unknown-linux-musl.tar.gz (+ .sha256):
                    the static musl binary with the page embedded, README, licences, example config; then unpacks it
                    into an empty folder and checks that `./samlscope serve` serves the page and the IdP
                    (--check: only check the archive already written)
  test              setup, fmt, clippy, core for wasm32, web, all native tests, core's tests in headless Chromium,
                    dist (the release archive, built and checked)
  sp-matrix         install the SP libraries (as setup does), run the real-SP interop suite and
                    write docs/sp-matrix.md
  bench-idp [--long] [--seconds N]  the release server under wrk: doubly and single-signed responses/s, p99, vs openssl's RSA signing floor
  bench-batch [--lines N] [--rounds N]  `samlscope check - --json` end to end vs python-xmlsec on the same doubly signed response
  wasm-test-runner  cargo runner for wasm32 tests (configured in .cargo/config.toml)";

fn main() -> ExitCode {
    match run_command() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // The cause chain, without the backtrace RUST_BACKTRACE=1 would add to a returned error.
            eprintln!("xtask: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_command() -> Result<()> {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let command = args.first().and_then(|a| a.to_str()).unwrap_or("");
    // The runner gets paths relative to the caller's directory: do not move before it runs.
    if command == "wasm-test-runner" {
        return wasm_test_runner(&args[1..]);
    }
    std::env::set_current_dir(workspace_root()?)?;
    let rest: Vec<String> = args[1.min(args.len())..]
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    match command {
        "setup" => setup(),
        "web" => web().map(|_| ()),
        "serve" => serve(&rest),
        "dist" => dist::dist(&rest),
        "test" => test(),
        "sp-matrix" => sp_interop().and_then(|()| {
            run(
                "sp-matrix",
                cargo()
                    .args(["test", "-p", "samlscope-tests", "--test", "sp_interop"])
                    .env("SAMLSCOPE_WRITE_SP_MATRIX", "1"),
            )
        }),
        "bench-idp" => bench::bench_idp(&rest),
        "bench-batch" => bench::bench_batch(&rest),
        _ => {
            eprintln!("{USAGE}");
            bail!("unknown or missing command `{command}`");
        }
    }
}

fn workspace_root() -> Result<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map(Path::to_path_buf)
        .context("xtask has no parent directory")
}

fn target_dir() -> Result<PathBuf> {
    for var in ["CARGO_TARGET_DIR", "CARGO_BUILD_TARGET_DIR"] {
        if let Some(dir) = std::env::var_os(var).filter(|d| !d.is_empty()) {
            return Ok(PathBuf::from(dir));
        }
    }
    Ok(workspace_root()?.join("target"))
}

fn ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn run(what: &str, cmd: &mut Command) -> Result<()> {
    eprintln!("xtask: {what}: {cmd:?}");
    let status = cmd
        .stdin(Stdio::null())
        .status()
        .with_context(|| format!("{what}: cannot start"))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}

fn succeeds(cmd: &mut Command) -> bool {
    cmd.stdin(Stdio::null())
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn on_path(bin: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(bin))
        .find(|candidate| candidate.is_file())
}

/// Under CI a failed install is fatal (a skipped oracle proves nothing); by hand it warns.
fn soft(what: &str, result: Result<()>) -> Result<()> {
    match result {
        Ok(()) => Ok(()),
        Err(e) if ci() => Err(e.context(format!("{what} (required under CI=true)"))),
        Err(e) => {
            eprintln!("xtask: warning: {what}: {e:#}");
            Ok(())
        }
    }
}

/// The wasm target of the pinned toolchain (rust-toolchain.toml); never `rustup update`.
/// `RUSTUP_AUTO_INSTALL=0` machines do not add it on their own.
fn wasm_target() -> Result<()> {
    run(
        "wasm target",
        Command::new("rustup").args(["target", "add", WASM_TARGET]),
    )
}

/// The release archive's target (`dist`), likewise from the pinned toolchain.
fn musl_target() -> Result<()> {
    run(
        "musl target",
        Command::new("rustup").args(["target", "add", dist::TARGET]),
    )
}

fn setup() -> Result<()> {
    wasm_target()?;
    musl_target()?;
    // Listed in rust-toolchain.toml, but not installed on their own under RUSTUP_AUTO_INSTALL=0.
    run(
        "rustfmt and clippy",
        Command::new("rustup").args(["component", "add", "rustfmt", "clippy"]),
    )?;
    let apt_missing: Vec<&str> = APT
        .iter()
        .filter(|(bin, _)| on_path(bin).is_none())
        .map(|(_, pkg)| *pkg)
        .collect();
    if apt_missing.is_empty() {
        eprintln!("xtask: Debian packages present: chromium, chromium-driver, xmlsec1, musl-tools");
    } else {
        soft("Debian packages", apt_install(&apt_missing))?;
    }
    let py_missing: Vec<&str> = PIP
        .iter()
        .filter(|(module, _)| {
            !succeeds(Command::new("python3").args(["-c", &format!("import {module}")]))
        })
        .map(|(_, pkg)| *pkg)
        .collect();
    if py_missing.is_empty() {
        eprintln!("xtask: Python oracles present: lxml, xmlsec, signxml");
    } else {
        soft("Python oracles", pip_install(&py_missing))?;
    }
    let wasm_opt = npm_wasm_opt()?;
    if wasm_opt.is_file() {
        eprintln!("xtask: wasm-opt present: {}", wasm_opt.display());
    } else {
        let prefix = workspace_root()?.join("target").join("tools");
        soft(
            "wasm-opt (binaryen from npm)",
            run(
                "npm install binaryen",
                Command::new("npm")
                    .args([
                        "install",
                        "--no-save",
                        "--no-audit",
                        "--no-fund",
                        "--prefix",
                    ])
                    .arg(&prefix)
                    .arg(BINARYEN),
            ),
        )?;
    }
    sp_interop()
}

/// The real SP libraries the interop suite (`tests/tests/sp_interop.rs`) runs, from the package
/// registries, at the exact versions pinned under tests/sp-interop/: Debian's ruby-saml (and
/// ruby; xmlsec1 for pysaml2 is above), a Python venv (requirements.txt) and two npm trees (the
/// current libraries, and the known-vulnerable stack pinned to be caught). Each is installed
/// only when missing or when its pins changed; each is required under CI.
fn sp_interop() -> Result<()> {
    let src = workspace_root()?.join("tests").join("sp-interop");
    let dst = target_dir()?.join("sp-interop");
    if succeeds(Command::new("ruby").args(["-e", "require 'onelogin/ruby-saml'"])) {
        eprintln!("xtask: ruby-saml present");
    } else {
        soft("ruby-saml (Debian)", apt_install(&["ruby", "ruby-saml"]))?;
    }
    soft("SP libraries (Python venv)", sp_venv(&src, &dst))?;
    for tree in ["node-current", "node-vulnerable"] {
        soft(
            &format!("SP libraries (npm, {tree})"),
            sp_npm(&src.join(tree), &dst.join(tree)),
        )?;
    }
    Ok(())
}

/// Whether `dst` holds a copy of `src` (the stamp of an install made from that pin file).
fn same_file(src: &Path, dst: &Path) -> bool {
    matches!((std::fs::read(src), std::fs::read(dst)), (Ok(a), Ok(b)) if a == b)
}

fn sp_venv(src: &Path, dst: &Path) -> Result<()> {
    let venv = dst.join("venv");
    let pins = src.join("requirements.txt");
    let stamp = venv.join("requirements.txt");
    let python = venv.join("bin").join("python3");
    if python.is_file() && same_file(&pins, &stamp) {
        eprintln!("xtask: SP libraries present: {}", venv.display());
        return Ok(());
    }
    std::fs::create_dir_all(dst)?;
    run(
        "python3 -m venv",
        Command::new("python3")
            .args(["-m", "venv", "--clear"])
            .arg(&venv),
    )?;
    run(
        "pip install (SP libraries)",
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(&pins),
    )?;
    std::fs::copy(&pins, &stamp)?;
    Ok(())
}

fn sp_npm(src: &Path, dst: &Path) -> Result<()> {
    let lock = "package-lock.json";
    // Written once `npm ci` succeeded: a half-made tree is never taken for an install.
    let stamp = dst
        .join("node_modules")
        .join(".samlscope-package-lock.json");
    if same_file(&src.join(lock), &stamp) {
        eprintln!("xtask: SP libraries present: {}", dst.display());
        return Ok(());
    }
    std::fs::create_dir_all(dst)?;
    for file in ["package.json", lock] {
        std::fs::copy(src.join(file), dst.join(file))
            .with_context(|| format!("copy {}", src.join(file).display()))?;
    }
    // `npm ci`: exactly the lockfile's tree (its `overrides` included), nothing resolved anew.
    run(
        "npm ci (SP libraries)",
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--prefix"])
            .arg(dst),
    )?;
    std::fs::copy(src.join(lock), &stamp)?;
    Ok(())
}

/// binaryen from the npm registry: Debian's wasm-opt is too old to read current wasm
/// (reference types, bulk memory). Installed under target/, which `cargo xtask web` looks in
/// first; nothing there is kept that cannot be installed again.
const BINARYEN: &str = "binaryen@132.0.0";

fn npm_wasm_opt() -> Result<PathBuf> {
    Ok(workspace_root()?
        .join("target")
        .join("tools")
        .join("node_modules")
        .join(".bin")
        .join("wasm-opt"))
}

fn apt_install(packages: &[&str]) -> Result<()> {
    // Root on CI containers; elsewhere sudo without a password prompt (never interactive).
    let sudo: Vec<&str> = if is_root() {
        vec![]
    } else if on_path("sudo").is_some() {
        vec!["sudo", "-n"]
    } else {
        bail!(
            "not root and no sudo: install {} by hand (apt-get install {})",
            packages.join(", "),
            packages.join(" ")
        );
    };
    let apt = |args: &[&str]| {
        let mut argv = sudo.clone();
        argv.push("apt-get");
        argv.extend_from_slice(args);
        let mut cmd = Command::new(argv[0]);
        cmd.args(&argv[1..])
            .env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    run("apt-get update", &mut apt(&["update", "-qq"]))?;
    let mut install = vec!["install", "-y", "-qq", "--no-install-recommends"];
    install.extend_from_slice(packages);
    run("apt-get install", &mut apt(&install))?;
    for (bin, pkg) in APT {
        if packages.contains(&pkg) && on_path(bin).is_none() {
            bail!("{pkg} installed but `{bin}` is not on PATH");
        }
    }
    Ok(())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn pip_install(packages: &[&str]) -> Result<()> {
    let pip = |extra: &[&str]| {
        let mut cmd = Command::new("python3");
        cmd.args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(extra)
        .args(packages);
        cmd
    };
    let first = run("pip install", &mut pip(&[]));
    if first.is_err() && ci() {
        // A Debian system Python refuses pip (PEP 668); on a throw-away CI machine that is
        // exactly where the oracles belong.
        run(
            "pip install --break-system-packages",
            &mut pip(&["--break-system-packages"]),
        )?;
    } else {
        first?;
    }
    for (module, pkg) in PIP {
        if packages.contains(&pkg)
            && !succeeds(Command::new("python3").args(["-c", &format!("import {module}")]))
        {
            bail!("{pkg} installed but `import {module}` fails");
        }
    }
    Ok(())
}

/// Builds the page into `dist/`: release wasm, wasm-bindgen (`--target web`), optional
/// wasm-opt, index.html and the stylesheet. Returns the dist directory.
fn web() -> Result<PathBuf> {
    wasm_target()?;
    let root = workspace_root()?;
    run(
        "web (wasm32)",
        cargo().args([
            "build",
            "-p",
            "samlscope-web",
            "--bin",
            "samlscope-web",
            "--target",
            WASM_TARGET,
            "--profile",
            WEB_PROFILE,
        ]),
    )?;
    let wasm = target_dir()?
        .join(WASM_TARGET)
        .join(WEB_PROFILE)
        .join("samlscope-web.wasm");
    if !wasm.is_file() {
        bail!("{} was not produced", wasm.display());
    }
    let dist = root.join("dist");
    if dist.exists() {
        std::fs::remove_dir_all(&dist)
            .with_context(|| format!("cannot clear {}", dist.display()))?;
    }
    std::fs::create_dir_all(&dist)?;
    let argv: Vec<OsString> = vec![
        "wasm-bindgen".into(),
        "--target".into(),
        "web".into(),
        "--no-typescript".into(),
        // The wasm-release profile keeps names (for size analysis); the page ships without.
        "--remove-name-section".into(),
        "--remove-producers-section".into(),
        "--out-dir".into(),
        dist.clone().into(),
        "--out-name".into(),
        "web".into(),
        wasm.clone().into(),
    ];
    eprintln!("xtask: wasm-bindgen (library) {argv:?}");
    wasm_bindgen_cli::wasm_bindgen::run_cli_with_args(argv).context("wasm-bindgen")?;
    let bundle = dist.join("web_bg.wasm");
    let raw = std::fs::metadata(&bundle)
        .with_context(|| format!("{} missing after wasm-bindgen", bundle.display()))?
        .len();
    let optimized = wasm_opt(&bundle);
    for file in ["index.html", "style.css"] {
        std::fs::copy(root.join("web").join(file), dist.join(file))
            .with_context(|| format!("copy web/{file} to dist/"))?;
    }
    let bytes = std::fs::read(&bundle)?;
    let gz = gzip_len(&bytes)?;
    let js = std::fs::metadata(dist.join("web.js"))?.len();
    match optimized {
        Some(before) => eprintln!(
            "xtask: web: dist/web_bg.wasm {} bytes (gzip -9: {gz}; {before} before wasm-opt), web.js {js} bytes",
            bytes.len()
        ),
        None => {
            eprintln!("xtask: web: dist/web_bg.wasm {raw} bytes (gzip -9: {gz}), web.js {js} bytes")
        }
    }
    eprintln!("xtask: web: the page is in {}", dist.display());
    Ok(dist)
}

/// Runs `wasm-opt -Oz` when one is available *and works* (`$WASM_OPT`, else the one `setup`
/// installs from npm, else `wasm-opt` on PATH).
/// Debian's binaryen 108 cannot read current wasm (reference types): then the unoptimised
/// bundle is kept. Returns the size before optimisation when it was applied.
fn wasm_opt(bundle: &Path) -> Option<u64> {
    let tool = std::env::var_os("WASM_OPT")
        .map(PathBuf::from)
        .or_else(|| npm_wasm_opt().ok().filter(|p| p.is_file()))
        .or_else(|| on_path("wasm-opt"))?;
    let before = std::fs::metadata(bundle).ok()?.len();
    let out = bundle.with_extension("opt.wasm");
    let result = Command::new(&tool)
        .arg("-Oz")
        // The features rustc's wasm32 target emits; wasm-opt must be told to keep them.
        .args([
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
            "--enable-sign-ext",
            "--enable-reference-types",
            "--enable-mutable-globals",
            "--enable-multivalue",
        ])
        .arg(bundle)
        .arg("-o")
        .arg(&out)
        .stdin(Stdio::null())
        .output();
    match result {
        Ok(o) if o.status.success() && out.is_file() => {
            if std::fs::rename(&out, bundle).is_ok() {
                return Some(before);
            }
            let _ = std::fs::remove_file(&out);
            None
        }
        Ok(o) => {
            let _ = std::fs::remove_file(&out);
            let why = String::from_utf8_lossy(&o.stderr);
            eprintln!(
                "xtask: note: {} failed ({}), keeping the unoptimised bundle: {}",
                tool.display(),
                o.status,
                why.lines().next().unwrap_or("")
            );
            None
        }
        Err(e) => {
            eprintln!("xtask: note: cannot run {}: {e}", tool.display());
            None
        }
    }
}

fn gzip_len(bytes: &[u8]) -> Result<usize> {
    use std::io::Write as _;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(bytes)?;
    Ok(gz.finish()?.len())
}

/// `cargo test --target wasm32-unknown-unknown` calls this with the test module's path:
/// wasm-bindgen-test-runner, as a library. Tests configured `run_in_browser` run in headless
/// Chromium through chromedriver (`CHROMEDRIVER`, else found on PATH).
fn wasm_test_runner(args: &[OsString]) -> Result<()> {
    let argv =
        std::iter::once(OsString::from("wasm-bindgen-test-runner")).chain(args.iter().cloned());
    wasm_bindgen_cli::wasm_bindgen_test_runner::run_cli_with_args(argv)
}

fn serve(extra: &[String]) -> Result<()> {
    let dist = web()?;
    // The mock JumpCloud IdP with the bundled configuration, the demo SP and the inspector page,
    // on 127.0.0.1:8080 unless `--addr` is given. It prints its URLs.
    run(
        "samlscope serve",
        cargo()
            .args([
                "run",
                "--release",
                "--quiet",
                "-p",
                "samlscope",
                "--",
                "serve",
                "--web-dist",
            ])
            .arg(&dist)
            .args(extra),
    )
}

fn test() -> Result<()> {
    let started = Instant::now();
    let mut steps: Vec<(&str, f64)> = Vec::new();
    let mut totals = Totals::default();
    let result = (|| -> Result<()> {
        let mut step = |name: &'static str, f: &mut dyn FnMut() -> Result<()>| -> Result<()> {
            let t = Instant::now();
            eprintln!("\nxtask test: ── {name} ──");
            let r = f().with_context(|| format!("step `{name}`"));
            steps.push((name, t.elapsed().as_secs_f64()));
            r
        };
        step("setup", &mut setup)?;
        step("fmt", &mut || {
            run("cargo fmt", cargo().args(["fmt", "--all", "--", "--check"]))
        })?;
        step("clippy", &mut || {
            run(
                "cargo clippy",
                cargo().args([
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ]),
            )
        })?;
        step("core wasm32", &mut || {
            run(
                "core for wasm32",
                cargo().args(["build", "-p", "samlscope-core", "--target", WASM_TARGET]),
            )
        })?;
        let mut page = None;
        step("web", &mut || {
            page = Some(web()?);
            Ok(())
        })?;
        step("native tests", &mut || {
            totals.add("native", cargo_test(&["test", "--workspace"])?);
            Ok(())
        })?;
        step("wasm tests", &mut || {
            totals.add(
                "wasm32 (headless Chromium)",
                cargo_test(&[
                    "test",
                    "-p",
                    "samlscope-core",
                    "--target",
                    WASM_TARGET,
                    "--test",
                    "wasm_smoke",
                ])?,
            );
            Ok(())
        })?;
        // The release archive around the page built above: the static musl build (about 5
        // minutes from cold on 2 busy cores), then unpacked and served from an empty folder.
        step("dist", &mut || {
            dist::release(page.as_deref().context("the web step built no page")?)
        })?;
        Ok(())
    })();
    let timings: Vec<String> = steps
        .iter()
        .map(|(name, secs)| format!("{name} {secs:.0}s"))
        .collect();
    let total = started.elapsed().as_secs_f64();
    match &result {
        Ok(()) => {
            eprintln!();
            for (what, (passed, failed)) in &totals.by_kind {
                eprintln!("xtask test: {what}: {passed} passed, {failed} failed");
            }
            // One closing line (cargo's last line is often a doc-test run of zero tests).
            println!(
                "xtask test: OK in {total:.0}s — {} | tests: {} passed, {} failed",
                timings.join(", "),
                totals.passed(),
                totals.failed()
            );
        }
        Err(e) => {
            println!(
                "xtask test: FAILED after {total:.0}s — {} | {e:#}",
                timings.join(", ")
            );
        }
    }
    result
}

#[derive(Default)]
struct Totals {
    by_kind: Vec<(&'static str, (u64, u64))>,
}

impl Totals {
    fn add(&mut self, kind: &'static str, counts: (u64, u64)) {
        self.by_kind.push((kind, counts));
    }
    fn passed(&self) -> u64 {
        self.by_kind.iter().map(|(_, (p, _))| p).sum()
    }
    fn failed(&self) -> u64 {
        self.by_kind.iter().map(|(_, (_, f))| f).sum()
    }
}

/// Runs `cargo test`, streaming its output, and sums the "test result:" lines.
fn cargo_test(args: &[&str]) -> Result<(u64, u64)> {
    use std::io::{BufRead as _, Write as _};
    eprintln!("xtask: cargo {}", args.join(" "));
    let mut child = cargo()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .context("cargo test: cannot start")?;
    let stdout = child.stdout.take().context("cargo test: no stdout")?;
    let (mut passed, mut failed) = (0u64, 0u64);
    let mut out = std::io::stdout().lock();
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line?;
        writeln!(out, "{line}")?;
        out.flush()?;
        if let Some(rest) = line.strip_prefix("test result: ") {
            let (p, f) = parse_result(rest);
            passed += p;
            failed += f;
        }
    }
    let status = child.wait()?;
    if !status.success() {
        bail!(
            "cargo {} failed ({status}): {passed} passed, {failed} failed",
            args.join(" ")
        );
    }
    Ok((passed, failed))
}

/// `ok. 3 passed; 0 failed; 1 ignored; …` → (3, 0).
fn parse_result(rest: &str) -> (u64, u64) {
    let (mut passed, mut failed) = (0, 0);
    for part in rest.split(';') {
        let mut words = part.split_whitespace().rev();
        let (Some(kind), Some(n)) = (words.next(), words.next()) else {
            continue;
        };
        let Ok(n) = n.parse::<u64>() else { continue };
        match kind {
            "passed" => passed += n,
            "failed" => failed += n,
            _ => {}
        }
    }
    (passed, failed)
}

#[cfg(test)]
mod tests {
    use super::parse_result;

    #[test]
    fn result_lines_are_summed() {
        assert_eq!(
            parse_result(
                "ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s"
            ),
            (12, 0)
        );
        assert_eq!(
            parse_result("FAILED. 3 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out"),
            (3, 2)
        );
    }
}
