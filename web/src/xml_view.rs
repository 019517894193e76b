//! The decoded XML as the page shows it: pretty-printed one element per line, coloured, with
//! every byte marked as inside a verified signature's region or outside all of them.
//!
//! Pretty-printing never rewrites the text: lines are made of tokens that are byte ranges of
//! the decoded XML, so the report's spans (which point into that text) still land on the right
//! token. Only whitespace-only text between tags is dropped from the view. The lexer is a
//! display lexer: it accepts anything (the text may be the very input the parser refused) and
//! never fails.

use samlscope_core::xml::Span;
use std::ops::Range;

/// Lines beyond this are not rendered (a 1 MiB message would otherwise make a DOM of tens of
/// thousands of rows); the view says so.
pub const MAX_LINES: usize = 4000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Open,
    Close,
    Empty,
    Text,
    Comment,
    CData,
    /// `<?…?>` and `<!…>` (declarations, DOCTYPE): shown, never trusted.
    Declaration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

/// Finds `needle` at or after `from`; the end of the text when absent (an unterminated
/// construct runs to the end, as a browser's view-source shows it).
fn find_from(text: &str, from: usize, needle: &str) -> usize {
    text.get(from..)
        .and_then(|rest| rest.find(needle))
        .map_or(text.len(), |i| from + i + needle.len())
}

/// End of a start or end tag: the first `>` outside quotes.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote = None;
    let mut i = from;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return i + 1,
            None => {}
        }
        i += 1;
    }
    bytes.len()
}

pub fn tokenize(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let (kind, end) = if bytes[i] != b'<' {
            let end = text[i..].find('<').map_or(text.len(), |n| i + n);
            (TokenKind::Text, end)
        } else {
            let rest = &text[i..];
            if rest.starts_with("<!--") {
                (TokenKind::Comment, find_from(text, i + 4, "-->"))
            } else if rest.starts_with("<![CDATA[") {
                (TokenKind::CData, find_from(text, i + 9, "]]>"))
            } else if rest.starts_with("<?") {
                (TokenKind::Declaration, find_from(text, i + 2, "?>"))
            } else if rest.starts_with("<!") {
                // A DOCTYPE with an internal subset holds `>` inside `[…]`.
                let close = rest.find('>').map_or(text.len(), |n| i + n + 1);
                let bracket = rest.find('[').map(|n| i + n);
                match bracket {
                    Some(b) if b < close => (TokenKind::Declaration, find_from(text, b, "]>")),
                    _ => (TokenKind::Declaration, close),
                }
            } else {
                let end = tag_end(bytes, i + 1);
                let inner = &text[i..end];
                let kind = if inner.starts_with("</") {
                    TokenKind::Close
                } else if inner.ends_with("/>") {
                    TokenKind::Empty
                } else {
                    TokenKind::Open
                };
                (kind, end)
            }
        };
        // Every branch advances by at least one byte, and ends on a char boundary because every
        // delimiter searched for is ASCII.
        let end = end.max(i + 1).min(text.len());
        let end = (end..=text.len())
            .find(|&e| text.is_char_boundary(e))
            .unwrap_or(text.len());
        tokens.push(Token {
            kind,
            start: i,
            end,
        });
        i = end;
    }
    tokens
}

/// One rendered line: indentation depth and the tokens on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub depth: usize,
    pub tokens: Range<usize>,
}

/// Lays tokens out one element per line; `<a>text</a>` stays on one line.
pub fn lines(text: &str, tokens: &[Token]) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    let mut depth = 0usize;
    let mut previous: Option<TokenKind> = None;
    // Whether the current line is `<open>` or `<open>text` (a closing tag may join it).
    let mut joinable = false;
    for (i, t) in tokens.iter().enumerate() {
        if t.kind == TokenKind::Text && text[t.start..t.end].trim().is_empty() {
            continue;
        }
        let join = match t.kind {
            TokenKind::Text | TokenKind::CData => previous == Some(TokenKind::Open),
            TokenKind::Close => joinable,
            _ => false,
        };
        if t.kind == TokenKind::Close {
            depth = depth.saturating_sub(1);
        }
        match out.last_mut() {
            Some(line) if join => line.tokens.end = i + 1,
            _ => out.push(Line {
                depth,
                tokens: i..i + 1,
            }),
        }
        joinable = match t.kind {
            TokenKind::Open => true,
            TokenKind::Text | TokenKind::CData => join,
            _ => false,
        };
        if t.kind == TokenKind::Open {
            depth += 1;
        }
        previous = Some(t.kind);
    }
    out
}

/// How a stretch of XML relates to the verified signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coverage {
    /// Inside a region a verified signature covers (and so is what was checked).
    Signed,
    /// The `ds:Signature` element itself.
    Signature,
    /// Outside every verified region: nothing vouches for it.
    Unsigned,
}

impl Coverage {
    pub fn class(self) -> &'static str {
        match self {
            Self::Signed => "signed",
            Self::Signature => "sig",
            Self::Unsigned => "unsigned",
        }
    }
}

/// A verified region and where its signature element sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub covered: Span,
    pub signature: Span,
}

pub fn coverage(token: &Token, regions: &[Region]) -> Coverage {
    let span = Span::new(token.start, token.end);
    if regions.iter().any(|r| r.signature.contains(span)) {
        Coverage::Signature
    } else if regions.iter().any(|r| r.covered.contains(span)) {
        Coverage::Signed
    } else {
        Coverage::Unsigned
    }
}

/// The line holding byte `offset` (the last line starting at or before it).
pub fn line_of(lines: &[Line], tokens: &[Token], offset: usize) -> Option<usize> {
    let starts_before = lines.partition_point(|l| {
        tokens
            .get(l.tokens.start)
            .is_some_and(|t| t.start <= offset)
    });
    starts_before.checked_sub(1)
}

/// Pieces of a tag for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Punct,
    Name,
    AttrName,
    AttrValue,
    Space,
}

impl Part {
    pub fn class(self) -> &'static str {
        match self {
            Self::Punct => "p",
            Self::Name => "n",
            Self::AttrName => "an",
            Self::AttrValue => "av",
            Self::Space => "",
        }
    }
}

/// Splits a start/end/empty tag's text into coloured parts; the parts concatenate to the input.
pub fn tag_parts<'a>(tag: &'a str) -> Vec<(Part, &'a str)> {
    let b = tag.as_bytes();
    let mut parts = Vec::new();
    let mut i = 0;
    let push = |parts: &mut Vec<(Part, &'a str)>, part, from: usize, to: usize| {
        if to > from {
            parts.push((part, &tag[from..to]));
        }
    };
    // `<` or `</`
    let lead = if tag.starts_with("</") {
        2
    } else {
        usize::from(tag.starts_with('<'))
    };
    push(&mut parts, Part::Punct, 0, lead);
    i += lead;
    let name_end = (i..b.len())
        .find(|&j| b[j].is_ascii_whitespace() || b[j] == b'/' || b[j] == b'>')
        .unwrap_or(b.len());
    push(&mut parts, Part::Name, i, name_end);
    i = name_end;
    while i < b.len() {
        let c = b[i];
        let end = if c.is_ascii_whitespace() {
            let e = (i..b.len())
                .find(|&j| !b[j].is_ascii_whitespace())
                .unwrap_or(b.len());
            push(&mut parts, Part::Space, i, e);
            e
        } else if c == b'"' || c == b'\'' {
            let e = (i + 1..b.len())
                .find(|&j| b[j] == c)
                .map_or(b.len(), |j| j + 1);
            push(&mut parts, Part::AttrValue, i, e);
            e
        } else if c == b'=' || c == b'/' || c == b'>' {
            push(&mut parts, Part::Punct, i, i + 1);
            i + 1
        } else {
            let e = (i..b.len())
                .find(|&j| {
                    b[j].is_ascii_whitespace() || matches!(b[j], b'=' | b'/' | b'>' | b'"' | b'\'')
                })
                .unwrap_or(b.len());
            push(&mut parts, Part::AttrName, i, e.max(i + 1));
            e.max(i + 1)
        };
        // Attribute names and values are split on ASCII bytes only, so `end` is a boundary.
        i = end;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str =
        r#"<?xml version="1.0"?><r a="x>y"><!-- c --><s>text</s><t/><u><v>1</v></u></r>"#;

    #[test]
    fn tokens_cover_the_text_exactly() {
        let toks = tokenize(DOC);
        let mut at = 0;
        for t in &toks {
            assert_eq!(t.start, at);
            at = t.end;
        }
        assert_eq!(at, DOC.len());
        let kinds: Vec<TokenKind> = toks.iter().map(|t| t.kind).collect();
        use TokenKind::*;
        assert_eq!(
            kinds,
            [
                Declaration,
                Open,
                Comment,
                Open,
                Text,
                Close,
                Empty,
                Open,
                Open,
                Text,
                Close,
                Close,
                Close
            ]
        );
        assert_eq!(&DOC[toks[1].start..toks[1].end], r#"<r a="x>y">"#);
    }

    #[test]
    fn lines_indent_and_keep_short_elements_together() {
        let toks = tokenize(DOC);
        let ls = lines(DOC, &toks);
        let shown: Vec<(usize, String)> = ls
            .iter()
            .map(|l| {
                let s = toks[l.tokens.start].start;
                let e = toks[l.tokens.end - 1].end;
                (l.depth, DOC[s..e].to_owned())
            })
            .collect();
        assert_eq!(
            shown,
            [
                (0, r#"<?xml version="1.0"?>"#.to_owned()),
                (0, r#"<r a="x>y">"#.to_owned()),
                (1, "<!-- c -->".to_owned()),
                (1, "<s>text</s>".to_owned()),
                (1, "<t/>".to_owned()),
                (1, "<u>".to_owned()),
                (2, "<v>1</v>".to_owned()),
                (1, "</u>".to_owned()),
                (0, "</r>".to_owned()),
            ]
        );
        assert_eq!(line_of(&ls, &toks, DOC.find("text").unwrap()), Some(3));
        assert_eq!(line_of(&ls, &toks, 0), Some(0));
    }

    #[test]
    fn anything_lexes_without_panicking() {
        for s in [
            "",
            "<",
            "<!",
            "<!--",
            "<![CDATA[",
            "<?",
            "<a b='",
            "</",
            "é<é>é",
            "<!DOCTYPE [<",
            "a<b",
            "<a>\u{1F600}</a",
            "<<<>>>",
            "<a =>",
        ] {
            let toks = tokenize(s);
            assert_eq!(toks.last().map_or(0, |t| t.end), s.len(), "{s:?}");
            let _ = lines(s, &toks);
            for t in &toks {
                let parts = tag_parts(&s[t.start..t.end]);
                let joined: String = parts.iter().map(|(_, p)| *p).collect();
                assert_eq!(joined, &s[t.start..t.end]);
            }
        }
    }

    #[test]
    fn tag_parts_colour_names_and_values() {
        let parts = tag_parts(r#"<saml:Issuer Format="urn:x" a='1'/>"#);
        assert_eq!(parts[0], (Part::Punct, "<"));
        assert_eq!(parts[1], (Part::Name, "saml:Issuer"));
        assert!(parts.contains(&(Part::AttrName, "Format")));
        assert!(parts.contains(&(Part::AttrValue, "\"urn:x\"")));
        assert!(parts.contains(&(Part::AttrValue, "'1'")));
        assert_eq!(parts.last(), Some(&(Part::Punct, ">")));
    }

    #[test]
    fn coverage_marks_signature_signed_and_outside() {
        let regions = [Region {
            covered: Span::new(10, 100),
            signature: Span::new(20, 40),
        }];
        let t = |start, end| Token {
            kind: TokenKind::Open,
            start,
            end,
        };
        assert_eq!(coverage(&t(12, 18), &regions), Coverage::Signed);
        assert_eq!(coverage(&t(22, 30), &regions), Coverage::Signature);
        assert_eq!(coverage(&t(0, 5), &regions), Coverage::Unsigned);
        assert_eq!(coverage(&t(95, 105), &regions), Coverage::Unsigned);
    }
}
