//! Splitting the document into markup and character data: where each tag, comment, CDATA
//! section, declaration and text run begins and ends. Nothing inside is interpreted here; the
//! builder and the `tag` / `escape` modules check every piece with the rules of XML 1.0.
//!
//! One forward pass, no backtracking: every byte is looked at a bounded number of times
//! (memchr scans), so a hostile input (an unterminated quote, comment or CDATA section) costs
//! one scan to the end, not a scan per `<`.

use super::super::XmlErrorKind;
use super::Fail;

/// What a piece of the input is. Errors (a DTD, unknown `<!` markup, a construct cut off by the
/// end of the input) are returned by [`Markup::next`] instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Piece {
    /// Character data and references up to the next `<` (or the end).
    Text,
    /// `<name …>`.
    Start,
    /// `<name …/>`.
    Empty,
    /// `</name …>`.
    End,
    /// `<![CDATA[…]]>`.
    CData,
    /// `<!--…-->`.
    Comment,
    /// `<?xml …?>` (the target is exactly `xml`).
    Decl,
    /// `<?target …?>` with any other target; `target` is its name.
    Pi,
    /// The input is exhausted.
    Eof,
}

/// A cursor over the input yielding `(piece, start, end)` with `input[start..end]` the whole
/// piece (markup delimiters included).
pub(super) struct Markup<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Markup<'a> {
    pub fn new(src: &'a str) -> Self {
        Self {
            b: src.as_bytes(),
            pos: 0,
        }
    }

    pub fn next(&mut self) -> Result<(Piece, usize, usize), Fail> {
        let start = self.pos;
        let b = self.b;
        let rest = b.get(start..).unwrap_or(&[]);
        let (piece, end) = match rest {
            [] => return Ok((Piece::Eof, start, start)),
            [b'<', b'/', ..] => (Piece::End, self.find(start + 2, b">", start)?),
            [b'<', b'!', b'-', b'-', ..] => {
                // `<!-->` is not a complete comment: the terminator is searched after `<!--`.
                (Piece::Comment, self.find(start + 4, b"-->", start)?)
            }
            [b'<', b'!', b'[', b'C', b'D', b'A', b'T', b'A', b'[', ..] => {
                (Piece::CData, self.find(start + 9, b"]]>", start)?)
            }
            // Never read, let alone expanded: XXE, billion laughs, ATTLIST default attributes
            // and DTD-declared IDs all start here (spec B.3). `<!D…` / `<!d…` counts as a DTD
            // whatever follows, so a truncated one is still reported as what it is.
            [b'<', b'!', b'D' | b'd', ..] => return Err(Fail::new(XmlErrorKind::Doctype, start)),
            [b'<', b'!', ..] => return Err(Fail::new(bad_bang(), start)),
            [b'<', b'?', ..] => {
                let end = self.find(start + 2, b"?>", start)?;
                let inner = rest.get(2..end - start - 2).unwrap_or(&[]);
                let target_len = inner
                    .iter()
                    .position(|&c| super::tag::is_space(c))
                    .unwrap_or(inner.len());
                if inner.get(..target_len) == Some(b"xml") {
                    (Piece::Decl, end)
                } else {
                    (Piece::Pi, end)
                }
            }
            [b'<', ..] => self.start_tag(start)?,
            _ => (
                Piece::Text,
                memchr::memchr(b'<', rest).map_or(b.len(), |i| start + i),
            ),
        };
        self.pos = end;
        Ok((piece, start, end))
    }

    /// Where the next piece starts if it is a start tag (`<` then anything but `/`, `!` or
    /// `?`), for a reader that takes it in one pass; it then hands back where the tag ended
    /// with [`Self::resume_at`]. A tag it cannot read is left to [`Self::next`].
    pub fn start_tag_here(&self) -> Option<usize> {
        match self.b.get(self.pos..)? {
            [b'<', c, ..] if !matches!(c, b'/' | b'!' | b'?') => Some(self.pos),
            _ => None,
        }
    }

    /// Continues after a piece read elsewhere (see [`Self::start_tag_here`]).
    pub fn resume_at(&mut self, end: usize) {
        self.pos = end;
    }

    /// The end of the start tag at `start`: the first `>` outside a quoted attribute value
    /// (`<a x='>'>` ends at the last `>`). Quotes are only paired up here; whether they sit
    /// where an attribute value may is checked by `tag::attributes`.
    fn start_tag(&self, start: usize) -> Result<(Piece, usize), Fail> {
        let b = self.b;
        let mut i = start + 1;
        loop {
            let found = b
                .get(i..)
                .and_then(|r| memchr::memchr3(b'>', b'"', b'\'', r))
                .map(|k| i + k);
            let Some(at) = found else {
                return Err(Fail::new(XmlErrorKind::UnexpectedEof, start));
            };
            match b.get(at) {
                Some(&q @ (b'"' | b'\'')) => {
                    let close = b
                        .get(at + 1..)
                        .and_then(|r| memchr::memchr(q, r))
                        .ok_or_else(|| Fail::new(XmlErrorKind::UnexpectedEof, start))?;
                    i = at + 1 + close + 1;
                }
                _ => {
                    let empty = at > start + 1 && b.get(at - 1) == Some(&b'/');
                    let piece = if empty { Piece::Empty } else { Piece::Start };
                    return Ok((piece, at + 1));
                }
            }
        }
    }

    /// The offset just after the first `terminator` at or after `from`; `UnexpectedEof` (at
    /// `construct`, where the unfinished markup began) when there is none.
    fn find(&self, from: usize, terminator: &[u8], construct: usize) -> Result<usize, Fail> {
        self.b
            .get(from..)
            .and_then(|r| match terminator {
                // End tags: a byte search, without building a substring searcher for each one
                // (that set-up was most of the cost of finding a short end tag's `>`).
                [t] => memchr::memchr(*t, r),
                _ => memchr::memmem::find(r, terminator),
            })
            .map(|i| from + i + terminator.len())
            .ok_or_else(|| Fail::new(XmlErrorKind::UnexpectedEof, construct))
    }
}

pub(super) fn bad_bang() -> XmlErrorKind {
    XmlErrorKind::Malformed(
        "unknown <! markup: only comments and CDATA sections are allowed".into(),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn pieces(s: &str) -> Result<Vec<(Piece, &str)>, XmlErrorKind> {
        let mut m = Markup::new(s);
        let mut out = Vec::new();
        loop {
            let (p, a, b) = m.next().map_err(|f| f.kind)?;
            if p == Piece::Eof {
                return Ok(out);
            }
            out.push((p, &s[a..b]));
        }
    }

    #[test]
    fn splits_every_kind_of_piece() {
        use Piece::*;
        let s = "<?xml version='1.0'?><a x='>' y=\"'/>\">t&amp;<b/><!-- c -->\
                 <![CDATA[<x>]]></a ><?p d?>";
        assert_eq!(
            pieces(s).unwrap(),
            vec![
                (Decl, "<?xml version='1.0'?>"),
                (Start, "<a x='>' y=\"'/>\">"),
                (Text, "t&amp;"),
                (Empty, "<b/>"),
                (Comment, "<!-- c -->"),
                (CData, "<![CDATA[<x>]]>"),
                (End, "</a >"),
                (Pi, "<?p d?>"),
            ]
        );
        assert_eq!(pieces("<?xml-x?>").unwrap(), vec![(Pi, "<?xml-x?>")]);
        assert_eq!(pieces("<?xml?>").unwrap(), vec![(Decl, "<?xml?>")]);
        // `<!-->` does not close itself.
        assert_eq!(pieces("<!-->-->").unwrap(), vec![(Comment, "<!-->-->")]);
        assert_eq!(pieces("x").unwrap(), vec![(Text, "x")]);
    }

    #[test]
    fn refuses_dtds_unknown_bangs_and_cut_off_markup() {
        assert_eq!(pieces("<!DOCTYPE"), Err(XmlErrorKind::Doctype));
        assert_eq!(pieces("<a><!doctype a>"), Err(XmlErrorKind::Doctype));
        for s in ["<!ELEMENT a>", "<![cdata[x]]>", "<!-x-->", "<!"] {
            assert!(matches!(pieces(s), Err(XmlErrorKind::Malformed(_))), "{s}");
        }
        for s in [
            "<",
            "<a",
            "<a x='>",
            "</a",
            "<!-- x",
            "<![CDATA[x]]",
            "<?p",
            "<a x=\"1",
        ] {
            assert_eq!(pieces(s), Err(XmlErrorKind::UnexpectedEof), "{s}");
        }
    }
}
