//! `cargo xtask dist [--check]`: the release archive for machines without Rust.
//!
//! `dist` builds the page (`web`), then the `samlscope` binary for x86_64 Linux with musl,
//! statically linked, with the page embedded (`SAMLSCOPE_EMBED_WEB`, read by mock-idp's
//! build.rs), and writes `target/dist/samlscope-VERSION-x86_64-unknown-linux-musl.tar.gz`
//! (the binary, README.md, LICENSES.md with every crate compiled into the binary, the example
//! configuration) and its `.sha256`. Then it checks what it wrote ([`crate::dist_check`]);
//! `dist --check` checks the archive already there without building.

use anyhow::{Context, Result, bail, ensure};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use super::{apt_install, cargo, musl_target, on_path, run, target_dir, web, workspace_root};

pub const TARGET: &str = "x86_64-unknown-linux-musl";
/// The package and binary shipped.
const PACKAGE: &str = "samlscope";
/// Read by mock-idp/build.rs: the built page folder to embed.
const EMBED_VAR: &str = "SAMLSCOPE_EMBED_WEB";
/// The bundled configuration, shipped as the example to copy and edit.
pub const EXAMPLE_CONFIG: &str = "mock-idp/src/default.toml";
/// The project's own licence texts, when the repository holds them.
const OWN_LICENCE_FILES: [&str; 4] = ["LICENSE", "LICENSE-MIT", "LICENSE-APACHE", "COPYING"];

/// One archive, named after the version in the workspace manifest.
pub struct Archive {
    /// `samlscope-0.1.0-x86_64-unknown-linux-musl`: the file stem and the folder inside.
    pub stem: String,
    pub path: PathBuf,
    pub sha256_path: PathBuf,
}

impl Archive {
    fn new(version: &str) -> Result<Self> {
        let stem = format!("{PACKAGE}-{version}-{TARGET}");
        let dir = target_dir()?.join("dist");
        Ok(Self {
            path: dir.join(format!("{stem}.tar.gz")),
            sha256_path: dir.join(format!("{stem}.tar.gz.sha256")),
            stem,
        })
    }
}

pub fn dist(args: &[String]) -> Result<()> {
    match args {
        [] => release(&web()?),
        [flag] if flag == "--check" => {
            let archive = Archive::new(&package_version(&cargo_metadata()?)?)?;
            check(&archive)
        }
        _ => bail!("usage: cargo xtask dist [--check]"),
    }
}

/// Builds the archive around the page already built in `page`, then checks it (also a step
/// of `cargo xtask test`, after its `web` step).
pub fn release(page: &Path) -> Result<()> {
    let metadata = cargo_metadata()?;
    let archive = Archive::new(&package_version(&metadata)?)?;
    let (binary, build_secs) = build_binary(page)?;
    ensure_static(&binary)?;
    let licences = licences_md(&metadata, &package_licence(&metadata)?)?;
    write_archive(&archive, &binary, &licences)?;
    eprintln!(
        "xtask: dist: release build for {TARGET} {build_secs:.0}s, binary {} bytes",
        std::fs::metadata(&binary)?.len()
    );
    check(&archive)
}

fn check(archive: &Archive) -> Result<()> {
    ensure!(
        archive.path.is_file(),
        "{} does not exist: run `cargo xtask dist` first",
        archive.path.display()
    );
    crate::dist_check::check(archive)?;
    eprintln!(
        "xtask: dist: {} ({} bytes) and its .sha256: checked",
        archive.path.display(),
        std::fs::metadata(&archive.path)?.len()
    );
    Ok(())
}

/// The release binary for [`TARGET`] with the page in it. The release target folder is the
/// workspace's own, shared with `bench-idp` and `cargo build --release`.
fn build_binary(page: &Path) -> Result<(PathBuf, f64)> {
    musl_target()?;
    // aws-lc and mimalloc are C: built for musl by Debian's musl-gcc (musl-tools; `setup`
    // installs it, this is for a machine that did not run setup).
    if on_path("musl-gcc").is_none() {
        apt_install(&["musl-tools"]).context("musl-gcc (Debian musl-tools) for the C crates")?;
    }
    let page = page
        .canonicalize()
        .with_context(|| format!("{}", page.display()))?;
    let mut cmd = cargo();
    cmd.args([
        "build",
        "--release",
        "--locked",
        "-p",
        PACKAGE,
        "--bin",
        PACKAGE,
        "--target",
        TARGET,
    ])
    .env(EMBED_VAR, &page);
    let cc_var = format!("CC_{}", TARGET.replace('-', "_"));
    if std::env::var_os(&cc_var).is_none() {
        cmd.env(&cc_var, "musl-gcc");
    }
    let started = Instant::now();
    run("release build (page embedded)", &mut cmd)?;
    let secs = started.elapsed().as_secs_f64();
    let binary = target_dir()?.join(TARGET).join("release").join(PACKAGE);
    ensure!(binary.is_file(), "{} was not produced", binary.display());
    Ok((binary, secs))
}

/// Static means no program interpreter: the kernel runs it without a dynamic loader, so no
/// libc of the machine is needed. Read from the ELF program headers (no tool required);
/// `file`'s opinion is printed beside when it is installed.
fn ensure_static(binary: &Path) -> Result<()> {
    let bytes = std::fs::read(binary)?;
    let interp = elf_interpreter(&bytes).with_context(|| format!("{}", binary.display()))?;
    if let Some(interp) = interp {
        bail!(
            "{} is dynamically linked (interpreter {interp}): not the static musl build",
            binary.display()
        );
    }
    if let Ok(out) = Command::new("file").arg(binary).output() {
        eprintln!(
            "xtask: dist: {}",
            String::from_utf8_lossy(&out.stdout).trim()
        );
    }
    Ok(())
}

/// The PT_INTERP path of a 64-bit little-endian ELF file, if it has one.
pub fn elf_interpreter(bytes: &[u8]) -> Result<Option<String>> {
    let u16_at = |at: usize| -> Result<u64> {
        let b = bytes.get(at..at + 2).context("truncated ELF")?;
        Ok(u64::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let u64_at = |at: usize| -> Result<u64> {
        let b = bytes.get(at..at + 8).context("truncated ELF")?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    };
    ensure!(
        bytes.get(..6) == Some(b"\x7fELF\x02\x01"),
        "not a 64-bit little-endian ELF file"
    );
    let (phoff, phentsize, phnum) = (u64_at(0x20)?, u16_at(0x36)?, u16_at(0x38)?);
    for i in 0..phnum {
        let at = usize::try_from(phoff + i * phentsize)?;
        const PT_INTERP: u64 = 3;
        let kind = bytes.get(at..at + 4).context("truncated ELF")?;
        if u32::from_le_bytes([kind[0], kind[1], kind[2], kind[3]]) == PT_INTERP as u32 {
            let (off, size) = (
                usize::try_from(u64_at(at + 8)?)?,
                usize::try_from(u64_at(at + 32)?)?,
            );
            let path = bytes.get(off..off + size).context("truncated ELF")?;
            let path = String::from_utf8_lossy(path);
            return Ok(Some(path.trim_end_matches('\0').to_owned()));
        }
    }
    Ok(None)
}

fn cargo_metadata() -> Result<Value> {
    let out = cargo()
        .args([
            "metadata",
            "--format-version",
            "1",
            "--locked",
            "--filter-platform",
            TARGET,
        ])
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("cargo metadata: cannot start")?;
    ensure!(
        out.status.success(),
        "cargo metadata failed ({})",
        out.status
    );
    serde_json::from_slice(&out.stdout).context("cargo metadata: not JSON")
}

fn packages(metadata: &Value) -> Result<BTreeMap<&str, &Value>> {
    let list = metadata["packages"]
        .as_array()
        .context("cargo metadata: no packages")?;
    list.iter()
        .map(|p| Ok((p["id"].as_str().context("a package without id")?, p)))
        .collect()
}

fn shipped_package(metadata: &Value) -> Result<&Value> {
    let root = workspace_root()?.join("cli").join("Cargo.toml");
    metadata["packages"]
        .as_array()
        .and_then(|list| {
            list.iter().find(|p| {
                p["name"] == PACKAGE && p["manifest_path"].as_str().map(Path::new) == Some(&root)
            })
        })
        .context("cargo metadata: no samlscope package at cli/Cargo.toml")
}

fn package_version(metadata: &Value) -> Result<String> {
    shipped_package(metadata)?["version"]
        .as_str()
        .map(str::to_owned)
        .context("samlscope has no version")
}

fn package_licence(metadata: &Value) -> Result<String> {
    shipped_package(metadata)?["license"]
        .as_str()
        .map(str::to_owned)
        .context("samlscope has no licence expression in its manifest")
}

/// Every package the binary links, found by walking the resolved graph from samlscope along
/// normal dependencies for [`TARGET`] (build scripts' and tests' dependencies do not reach the
/// binary). Returns (name, version, licence, is part of this workspace), sorted.
pub fn linked_packages(metadata: &Value) -> Result<Vec<(String, String, String, bool)>> {
    let packages = packages(metadata)?;
    let root = shipped_package(metadata)?["id"]
        .as_str()
        .context("samlscope has no id")?;
    let nodes: BTreeMap<&str, &Value> = metadata["resolve"]["nodes"]
        .as_array()
        .context("cargo metadata: no resolve graph")?
        .iter()
        .filter_map(|n| Some((n["id"].as_str()?, n)))
        .collect();
    let mut seen = BTreeSet::from([root]);
    let mut todo = vec![root];
    while let Some(id) = todo.pop() {
        let node = nodes
            .get(id)
            .with_context(|| format!("{id} not in the graph"))?;
        for dep in node["deps"].as_array().into_iter().flatten() {
            let normal = dep["dep_kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|k| k["kind"].is_null());
            if let Some(pkg) = dep["pkg"].as_str().filter(|_| normal)
                && seen.insert(pkg)
            {
                todo.push(pkg);
            }
        }
    }
    let members: BTreeSet<&str> = metadata["workspace_members"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut out = Vec::new();
    for id in seen {
        let p = packages
            .get(id)
            .with_context(|| format!("{id} has no package entry"))?;
        let licence = match (p["license"].as_str(), p["license_file"].as_str()) {
            (Some(expr), _) => expr.to_owned(),
            (None, Some(file)) => format!(
                "see its licence file ({})",
                Path::new(file)
                    .file_name()
                    .map(|f| f.to_string_lossy())
                    .unwrap_or_default()
            ),
            (None, None) => bail!("{id} declares no licence"),
        };
        out.push((
            p["name"].as_str().unwrap_or_default().to_owned(),
            p["version"].as_str().unwrap_or_default().to_owned(),
            licence,
            members.contains(id),
        ));
    }
    out.sort();
    Ok(out)
}

fn licences_md(metadata: &Value, own: &str) -> Result<String> {
    let linked = linked_packages(metadata)?;
    let third: Vec<_> = linked.iter().filter(|p| !p.3).collect();
    let mut s = format!(
        "# Licences\n\nsamlscope (its crates: {}) is licensed under {own}.\n\n\
         The binary also contains these {} crates (from crates.io, with the C code some of them \
         carry), each under its own licence as declared in its manifest:\n\n\
         | crate | version | licence |\n|---|---|---|\n",
        linked
            .iter()
            .filter(|p| p.3)
            .map(|p| p.0.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        third.len()
    );
    for (name, version, licence, _) in third {
        s.push_str(&format!("| {name} | {version} | {licence} |\n"));
    }
    Ok(s)
}

/// The archive's files, in order: (name inside the folder, bytes, mode).
fn contents(binary: &Path, licences: &str) -> Result<Vec<(String, Vec<u8>, u32)>> {
    let root = workspace_root()?;
    let read = |p: &Path| std::fs::read(p).with_context(|| format!("{}", p.display()));
    let mut files = vec![
        (PACKAGE.to_owned(), read(binary)?, 0o755),
        (
            "README.md".to_owned(),
            read(&root.join("README.md"))?,
            0o644,
        ),
        (
            "LICENSES.md".to_owned(),
            licences.as_bytes().to_vec(),
            0o644,
        ),
        (
            "samlscope.example.toml".to_owned(),
            read(&root.join(EXAMPLE_CONFIG))?,
            0o644,
        ),
    ];
    for name in OWN_LICENCE_FILES {
        let path = root.join(name);
        if path.is_file() {
            files.push((name.to_owned(), read(&path)?, 0o644));
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

/// A tar.gz with one folder, fixed order, owner 0, fixed modes and one timestamp (the last
/// commit's, or `SOURCE_DATE_EPOCH`): the same inputs give the same bytes.
fn write_archive(archive: &Archive, binary: &Path, licences: &str) -> Result<()> {
    use sha2::Digest as _;
    let files = contents(binary, licences)?;
    let mtime = source_date()?;
    let gz = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    let mut tar = tar::Builder::new(gz);
    tar.mode(tar::HeaderMode::Deterministic);
    let mut dir = tar::Header::new_ustar();
    dir.set_entry_type(tar::EntryType::Directory);
    dir.set_mode(0o755);
    dir.set_mtime(mtime);
    dir.set_size(0);
    tar.append_data(&mut dir, format!("{}/", archive.stem), std::io::empty())?;
    for (name, bytes, mode) in &files {
        let mut h = tar::Header::new_ustar();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_mode(*mode);
        h.set_mtime(mtime);
        h.set_size(u64::try_from(bytes.len())?);
        tar.append_data(&mut h, format!("{}/{name}", archive.stem), bytes.as_slice())?;
    }
    let gz = tar.into_inner()?.finish()?;
    let parent = archive
        .path
        .parent()
        .context("archive path has no folder")?;
    std::fs::create_dir_all(parent)?;
    std::fs::write(&archive.path, &gz)?;
    let file_name = archive
        .path
        .file_name()
        .context("archive has no file name")?
        .to_string_lossy();
    let digest = sha2::Sha256::digest(&gz);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    // sha256sum's own format: `sha256sum -c` reads it.
    std::fs::write(&archive.sha256_path, format!("{hex}  {file_name}\n"))?;
    eprintln!(
        "xtask: dist: wrote {} ({} bytes: {})",
        archive.path.display(),
        gz.len(),
        files
            .iter()
            .map(|f| f.0.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(())
}

fn source_date() -> Result<u64> {
    if let Some(epoch) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .filter(|s| !s.is_empty())
    {
        return epoch.parse().context("SOURCE_DATE_EPOCH is not a number");
    }
    let out = Command::new("git")
        .args(["log", "-1", "--format=%ct"])
        .output();
    Ok(match out {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout)
            .trim()
            .parse()
            .unwrap_or(0),
        _ => 0,
    })
}

#[cfg(test)]
mod tests {
    use super::elf_interpreter;

    #[test]
    fn a_dynamic_executable_has_an_interpreter() {
        // This test binary is linked the host's ordinary way: dynamically, with ld.so.
        let me = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let interp = elf_interpreter(&me).unwrap();
        assert!(
            interp.as_deref().is_some_and(|p| p.contains("ld-")),
            "{interp:?}"
        );
        assert!(elf_interpreter(b"#!/bin/sh\n").is_err());
    }
}
