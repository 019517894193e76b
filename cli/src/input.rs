//! Reading `FILE` or `-` (stdin) with a size bound, so a huge file is refused without being
//! loaded: at most `limit + 1` bytes are ever read.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use samlscope_core::decode::{DecodeError, DecodeLimits, Decoded, decode_all, looks_like_url};

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

/// One line of `input` (without its `\n`) into `line`, holding at most `limit + 1` of its bytes:
/// the rest of a longer line is read and dropped, so one endless line cannot take the memory
/// while its length is still known. `None` at the end of input.
pub fn read_line_bounded(
    input: &mut impl std::io::BufRead,
    line: &mut Vec<u8>,
    limit: usize,
) -> std::io::Result<Option<Line>> {
    line.clear();
    let mut read = Line {
        len: 0,
        blank: true,
    };
    let mut any = false;
    loop {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            return Ok(any.then_some(read));
        }
        any = true;
        let end = buf.iter().position(|&b| b == b'\n');
        let part = &buf[..end.unwrap_or(buf.len())];
        let room = limit.saturating_add(1).saturating_sub(line.len());
        line.extend_from_slice(&part[..part.len().min(room)]);
        read.len = read.len.saturating_add(part.len());
        read.blank &= part.iter().all(u8::is_ascii_whitespace);
        let used = end.map_or(buf.len(), |at| at + 1);
        input.consume(used);
        if end.is_some() {
            return Ok(Some(read));
        }
    }
}

/// What [`read_line_bounded`] saw of a whole line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    /// Its length in bytes, counted past the limit.
    pub len: usize,
    /// Only ASCII whitespace (or nothing).
    pub blank: bool,
}

/// The bytes of a message argument: `-` is stdin and a path is that file, both through
/// [`read_bounded`]; an `http://` or `https://` argument that names no file is itself the
/// input, so the Redirect-binding URL from the browser's address bar can be passed as it is
/// (`samlscope request 'https://idp/sso?SAMLRequest=…'`). Nothing is ever fetched: a URL
/// without a SAML parameter is refused by the decoder, which says so.
pub fn read_input(arg: &Path, limit: usize) -> Result<Vec<u8>, String> {
    if let Some(text) = arg.to_str()
        && looks_like_url(text)
        && !arg.exists()
    {
        if text.len() > limit {
            return Err(too_large(arg, Some(text.len() as u64), limit));
        }
        return Ok(text.as_bytes().to_vec());
    }
    read_bounded(arg, limit)
}

/// Every SAML message (or metadata document) in a paste, in any form `decode` accepts. What
/// was noticed on the way goes to stderr as notes, as `decode` prints them: a line of a paste
/// that holds a SAML parameter but could not be read is said, not dropped.
pub fn decode_messages(bytes: &[u8]) -> Result<Messages, String> {
    let decoding = decode_all(bytes, &DecodeLimits::default()).map_err(explain)?;
    for f in &decoding.findings {
        eprintln!("samlscope: note: {f}");
    }
    Ok(Messages {
        unread: decoding
            .findings
            .iter()
            .filter(|f| f.is_unread_message())
            .count(),
        messages: decoding.messages,
    })
}

/// The messages of a paste, and how many more were found but could not be read (a judge must
/// not pass a paste with those).
pub struct Messages {
    pub messages: Vec<Decoded>,
    pub unread: usize,
}

/// A decoding failure as every subcommand prints it.
pub fn explain(e: DecodeError) -> String {
    match e {
        // Most often a metadata URL passed where its document was meant.
        DecodeError::UrlWithoutSaml => format!(
            "{e} (samlscope never fetches a URL: to inspect what one serves, such as IdP \
             metadata, save it first, e.g. `curl -o idp-metadata.xml URL`, and pass the file)"
        ),
        e => e.to_string(),
    }
}

/// Reads `path` (`-` = stdin) within the input limit and decodes it with [`decode_messages`];
/// copies of an earlier message (a HAR holds both the auto-post page and the POST) are dropped,
/// since inspection, unlike `check`, has nothing to count.
pub fn read_messages(path: &Path) -> Result<Messages, String> {
    let bytes = read_input(path, DecodeLimits::default().max_input)?;
    let mut found = decode_messages(&bytes).map_err(|e| format!("{}: {e}", display(path)))?;
    found.messages.retain(|m| m.duplicate_of.is_none());
    Ok(found)
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_held_up_to_the_limit_and_counted_whole() {
        // A 3-byte buffer makes every line span several reads.
        let text: &[u8] = b"ab\n \t\r\nabcdefghij\n\ntail";
        let mut input = std::io::BufReader::with_capacity(3, text);
        let mut line = Vec::new();
        let mut next = || read_line_bounded(&mut input, &mut line, 4).unwrap();
        let mut seen = Vec::new();
        while let Some(read) = next() {
            seen.push(read);
        }
        let l = |len, blank| Line { len, blank };
        assert_eq!(
            seen,
            [
                l(2, false),
                l(3, true),
                l(10, false),
                l(0, true),
                l(4, false)
            ]
        );
        let mut input = std::io::BufReader::with_capacity(3, &b"abcdefghij\n"[..]);
        read_line_bounded(&mut input, &mut line, 4).unwrap();
        assert_eq!(line, b"abcde", "limit + 1 bytes held, the rest dropped");
    }
}
