//! Strict parsing into a [`Document`].
//!
//! The `markup` module only finds where each piece of markup ends; every rule inside a piece
//! (attribute syntax, names, references, line ends, namespaces) is checked here and in the
//! other submodules, because a document this parser reads differently from the signer's parser
//! is a signature bypass (parser differentials; CVE-2025-25291/25292).
//!
//! Refused: input over [`Limits::max_bytes`] (checked first), non-UTF-8, characters outside
//! XML 1.0 `Char`, a declaration that is not at offset 0 or names another version or encoding,
//! any DOCTYPE (never read: no entity can expand) and any processing instruction, anything but
//! whitespace and comments outside the single root element, and every namespace rule listed in
//! the `namespaces` submodule. Comments outside the root are dropped; inside, they are nodes.
//!
//! **Offsets** (spans and [`XmlError::position`]) count bytes of the input *after* a leading
//! UTF-8 BOM is removed, i.e. bytes of [`Document::source`]. Only `TooLarge` (offset 0) is
//! reported before the BOM is removed. Line/column are therefore the same as in the original
//! text except that a BOM is not counted as a column on line 1.

mod escape;
mod interner;
mod markup;
mod names;
mod namespaces;
mod tag;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

use super::bytes::{load8, same_address, same_optional_text, same_text};
use super::tree::{ChildRange, Node};
use super::{
    Attribute, Document, Element, Limits, Name, NodeId, NodeKind, NsDecl, Position, Span, XmlError,
    XmlErrorKind, XmlStr, ns,
};
use interner::{Interner, valid_common_uri};
use markup::{Markup, Piece};
use namespaces::Scope;
use tag::RawAttr;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Parses with the default [`Limits`].
pub fn parse(input: &[u8]) -> Result<Document, XmlError> {
    parse_with_limits(input, Limits::default())
}

/// Parses `input` strictly.
///
/// Refused: more than [`Limits::max_bytes`] (checked before anything else), non-UTF-8, characters
/// outside XML 1.0 `Char`, a declaration not at the start or naming another version or
/// encoding, any DOCTYPE or processing instruction, anything but whitespace and comments around
/// the single root, undeclared or reserved prefixes, relative namespace URIs, duplicate
/// attributes after namespace resolution, and more depth / nodes / attributes than `limits`
/// allow (`max_depth` counts open elements, the root being 1).
///
/// Spans and error positions are byte offsets into [`Document::source`], i.e. after a leading
/// UTF-8 BOM is removed (only `TooLarge` is reported against the raw input, at offset 0).
pub fn parse_with_limits(input: &[u8], limits: Limits) -> Result<Document, XmlError> {
    parse_tags(input, limits, true)
}

/// [`parse_with_limits`], with `fast_tags` false reading every start tag the general way (the
/// tests compare the two).
fn parse_tags(input: &[u8], limits: Limits, fast_tags: bool) -> Result<Document, XmlError> {
    // Spec A.1: the size limit comes before any other work, so a huge paste costs nothing.
    if input.len() > limits.max_bytes {
        return Err(XmlError {
            kind: XmlErrorKind::TooLarge {
                size: input.len(),
                limit: limits.max_bytes,
            },
            position: Position::locate(input, 0),
        });
    }
    let bytes = input.strip_prefix(UTF8_BOM).unwrap_or(input);
    let fail_at = |f: Fail| XmlError {
        position: Position::locate(bytes, f.offset),
        kind: f.kind,
    };
    let src = std::str::from_utf8(bytes)
        .map_err(|e| fail_at(Fail::new(XmlErrorKind::NotUtf8, e.valid_up_to())))?;
    // The document keeps one shared copy of the input; values that need no decoding are ranges
    // of it, not copies.
    let shared: Rc<str> = Rc::from(src);
    let mut builder = Builder::new(&shared, shared.clone(), limits);
    builder.fast_tags = fast_tags;
    builder.run().map_err(fail_at)
}

/// An error before it is given a line and column (computed once, on failure only).
#[derive(Debug)]
struct Fail {
    kind: XmlErrorKind,
    offset: usize,
}

impl Fail {
    fn new(kind: XmlErrorKind, offset: usize) -> Self {
        Self { kind, offset }
    }
}

/// An element whose end tag has not been seen yet.
struct Open<'a> {
    id: NodeId,
    /// The name as written, for matching the end tag.
    name: &'a str,
    /// Scope height before this element's declarations.
    mark: usize,
}

/// An element name as written and split.
#[derive(Clone, Copy)]
struct QName<'a> {
    name: &'a str,
    prefix: Option<&'a str>,
    local: &'a str,
}

/// A start tag for [`Builder::add_element`].
enum Tag<'a> {
    /// Read in one pass by [`tag::common_start_tag`]: names checked, attributes listed.
    Read(QName<'a>),
    /// The text between `<` and `>` (or `/>`), still to be tokenized and checked.
    Unread(&'a str),
}

/// An attribute value after §3.3.3 normalization and reference expansion (a value the
/// one-pass reader found plain is its own decoded form).
fn attr_value<'a>(a: &RawAttr<'a>) -> Result<Cow<'a, str>, Fail> {
    if a.plain {
        return Ok(Cow::Borrowed(a.value));
    }
    escape::decode_attr(a.value, a.value_start)
}

struct Builder<'a> {
    src: &'a str,
    /// `src`, shared with every value that is a range of it.
    shared: Rc<str>,
    limits: Limits,
    nodes: Vec<Node>,
    open: Vec<Open<'a>>,
    scope: Scope<'a>,
    root: Option<NodeId>,
    /// Reused for every start tag so attribute tokenizing does not allocate.
    raw_attrs: Vec<RawAttr<'a>>,
    /// Namespace URIs (interned) that passed `namespaces::check_uri`.
    checked_uris: Vec<Name>,
    /// Names and namespace URIs seen so far: a SAML message repeats a few dozen of them, so each
    /// gets one shared allocation per document instead of one per occurrence (the parser's
    /// allocations were most of a validation's).
    names: Interner<'a>,
    /// Whether start tags of the common form are read in one pass (always, except in the test
    /// that compares that path with the general one).
    fast_tags: bool,
}

impl<'a> Builder<'a> {
    fn new(src: &'a str, shared: Rc<str>, limits: Limits) -> Self {
        // Sizing the arena up front avoids re-allocating (and moving) it while parsing: each
        // `<` opens a tag, and there is about one text node per two tags in indented XML.
        // A vectorized count: this pass reads the whole input once more.
        let tags = memchr::memchr_iter(b'<', src.as_bytes()).count();
        // Capped: a hostile input of a million `<` must not reserve the whole node budget.
        let guess = (tags + tags / 2 + 1).min(limits.max_nodes).min(4096);
        Self {
            src,
            shared,
            limits,
            nodes: Vec::with_capacity(guess),
            open: Vec::new(),
            scope: Scope::default(),
            root: None,
            raw_attrs: Vec::new(),
            checked_uris: Vec::new(),
            names: Interner::new(src),
            fast_tags: true,
        }
    }

    fn run(mut self) -> Result<Document, Fail> {
        escape::check_chars(self.src)?;
        let mut markup = Markup::new(self.src);
        loop {
            // Start tags of the common form are read in one pass (the general path reads the
            // same tags the same way, and reports every error; a test compares the two).
            if self.fast_tags
                && let Some(start) = markup.start_tag_here()
                && let Some(end) = self.common_start_tag(start)?
            {
                markup.resume_at(end);
                continue;
            }
            let (piece, start, end) = markup.next()?;
            match piece {
                // The whole run of text and references up to the next markup: one text node.
                Piece::Text => self.text(start, end)?,
                Piece::Start => self.start_element(start, end, false)?,
                Piece::Empty => self.start_element(start, end, true)?,
                Piece::End => self.end_element(start, end)?,
                Piece::CData => self.cdata(start, end)?,
                Piece::Comment => self.comment(start, end)?,
                Piece::Decl => self.declaration(start, end)?,
                Piece::Pi => {
                    let inner = self.sub(start + 2, end.saturating_sub(2))?;
                    let (target, _) = tag::tag_name(inner);
                    return Err(Fail::new(
                        XmlErrorKind::ProcessingInstruction(target.to_owned()),
                        start,
                    ));
                }
                Piece::Eof => return self.finish(),
            }
        }
    }

    /// A decoded value as stored in the tree: unchanged text (borrowed from the input at
    /// `at`) becomes a range of the shared source, decoded text an owned copy.
    fn value(&self, text: Cow<'a, str>, at: usize) -> XmlStr {
        match text {
            Cow::Borrowed(t) if std::ptr::eq(t.as_ptr(), self.src.as_ptr().wrapping_add(at)) => {
                XmlStr::source(&self.shared, at, at + t.len())
            }
            Cow::Borrowed(t) => XmlStr::from(t),
            Cow::Owned(t) => XmlStr::from(t),
        }
    }

    fn sub(&self, start: usize, end: usize) -> Result<&'a str, Fail> {
        self.src.get(start..end).ok_or_else(|| {
            Fail::new(
                XmlErrorKind::Malformed("markup boundaries out of range".into()),
                start,
            )
        })
    }

    /// Refuses a new node beyond the limit, before anything is allocated for it.
    fn check_node_budget(&self, at: usize) -> Result<(), Fail> {
        if self.nodes.len() >= self.limits.max_nodes {
            return Err(Fail::new(
                XmlErrorKind::TooManyNodes {
                    limit: self.limits.max_nodes,
                },
                at,
            ));
        }
        Ok(())
    }

    /// Appends a node as the last child of the innermost open element.
    #[inline(always)]
    fn push_node(&mut self, kind: NodeKind, span: Span) -> Result<NodeId, Fail> {
        self.check_node_budget(span.start)?;
        let too_many = || {
            Fail::new(
                XmlErrorKind::TooManyNodes {
                    limit: self.limits.max_nodes,
                },
                span.start,
            )
        };
        let id = NodeId(u32::try_from(self.nodes.len()).map_err(|_| too_many())?);
        let parent = self.open.last().map(|o| o.id);
        self.nodes.push(Node { kind, parent, span });
        // Counted now, laid out in `finish` (see `Element::children`).
        if let Some(p) = parent
            && let Some(Node {
                kind: NodeKind::Element(e),
                ..
            }) = self.nodes.get_mut(p.index())
        {
            e.children.len += 1;
        }
        Ok(id)
    }

    fn text(&mut self, start: usize, end: usize) -> Result<(), Fail> {
        let raw = self.sub(start, end)?;
        if self.open.is_empty() {
            // XML 1.0 §2.1 document: only Misc (comments, PIs, S) around the root element.
            if let Some(i) = raw.bytes().position(|b| !tag::is_space(b)) {
                return Err(Fail::new(XmlErrorKind::TextOutsideRoot, start + i));
            }
            return Ok(());
        }
        self.check_node_budget(start)?;
        let text = escape::decode_text(raw, start)?;
        let text = self.value(text, start);
        self.push_node(NodeKind::Text(text), Span::new(start, end))?;
        Ok(())
    }

    /// Reads the start tag at `start` in one pass if it has the common form (see
    /// [`tag::common_start_tag`]) and builds its element; returns where it ended, or `None` to
    /// have it read the general way.
    fn common_start_tag(&mut self, start: usize) -> Result<Option<usize>, Fail> {
        let mut raw = std::mem::take(&mut self.raw_attrs);
        raw.clear();
        let read = tag::common_start_tag(self.src, start, self.limits.max_attributes, &mut raw);
        let built = match read {
            Some(t) => {
                let name = QName {
                    name: t.name,
                    prefix: t.prefix,
                    local: t.local,
                };
                self.add_element(start, t.end, t.empty, Tag::Read(name), &mut raw)
                    .map(|()| Some(t.end))
            }
            None => Ok(None),
        };
        self.raw_attrs = raw;
        built
    }

    fn start_element(&mut self, start: usize, end: usize, empty: bool) -> Result<(), Fail> {
        let inner_end = end.saturating_sub(if empty { 2 } else { 1 });
        let inner = self.sub(start + 1, inner_end)?;
        let mut raw = std::mem::take(&mut self.raw_attrs);
        raw.clear();
        let built = self.add_element(start, end, empty, Tag::Unread(inner), &mut raw);
        self.raw_attrs = raw;
        built
    }

    /// Adds the element whose start tag is `src[start..end]`, read ([`Tag::Read`], its
    /// attributes already in `raw`) or to be read here.
    fn add_element(
        &mut self,
        start: usize,
        end: usize,
        empty: bool,
        tag: Tag<'a>,
        raw: &mut Vec<RawAttr<'a>>,
    ) -> Result<(), Fail> {
        if self.open.is_empty() && self.root.is_some() {
            return Err(Fail::new(XmlErrorKind::MultipleRoots, start));
        }
        // Limits first: a 10,000-deep or million-node document stops here, cheaply.
        if self.open.len() >= self.limits.max_depth {
            return Err(Fail::new(
                XmlErrorKind::TooDeep {
                    limit: self.limits.max_depth,
                },
                start,
            ));
        }
        self.check_node_budget(start)?;

        let (mut element, name, mark) = self.build_element(tag, start, raw)?;

        let span = Span::new(start, end);
        element.start_tag = span;
        let id = self.push_node(NodeKind::Element(element), span)?;
        if self.root.is_none() {
            self.root = Some(id);
        }
        if empty {
            self.scope.truncate(mark);
        } else {
            self.open.push(Open { id, name, mark });
        }
        Ok(())
    }

    /// Builds the element from its start tag and pushes its declarations on the scope;
    /// returns the element, its name as written and the scope mark to return to.
    fn build_element(
        &mut self,
        tag: Tag<'a>,
        start: usize,
        raw: &mut Vec<RawAttr<'a>>,
    ) -> Result<(Element, &'a str, usize), Fail> {
        let (
            QName {
                name,
                prefix,
                local,
            },
            names_checked,
        ) = match tag {
            Tag::Read(q) => (q, true),
            Tag::Unread(inner) => {
                let (name, attrs_from) = tag::tag_name(inner);
                let (prefix, local) = names::split_qname(name).ok_or_else(|| {
                    Fail::new(XmlErrorKind::InvalidName(name.to_owned()), start + 1)
                })?;
                tag::attributes(
                    inner,
                    attrs_from,
                    start + 1,
                    self.limits.max_attributes,
                    raw,
                )?;
                (
                    QName {
                        name,
                        prefix,
                        local,
                    },
                    false,
                )
            }
        };

        // Split attributes from declarations, refusing bad and duplicate names (same raw
        // name twice also covers one prefix declared twice on an element). A tag read in one
        // pass has its names checked and split already.
        for i in 0..raw.len() {
            let Some(&a) = raw.get(i) else { break };
            let (p, l) = if names_checked {
                (a.prefix, a.local)
            } else {
                names::split_qname(a.name).ok_or_else(|| {
                    Fail::new(XmlErrorKind::InvalidName(a.name.to_owned()), a.start)
                })?
            };
            if raw.iter().take(i).any(|b| same_text(b.name, a.name)) {
                return Err(Fail::new(
                    XmlErrorKind::DuplicateAttribute(a.name.to_owned()),
                    a.start,
                ));
            }
            if a.name == "xml:xmlns" {
                return Err(Fail::new(XmlErrorKind::XmlXmlnsAttribute, a.start));
            }
            if let Some(slot) = raw.get_mut(i) {
                slot.prefix = p;
                slot.local = l;
            }
        }

        // Declarations first: they are in scope for the element's own name and attributes.
        let mark = self.scope.mark();
        let mut ns_decls = Vec::new();
        for a in raw.iter() {
            let declared = match (a.prefix, a.local) {
                (None, "xmlns") => None,
                (Some("xmlns"), prefix) => Some(prefix),
                _ => continue,
            };
            let uri = attr_value(a)?;
            let fail = |k| Fail::new(k, a.start);
            let uri = match uri {
                // A document repeats a few URIs (`xmlns:xs` on every AttributeValue): each
                // distinct one is checked once; interned names of equal text share an address.
                Cow::Borrowed(u) if !u.is_empty() => {
                    namespaces::check_binding(declared, false).map_err(fail)?;
                    let name = self.names.get(u);
                    if !valid_common_uri(&name)
                        && !self.checked_uris.iter().any(|c| same_address(c, &name))
                    {
                        namespaces::check_uri(u).map_err(fail)?;
                        self.checked_uris.push(name.clone());
                    }
                    name
                }
                other => {
                    namespaces::check_decl(declared, &other).map_err(fail)?;
                    Name::from(&*other)
                }
            };
            ns_decls.push(NsDecl {
                prefix: declared.map(|p| self.names.get(p)),
                uri: uri.clone(),
            });
            self.scope.bind(declared, uri);
        }

        let result = self.resolve_element(prefix, local, start, raw, ns_decls);
        match result {
            Ok(element) => Ok((element, name, mark)),
            Err(f) => {
                self.scope.truncate(mark);
                Err(f)
            }
        }
    }

    fn resolve_element(
        &mut self,
        prefix: Option<&'a str>,
        local: &'a str,
        start: usize,
        raw: &[RawAttr<'a>],
        ns_decls: Vec<NsDecl>,
    ) -> Result<Element, Fail> {
        let ns = self
            .scope
            .resolve(prefix)
            .map_err(|k| Fail::new(k, start + 1))?
            .cloned();

        let mut attributes: Vec<Attribute> =
            Vec::with_capacity(raw.len().saturating_sub(ns_decls.len()));
        for a in raw {
            let (p, l) = (a.prefix, a.local);
            if matches!((p, l), (None, "xmlns") | (Some("xmlns"), _)) {
                continue;
            }
            // Namespaces in XML §6.3: unprefixed attributes are in no namespace (not the
            // default one); prefixed ones take their prefix's URI.
            let ns = match p {
                None => None,
                Some(_) => self.scope.resolve(p).map_err(|k| Fail::new(k, a.start))?,
            };
            // Namespaces in XML §6.3: no two attributes with the same expanded name, or
            // `a:ID` and `b:ID` would be one attribute to one reader and two to another.
            if ns.is_some()
                && attributes.iter().any(|b| {
                    same_text(&b.local, l) && same_optional_text(b.ns.as_deref(), ns.map(|n| &**n))
                })
            {
                return Err(Fail::new(
                    XmlErrorKind::DuplicateAttribute(a.name.to_owned()),
                    a.start,
                ));
            }
            let value = attr_value(a)?;
            attributes.push(Attribute {
                prefix: p.map(|p| self.names.get(p)),
                local: self.names.get(l),
                ns: ns.cloned(),
                value: self.value(value, a.value_start),
                span: Span::new(a.start, a.end),
            });
        }

        Ok(Element {
            prefix: prefix.map(|p| self.names.get(p)),
            local: self.names.get(local),
            ns,
            attributes,
            ns_decls,
            children: ChildRange::default(),
            // Set by the caller, which knows where the tag ends.
            start_tag: Span::default(),
        })
    }

    fn end_element(&mut self, start: usize, end: usize) -> Result<(), Fail> {
        let inner = self.sub(start + 2, end.saturating_sub(1))?;
        let name = tag::end_tag(inner, start + 2)?;
        let Some(open) = self.open.pop() else {
            return Err(Fail::new(
                XmlErrorKind::Malformed(format!("end tag </{name}> without a start tag")),
                start,
            ));
        };
        if !same_text(open.name, name) {
            return Err(Fail::new(
                XmlErrorKind::MismatchedEndTag {
                    expected: open.name.to_owned(),
                    found: name.to_owned(),
                },
                start,
            ));
        }
        if let Some(node) = self.nodes.get_mut(open.id.index()) {
            node.span.end = end;
        }
        self.scope.truncate(open.mark);
        Ok(())
    }

    fn cdata(&mut self, start: usize, end: usize) -> Result<(), Fail> {
        if self.open.is_empty() {
            return Err(Fail::new(XmlErrorKind::TextOutsideRoot, start));
        }
        self.check_node_budget(start)?;
        let content = self.sub(start + 9, end.saturating_sub(3))?;
        let text = escape::normalize_line_ends(content);
        let text = self.value(text, start + 9);
        self.push_node(NodeKind::CData(text), Span::new(start, end))?;
        Ok(())
    }

    fn comment(&mut self, start: usize, end: usize) -> Result<(), Fail> {
        let content = self.sub(start + 4, end.saturating_sub(3))?;
        // XML 1.0 §2.5: no `--` inside and no `-` before `-->`.
        if let Some(i) = content.find("--") {
            return Err(Fail::new(
                XmlErrorKind::Malformed("'--' inside a comment".into()),
                start + 4 + i,
            ));
        }
        if content.ends_with('-') {
            return Err(Fail::new(
                XmlErrorKind::Malformed("comment ends with '--->'".into()),
                end.saturating_sub(4),
            ));
        }
        if self.open.is_empty() {
            // Outside the root a comment carries nothing anyone reads; c14n without
            // comments drops it too.
            return Ok(());
        }
        self.check_node_budget(start)?;
        let text = escape::normalize_line_ends(content);
        let text = self.value(text, start + 4);
        self.push_node(NodeKind::Comment(text), Span::new(start, end))?;
        Ok(())
    }

    fn declaration(&self, start: usize, end: usize) -> Result<(), Fail> {
        // XML 1.0 §2.8: the declaration, if any, is the very first thing in the document.
        if start != 0 {
            return Err(Fail::new(XmlErrorKind::MisplacedDeclaration, start));
        }
        let inner = self.sub(start + 5, end.saturating_sub(2))?;
        tag::xml_decl(inner, start + 5)
    }

    fn finish(self) -> Result<Document, Fail> {
        if !self.open.is_empty() {
            return Err(Fail::new(XmlErrorKind::UnexpectedEof, self.src.len()));
        }
        let Some(root) = self.root else {
            return Err(Fail::new(XmlErrorKind::NoRoot, self.src.len()));
        };
        let mut nodes = self.nodes;
        let child_list = lay_out_children(&mut nodes);
        Ok(Document {
            source: self.shared,
            nodes,
            child_list,
            root,
        })
    }
}

/// Builds the one child list: each element's children contiguous and in document order, its
/// `ChildRange` pointing at them (`len` was counted while parsing). Nodes are in document
/// order and a node's parent comes before it, so one pass places every child, with `len`
/// counting again as the cursor.
fn lay_out_children(nodes: &mut [Node]) -> Vec<NodeId> {
    let mut next = 0u32;
    for node in nodes.iter_mut() {
        if let NodeKind::Element(e) = &mut node.kind {
            e.children.start = next;
            next += e.children.len;
            e.children.len = 0;
        }
    }
    let mut list = vec![NodeId(0); next as usize];
    for i in 0..nodes.len() {
        let Some(parent) = nodes.get(i).and_then(|n| n.parent) else {
            continue;
        };
        if let Some(Node {
            kind: NodeKind::Element(e),
            ..
        }) = nodes.get_mut(parent.index())
        {
            if let Some(slot) = list.get_mut((e.children.start + e.children.len) as usize) {
                *slot = NodeId(i as u32);
            }
            e.children.len += 1;
        }
    }
    list
}
