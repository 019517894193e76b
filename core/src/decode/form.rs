//! `application/x-www-form-urlencoded` bodies and URL query strings.
//!
//! The `+` question: in a form body `+` means space, and a correct encoder writes a base64 `+` as
//! `%2B`. But people also paste hand-assembled `SAMLResponse=PHNhbWxw+…` where `+` is literal.
//! Base64 never carries a meaningful space (whitespace is ignored), so for base64-valued parameters
//! (`SAMLRequest`, `SAMLResponse`, `Signature`) a `+` is kept as `+` unless the value also contains
//! `%2B`, which proves the encoder was correct and every `+` is a space.

use std::borrow::Cow;

use percent_encoding::percent_decode;

/// One `name=value` pair with the value exactly as it appeared (still encoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawPair<'a> {
    pub name: String,
    pub raw_name: &'a str,
    pub raw_value: &'a str,
}

/// Splits a query or form body on `&` (and `;`, still emitted by some old servers).
pub fn pairs(query: &str) -> Vec<RawPair<'_>> {
    query
        .split(['&', ';'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (n, v) = p.split_once('=').unwrap_or((p, ""));
            RawPair {
                name: form_decode(n.trim()),
                raw_name: n,
                raw_value: v,
            }
        })
        .collect()
}

/// Standard form decoding: `+` is a space, `%XX` is a byte; invalid UTF-8 is replaced.
pub fn form_decode(s: &str) -> String {
    let spaced = s.replace('+', " ");
    percent_decode(spaced.as_bytes())
        .decode_utf8_lossy()
        .into_owned()
}

/// Decoding for base64-valued parameters (see the module note on `+`). Returns the bytes and
/// whether URL-decoding changed anything.
pub fn base64_param(raw: &str) -> (Cow<'_, [u8]>, bool) {
    if !raw.contains('%') {
        return (Cow::Borrowed(raw.as_bytes()), false);
    }
    let plus_is_space = raw.contains("%2B") || raw.contains("%2b");
    let spaced: Cow<'_, str> = if plus_is_space {
        Cow::Owned(raw.replace('+', " "))
    } else {
        Cow::Borrowed(raw)
    };
    let decoded: Vec<u8> = percent_decode(spaced.as_bytes()).collect();
    (Cow::Owned(decoded), true)
}

/// Splits `https://host/path?query#fragment` into (url-without-query, query).
pub fn split_url(url: &str) -> (&str, Option<&str>) {
    let no_frag = url.split_once('#').map_or(url, |(a, _)| a);
    match no_frag.split_once('?') {
        Some((base, q)) => (base, Some(q)),
        None => (no_frag, None),
    }
}

/// A URL with its query removed, for messages (the query holds the whole SAML message).
pub fn url_without_query(url: &str) -> &str {
    split_url(url).0
}

#[cfg(test)]
mod tests {
    use super::{base64_param, form_decode, pairs, split_url};

    #[test]
    fn plus_is_literal_unless_the_value_proves_form_encoding() {
        assert_eq!(&*base64_param("ab+c").0, b"ab+c");
        assert_eq!(&*base64_param("ab+c%3D").0, b"ab+c=");
        assert_eq!(&*base64_param("ab%2Bc+de").0, b"ab+c de");
        assert!(!base64_param("abc").1);
    }

    #[test]
    fn query_parsing() {
        let p = pairs("a=1&&b&c=x%20y+z;d=");
        let names: Vec<_> = p.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c", "d"]);
        assert_eq!(form_decode(p[2].raw_value), "x y z");
        assert_eq!(split_url("https://h/p?q=1#f"), ("https://h/p", Some("q=1")));
        assert_eq!(split_url("https://h/p#f?x"), ("https://h/p", None));
    }
}
