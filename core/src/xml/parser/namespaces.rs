//! Namespace scoping and the declaration rules of Namespaces in XML 1.0 §3, tightened where
//! canonicalization needs it (void-c14n: Exclusive C14N cannot handle relative namespace URIs,
//! and a redeclared `xml`/`xmlns` prefix is one more way for two parsers to disagree).

use super::super::{Name, XmlErrorKind, ns};

/// The in-scope bindings as a stack; an element's declarations are pushed on entry and popped
/// (by truncating to a mark) when it ends. Lookups scan from the top: SAML documents have a
/// handful of bindings, so this beats any map.
#[derive(Debug)]
pub(super) struct Scope<'a> {
    /// `(prefix, uri)`; `None` is the default namespace, an empty URI undeclares it.
    bindings: Vec<(Option<&'a str>, Name)>,
    /// The `xml` prefix's URI, bound by definition.
    xml: Name,
}

impl Default for Scope<'_> {
    fn default() -> Self {
        Self {
            bindings: Vec::new(),
            xml: Name::from_static(ns::XML),
        }
    }
}

impl<'a> Scope<'a> {
    pub(super) fn mark(&self) -> usize {
        self.bindings.len()
    }

    pub(super) fn truncate(&mut self, mark: usize) {
        self.bindings.truncate(mark);
    }

    pub(super) fn bind(&mut self, prefix: Option<&'a str>, uri: Name) {
        self.bindings.push((prefix, uri));
    }

    /// The URI of an element's prefix (or of the default namespace when `prefix` is `None`).
    /// `Ok(None)` means "no namespace". The `xml` prefix is bound by definition.
    pub(super) fn resolve(&self, prefix: Option<&str>) -> Result<Option<&Name>, XmlErrorKind> {
        match prefix {
            Some("xml") => Ok(Some(&self.xml)),
            // Namespaces in XML §3: element names must not have the prefix xmlns.
            Some("xmlns") => Err(XmlErrorKind::ReservedPrefix("xmlns".into())),
            _ => {
                let found = self
                    .bindings
                    .iter()
                    .rev()
                    .find(|(p, _)| super::same_optional_text(*p, prefix));
                match (prefix, found) {
                    (_, Some((_, uri))) if !uri.is_empty() => Ok(Some(uri)),
                    (None, _) => Ok(None),
                    (Some(p), _) => Err(XmlErrorKind::UndeclaredPrefix(p.to_owned())),
                }
            }
        }
    }
}

/// Checks one declaration: `xmlns="uri"` (`prefix` None) or `xmlns:prefix="uri"`.
pub(super) fn check_decl(prefix: Option<&str>, uri: &str) -> Result<(), XmlErrorKind> {
    check_binding(prefix, uri.is_empty())?;
    if uri.is_empty() {
        return Ok(());
    }
    check_uri(uri)
}

/// The part of [`check_decl`] about the prefix: a reserved one, or a prefix bound to "".
pub(super) fn check_binding(prefix: Option<&str>, empty_uri: bool) -> Result<(), XmlErrorKind> {
    // Refused even with the correct URI: there is no reason to write them in SAML, and
    // declaring them is a known source of disagreement between c14n implementations.
    if let Some(p @ ("xml" | "xmlns")) = prefix {
        return Err(XmlErrorKind::ReservedPrefix(p.to_owned()));
    }
    match prefix {
        // `xmlns=""` undeclares the default; undeclaring a prefix is XML 1.1 only.
        Some(p) if empty_uri => Err(XmlErrorKind::EmptyPrefixBinding(p.to_owned())),
        _ => Ok(()),
    }
}

/// The part of [`check_decl`] about a non-empty URI, whatever prefix it is bound to (so the
/// parser checks each distinct URI of a document once).
pub(super) fn check_uri(uri: &str) -> Result<(), XmlErrorKind> {
    if uri == ns::XML || uri == ns::XMLNS {
        return Err(XmlErrorKind::ReservedNamespace(uri.to_owned()));
    }
    if !is_absolute(uri) {
        return Err(XmlErrorKind::RelativeNamespace(uri.to_owned()));
    }
    if !is_uri_text(uri) {
        return Err(XmlErrorKind::InvalidNamespaceUri(uri.to_owned()));
    }
    Ok(())
}

/// RFC 3986 §3.1: an absolute URI starts with `scheme ":"`, scheme = ALPHA *( ALPHA / DIGIT /
/// "+" / "-" / "." ).
fn is_absolute(uri: &str) -> bool {
    let Some((scheme, _)) = uri.split_once(':') else {
        return false;
    };
    let mut b = scheme.bytes();
    b.next().is_some_and(|c| c.is_ascii_alphabetic())
        && b.all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
}

/// RFC 3986 §3: `scheme ":" hier-part [ "?" query ] [ "#" fragment ]`, each part in its own
/// character set (`%` followed by two hex digits anywhere). Anything else (a space, a quote,
/// `<`, a non-ASCII character, a second `#`, a port that is not digits or is empty) is refused:
/// libxml2 (which xmlsec signs with) refuses a namespace URI outside this syntax, so no such
/// signer produced a document declaring one, and two readers may disagree about what it is.
/// IP literals (`[…]` hosts) are refused outright; no SAML namespace is one.
///
/// Path, query and fragment share one character set once `#` is known to occur at most once
/// (`:` `@` `/` `?` are allowed in all three), so a single pass over a table checks them; only
/// an authority (`//…`) needs a closer look.
fn is_uri_text(uri: &str) -> bool {
    let b = uri.as_bytes();
    // Fast path: no `%` and no `#` (nearly every namespace URI), one table lookup per byte.
    if !b.iter().all(|&c| URI_CHAR[usize::from(c)] == PLAIN) {
        let mut hashes = 0;
        for (i, &c) in b.iter().enumerate() {
            match (URI_CHAR[usize::from(c)], c) {
                (PLAIN, _) => {}
                (SPECIAL, b'#') => hashes += 1,
                (SPECIAL, _) => {
                    let hex = |j: usize| b.get(j).is_some_and(u8::is_ascii_hexdigit);
                    if !(hex(i + 1) && hex(i + 2)) {
                        return false;
                    }
                }
                _ => return false,
            }
        }
        if hashes > 1 {
            return false;
        }
    }
    let Some(colon) = memchr::memchr(b':', b) else {
        return false;
    };
    match b.get(colon + 1..).and_then(|r| r.strip_prefix(b"//")) {
        Some(after) => {
            let end = after
                .iter()
                .position(|&c| matches!(c, b'/' | b'?' | b'#'))
                .unwrap_or(after.len());
            is_authority(after.get(..end).unwrap_or(&[]))
        }
        None => true,
    }
}

/// `[ userinfo "@" ] host [ ":" port ]`, host a reg-name (no `@`, no `:` but the port's).
fn is_authority(authority: &[u8]) -> bool {
    let host_port = match memchr::memchr(b'@', authority) {
        Some(at) => authority.get(at + 1..).unwrap_or(&[]),
        None => authority,
    };
    if host_port.contains(&b'@') {
        return false;
    }
    // A `:` with no port after it is allowed by RFC 3986 but refused by libxml2: refused.
    match memchr::memchr(b':', host_port) {
        Some(at) => {
            let port = host_port.get(at + 1..).unwrap_or(&[]);
            !port.is_empty() && port.iter().all(u8::is_ascii_digit)
        }
        None => true,
    }
}

const PLAIN: u8 = 1;
const SPECIAL: u8 = 2;

/// For each byte: `PLAIN` if a URI may hold it literally anywhere after the scheme
/// (unreserved, sub-delims, `:/?@`), `SPECIAL` for `%` and `#` (allowed with conditions),
/// 0 for everything else.
const URI_CHAR: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        t[c] = if b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'/'
                    | b'?'
                    | b'@'
            ) {
            PLAIN
        } else if b == b'%' || b == b'#' {
            SPECIAL
        } else {
            0
        };
        c += 1;
    }
    t
};

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn absolute_uris() {
        assert!(is_absolute("urn:oasis:names:tc:SAML:2.0:assertion"));
        assert!(is_absolute("http://www.w3.org/2000/09/xmldsig#"));
        assert!(is_absolute("a+b.c-d:x"));
        for bad in ["", "foo", "/a:b", "1a:b", ":x", "a b:c", "#x"] {
            assert!(!is_absolute(bad), "{bad}");
        }
    }

    #[test]
    fn uri_syntax() {
        for good in [
            "urn:oasis:names:tc:SAML:2.0:assertion",
            "http://www.w3.org/2000/09/xmldsig#",
            "http://example.com/x?q=1&r=2;s=(3)*+,'!$@~_/?#f/?:@",
            "urn:x:%C3%A9",
            "https://user:pw@idp.example.com:8443/saml2/idp?x=1",
            "urn:",
        ] {
            assert!(is_uri_text(good), "{good}");
        }
        for bad in [
            "urn:a b",
            "urn:\u{FEFF}x",
            "urn:é",
            "urn:<x>",
            "urn:\"q\"",
            "urn:a\\b",
            "urn:{x}",
            "urn:a|b",
            "urn:a^b",
            "urn:a`b",
            "urn:%",
            "urn:%4",
            "urn:%4G",
            "urn:\t",
            "urn:a#b#c",
            "http://[::1]/x",
            "http://host:80x/",
            "http://host:/",
            "http://a@b@c/",
            "http://ho:st:1/",
            "urn:a[b]",
        ] {
            assert!(!is_uri_text(bad), "{bad}");
        }
        assert_eq!(
            check_decl(Some("p"), "urn:\u{FEFF}x"),
            Err(XmlErrorKind::InvalidNamespaceUri("urn:\u{FEFF}x".into()))
        );
    }

    #[test]
    fn scope_shadows_and_pops() {
        let mut s = Scope::default();
        s.bind(Some("p"), Name::from("urn:a"));
        let m = s.mark();
        s.bind(Some("p"), Name::from("urn:b"));
        s.bind(None, Name::from("urn:d"));
        assert_eq!(
            s.resolve(Some("p")).map(|u| u.map(|u| &**u)),
            Ok(Some("urn:b"))
        );
        assert_eq!(s.resolve(None).map(|u| u.map(|u| &**u)), Ok(Some("urn:d")));
        s.truncate(m);
        assert_eq!(
            s.resolve(Some("p")).map(|u| u.map(|u| &**u)),
            Ok(Some("urn:a"))
        );
        assert_eq!(s.resolve(None), Ok(None));
        assert_eq!(
            s.resolve(Some("q")),
            Err(XmlErrorKind::UndeclaredPrefix("q".into()))
        );
    }
}
