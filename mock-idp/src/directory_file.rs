//! The directory as saved in the state directory (`directory.json`): written whole after every
//! accepted change, read at start in place of `--config`.
//!
//! The file holds the configuration as written (`{base_url}` kept), so a server restarted on
//! another port or behind another `public_url` still points its demo app at itself. It holds
//! passwords (and the admin token when the configuration sets one), so it is created 0600.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::config::Config;

/// The file's name inside the state directory.
pub const FILE_NAME: &str = "directory.json";

/// Why the saved directory could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryFileError {
    #[error(
        "the saved directory {path} is unusable: {why}. Fix it, or remove it to start again from \
         --config (the server never replaces it on its own)"
    )]
    Unusable { path: PathBuf, why: String },
    #[error("saving the directory to {path} failed: {why}")]
    Write { path: PathBuf, why: String },
}

pub fn path_in(state_dir: &Path) -> PathBuf {
    state_dir.join(FILE_NAME)
}

/// The saved directory of `state_dir`, parsed and validated; `None` when there is none yet.
pub fn load(state_dir: &Path) -> Result<Option<Config>, DirectoryFileError> {
    let path = path_in(state_dir);
    let unusable = |why: String| DirectoryFileError::Unusable {
        path: path.clone(),
        why,
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(unusable(e.to_string())),
    };
    let config: Config = serde_json::from_str(&text).map_err(|e| unusable(e.to_string()))?;
    config.validate().map_err(|e| unusable(e.to_string()))?;
    Ok(Some(config))
}

/// Writes `config` (as written, `{base_url}` kept) to `state_dir` atomically.
pub fn save(state_dir: &Path, config: &Config) -> Result<(), DirectoryFileError> {
    let path = path_in(state_dir);
    let mut text = serde_json::to_string_pretty(config).map_err(|e| DirectoryFileError::Write {
        path: path.clone(),
        why: e.to_string(),
    })?;
    text.push('\n');
    write_private_atomic(&path, text.as_bytes()).map_err(|e| DirectoryFileError::Write {
        path,
        why: e.to_string(),
    })
}

/// Writes `bytes` to `path` so that a crash leaves either the old file or the new one, never
/// half of either: a temporary file beside it (created 0600, so a secret is never readable by
/// others even for a moment), flushed to disk, renamed over `path`, and the directory flushed
/// so the rename itself survives a power cut.
pub fn write_private_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let written = (|| {
        let mut f = options.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    // Without this the rename may be lost in a crash; directories cannot be opened for sync
    // everywhere (Windows), where the rename is as durable as the platform makes it.
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "samlscope-directory-file-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn a_saved_directory_reads_back_with_its_placeholders_and_private() {
        let dir = scratch("roundtrip");
        assert!(load(&dir).unwrap().is_none());
        let config = Config::bundled().unwrap();
        save(&dir, &config).unwrap();
        let back = load(&dir).unwrap().unwrap();
        assert_eq!(
            serde_json::to_value(&back).unwrap(),
            serde_json::to_value(&config).unwrap()
        );
        assert_eq!(back.app("demo-sp").unwrap().acs_urls, ["{base_url}/sp/acs"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(path_in(&dir))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // No temporary file is left beside it.
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [FILE_NAME]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_damaged_or_invalid_saved_directory_is_an_error_naming_the_file() {
        let dir = scratch("damaged");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(path_in(&dir), "{\"org\": \"x\", \"apps\": [").unwrap();
        let err = load(&dir).unwrap_err().to_string();
        assert!(err.contains(FILE_NAME) && err.contains("unusable"), "{err}");
        std::fs::write(
            path_in(&dir),
            r#"{"org":"x","groups":[{"name":"g","members":["nobody@x.com"]}]}"#,
        )
        .unwrap();
        let err = load(&dir).unwrap_err().to_string();
        assert!(err.contains("not in [[users]]"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
