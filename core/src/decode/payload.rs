//! Peeling one SAML parameter value: (URL-decoding) → base64 → (inflate) → UTF-8 XML text.
//!
//! Every expansion is bounded *before* it happens (CVE-2025-25293 was a deflate bomb in a SAML
//! library): base64 output length is computed from the input length, and inflation reads through
//! `Read::take(limit + 1)` so a bomb costs at most `limit + 1` bytes of memory and time.

use std::io::Read;

use base64::Engine as _;
use flate2::read::{DeflateDecoder, ZlibDecoder};

use super::error::{InflateFormat, PeelError};
use super::sniff::{BOM, looks_like_xml, several_documents};
use super::{DecodeLimits, Layer};

/// Strict base64 (standard alphabet, RFC 4648 padding) that ignores ASCII whitespace, as
/// Shibboleth inserts line feeds and people paste wrapped text. The size limit is checked before
/// anything is allocated for the output.
pub fn base64_decode(text: &[u8], max_out: usize) -> Result<Vec<u8>, PeelError> {
    // First pass: validate and compute the compact length without allocating. Runs of alphabet
    // characters (all of a one-line paste but its padding) are skipped with the shared
    // vectorizing screen; a per-byte `match` here was a third of decoding a pasted response.
    let mut len = 0usize;
    let mut pad = 0usize;
    let mut spaced = false;
    let mut offset = 0usize;
    while let Some(rest) = text.get(offset..).filter(|r| !r.is_empty()) {
        let run =
            crate::xml::screen::first::<32>(rest, |b| !is_base64_alphabet(b)).unwrap_or(rest.len());
        if run > 0 {
            if pad > 0 {
                return Err(PeelError::Base64Padding { offset });
            }
            len += run;
            offset += run;
            continue;
        }
        match rest.first() {
            Some(b'=') => {
                pad += 1;
                len += 1;
                if pad > 2 {
                    return Err(PeelError::Base64Padding { offset });
                }
            }
            Some(b) if b.is_ascii_whitespace() => spaced = true,
            _ => {
                return Err(PeelError::Base64InvalidChar {
                    offset,
                    found: char_at(text, offset),
                });
            }
        }
        offset += 1;
    }
    if len == 0 {
        return Err(PeelError::EmptyValue);
    }
    if !len.is_multiple_of(4) {
        if pad > 0 {
            return Err(PeelError::Base64Padding {
                offset: last_non_ws(text),
            });
        }
        return Err(PeelError::Base64Truncated { len });
    }
    let decoded = len / 4 * 3 - pad;
    if decoded > max_out {
        return Err(PeelError::Base64TooLarge {
            decoded,
            limit: max_out,
        });
    }
    // Wrapped text is compacted first; a one-line paste is decoded in place.
    let compact: std::borrow::Cow<'_, [u8]> = if spaced {
        text.iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect::<Vec<u8>>()
            .into()
    } else {
        text.into()
    };
    base64::engine::general_purpose::STANDARD
        .decode(&compact)
        .map_err(|e| match e {
            base64::DecodeError::InvalidLastSymbol { offset, .. } => {
                PeelError::Base64TrailingBits {
                    offset: nth_non_ws(text, offset),
                }
            }
            base64::DecodeError::InvalidPadding => PeelError::Base64Padding {
                offset: last_non_ws(text),
            },
            base64::DecodeError::InvalidByte(i, _) => PeelError::Base64Padding {
                offset: nth_non_ws(text, i),
            },
            base64::DecodeError::InvalidLength(n) => PeelError::Base64Truncated { len: n },
        })
}

/// `A–Z a–z 0–9 + /`, with non-short-circuit tests so [`crate::xml::screen::first`] vectorizes.
#[inline(always)]
fn is_base64_alphabet(b: u8) -> bool {
    (b.wrapping_sub(b'A') < 26)
        | (b.wrapping_sub(b'a') < 26)
        | (b.wrapping_sub(b'0') < 10)
        | (b == b'+')
        | (b == b'/')
}

fn char_at(text: &[u8], offset: usize) -> char {
    let tail = text.get(offset..).unwrap_or_default();
    let end = tail.len().min(4);
    for n in (1..=end).rev() {
        if let Some(c) = tail
            .get(..n)
            .and_then(|s| core::str::from_utf8(s).ok())
            .and_then(|s| s.chars().next())
        {
            return c;
        }
    }
    char::from(tail.first().copied().unwrap_or(b'?'))
}

fn last_non_ws(text: &[u8]) -> usize {
    text.iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .unwrap_or(0)
}

fn nth_non_ws(text: &[u8], n: usize) -> usize {
    text.iter()
        .enumerate()
        .filter(|(_, b)| !b.is_ascii_whitespace())
        .nth(n)
        .map_or(0, |(i, _)| i)
}

/// Inflates with a hard output bound: reads at most `limit + 1` bytes and refuses if the stream
/// has more. Trailing bytes after the end of the stream are ignored (as zlib's inflate does).
pub fn inflate(data: &[u8], format: InflateFormat, limit: usize) -> Result<Vec<u8>, PeelError> {
    inflate_counted(data, format, limit).map(|(out, _)| out)
}

/// [`inflate`] that refuses bytes after the end of the stream: for a value that must be one
/// message on its own, they are the start of another.
fn inflate_whole(data: &[u8], format: InflateFormat, limit: usize) -> Result<Vec<u8>, PeelError> {
    let (out, used) = inflate_counted(data, format, limit)?;
    match data.len().checked_sub(used) {
        Some(0) => Ok(out),
        left => Err(PeelError::TrailingData {
            format,
            bytes: left.unwrap_or_default(),
        }),
    }
}

/// Inflates and says how many input bytes the stream used.
fn inflate_counted(
    data: &[u8],
    format: InflateFormat,
    limit: usize,
) -> Result<(Vec<u8>, usize), PeelError> {
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    let mut out = Vec::new();
    let (result, used) = match format {
        InflateFormat::Raw => {
            let mut d = DeflateDecoder::new(data);
            let r = (&mut d).take(cap).read_to_end(&mut out);
            (r, d.total_in())
        }
        InflateFormat::Zlib => {
            let mut d = ZlibDecoder::new(data);
            let r = (&mut d).take(cap).read_to_end(&mut out);
            (r, d.total_in())
        }
    };
    match result {
        Err(e) => Err(PeelError::Inflate {
            format,
            reason: e.to_string(),
        }),
        Ok(n) if n > limit => Err(PeelError::InflateLimit { format, limit }),
        Ok(0) => Err(PeelError::Inflate {
            format,
            reason: "the stream inflates to nothing".into(),
        }),
        Ok(_) => Ok((out, usize::try_from(used).unwrap_or(usize::MAX))),
    }
}

/// Hint from the transport: the Redirect binding mandates raw DEFLATE, the POST binding none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    Deflated,
    Plain,
}

/// Base64 text (already URL/entity-decoded) → XML text. Pushes the layers it peels.
pub fn peel_base64(
    text: &[u8],
    expect: Expect,
    limits: &DecodeLimits,
    layers: &mut Vec<Layer>,
) -> Result<String, PeelError> {
    let bytes = base64_decode(text, limits.max_message.max(limits.max_inflate))?;
    layers.push(Layer::Base64);
    if expect == Expect::Plain && looks_like_xml(&bytes) {
        return xml_text(bytes, "base64", limits, layers);
    }
    // Raw DEFLATE first (the Redirect binding), then zlib (seen from broken senders).
    let mut first_err = None;
    for (format, layer) in [
        (InflateFormat::Raw, Layer::Inflated),
        (InflateFormat::Zlib, Layer::ZlibInflated),
    ] {
        match inflate(&bytes, format, limits.max_inflate) {
            Ok(out) if looks_like_xml(&out) => {
                layers.push(layer);
                return xml_text(out, layer.as_str(), limits, layers);
            }
            Ok(out) => {
                first_err.get_or_insert(PeelError::NotXml {
                    after: layer.as_str(),
                    start: preview(&out),
                });
            }
            Err(e @ PeelError::InflateLimit { .. }) => return Err(e),
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    if expect == Expect::Deflated && looks_like_xml(&bytes) {
        return xml_text(bytes, "base64", limits, layers);
    }
    if utf16(&bytes) {
        return Err(PeelError::Utf16 { after: "base64" });
    }
    match (expect, first_err) {
        // The Redirect binding promised DEFLATE: the inflate error is the useful fact.
        (Expect::Deflated, Some(e)) => Err(e),
        _ => Err(PeelError::NotXml {
            after: "base64",
            start: preview(&bytes),
        }),
    }
}

/// [`peel_base64`] for text that must be exactly one message: several base64 lines taken
/// together (a wrapped value) must not hide a second value. The decoded XML is one document, and
/// a compressed stream uses every byte: lines that each hold a message, joined, decode to two
/// documents or to one stream followed by another, which a lenient peel would read as the first
/// message alone.
pub fn peel_whole(
    text: &[u8],
    limits: &DecodeLimits,
    layers: &mut Vec<Layer>,
) -> Result<String, PeelError> {
    let bytes = base64_decode(text, limits.max_message.max(limits.max_inflate))?;
    layers.push(Layer::Base64);
    let one = |xml: String, after: &'static str| {
        if several_documents(&xml) {
            Err(PeelError::SeveralDocuments { after })
        } else {
            Ok(xml)
        }
    };
    if looks_like_xml(&bytes) {
        let xml = xml_text(bytes, "base64", limits, layers)?;
        return one(xml, "base64");
    }
    let mut first_err = None;
    for (format, layer) in [
        (InflateFormat::Raw, Layer::Inflated),
        (InflateFormat::Zlib, Layer::ZlibInflated),
    ] {
        match inflate_whole(&bytes, format, limits.max_inflate) {
            Ok(out) if looks_like_xml(&out) => {
                layers.push(layer);
                let xml = xml_text(out, layer.as_str(), limits, layers)?;
                return one(xml, layer.as_str());
            }
            Ok(out) => {
                first_err.get_or_insert(PeelError::NotXml {
                    after: layer.as_str(),
                    start: preview(&out),
                });
            }
            Err(e @ PeelError::InflateLimit { .. }) => return Err(e),
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    if utf16(&bytes) {
        return Err(PeelError::Utf16 { after: "base64" });
    }
    Err(first_err.unwrap_or_else(|| PeelError::NotXml {
        after: "base64",
        start: preview(&bytes),
    }))
}

/// Decoded bytes → UTF-8 text with the BOM stripped, within the message limit.
pub fn xml_text(
    mut bytes: Vec<u8>,
    after: &'static str,
    limits: &DecodeLimits,
    layers: &mut Vec<Layer>,
) -> Result<String, PeelError> {
    if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
        layers.push(Layer::BomStripped);
    }
    if utf16(&bytes) {
        return Err(PeelError::Utf16 { after });
    }
    if bytes.len() > limits.max_message {
        return Err(PeelError::MessageTooLarge {
            size: bytes.len(),
            limit: limits.max_message,
        });
    }
    let text = String::from_utf8(bytes).map_err(|e| PeelError::InvalidUtf8 {
        after,
        offset: e.utf8_error().valid_up_to(),
    })?;
    // Every XML document ends with `>` (root end tag, or a trailing comment/PI). Anything else is a
    // copy cut short — say so here rather than as a parse error at the last byte.
    let trimmed = text.trim_end();
    if !trimmed.ends_with('>') {
        let skip = trimmed.chars().count().saturating_sub(16);
        let tail: String = trimmed.chars().skip(skip).collect();
        return Err(PeelError::TruncatedXml { after, tail });
    }
    Ok(text)
}

fn utf16(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\xFF\xFE")
        || bytes.starts_with(b"\xFE\xFF")
        || bytes.starts_with(b"<\0")
        || bytes.starts_with(b"\0<")
}

/// The first bytes, as hex, for error messages about binary data.
fn preview(bytes: &[u8]) -> String {
    let mut s = String::new();
    for b in bytes.iter().take(8) {
        s.push_str(&format!("{b:02x} "));
    }
    if bytes.len() > 8 {
        s.push('…');
    }
    let s = s.trim_end().to_string();
    if s.is_empty() {
        "nothing".into()
    } else {
        format!("bytes {s}")
    }
}

/// Values that sanitisers put in place of a SAML message: empty, `[REDACTED]`-like words,
/// SAML-tracer's export filters (`{hash:…}`, `{obf:alternative_0}`, `{overwritten}`), masks.
pub fn redaction_placeholder(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    if (lower.starts_with('{') && lower.ends_with('}'))
        && (lower.starts_with("{hash:") || lower.starts_with("{obf:") || lower == "{overwritten}")
    {
        return true;
    }
    let words = [
        "redacted",
        "sanitized",
        "sanitised",
        "removed",
        "filtered",
        "hidden",
        "omitted",
        "masked",
        "scrubbed",
    ];
    if v.len() <= 64 && words.iter().any(|w| lower.contains(w)) {
        return true;
    }
    // A mask of one repeated character (`****`, `xxxx`) is not a SAML message.
    let mut chars = v.chars();
    let first = chars.next();
    (3..=64).contains(&v.len())
        && first.is_some_and(|c| {
            matches!(c, '*' | 'x' | 'X' | '#' | '.' | '-') && chars.all(|d| d == c)
        })
}

#[cfg(test)]
mod tests {
    use super::{base64_decode, redaction_placeholder};
    use crate::decode::PeelError;

    #[test]
    fn base64_strictness() {
        assert_eq!(
            base64_decode(b"PGE+\n PC9h\r\nPg==", 100).unwrap(),
            b"<a></a>"
        );
        assert_eq!(
            base64_decode(b"PGE", 100),
            Err(PeelError::Base64Truncated { len: 3 })
        );
        assert_eq!(
            base64_decode(b"PGE=x", 100),
            Err(PeelError::Base64Padding { offset: 4 })
        );
        assert_eq!(
            base64_decode(b"PGF=", 100),
            Err(PeelError::Base64TrailingBits { offset: 2 })
        );
        assert_eq!(base64_decode(b"  \n", 100), Err(PeelError::EmptyValue));
        assert_eq!(
            base64_decode(b"AAAAAAAA", 5),
            Err(PeelError::Base64TooLarge {
                decoded: 6,
                limit: 5
            })
        );
    }

    /// The reference for the block scan: one `match` per byte, then an always-compacting
    /// decode. Both must give the same error at the same offset, or the same
    /// bytes, for every input. (Errors decided after the pass, from the length or by the base64
    /// engine, did not change and are taken from `base64_decode` itself.)
    fn reference(text: &[u8], max_out: usize) -> Result<Vec<u8>, PeelError> {
        let mut len = 0usize;
        let mut pad = 0usize;
        for (offset, &b) in text.iter().enumerate() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' => {
                    if pad > 0 {
                        return Err(PeelError::Base64Padding { offset });
                    }
                    len += 1;
                }
                b'=' => {
                    pad += 1;
                    len += 1;
                    if pad > 2 {
                        return Err(PeelError::Base64Padding { offset });
                    }
                }
                b if b.is_ascii_whitespace() => {}
                _ => {
                    return Err(PeelError::Base64InvalidChar {
                        offset,
                        found: super::char_at(text, offset),
                    });
                }
            }
        }
        if len == 0 || !len.is_multiple_of(4) || len / 4 * 3 - pad > max_out {
            // Length errors are decided after the pass, the same way in both.
            return base64_decode(text, max_out);
        }
        let compact: Vec<u8> = text
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        match base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &compact) {
            Ok(v) => Ok(v),
            Err(_) => base64_decode(text, max_out),
        }
    }

    #[test]
    fn block_scan_agrees_with_the_per_byte_pass() {
        use rand::{Rng as _, SeedableRng as _};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(64);
        let valid = base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            (0..300u32)
                .map(|i| (i * 7 % 256) as u8)
                .collect::<Vec<u8>>(),
        );
        // Each byte class in every position around the 32-byte blocks: an invalid byte (ASCII
        // and UTF-8), `=` too early, whitespace (which also takes the compacting path).
        let specials: [&[u8]; 8] = [
            b"=",
            b"==",
            b" ",
            b"\r\n",
            b"\t",
            b"*",
            b"\x00",
            "é".as_bytes(),
        ];
        let mut agreed = 0;
        for at in 0..valid.len() {
            for special in specials {
                let mut text = valid.as_bytes().to_vec();
                text.splice(at..at, special.iter().copied());
                assert_eq!(
                    base64_decode(&text, 1 << 20),
                    reference(&text, 1 << 20),
                    "{special:?} at {at}"
                );
                agreed += 1;
            }
        }
        // Random mixtures, including truncations.
        for _ in 0..5_000 {
            let n = rng.random_range(0..120);
            let text: Vec<u8> = (0..n)
                .map(|_| match rng.random_range(0..20) {
                    0 => b'=',
                    1 => b' ',
                    2 => b'\n',
                    3 => b'-',
                    _ => valid.as_bytes()[rng.random_range(0..valid.len())],
                })
                .collect();
            assert_eq!(
                base64_decode(&text, 1 << 20),
                reference(&text, 1 << 20),
                "{text:?}"
            );
            agreed += 1;
        }
        assert!(agreed > 5_000);
    }

    #[test]
    fn redaction_placeholders() {
        for v in [
            "",
            "  ",
            "[REDACTED]",
            "<redacted>",
            "{hash:0b8e}",
            "{obf:alternative_0}",
            "{overwritten}",
            "****",
            "xxxxxxxx",
            "SANITIZED",
        ] {
            assert!(redaction_placeholder(v), "{v:?}");
        }
        for v in ["PHNhbWxwOlJlc3BvbnNl", "x", "PD94bWw="] {
            assert!(!redaction_placeholder(v), "{v:?}");
        }
    }
}
