//! Character checks, line-end normalization and reference expansion — done here, not by
//! a library's unescaper, so that the exact rules are ours and visible:
//!
//! * XML 1.0 §2.2 `Char`: C0 controls other than tab/LF/CR, U+FFFE and U+FFFF are refused, whether
//!   written literally or as a character reference.
//! * §2.11: a literal CR LF or lone CR becomes LF *before* references are expanded, so `&#13;`
//!   survives as a CR (that is the only way to carry one, and c14n re-escapes it as `&#xD;`).
//! * §3.3.3: in attribute values (all CDATA: there is no DTD) literal tab/LF/CR become a space
//!   (CR LF one space) and then references are expanded, so `&#10;` survives as LF.
//! * §4.1/§4.6: only the five predefined entities exist; any other `&name;` would need a DTD.

use std::borrow::Cow;

use super::super::XmlErrorKind;
use super::Fail;
use super::names::is_name;

/// Whether `c` is an XML 1.0 `Char` (§2.2). Surrogates cannot occur in a Rust `char`.
pub(super) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Refuses characters XML 1.0 forbids anywhere in a document. Operates on bytes of valid UTF-8:
/// the forbidden BMP noncharacters U+FFFE / U+FFFF are exactly `EF BF BE` / `EF BF BF`.
pub(super) fn check_chars(src: &str) -> Result<(), Fail> {
    let b = src.as_bytes();
    // Branch-free screening of 64-byte blocks (the compiler vectorizes the fold); only a block
    // holding a suspect byte is looked at byte by byte. 0xEF is also the lead byte of many
    // legal characters (U+F000..U+FFFD), so a hit is only a reason to look closer.
    let suspect = |c: u8| ((c < 0x20) & (c != b'\t') & (c != b'\n') & (c != b'\r')) | (c == 0xEF);
    // Fixed-size blocks: a fold over `[u8; 64]` compiles to straight vector code, where
    // variable-length chunks took more instructions per byte; the tail (under 64 bytes) is
    // checked byte by byte.
    let mut base = 0;
    for block in b.chunks_exact(64) {
        if block.iter().fold(false, |acc, &c| acc | suspect(c)) {
            // Two bytes of look-ahead so a sequence cut by the block edge is still seen.
            let end = (base + block.len() + 2).min(b.len());
            check_slow(b.get(..end).unwrap_or(b), base, base + block.len())?;
        }
        base += block.len();
    }
    check_slow(b, base, b.len())
}

/// Byte-by-byte check of `b[from..to]` (with `b` extending a little beyond `to`).
fn check_slow(b: &[u8], from: usize, to: usize) -> Result<(), Fail> {
    for (i, &c) in b.iter().enumerate().take(to).skip(from) {
        if c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r') {
            return Err(Fail::new(XmlErrorKind::InvalidChar(u32::from(c)), i));
        }
        if c == 0xEF
            && b.get(i + 1) == Some(&0xBF)
            && let Some(&last @ (0xBE | 0xBF)) = b.get(i + 2)
        {
            let cp = if last == 0xBE { 0xFFFE } else { 0xFFFF };
            return Err(Fail::new(XmlErrorKind::InvalidChar(cp), i));
        }
    }
    Ok(())
}

/// Line-end normalization only (CDATA sections and comments, which contain no references).
pub(super) fn normalize_line_ends(raw: &str) -> Cow<'_, str> {
    if !raw.as_bytes().contains(&b'\r') {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('\r') {
        out.push_str(rest.get(..i).unwrap_or(""));
        out.push('\n');
        let after = rest.get(i + 1..).unwrap_or("");
        rest = after.strip_prefix('\n').unwrap_or(after);
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Character data between markup: `]]>` refused (§2.4), line ends normalized, references
/// expanded. `base` is the input offset of `raw`, for error positions.
pub(super) fn decode_text(raw: &str, base: usize) -> Result<Cow<'_, str>, Fail> {
    // Short runs (the indentation between tags, IDs, names) nearly never hold any of the
    // three bytes that need a closer look: one word-at-a-time screen settles them, where the
    // two searches below cost a call each. Long runs (base64) are left to those searches,
    // which are vectorized.
    if raw.len() <= 64
        && crate::xml::screen::first_of(raw.as_bytes(), [b'>', b'&', b'\r'], false).is_none()
    {
        return Ok(Cow::Borrowed(raw));
    }
    // Look for `>` (rare in text; a memchr) and then at what precedes it.
    let mut from = 0;
    while let Some(gt) = raw
        .as_bytes()
        .get(from..)
        .and_then(|r| memchr::memchr(b'>', r))
    {
        let i = from + gt;
        if raw.get(..i).is_some_and(|before| before.ends_with("]]")) {
            return Err(Fail::new(XmlErrorKind::CdataEndInText, base + i - 2));
        }
        from = i + 1;
    }
    decode(raw, base, Mode::Text)
}

/// An attribute value (between the quotes): `<` refused (§3.1 `AttValue`), then §3.3.3
/// normalization for CDATA attributes.
pub(super) fn decode_attr(raw: &str, base: usize) -> Result<Cow<'_, str>, Fail> {
    decode(raw, base, Mode::Attr)
}

/// The first byte of an attribute value that needs more than a copy: a control (tab, LF, CR),
/// `&` or `<` (attribute values are mostly long URIs and IDs with none).
fn first_attr_special(b: &[u8]) -> Option<usize> {
    crate::xml::screen::first::<16>(b, |c| (c < 0x20) | (c == b'&') | (c == b'<'))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Text,
    Attr,
}

fn decode(raw: &str, base: usize, mode: Mode) -> Result<Cow<'_, str>, Fail> {
    let b = raw.as_bytes();
    let special = |c: u8| match mode {
        Mode::Text => matches!(c, b'&' | b'\r'),
        Mode::Attr => matches!(c, b'&' | b'\r' | b'\n' | b'\t' | b'<'),
    };
    // Fast path: most values and text runs need no change and are not copied here. The scan
    // is vectorized (memchr): base64 text runs of kilobytes are the bulk of a SAML message.
    // In attribute values, `c < 0x20` finds tab, LF and CR (other controls were refused by
    // `check_chars` before tokenizing, and would be found here anyway).
    let first = match mode {
        Mode::Text => memchr::memchr2(b'&', b'\r', b),
        Mode::Attr => first_attr_special(b),
    };
    let Some(first) = first else {
        return Ok(Cow::Borrowed(raw));
    };
    let mut out = String::with_capacity(raw.len());
    out.push_str(raw.get(..first).unwrap_or(""));
    let mut i = first;
    let mut copied = first;
    while i < b.len() {
        let c = b[i];
        if !special(c) {
            i += 1;
            continue;
        }
        out.push_str(raw.get(copied..i).unwrap_or(""));
        match c {
            b'<' => return Err(Fail::new(XmlErrorKind::LtInAttributeValue, base + i)),
            b'&' => {
                let (ch, len) = expand_ref(raw.get(i..).unwrap_or(""), base + i)?;
                out.push(ch);
                i += len;
            }
            b'\r' => {
                out.push(if mode == Mode::Text { '\n' } else { ' ' });
                i += if b.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
            }
            // Literal LF or tab, only special in attribute values.
            _ => {
                out.push(' ');
                i += 1;
            }
        }
        copied = i;
    }
    out.push_str(raw.get(copied..).unwrap_or(""));
    Ok(Cow::Owned(out))
}

/// Expands the reference at the start of `s` (which starts with `&`); returns the character
/// and the number of bytes consumed (`&` to `;` inclusive).
fn expand_ref(s: &str, offset: usize) -> Result<(char, usize), Fail> {
    // Bound the search: no legal reference is long, and an unterminated `&` in a long value
    // must not make us scan far ahead repeatedly.
    let window = s.get(1..).unwrap_or("");
    let Some(end) = window
        .find([';', '&', '<'])
        .filter(|&e| window.as_bytes()[e] == b';')
    else {
        return Err(Fail::new(
            XmlErrorKind::Malformed("'&' does not start a reference (escape it as &amp;)".into()),
            offset,
        ));
    };
    let name = window.get(..end).unwrap_or("");
    let consumed = end + 2;
    if let Some(num) = name.strip_prefix('#') {
        let bad = || Fail::new(XmlErrorKind::InvalidCharRef(name.to_owned()), offset);
        // §4.1 CharRef: '&#' [0-9]+ ';' | '&#x' [0-9a-fA-F]+ ';' (lower-case x only).
        let (digits, radix) = match num.strip_prefix('x') {
            Some(hex) => (hex, 16),
            None => (num, 10),
        };
        let valid_digit = |c: char| c.is_digit(radix);
        if digits.is_empty() || !digits.chars().all(valid_digit) {
            return Err(bad());
        }
        let cp = u32::from_str_radix(digits, radix).map_err(|_| bad())?;
        let ch = char::from_u32(cp)
            .filter(|&c| is_xml_char(c))
            .ok_or_else(bad)?;
        return Ok((ch, consumed));
    }
    let ch = match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "apos" => '\'',
        "quot" => '"',
        // Any other entity would have to come from a DTD, and DTDs are refused.
        _ if is_name(name) => {
            return Err(Fail::new(
                XmlErrorKind::UnknownEntity(name.to_owned()),
                offset,
            ));
        }
        _ => {
            return Err(Fail::new(
                XmlErrorKind::Malformed(format!("invalid reference &{name};")),
                offset,
            ));
        }
    };
    Ok((ch, consumed))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn text(s: &str) -> Result<String, XmlErrorKind> {
        decode_text(s, 0).map(Cow::into_owned).map_err(|f| f.kind)
    }
    fn attr(s: &str) -> Result<String, XmlErrorKind> {
        decode_attr(s, 0).map(Cow::into_owned).map_err(|f| f.kind)
    }

    #[test]
    fn text_rules() {
        assert_eq!(text("a\r\nb\rc\n").as_deref(), Ok("a\nb\nc\n"));
        assert_eq!(text("&#13;&#xD;&#10;").as_deref(), Ok("\r\r\n"));
        assert_eq!(text("&lt;&gt;&amp;&apos;&quot;").as_deref(), Ok("<>&'\""));
        assert_eq!(text("&#x1F600;&#233;").as_deref(), Ok("😀é"));
        assert_eq!(text("a]]>b"), Err(XmlErrorKind::CdataEndInText));
        assert_eq!(
            decode_text("a>]>]]]>", 10).map_err(|f| f.offset).err(),
            Some(15)
        );
        assert_eq!(text("a>b]>c]]").as_deref(), Ok("a>b]>c]]"));
        assert_eq!(text("]]&gt;").as_deref(), Ok("]]>"));
        assert!(matches!(text("plain"), Ok(s) if s == "plain"));
    }

    #[test]
    fn attr_special_bytes_are_found_in_every_position() {
        for len in [0usize, 1, 15, 16, 17, 40] {
            let plain = "a".repeat(len);
            assert_eq!(first_attr_special(plain.as_bytes()), None);
            for at in 0..len {
                for c in [b'\t', b'\n', b'\r', b'&', b'<'] {
                    let mut v = plain.clone().into_bytes();
                    v[at] = c;
                    assert_eq!(first_attr_special(&v), Some(at), "{len} {at} {c}");
                }
            }
        }
    }

    #[test]
    fn attr_rules() {
        assert_eq!(attr("a\r\nb\tc\nd\re").as_deref(), Ok("a b c d e"));
        assert_eq!(attr("&#10;&#9;&#13;").as_deref(), Ok("\n\t\r"));
        assert_eq!(attr("a<b"), Err(XmlErrorKind::LtInAttributeValue));
        assert_eq!(attr("&lt;").as_deref(), Ok("<"));
    }

    #[test]
    fn bad_refs() {
        for r in [
            "&#0;",
            "&#x0;",
            "&#1;",
            "&#xFFFE;",
            "&#xD800;",
            "&#;",
            "&#x;",
            "&#X41;",
            "&#99999999999999999999;",
            "&#x110000;",
            "&#12a;",
        ] {
            assert!(
                matches!(text(r), Err(XmlErrorKind::InvalidCharRef(_))),
                "{r}"
            );
        }
        assert_eq!(
            text("&nbsp;"),
            Err(XmlErrorKind::UnknownEntity("nbsp".into()))
        );
        assert!(matches!(text("a & b"), Err(XmlErrorKind::Malformed(_))));
        assert!(matches!(attr("a&b"), Err(XmlErrorKind::Malformed(_))));
        assert!(matches!(text("&a b;"), Err(XmlErrorKind::Malformed(_))));
    }

    #[test]
    fn illegal_chars() {
        assert!(check_chars("a\tb\r\n").is_ok());
        assert_eq!(
            check_chars("ab\u{1}").map_err(|f| (f.kind, f.offset)),
            Err((XmlErrorKind::InvalidChar(1), 2))
        );
        assert_eq!(
            check_chars("\u{FFFF}").map_err(|f| f.kind),
            Err(XmlErrorKind::InvalidChar(0xFFFF))
        );
        assert_eq!(
            check_chars("\u{FFFE}").map_err(|f| f.kind),
            Err(XmlErrorKind::InvalidChar(0xFFFE))
        );
        assert!(check_chars("\u{FFFD}\u{EFBF}").is_ok());
        // Across the 64-byte block boundary, and in a long input.
        let mut long = "x".repeat(63);
        long.push('\u{FFFF}');
        assert_eq!(
            check_chars(&long).map_err(|f| (f.kind, f.offset)),
            Err((XmlErrorKind::InvalidChar(0xFFFF), 63))
        );
        let mut long = "y".repeat(1000);
        long.push('\u{1f}');
        assert_eq!(check_chars(&long).map_err(|f| f.offset), Err(1000));
        assert!(check_chars(&"\u{F000}\n".repeat(100)).is_ok());
    }
}
