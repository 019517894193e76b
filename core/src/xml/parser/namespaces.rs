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
                let found = self.bindings.iter().rev().find(|(p, _)| *p == prefix);
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
    // Refused even with the correct URI: there is no reason to write them in SAML, and
    // declaring them is a known source of disagreement between c14n implementations.
    if let Some(p @ ("xml" | "xmlns")) = prefix {
        return Err(XmlErrorKind::ReservedPrefix(p.to_owned()));
    }
    if uri == ns::XML || uri == ns::XMLNS {
        return Err(XmlErrorKind::ReservedNamespace(uri.to_owned()));
    }
    if uri.is_empty() {
        // `xmlns=""` undeclares the default; undeclaring a prefix is XML 1.1 only.
        return match prefix {
            Some(p) => Err(XmlErrorKind::EmptyPrefixBinding(p.to_owned())),
            None => Ok(()),
        };
    }
    if !is_absolute(uri) {
        return Err(XmlErrorKind::RelativeNamespace(uri.to_owned()));
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
