//! Cutting a plain paste into the pieces that can each hold a message: XML documents, runs of
//! base64 lines, and other lines (URLs, form bodies, access-log lines, noise).
//!
//! A query never runs across a line break: a second URL on the next line is a second message,
//! not the tail of the first one's RelayState. Line breaks are `\n`, `\r\n` and `\r`.
//!
//! - An **XML document** starts where a piece starts with markup (`<` and a name, `?` or `!`) and
//!   ends with its root element (and the comments and processing instructions that follow it);
//!   it may span lines, and the next document may follow on the same line. Other text after the
//!   root on its line stays with the document, and a document that never closes runs to the end
//!   of the paste: the parser then says what is wrong with it.
//! - A **run of base64 lines** starts at a line of at least [`MIN_VALUE_LINE`] base64 characters
//!   (`A–Z a–z 0–9 + /`, `%` for URL-encoding, `=` padding at the end only) and takes in each
//!   following line of the same characters, up to a line shorter than the first or ending in
//!   `=` (the last line of a wrapped value) or a blank line. Whether a run is one wrapped value
//!   or one value per line is decided by trying ([`super::paste`]).
//! - Any other non-blank line is a **line**, trimmed.

use memchr::memchr2;

use super::sniff::{document_end, looks_like_xml};
use super::{Parameter, form};

/// Shorter lines of base64 characters are not a value of their own: a heading such as
/// `Request` or `SAMLResponse` is made of the same letters, and the smallest SAML message is
/// well over a hundred characters of base64. (The last line of a wrapped value may be shorter.)
pub const MIN_VALUE_LINE: usize = 20;

/// One piece of a paste; `line` is the 1-based line it starts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item<'a> {
    Xml { line: usize, text: &'a str },
    Values { line: usize, text: &'a str },
    Line { line: usize, text: &'a str },
}

/// The pieces of a paste in order, found lazily (a paste can be millions of lines).
pub struct Items<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
}

impl<'a> Items<'a> {
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            pos: 0,
            line: 1,
        }
    }

    fn slice(&self, from: usize, to: usize) -> &'a str {
        self.text.get(from..to).unwrap_or_default()
    }
}

impl<'a> Iterator for Items<'a> {
    type Item = Item<'a>;

    fn next(&mut self) -> Option<Item<'a>> {
        let b = self.text.as_bytes();
        while let Some(&c) = b.get(self.pos) {
            if !c.is_ascii_whitespace() {
                break;
            }
            if c == b'\n' || (c == b'\r' && b.get(self.pos + 1) != Some(&b'\n')) {
                self.line += 1;
            }
            self.pos += 1;
        }
        let start = self.pos;
        let rest = b.get(start..).filter(|r| !r.is_empty())?;
        let line = self.line;
        if looks_like_xml(rest) {
            let mut end = document_end(b, start).unwrap_or(b.len());
            // Text after the root on the same line belongs to the document (the parser refuses
            // it there); only markup starts another document on that line.
            let (line_stop, _) = line_end(b, end);
            let tail = b.get(end..line_stop).unwrap_or_default();
            if let Some(at) = tail.iter().position(|c| !c.is_ascii_whitespace())
                && !tail.get(at..).is_some_and(looks_like_xml)
            {
                end = line_stop;
            }
            self.line += breaks(b.get(start..end).unwrap_or_default());
            self.pos = end;
            return Some(Item::Xml {
                line,
                text: self.slice(start, end),
            });
        }
        let (content_end, mut next) = line_end(b, start);
        let content = self.slice(start, content_end).trim_end();
        if content.len() < MIN_VALUE_LINE || !is_value_line(content) {
            self.pos = content_end;
            return Some(Item::Line {
                line,
                text: content,
            });
        }
        let first = content.len();
        let mut end = start + content.len();
        let mut done = content.ends_with('=');
        while !done && next < b.len() {
            let (ce, after) = line_end(b, next);
            let raw = self.slice(next, ce);
            let l = raw.trim();
            if !is_value_line(l) {
                break;
            }
            let indent = raw.len() - raw.trim_start().len();
            end = next + indent + l.len();
            self.line += 1;
            done = l.len() < first || l.ends_with('=');
            next = after;
        }
        self.pos = end;
        Some(Item::Values {
            line,
            text: self.slice(start, end),
        })
    }
}

/// Where the line starting at `from` ends, and where the next one starts.
fn line_end(b: &[u8], from: usize) -> (usize, usize) {
    let rest = b.get(from..).unwrap_or_default();
    match memchr2(b'\n', b'\r', rest) {
        None => (b.len(), b.len()),
        Some(i) => {
            let at = from + i;
            let crlf = b.get(at) == Some(&b'\r') && b.get(at + 1) == Some(&b'\n');
            (at, at + if crlf { 2 } else { 1 })
        }
    }
}

/// Line breaks in `b` (`\r\n` counts once).
pub fn breaks(b: &[u8]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while let Some(at) = b.get(i..).and_then(|r| memchr2(b'\n', b'\r', r)) {
        let at = i + at;
        n += 1;
        i = at + 1;
        if b.get(at) == Some(&b'\r') && b.get(i) == Some(&b'\n') {
            i += 1;
        }
    }
    n
}

/// Whether `text` has a line break.
pub fn has_break(text: &str) -> bool {
    memchr2(b'\n', b'\r', text.as_bytes()).is_some()
}

/// The lines of a run with their offsets from its first line (0, 1, …), trimmed.
pub fn run_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split('\n')
        .flat_map(|l| l.split('\r'))
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(i, l)| (i, l.trim()))
}

/// Whether a run is shaped like one wrapped value: every line but the last of one length, the
/// last no longer (how `base64`, PEM and Shibboleth wrap).
pub fn wrapped_shape(text: &str) -> bool {
    let lens: Vec<usize> = run_lines(text).map(|(_, l)| l.len()).collect();
    match lens.split_last() {
        Some((last, body)) => match body.first() {
            Some(&w) => body.iter().all(|&l| l == w) && *last <= w,
            None => true,
        },
        None => false,
    }
}

/// Base64 characters (and `%XX` URL-encoding), `=` padding only at the end.
pub fn is_value_line(l: &str) -> bool {
    let body = l
        .strip_suffix("==")
        .or_else(|| l.strip_suffix('='))
        .unwrap_or(l);
    !body.is_empty()
        && crate::xml::screen::first::<32>(body.as_bytes(), |b| {
            !((b.wrapping_sub(b'A') < 26)
                | (b.wrapping_sub(b'a') < 26)
                | (b.wrapping_sub(b'0') < 10)
                | (b == b'+')
                | (b == b'/')
                | (b == b'%'))
        })
        .is_none()
}

/// A request target in a log line, with the HTTP method before it when there is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogTarget<'a> {
    pub method: Option<&'a str>,
    pub target: &'a str,
}

/// The request targets with a query in a log line: the request of an access-log line
/// (`GET /sso?… HTTP/1.1`, alone or quoted in the common/combined log format) and any other
/// URL with a query on it (a combined log's referer). Tokens are cut at whitespace and `"`.
pub fn log_targets(line: &str) -> Vec<LogTarget<'_>> {
    let mut out = Vec::new();
    if memchr::memchr3(b' ', b'\t', b'"', line.as_bytes()).is_none() {
        return out;
    }
    let mut prev: Option<&str> = None;
    for tok in line
        .split(|c: char| c.is_ascii_whitespace() || c == '"')
        .filter(|t| !t.is_empty())
    {
        if (tok.starts_with('/') || form::looks_like_url(tok)) && tok.contains('?') {
            out.push(LogTarget {
                method: prev.filter(|p| is_method(p)),
                target: tok,
            });
        }
        prev = Some(tok);
    }
    out
}

/// An HTTP method token (`GET`, `POST`, `OPTIONS`, …).
fn is_method(t: &str) -> bool {
    (3..=7).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_uppercase())
}

/// The SAML parameter a line names as `SAMLRequest=` or `SAMLResponse=`, in any letter case:
/// such a line is a message to account for even when it cannot be read.
/// Whether a line that fits no form still looks like an encoded message: at least 100
/// characters (the smallest SAML message is longer in base64), nine in ten of them from the base64
/// alphabets (standard, URL-safe, `%` escapes). Such a line is decoded and, when it fails,
/// reported: a value with one stray character, or in an alphabet a lenient SP still reads, must
/// not pass as noise beside a valid message.
pub fn looks_like_value(line: &str) -> bool {
    let b = line.as_bytes();
    let alphabet = b
        .iter()
        .filter(|&&c| {
            c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=' | b'%' | b'-' | b'_')
        })
        .count();
    b.len() >= 100 && alphabet.saturating_mul(10) >= b.len().saturating_mul(9)
}

pub fn saml_marker(line: &str) -> Option<Parameter> {
    let has = |pat: &[u8]| {
        line.as_bytes()
            .windows(pat.len())
            .any(|w| w.eq_ignore_ascii_case(pat))
    };
    if has(b"SAMLRequest=") {
        Some(Parameter::SamlRequest)
    } else if has(b"SAMLResponse=") {
        Some(Parameter::SamlResponse)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::{Item, Items, breaks, is_value_line, log_targets, saml_marker, wrapped_shape};
    use crate::decode::Parameter;

    #[test]
    fn items_cut_lines_runs_and_documents() {
        let v = "PHNhbWxwOlJlc3BvbnNlIHhtbG5zOnNhbWxw";
        let text = format!(
            "Request\r\nhttps://i/s?SAMLRequest=x\n\n{v}\n{v}\nPHN=\n{v}\r<a>\n<b/></a><c/> tail\n"
        );
        let items: Vec<Item<'_>> = Items::new(&text).collect();
        assert_eq!(
            items,
            [
                Item::Line {
                    line: 1,
                    text: "Request"
                },
                Item::Line {
                    line: 2,
                    text: "https://i/s?SAMLRequest=x"
                },
                Item::Values {
                    line: 4,
                    text: &format!("{v}\n{v}\nPHN=")
                },
                Item::Values { line: 7, text: v },
                Item::Xml {
                    line: 8,
                    text: "<a>\n<b/></a>"
                },
                Item::Xml {
                    line: 9,
                    text: "<c/> tail"
                },
            ]
        );
        assert_eq!(breaks(b"a\r\nb\rc\nd"), 3);
    }

    #[test]
    fn line_classes() {
        assert!(is_value_line("PHNh%2Bbw=="));
        assert!(!is_value_line("SAMLResponse=PHNh"));
        assert!(!is_value_line("==="));
        assert!(wrapped_shape("abcd\nabcd\nab"));
        assert!(!wrapped_shape("abcd\nab\nabcd"));
        let t = log_targets(
            r#"127.0.0.1 - - [07/Dec/2026:10:00:00 +0000] "GET /saml2/app?SAMLRequest=x&RelayState=y HTTP/1.1" 302 0 "https://sp/p?q=1" "Mozilla/5.0""#,
        );
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].method, Some("GET"));
        assert_eq!(t[0].target, "/saml2/app?SAMLRequest=x&RelayState=y");
        assert_eq!(t[1].method, None);
        assert!(log_targets("SAMLResponse=x&RelayState=/a?b").is_empty());
        assert_eq!(
            saml_marker("x samlresponse=1"),
            Some(Parameter::SamlResponse)
        );
        assert_eq!(saml_marker("the SAMLResponse below"), None);
    }
}
