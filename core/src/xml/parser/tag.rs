//! Tokenizing the inside of tags. The `markup` scanner only finds where a tag ends (honouring
//! quotes); the syntax inside is checked here: no attributes glued together (`x="1"y="2"`), no
//! unquoted values, names checked by the `names` module.

use super::super::XmlErrorKind;
use super::Fail;

/// XML 1.0 §2.3 `S`. Deliberately not `char::is_whitespace` (NBSP is not markup whitespace).
pub(super) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn skip_space(b: &[u8], mut i: usize) -> usize {
    while b.get(i).copied().is_some_and(is_space) {
        i += 1;
    }
    i
}

fn malformed(msg: &str, offset: usize) -> Fail {
    Fail::new(XmlErrorKind::Malformed(msg.to_owned()), offset)
}

/// One `name="value"` of a start tag, before any interpretation.
#[derive(Debug, Clone, Copy)]
pub(super) struct RawAttr<'a> {
    pub name: &'a str,
    /// `name` split as a QName (filled in by the caller after checking it).
    pub prefix: Option<&'a str>,
    pub local: &'a str,
    /// The text between the quotes, not yet normalized.
    pub value: &'a str,
    /// Input offset of the name's first byte.
    pub start: usize,
    /// Input offset of the value's first byte (after the quote).
    pub value_start: usize,
    /// Input offset just after the closing quote.
    pub end: usize,
    /// The value holds nothing to normalize or expand (no control character, `&` or `<`): it
    /// is its own decoded form. Only the one-pass reader, which screened it, sets this.
    pub plain: bool,
}

/// A start tag read by [`common_start_tag`]; its attributes are in the caller's list.
pub(super) struct CommonTag<'a> {
    pub name: &'a str,
    pub prefix: Option<&'a str>,
    pub local: &'a str,
    /// Input offset just after the tag's `>`.
    pub end: usize,
    /// `<a …/>`.
    pub empty: bool,
}

/// Reads the start tag at `src[start]` (a `<`) in one pass, if it has the form signers write:
/// ASCII names (`split_qname` rules), each attribute as `name="value"` or `name='value'` after
/// whitespace, then `>` or `/>`. Attribute values are screened in the same pass, so a plain one
/// needs no decoding later.
///
/// Anything else (a non-ASCII name, spaces around `=`, a missing separator, more than
/// `max_attrs` attributes, no closing quote) returns `None` and the caller reads the tag the
/// general way (the markup scanner finds its end, [`attributes`] tokenizes it), which also
/// reports every error. This path never fails: it cannot word an error differently, and on
/// every tag it accepts it yields what the general path yields (a test compares the two on
/// mutated documents).
pub(super) fn common_start_tag<'a>(
    src: &'a str,
    start: usize,
    max_attrs: usize,
    attrs: &mut Vec<RawAttr<'a>>,
) -> Option<CommonTag<'a>> {
    let b = src.as_bytes();
    let text = |from: usize, to: usize| src.get(from..to);
    let split = |from: usize, colon: Option<usize>, to: usize| match colon {
        Some(c) => Some((Some(text(from, c)?), text(c + 1, to)?)),
        None => Some((None, text(from, to)?)),
    };
    let (colon, mut i) = super::names::ascii_qname_at(b, start + 1)?;
    let name = text(start + 1, i)?;
    let (prefix, local) = split(start + 1, colon, i)?;
    loop {
        let before_space = i;
        while b.get(i).copied().is_some_and(is_space) {
            i += 1;
        }
        match b.get(i)? {
            b'>' => {
                return Some(CommonTag {
                    name,
                    prefix,
                    local,
                    end: i + 1,
                    empty: false,
                });
            }
            b'/' if b.get(i + 1) == Some(&b'>') => {
                return Some(CommonTag {
                    name,
                    prefix,
                    local,
                    end: i + 2,
                    empty: true,
                });
            }
            // An attribute must follow whitespace (§3.1 STag).
            _ if i == before_space || attrs.len() >= max_attrs => return None,
            _ => {}
        }
        let name_start = i;
        let (colon, name_end) = super::names::ascii_qname_at(b, name_start)?;
        let quote = match b.get(name_end..name_end + 2)? {
            [b'=', q @ (b'"' | b'\'')] => *q,
            _ => return None,
        };
        let value_start = name_end + 2;
        let rest = b.get(value_start..)?;
        // The closing quote, or first a byte the value's decoding would have to act on.
        let hit = crate::xml::screen::first_of(rest, [quote, b'&', b'<'], true)?;
        let (len, plain) = match rest.get(hit) {
            Some(&c) if c == quote => (hit, true),
            _ => (hit + memchr::memchr(quote, rest.get(hit..)?)?, false),
        };
        let value_end = value_start + len;
        let attr_name = text(name_start, name_end)?;
        let (attr_prefix, attr_local) = split(name_start, colon, name_end)?;
        attrs.push(RawAttr {
            name: attr_name,
            prefix: attr_prefix,
            local: attr_local,
            value: text(value_start, value_end)?,
            start: name_start,
            value_start,
            end: value_end + 1,
            plain,
        });
        i = value_end + 1;
    }
}

/// The name at the start of a start tag's inside (`inner`: between `<` and `>` or `/>`): everything
/// up to the first whitespace. Returns the name and where the attributes begin.
pub(super) fn tag_name(inner: &str) -> (&str, usize) {
    let b = inner.as_bytes();
    let end = b.iter().position(|&c| is_space(c)).unwrap_or(b.len());
    (inner.get(..end).unwrap_or(""), end)
}

/// Tokenizes the attributes of `inner` from byte `from` on (`base`: input offset of `inner`),
/// appending them to `attrs` (which the caller reuses between elements). Fails as soon as there
/// are more than `max_attrs` attributes.
pub(super) fn attributes<'a>(
    inner: &'a str,
    from: usize,
    base: usize,
    max_attrs: usize,
    attrs: &mut Vec<RawAttr<'a>>,
) -> Result<(), Fail> {
    let b = inner.as_bytes();
    let mut i = from;
    loop {
        let before_space = i;
        i = skip_space(b, i);
        if i >= b.len() {
            return Ok(());
        }
        // §3.1 STag: S Attribute — whitespace between attributes is required.
        if i == before_space {
            return Err(malformed(
                "attributes must be separated by whitespace",
                base + i,
            ));
        }
        let start = i;
        while b.get(i).is_some_and(|&c| !is_space(c) && c != b'=') {
            i += 1;
        }
        let attr_name = inner.get(start..i).unwrap_or("");
        if attr_name.is_empty() {
            return Err(malformed("expected an attribute name", base + start));
        }
        i = skip_space(b, i);
        if b.get(i) != Some(&b'=') {
            return Err(Fail::new(
                XmlErrorKind::Malformed(format!("attribute {attr_name:?} has no '=' and value")),
                base + start,
            ));
        }
        i = skip_space(b, i + 1);
        let quote = match b.get(i) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => {
                return Err(Fail::new(
                    XmlErrorKind::Malformed(format!(
                        "value of attribute {attr_name:?} is not quoted"
                    )),
                    base + i,
                ));
            }
        };
        let value_start = i + 1;
        let Some(len) = b.get(value_start..).and_then(|r| memchr::memchr(quote, r)) else {
            return Err(malformed("unterminated attribute value", base + i));
        };
        if attrs.len() >= max_attrs {
            return Err(Fail::new(
                XmlErrorKind::TooManyAttributes { limit: max_attrs },
                base + start,
            ));
        }
        let value_end = value_start + len;
        attrs.push(RawAttr {
            name: attr_name,
            prefix: None,
            local: attr_name,
            value: inner.get(value_start..value_end).unwrap_or(""),
            start: base + start,
            value_start: base + value_start,
            end: base + value_end + 1,
            plain: false,
        });
        i = value_end + 1;
    }
}

/// The name of an end tag (`inner`: between `</` and `>`). §3.1 ETag: `'</' Name S? '>'`.
pub(super) fn end_tag(inner: &str, base: usize) -> Result<&str, Fail> {
    let b = inner.as_bytes();
    let name_end = b.iter().position(|&c| is_space(c)).unwrap_or(b.len());
    if skip_space(b, name_end) != b.len() {
        return Err(malformed(
            "end tag has something after its name",
            base + name_end,
        ));
    }
    Ok(inner.get(..name_end).unwrap_or(""))
}

/// Checks an XML declaration (`inner`: between `<?xml` and `?>`). §2.8 XMLDecl:
/// `version` first and required, then optional `encoding`, then optional `standalone`.
pub(super) fn xml_decl(inner: &str, base: usize) -> Result<(), Fail> {
    let mut attrs = Vec::with_capacity(3);
    // The same tokenizer as start tags: pseudo-attributes share the syntax.
    attributes(inner, 0, base, 3, &mut attrs).map_err(|f| match f.kind {
        XmlErrorKind::TooManyAttributes { .. } => {
            malformed("unexpected XML declaration field", f.offset)
        }
        _ => f,
    })?;
    let mut it = attrs.iter().peekable();
    match it.next() {
        Some(a) if a.name == "version" => {
            if a.value != "1.0" {
                return Err(Fail::new(
                    XmlErrorKind::UnsupportedVersion(a.value.to_owned()),
                    a.value_start,
                ));
            }
        }
        _ => return Err(malformed("XML declaration without version", base)),
    }
    if let Some(a) = it.next_if(|a| a.name == "encoding") {
        // Only UTF-8: the bytes were already validated as UTF-8, and a declaration naming
        // another encoding means some other parser would decode them differently.
        if !a.value.eq_ignore_ascii_case("UTF-8") {
            return Err(Fail::new(
                XmlErrorKind::UnsupportedEncoding(a.value.to_owned()),
                a.value_start,
            ));
        }
    }
    if let Some(a) = it.next_if(|a| a.name == "standalone")
        && !matches!(a.value, "yes" | "no")
    {
        return Err(malformed(
            "standalone must be \"yes\" or \"no\"",
            a.value_start,
        ));
    }
    match it.next() {
        Some(a) => Err(malformed("unexpected XML declaration field", a.start)),
        None => Ok(()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn tag(s: &str) -> Result<(String, Vec<(String, String)>), String> {
        let mut v = Vec::new();
        let (name, from) = tag_name(s);
        attributes(s, from, 0, 8, &mut v).map_err(|f| f.kind.to_string())?;
        Ok((
            name.to_owned(),
            v.iter()
                .map(|a| (a.name.to_owned(), a.value.to_owned()))
                .collect(),
        ))
    }

    #[test]
    fn start_tags() {
        let (n, a) = tag("a  x = '1'\ty=\"2\" ").unwrap();
        assert_eq!(n, "a");
        assert_eq!(a, vec![("x".into(), "1".into()), ("y".into(), "2".into())]);
        assert!(tag("a x=\"1\"y=\"2\"").unwrap_err().contains("separated"));
        assert!(tag("a x=1").unwrap_err().contains("quoted"));
        assert!(tag("a x").unwrap_err().contains("'='"));
        assert!(tag("a =\"1\"").unwrap_err().contains("name"));
        assert!(tag("a x=\"1").unwrap_err().contains("unterminated"));
    }

    #[test]
    fn decls() {
        assert!(xml_decl(" version=\"1.0\"", 0).is_ok());
        assert!(xml_decl(" version='1.0' encoding='utf-8' standalone='no' ", 0).is_ok());
        assert!(xml_decl("", 0).is_err());
        assert!(xml_decl(" encoding='UTF-8' version='1.0'", 0).is_err());
        assert!(xml_decl(" version='1.0' standalone='maybe'", 0).is_err());
        assert!(matches!(
            xml_decl(" version='1.1'", 0).map_err(|f| f.kind),
            Err(XmlErrorKind::UnsupportedVersion(v)) if v == "1.1"
        ));
        assert!(matches!(
            xml_decl(" version='1.0' encoding='ISO-8859-1'", 0).map_err(|f| f.kind),
            Err(XmlErrorKind::UnsupportedEncoding(_))
        ));
    }
}
