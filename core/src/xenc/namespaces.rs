//! Carrying the namespace context of `EncryptedAssertion` into the standalone plaintext.
//!
//! Decrypted in place (what xmlsec-based SPs do), the Assertion inherits every namespace in
//! scope at `EncryptedAssertion`. As a standalone document it would lose them, and a plaintext
//! such as `<saml:Assertion>` whose `saml` prefix is declared on the Response would not even
//! parse. So every in-scope binding the root start tag does not declare itself is added to it.
//! All of them, not only those used by element and attribute names: QName-valued content
//! (`xsi:type="xs:string"`) and an exclusive-C14N `InclusiveNamespaces PrefixList` can need the
//! others. Exclusive C14N (the only one SAML signatures use here) renders a declaration only
//! where it is visibly used or listed, so the additions never change a signed digest compared
//! with in-place decryption.

use std::fmt::Write as _;

/// Returns `plaintext` with `in_scope` bindings added to the root start tag, or `None` when the
/// plaintext does not start with an element start tag (optionally after whitespace).
pub fn inherit(plaintext: &str, in_scope: &[(Option<&str>, &str)]) -> Option<String> {
    let start = plaintext.find(|c: char| !is_xml_space(c))?;
    let tag = &plaintext[start..];
    let bytes = tag.as_bytes();
    if bytes.first() != Some(&b'<') {
        return None;
    }
    let name_end = 1 + tag[1..].find(|c: char| is_xml_space(c) || c == '>' || c == '/')?;
    if !tag[1..].chars().next().is_some_and(is_name_start) {
        return None;
    }
    let declared = declared_on_start_tag(&tag[name_end..])?;

    let mut added = String::new();
    for &(prefix, uri) in in_scope {
        let key = prefix.unwrap_or("");
        if declared.contains(&key) {
            continue;
        }
        match prefix {
            // An undeclared default (`xmlns=""`) needs nothing in a standalone document.
            None if uri.is_empty() => continue,
            None => added.push_str(" xmlns=\""),
            Some(p) => {
                let _ = write!(added, " xmlns:{p}=\"");
            }
        }
        added.push_str(&crate::xml::escape_attr(uri));
        added.push('"');
    }

    let at = start + name_end;
    let mut out = String::with_capacity(plaintext.len() + added.len());
    out.push_str(&plaintext[..at]);
    out.push_str(&added);
    out.push_str(&plaintext[at..]);
    Some(out)
}

/// The prefixes (`""` for the default) declared on a start tag, given the text after its name.
/// `None` when the tag is malformed (the parse that follows would reject it anyway).
fn declared_on_start_tag(rest: &str) -> Option<Vec<&str>> {
    let mut declared = Vec::new();
    let mut s = rest;
    loop {
        s = s.trim_start_matches(is_xml_space);
        if s.starts_with('>') || s.starts_with("/>") {
            return Some(declared);
        }
        let eq = s.find('=')?;
        let name = s[..eq].trim_end_matches(is_xml_space);
        if name.is_empty() || name.contains(|c: char| is_xml_space(c) || c == '<' || c == '>') {
            return None;
        }
        s = s[eq + 1..].trim_start_matches(is_xml_space);
        let quote = s.chars().next().filter(|&q| q == '"' || q == '\'')?;
        let close = 1 + s[1..].find(quote)?;
        if name == "xmlns" {
            declared.push("");
        } else if let Some(p) = name.strip_prefix("xmlns:") {
            declared.push(p);
        }
        s = &s[close + 1..];
    }
}

fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == ':' || !c.is_ascii()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_only_what_the_root_does_not_declare() {
        let scope = [
            (Some("saml"), "urn:a"),
            (Some("xs"), "http://www.w3.org/2001/XMLSchema"),
            (None, "urn:default"),
            (Some("q"), "urn:x&\"y"),
        ];
        let out = inherit(
            "\n <saml:Assertion xmlns:xs='urn:own' ID=\"a\"><x/></saml:Assertion>",
            &scope,
        )
        .unwrap();
        assert_eq!(
            out,
            "\n <saml:Assertion xmlns:saml=\"urn:a\" xmlns=\"urn:default\" \
             xmlns:q=\"urn:x&amp;&quot;y\" xmlns:xs='urn:own' ID=\"a\"><x/></saml:Assertion>"
        );
        assert_eq!(inherit("<a/>", &[(None, "")]).unwrap(), "<a/>");
        assert_eq!(
            inherit("<a xmlns=\"u\">", &[(None, "v")]).unwrap(),
            "<a xmlns=\"u\">"
        );
    }

    #[test]
    fn rejects_non_element_plaintext() {
        for bad in [
            "",
            "   ",
            "text<a/>",
            "<?xml version='1.0'?><a/>",
            "<!-- c --><a/>",
            "<",
            "<a b>",
            "<a b='1>",
        ] {
            assert_eq!(inherit(bad, &[]), None, "{bad:?}");
        }
    }
}
