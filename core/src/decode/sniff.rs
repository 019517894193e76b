//! Tolerant scans of XML text that parse nothing: does a value look like XML, and where does
//! one document of a paste end. Cutting a paste into items and peeling one value both ask these;
//! well-formedness is the parser's job.

use memchr::memchr;

pub(super) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Cheap sniff: after an optional UTF-8 BOM and whitespace, the bytes start with `<` followed by
/// something that can start markup (a name, `?` or `!`). It does not parse anything.
pub fn looks_like_xml(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let mut rest = bytes.iter().skip_while(|b| b.is_ascii_whitespace());
    matches!(rest.next(), Some(b'<'))
        && matches!(rest.next(), Some(b) if b.is_ascii_alphabetic() || matches!(b, b'?' | b'!' | b'_' | b':') || *b >= 0x80)
}

/// The end of the XML document starting at `start`: just after its root element and the
/// comments and processing instructions (other than an XML declaration, which starts the next
/// document) that follow it. `None` when the root never closes. A tolerant scan that only
/// tracks nesting — comments, CDATA, PIs, declarations and quoted attribute values are skipped
/// so a `>` or `<` inside them is not markup; well-formedness is the parser's job.
pub fn document_end(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    let mut depth = 0usize;
    loop {
        let lt = i + memchr(b'<', b.get(i..)?)?;
        let rest = b.get(lt..)?;
        if rest.starts_with(b"<!--") {
            i = after(b, lt + 4, b"-->")?;
        } else if rest.starts_with(b"<![CDATA[") {
            i = after(b, lt + 9, b"]]>")?;
        } else if rest.starts_with(b"<?") {
            i = after(b, lt + 2, b"?>")?;
        } else if rest.starts_with(b"<!") {
            i = declaration_end(b, lt + 2)?;
        } else if rest.starts_with(b"</") {
            i = tag_end(b, lt + 2)?;
            depth = depth.checked_sub(1)?;
            if depth == 0 {
                return Some(misc_end(b, i));
            }
        } else if rest.get(1).is_some_and(|&c| name_start(c)) {
            i = tag_end(b, lt + 1)?;
            if b.get(i.saturating_sub(2)) == Some(&b'/') {
                if depth == 0 {
                    return Some(misc_end(b, i));
                }
            } else {
                depth += 1;
            }
        } else {
            i = lt + 1;
        }
    }
}

fn name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c == b':' || c >= 0x80
}

/// Just after the first `pat` at or after `from`.
fn after(b: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    let rest = b.get(from..)?;
    memchr::memmem::find(rest, pat).map(|at| from + at + pat.len())
}

/// Just after the `>` closing a tag, skipping quoted attribute values.
fn tag_end(b: &[u8], from: usize) -> Option<usize> {
    let mut quote = None;
    for (k, &c) in b.get(from..)?.iter().enumerate() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(c),
            (None, b'>') => return Some(from + k + 1),
            (None, _) => {}
        }
    }
    None
}

/// Just after a `<!…>` declaration (a DOCTYPE may hold an internal subset in brackets).
fn declaration_end(b: &[u8], from: usize) -> Option<usize> {
    let mut quote = None;
    let mut brackets = 0usize;
    for (k, &c) in b.get(from..)?.iter().enumerate() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(c),
            (None, b'[') => brackets += 1,
            (None, b']') => brackets = brackets.saturating_sub(1),
            (None, b'>') if brackets == 0 => return Some(from + k + 1),
            (None, _) => {}
        }
    }
    None
}

/// After a root element: the comments and processing instructions that follow it belong to
/// its document (XML 1.0 `Misc`); an XML declaration starts the next one.
fn misc_end(b: &[u8], mut i: usize) -> usize {
    loop {
        let ws = b
            .get(i..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| c.is_ascii_whitespace())
            .count();
        let j = i + ws;
        let rest = b.get(j..).unwrap_or_default();
        let next = if rest.starts_with(b"<!--") {
            after(b, j + 4, b"-->")
        } else if rest.starts_with(b"<?") && !is_declaration(rest) {
            after(b, j + 2, b"?>")
        } else {
            None
        };
        match next {
            Some(end) => i = end,
            None => return i,
        }
    }
}

fn is_declaration(rest: &[u8]) -> bool {
    rest.get(..5)
        .is_some_and(|p| p.eq_ignore_ascii_case(b"<?xml"))
        && rest
            .get(5)
            .is_some_and(|c| c.is_ascii_whitespace() || *c == b'?')
}

/// Whether XML text holds more than one document: something other than whitespace follows the
/// end of the first. A document that does not close counts as one (the parser refuses it).
pub fn several_documents(xml: &str) -> bool {
    let b = xml.as_bytes();
    let Some(start) = memchr(b'<', b) else {
        return false;
    };
    match document_end(b, start) {
        Some(end) => b
            .get(end..)
            .is_some_and(|r| r.iter().any(|c| !c.is_ascii_whitespace())),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{document_end, several_documents};

    fn end(s: &str) -> Option<&str> {
        document_end(s.as_bytes(), 0).map(|e| &s[..e])
    }

    #[test]
    fn documents_end_with_their_root_and_what_follows_it() {
        assert_eq!(end("<a/><b/>"), Some("<a/>"));
        assert_eq!(
            end("<?xml version='1.0'?><a x='>'><b/></a><?xml?>"),
            Some("<?xml version='1.0'?><a x='>'><b/></a>")
        );
        assert_eq!(
            end("<a><![CDATA[</a>]]><!-- </a> --></a> <!-- c --> <?pi x?>\n<b/>"),
            Some("<a><![CDATA[</a>]]><!-- </a> --></a> <!-- c --> <?pi x?>")
        );
        assert_eq!(
            end("<!DOCTYPE a [<!ENTITY e '>'>]><a/>"),
            Some("<!DOCTYPE a [<!ENTITY e '>'>]><a/>")
        );
        assert_eq!(end("<a><b></a>"), None);
        assert_eq!(end("</a><a/>"), None);
        assert!(several_documents("<a/>\n<a/>"));
        assert!(!several_documents("<a/>\n<!-- end -->\n"));
        assert!(!several_documents("<a><b>"));
    }
}
