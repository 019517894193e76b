//! Reading `FILE` or `-` (stdin) with a size bound, so a huge file is refused without being
//! loaded: at most `limit + 1` bytes are ever read.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use samlscope_core::decode::{DecodeLimits, Decoded, decode};

/// Reads all of `path` (`-` = stdin), refusing more than `limit` bytes.
pub fn read_bounded(path: &Path, limit: usize) -> Result<Vec<u8>, String> {
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    let mut buf = Vec::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin().lock().take(cap).read_to_end(&mut buf)
    } else {
        let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if let Ok(meta) = file.metadata()
            && meta.is_file()
            && meta.len() > cap.saturating_sub(1)
        {
            return Err(too_large(path, Some(meta.len()), limit));
        }
        file.take(cap).read_to_end(&mut buf)
    };
    read.map_err(|e| format!("{}: {e}", path.display()))?;
    if buf.len() > limit {
        return Err(too_large(path, None, limit));
    }
    Ok(buf)
}

/// Every SAML message (or metadata document) in a paste, in any form `decode` accepts.
pub fn decode_messages(bytes: &[u8]) -> Result<Vec<Decoded>, String> {
    decode(bytes, &DecodeLimits::default()).map_err(|e| e.to_string())
}

/// Reads `path` (`-` = stdin) within the input limit and decodes it with [`decode_messages`];
/// copies of an earlier message (a HAR holds both the auto-post page and the POST) are dropped,
/// since inspection, unlike `check`, has nothing to count.
pub fn read_messages(path: &Path) -> Result<Vec<Decoded>, String> {
    let bytes = read_bounded(path, DecodeLimits::default().max_input)?;
    let mut messages = decode_messages(&bytes).map_err(|e| format!("{}: {e}", display(path)))?;
    messages.retain(|m| m.duplicate_of.is_none());
    Ok(messages)
}

fn display(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "stdin".into()
    } else {
        path.display().to_string()
    }
}

fn too_large(path: &Path, size: Option<u64>, limit: usize) -> String {
    let name = display(path);
    match size {
        Some(size) => format!("{name} is {size} bytes, above the {limit}-byte input limit"),
        None => format!("{name} is larger than the {limit}-byte input limit"),
    }
}
