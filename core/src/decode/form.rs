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
    /// Form-decoded, except for names too long to be any SAML parameter (kept as written; see
    /// [`MAX_RAW_NAME`]).
    pub name: Cow<'a, str>,
    pub raw_name: &'a str,
    pub raw_value: &'a str,
}

/// Pair names only matter when they are one of the SAML binding parameters (`SAMLResponse`,
/// `SAMLRequest`, `RelayState`, `SigAlg`, `Signature`: at most 12 characters, 36 with every one
/// percent-encoded). A longer raw name is none of them and is not decoded: a bare base64 value
/// is one long "name", and form-decoding it was most of the time spent decoding a paste.
pub const MAX_RAW_NAME: usize = 36;

/// Splits a query or form body on `&`, as the URL standard's form decoding and the IdPs do.
/// Not on `;` as well (an old CGI convention): browsers leave `;` unencoded in a URL
/// (`/app;jsessionid=…` as RelayState), and cutting there would read another RelayState than
/// the IdP and fail a Redirect signature the IdP accepts.
pub fn pairs(query: &str) -> Vec<RawPair<'_>> {
    // Split on the bytes (`&` is ASCII, so every cut is a char boundary): a `str::split`
    // decodes every character of a value that is kilobytes long.
    let mut pieces = Vec::new();
    let mut rest = query;
    while let Some(at) = memchr::memchr(b'&', rest.as_bytes()) {
        pieces.push(rest.get(..at).unwrap_or_default());
        rest = rest.get(at + 1..).unwrap_or_default();
    }
    pieces.push(rest);
    pieces
        .into_iter()
        .filter(|p| !p.is_empty())
        .map(|p| {
            // memchr, not `split_once('=')`: a bare base64 value is one kilobytes-long piece
            // that holds no `=` before its padding.
            let (n, v) = match memchr::memchr(b'=', p.as_bytes()) {
                Some(at) => (
                    p.get(..at).unwrap_or(p),
                    p.get(at + 1..).unwrap_or_default(),
                ),
                None => (p, ""),
            };
            let trimmed = n.trim();
            RawPair {
                name: if trimmed.len() > MAX_RAW_NAME {
                    Cow::Borrowed(trimmed)
                } else {
                    Cow::Owned(form_decode(trimmed))
                },
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
    if memchr::memchr(b'%', raw.as_bytes()).is_none() {
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

/// Whether a paste is a URL (the Redirect binding's address-bar form) rather than a form body,
/// base64 or XML: the one test the decoder and the CLI's argument reading share.
pub fn looks_like_url(text: &str) -> bool {
    text.starts_with("http://") || text.starts_with("https://")
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
    use std::borrow::Cow;

    #[test]
    fn plus_is_literal_unless_the_value_proves_form_encoding() {
        assert_eq!(&*base64_param("ab+c").0, b"ab+c");
        assert_eq!(&*base64_param("ab+c%3D").0, b"ab+c=");
        assert_eq!(&*base64_param("ab%2Bc+de").0, b"ab+c de");
        assert!(!base64_param("abc").1);
    }

    #[test]
    fn pairs_split_like_str_split_and_decode_only_names_that_can_matter() {
        for q in [
            "",
            "&",
            ";;a",
            "a=1&b=2;c",
            "SAMLResponse=x&RelayState=%2Fhome",
            "é=ü&x;y=z&",
            "&&SAML%52esponse=v",
        ] {
            let want: Vec<&str> = q.split('&').filter(|p| !p.is_empty()).collect();
            let got: Vec<String> = pairs(q)
                .iter()
                .map(|p| {
                    if p.raw_value.is_empty() && !q.contains(&format!("{}=", p.raw_name)) {
                        p.raw_name.to_owned()
                    } else {
                        format!("{}={}", p.raw_name, p.raw_value)
                    }
                })
                .collect();
            assert_eq!(got, want, "{q:?}");
        }
        // Percent-encoded parameter names up to the longest possible encoding are decoded.
        let encoded: String = "SAMLResponse"
            .bytes()
            .map(|b| format!("%{b:02X}"))
            .collect();
        assert_eq!(encoded.len(), super::MAX_RAW_NAME);
        assert_eq!(pairs(&format!("{encoded}=v"))[0].name, "SAMLResponse");
        // A bare base64 value is one long name, kept as written.
        let long = "PHNhbWxwOlJlc3BvbnNlIHhtbG5zOnNhbWxwPSJ1cm46b2FzaXMi+/+A";
        let p = pairs(long);
        assert!(matches!(p[0].name, Cow::Borrowed(n) if n == long));
    }

    #[test]
    fn query_parsing() {
        let p = pairs("a=1&&b&c=x%20y+z;d=&e=");
        let names: Vec<&str> = p.iter().map(|p| &*p.name).collect();
        assert_eq!(names, ["a", "b", "c", "e"]);
        // `;` separates nothing: it is part of the value.
        assert_eq!(form_decode(p[2].raw_value), "x y z;d=");
        assert_eq!(split_url("https://h/p?q=1#f"), ("https://h/p", Some("q=1")));
        assert_eq!(split_url("https://h/p#f?x"), ("https://h/p", None));
    }
}
