//! Name syntax: XML 1.0 §2.3 `Name` and Namespaces in XML 1.0 §3/§4 `NCName` / `QName`.
//!
//! Checked here rather than trusted to the markup scanner, which splits names on whitespace only: a
//! lenient name check is a parser differential (another parser may read `a"b` or `p:q:r`
//! differently, or refuse it, and the signature would cover a different tree).

/// `NameStartChar` without `:` (Namespaces in XML: NCName excludes the colon).
fn is_ncname_start(c: char) -> bool {
    matches!(c,
        'A'..='Z' | '_' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

/// `NameChar` without `:`.
fn is_ncname_char(c: char) -> bool {
    is_ncname_start(c)
        || matches!(c,
            '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

const START: u8 = 2;
const REST: u8 = 1;

/// For each ASCII byte: `START` if it may begin an NCName, `REST` if it may only continue one,
/// 0 otherwise (the ASCII part of `is_ncname_start` / `is_ncname_char`).
const ASCII_NAME: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        t[c] = if b.is_ascii_alphabetic() || b == b'_' {
            START
        } else if b.is_ascii_digit() || b == b'-' || b == b'.' {
            REST
        } else {
            0
        };
        c += 1;
    }
    t
};

/// Whether `s` is an `NCName` (a name without colons).
pub(super) fn is_ncname(s: &str) -> bool {
    // ASCII fast path (SAML and XML-DSig names are all ASCII): one pass with a table, which
    // maps every non-ASCII byte to 0, so only a failing name is looked at again.
    let b = s.as_bytes();
    if b.first()
        .is_some_and(|&c| ASCII_NAME[usize::from(c)] == START)
        && b.iter().all(|&c| ASCII_NAME[usize::from(c)] != 0)
    {
        return true;
    }
    if s.is_ascii() {
        return false;
    }
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if is_ncname_start(c) => chars.all(is_ncname_char),
        _ => false,
    }
}

/// The ASCII `QName` starting at `b[from]`: returns where its colon is (if any) and where it
/// ends (the first byte that cannot continue it). `None` when no such name starts there. Used
/// by the one-pass start-tag reader: a name it returns is exactly one `split_qname` accepts (both
/// parts NCNames of [`ASCII_NAME`] bytes, at most one colon), and a non-ASCII byte ends the
/// name, so that reader leaves such a tag to the general path.
pub(super) fn ascii_qname_at(b: &[u8], from: usize) -> Option<(Option<usize>, usize)> {
    let starts = |i: usize| {
        b.get(i)
            .is_some_and(|&c| ASCII_NAME[usize::from(c)] == START)
    };
    if !starts(from) {
        return None;
    }
    let mut colon = None;
    let mut i = from + 1;
    loop {
        match b.get(i) {
            Some(&c) if ASCII_NAME[usize::from(c)] != 0 => i += 1,
            Some(b':') if colon.is_none() && starts(i + 1) => {
                colon = Some(i);
                i += 2;
            }
            _ => return Some((colon, i)),
        }
    }
}

/// Whether `s` is an XML 1.0 `Name` (colons allowed anywhere; used for entity names).
pub(super) fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c == ':' || is_ncname_start(c) => chars.all(|c| c == ':' || is_ncname_char(c)),
        _ => false,
    }
}

/// Splits a `QName` into `(prefix, local)`; `None` when `s` is not a QName (empty, more than one
/// colon, a leading or trailing colon, or a character outside NCName).
pub(super) fn split_qname(s: &str) -> Option<(Option<&str>, &str)> {
    // memchr rather than `split_once`: str patterns cost more than the check itself here.
    match memchr::memchr(b':', s.as_bytes()).and_then(|i| Some((s.get(..i)?, s.get(i + 1..)?))) {
        None => is_ncname(s).then_some((None, s)),
        Some((prefix, local)) => {
            (is_ncname(prefix) && is_ncname(local)).then_some((Some(prefix), local))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ascii_table_matches_the_char_classes() {
        for c in 0u8..128 {
            let ch = char::from(c);
            let want = if is_ncname_start(ch) {
                START
            } else if is_ncname_char(ch) {
                REST
            } else {
                0
            };
            assert_eq!(ASCII_NAME[usize::from(c)], want, "{c:#x}");
        }
    }

    #[test]
    fn qnames() {
        assert_eq!(split_qname("a"), Some((None, "a")));
        assert_eq!(
            split_qname("saml2p:Response"),
            Some((Some("saml2p"), "Response"))
        );
        assert_eq!(split_qname("é-1.x"), Some((None, "é-1.x")));
        for bad in [
            "", ":a", "a:", "a:b:c", "1a", "-a", "a b", "a\"b", "p:1", "a<",
        ] {
            assert_eq!(split_qname(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn names_allow_colons() {
        assert!(is_name("a:b:c"));
        assert!(is_name(":x"));
        assert!(!is_name("#x"));
        assert!(!is_name(""));
    }
}
