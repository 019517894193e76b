//! `cargo xtask …`: the project's own build and CI steps, so a fresh machine needs nothing but
//! the Rust toolchain. `setup` installs what the tests need (wasm target, Debian and PyPI
//! oracles); `test` is exactly what CI runs; `serve` is the main job.

use anyhow::{Context, Result, bail};
use std::process::Command;
use std::time::Instant;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root()?;
    std::env::set_current_dir(&root)?;
    match args.first().map(String::as_str) {
        Some("setup") => setup(),
        Some("test") => test(),
        Some("serve") => serve(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <setup|test|serve>\n  setup  install the wasm target, xmlsec1 and the Python oracles (lxml, signxml)\n  test   setup + fmt + clippy + wasm build of the core + all tests (what CI runs)\n  serve  the main job"
            );
            bail!("unknown or missing command");
        }
    }
}

fn workspace_root() -> Result<std::path::PathBuf> {
    let manifest = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map(std::path::Path::to_path_buf)
        .context("xtask has no parent directory")
}

fn ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

fn run(what: &str, cmd: &mut Command) -> Result<()> {
    eprintln!("xtask: {what}: {cmd:?}");
    let status = cmd
        .status()
        .with_context(|| format!("{what}: cannot start"))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}

fn succeeds(cmd: &mut Command) -> bool {
    cmd.output().map(|o| o.status.success()).unwrap_or(false)
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

fn setup() -> Result<()> {
    // The target of the pinned toolchain (rust-toolchain.toml); never `rustup update`.
    run(
        "wasm target",
        Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]),
    )?;
    let apt_missing: Vec<&str> = [("xmlsec1", "xmlsec1")]
        .into_iter()
        .filter(|(bin, _)| !succeeds(Command::new(bin).arg("--version")))
        .map(|(_, pkg)| pkg)
        .collect();
    if !apt_missing.is_empty() {
        soft(
            "Debian packages",
            (|| {
                run(
                    "apt-get update",
                    Command::new("apt-get").args(["update", "-qq"]),
                )?;
                run(
                    "apt-get install",
                    Command::new("apt-get")
                        .args(["install", "-y", "-qq", "--no-install-recommends"])
                        .args(&apt_missing)
                        .env("DEBIAN_FRONTEND", "noninteractive"),
                )
            })(),
        )?;
    }
    let py_missing: Vec<&str> = ["lxml", "signxml"]
        .into_iter()
        .filter(|m| !succeeds(Command::new("python3").args(["-c", &format!("import {m}")])))
        .collect();
    if !py_missing.is_empty() {
        soft(
            "Python oracles",
            run(
                "pip install",
                Command::new("python3")
                    .args([
                        "-m",
                        "pip",
                        "install",
                        "--quiet",
                        "--disable-pip-version-check",
                    ])
                    .args(&py_missing),
            ),
        )?;
    }
    Ok(())
}

fn test() -> Result<()> {
    let started = Instant::now();
    let mut steps: Vec<(String, f64)> = Vec::new();
    let mut step = |name: &str, f: &mut dyn FnMut() -> Result<()>| -> Result<()> {
        let t = Instant::now();
        f()?;
        steps.push((name.to_owned(), t.elapsed().as_secs_f64()));
        Ok(())
    };
    step("setup", &mut setup)?;
    step("fmt", &mut || {
        run(
            "cargo fmt",
            Command::new("cargo").args(["fmt", "--all", "--", "--check"]),
        )
    })?;
    step("clippy", &mut || {
        run(
            "cargo clippy",
            Command::new("cargo").args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]),
        )
    })?;
    step("wasm32 core", &mut || {
        run(
            "core for wasm32",
            Command::new("cargo").args([
                "build",
                "-p",
                "samlscope-core",
                "--target",
                "wasm32-unknown-unknown",
            ]),
        )
    })?;
    let mut totals = (0u64, 0u64);
    step("tests", &mut || {
        totals = cargo_test(&["test", "--workspace"])?;
        Ok(())
    })?;
    eprintln!(
        "\nxtask test: all steps passed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    for (name, secs) in &steps {
        eprintln!("  {name:<12} {secs:>6.1} s");
    }
    // One closing line over every test binary (cargo's last line is often a doc-test run of
    // zero tests, which says nothing about the rest).
    println!("tests: {} passed, {} failed", totals.0, totals.1);
    Ok(())
}

/// Runs `cargo test`, streaming its output, and sums the "test result:" lines.
fn cargo_test(args: &[&str]) -> Result<(u64, u64)> {
    use std::io::{BufRead as _, Write as _};
    eprintln!("xtask: cargo {}", args.join(" "));
    let mut child = Command::new("cargo")
        .args(args)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .context("cargo test: cannot start")?;
    let stdout = child.stdout.take().context("cargo test: no stdout")?;
    let (mut passed, mut failed) = (0u64, 0u64);
    let mut out = std::io::stdout().lock();
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line?;
        writeln!(out, "{line}")?;
        if let Some(rest) = line.strip_prefix("test result: ") {
            for part in rest.split(';') {
                let mut words = part.split_whitespace().rev();
                let (Some(kind), Some(n)) = (words.next(), words.next()) else {
                    continue;
                };
                let n: u64 = n
                    .trim_start_matches("ok.")
                    .trim_start_matches("FAILED.")
                    .trim()
                    .parse()
                    .unwrap_or(0);
                match kind {
                    "passed" => passed += n,
                    "failed" => failed += n,
                    _ => {}
                }
            }
        }
    }
    let status = child.wait()?;
    if !status.success() {
        println!("tests: {passed} passed, {failed} failed");
        bail!("cargo test failed ({status})");
    }
    Ok((passed, failed))
}

fn serve(extra: &[String]) -> Result<()> {
    setup()?;
    // The main job: the mock JumpCloud IdP with the bundled configuration, the demo SP and the
    // inspector page, on 127.0.0.1:8080 unless `--addr` is given. It prints its URLs.
    run(
        "samlscope serve",
        Command::new("cargo")
            .args([
                "run",
                "--release",
                "--quiet",
                "-p",
                "samlscope",
                "--",
                "serve",
            ])
            .args(extra),
    )
}
