//! Builds the inspector page into the library when `SAMLSCOPE_EMBED_WEB` names a built page
//! folder (the `dist/` that `cargo xtask web` writes; `cargo xtask dist` sets the variable).
//! Without it nothing is embedded and `serve` looks for a folder at run time (`src/web.rs`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const VAR: &str = "SAMLSCOPE_EMBED_WEB";

fn main() -> Result<(), String> {
    println!("cargo:rerun-if-env-changed={VAR}");
    let out = std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?;
    let table = match std::env::var_os(VAR).filter(|v| !v.is_empty()) {
        None => "&[]".to_owned(),
        Some(dir) => embed(Path::new(&dir))?,
    };
    let file = PathBuf::from(out).join("embedded_web.rs");
    std::fs::write(&file, table).map_err(|e| format!("writing {}: {e}", file.display()))
}

/// `&[WebFile { … include_bytes!(…) }, …]` for every file of `dir`, sorted by name. A folder
/// that is not a flat page with an index.html fails the build: never a partial page.
fn embed(dir: &Path) -> Result<String, String> {
    let fail = |why: String| format!("{VAR}={}: {why}", dir.display());
    if !dir.is_absolute() {
        return Err(fail("give an absolute path".into()));
    }
    // A folder here makes cargo rerun this script when anything in it changes.
    println!("cargo:rerun-if-changed={}", dir.display());
    let entries = std::fs::read_dir(dir).map_err(|e| fail(e.to_string()))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| fail(e.to_string()))?;
        let name = entry
            .file_name()
            .into_string()
            .map_err(|n| fail(format!("{n:?} is not a UTF-8 name")))?;
        if !entry
            .file_type()
            .map_err(|e| fail(e.to_string()))?
            .is_file()
        {
            return Err(fail(format!("`{name}` is not a file (the page is flat)")));
        }
        let path = entry
            .path()
            .to_str()
            .ok_or_else(|| fail(format!("the path of `{name}` is not UTF-8")))?
            .to_owned();
        files.push((name, path));
    }
    files.sort();
    if !files.iter().any(|(name, _)| name == "index.html") {
        return Err(fail(
            "no index.html: build the page with `cargo xtask web`".into(),
        ));
    }
    let mut code = String::from("&[\n");
    for (name, path) in &files {
        println!("cargo:rerun-if-changed={path}");
        let _ = writeln!(
            code,
            "    WebFile {{ name: {name:?}, bytes: include_bytes!({path:?}) }},"
        );
    }
    code.push(']');
    Ok(code)
}
