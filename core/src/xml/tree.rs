//! The owned arena tree: elements, attributes, text, CDATA and comments, with resolved namespaces
//! and byte spans into the input.
//!
//! Elements are matched by (namespace URI, local name), never by prefix: a prefix is only a
//! local alias and an attacker chooses it.

use std::rc::Rc;
use std::sync::Arc;

use super::bytes::{same_optional_text, same_text};

/// Index of a node in its [`Document`]. Only meaningful for the document that produced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct NodeId(pub(crate) u32);

impl NodeId {
    /// The arena index (stable for the life of the document).
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A half-open byte range `[start, end)` of the original input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// The traits that make a string type of the tree read like `str`: it derefs to `str`, and
/// compares and prints by content (whatever its representation).
macro_rules! str_like {
    ($t:ty) => {
        impl std::ops::Deref for $t {
            type Target = str;
            fn deref(&self) -> &str {
                self.as_str()
            }
        }

        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl PartialEq for $t {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl Eq for $t {}

        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(self.as_str(), f)
            }
        }

        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// A string of a document: a range of its shared source when the text needed no decoding (the
/// usual case), else an owned copy. Not `Send` (see [`Document`]). It derefs to `str` and compares by content, so it reads like
/// one; sharing the source means parsing allocates nothing per attribute value or text node.
#[derive(Clone)]
pub struct XmlStr(Repr);

#[derive(Clone)]
enum Repr {
    Source { src: Rc<str>, start: u32, end: u32 },
    Owned(Box<str>),
}

impl XmlStr {
    /// `src[start..end]`, shared; an owned copy when the range does not fit in `u32` or is not
    /// a `str` range of `src`.
    pub(crate) fn source(src: &Rc<str>, start: usize, end: usize) -> Self {
        match (
            u32::try_from(start),
            u32::try_from(end),
            src.get(start..end),
        ) {
            (Ok(s), Ok(e), Some(_)) => Self(Repr::Source {
                src: Rc::clone(src),
                start: s,
                end: e,
            }),
            (_, _, text) => Self(Repr::Owned(Box::from(text.unwrap_or("")))),
        }
    }

    /// Whether this is a range of the document's source rather than a copy.
    pub fn is_shared(&self) -> bool {
        matches!(self.0, Repr::Source { .. })
    }

    /// The range of the document's source this is, if it is one (see [`Self::is_shared`]).
    pub(crate) fn source_range(&self) -> Option<Span> {
        match &self.0 {
            Repr::Source { start, end, .. } => Some(Span::new(*start as usize, *end as usize)),
            Repr::Owned(_) => None,
        }
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Source { src, start, end } => {
                src.get(*start as usize..*end as usize).unwrap_or("")
            }
            Repr::Owned(s) => s,
        }
    }
}

str_like!(XmlStr);

impl From<&str> for XmlStr {
    fn from(s: &str) -> Self {
        Self(Repr::Owned(Box::from(s)))
    }
}

impl From<String> for XmlStr {
    fn from(s: String) -> Self {
        Self(Repr::Owned(s.into_boxed_str()))
    }
}

/// An element or attribute name, prefix or namespace URI. The names nearly every SAML message
/// uses are `'static` (no allocation, and no atomic reference count to bump and drop for each
/// of the hundreds of uses in a document, which showed in profiles); other names are shared
/// within their document. Derefs to `str` and compares by content.
#[derive(Clone)]
pub struct Name(NameRepr);

#[derive(Clone)]
enum NameRepr {
    Static(&'static str),
    Shared(Arc<str>),
}

impl Name {
    pub(crate) fn from_static(s: &'static str) -> Self {
        Self(NameRepr::Static(s))
    }

    pub(crate) fn shared(s: Arc<str>) -> Self {
        Self(NameRepr::Shared(s))
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            NameRepr::Static(s) => s,
            NameRepr::Shared(s) => s,
        }
    }
}

str_like!(Name);

impl From<&str> for Name {
    fn from(s: &str) -> Self {
        Self::shared(Arc::from(s))
    }
}

/// A namespace declaration as written on an element: `xmlns="uri"` (prefix `None`) or
/// `xmlns:p="uri"`. An empty `uri` only occurs for `xmlns=""` (undeclaring the default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NsDecl {
    pub prefix: Option<Name>,
    /// Shared with every element and attribute in that namespace (one allocation per
    /// declaration, not per use).
    pub uri: Name,
}

/// An attribute (never a namespace declaration: those are in [`Element::ns_decls`]).
/// `value` is after entity expansion and XML attribute-value normalization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// Names are shared within a document (one allocation per distinct name).
    pub prefix: Option<Name>,
    pub local: Name,
    /// Resolved namespace URI; `None` for unprefixed attributes (they are in no namespace).
    pub ns: Option<Name>,
    pub value: XmlStr,
    /// The whole `name="value"` in the input.
    pub span: Span,
}

impl Attribute {
    /// The name as written (`prefix:local` or `local`).
    pub fn qname(&self) -> String {
        match &self.prefix {
            Some(p) => format!("{p}:{}", self.local),
            None => self.local.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// Names are shared within a document (one allocation per distinct name).
    pub prefix: Option<Name>,
    pub local: Name,
    /// Resolved namespace URI; `None` when no default namespace is in scope.
    pub ns: Option<Name>,
    /// In document order, namespace declarations excluded.
    pub attributes: Vec<Attribute>,
    /// Declarations written on this element, in document order.
    pub ns_decls: Vec<NsDecl>,
    /// Where this element's children are in [`Document`]'s child list (read them with
    /// [`Document::children`]): one list per document instead of one `Vec` per element, whose
    /// allocations and growth were a tenth of a parse.
    pub(crate) children: ChildRange,
    /// The start tag only (`<a ...>` or `<a .../>`).
    pub start_tag: Span,
}

/// `start..start + len` of [`Document`]'s child list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct ChildRange {
    pub(crate) start: u32,
    pub(crate) len: u32,
}

impl Element {
    /// The name as written (`prefix:local` or `local`).
    pub fn qname(&self) -> String {
        match &self.prefix {
            Some(p) => format!("{p}:{}", self.local),
            None => self.local.to_string(),
        }
    }

    /// Whether this element is `{ns}local`.
    pub fn is(&self, ns: &str, local: &str) -> bool {
        // Local name first: short and usually different, where namespace URIs share long
        // prefixes.
        same_text(&self.local, local) && self.ns.as_deref().is_some_and(|n| same_text(n, ns))
    }

    /// The attribute `{ns}local` (`ns = None` for unqualified attributes such as SAML's `ID`).
    pub fn attribute(&self, ns: Option<&str>, local: &str) -> Option<&Attribute> {
        self.attributes
            .iter()
            .find(|a| same_text(&a.local, local) && same_optional_text(a.ns.as_deref(), ns))
    }

    /// The value of the unqualified attribute `local`.
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attribute(None, local).map(|a| &*a.value)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeKind {
    Element(Element),
    /// Character data after entity expansion and line-end normalization.
    Text(XmlStr),
    /// The content of a CDATA section (line ends normalized).
    CData(XmlStr),
    /// The content of a comment, without `<!--` and `-->`.
    Comment(XmlStr),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub kind: NodeKind,
    pub parent: Option<NodeId>,
    /// The node's full extent in the input (for elements: start tag to end tag).
    pub span: Span,
}

/// A parsed document: the input it came from plus the arena. Immutable once built.
///
/// Not `Send`: the values of a document share its source through a non-atomic count, since an
/// atomic one would be a locked add and subtract per attribute value and text node. A document
/// is read on the thread that parsed it; parsing is cheap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub(crate) source: Rc<str>,
    pub(crate) nodes: Vec<Node>,
    /// Every element's children, element by element (see [`Element::children`]).
    pub(crate) child_list: Vec<NodeId>,
    pub(crate) root: NodeId,
}

impl Document {
    /// The input text (UTF-8, without a BOM) that spans point into.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The root element.
    pub fn root(&self) -> NodeId {
        self.root
    }

    /// Number of nodes in the arena.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    /// The element at `id`, or `None` if that node is not an element.
    pub fn element(&self, id: NodeId) -> Option<&Element> {
        match &self.node(id).kind {
            NodeKind::Element(e) => Some(e),
            _ => None,
        }
    }

    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        self.node(id).parent
    }

    pub fn span(&self, id: NodeId) -> Span {
        self.node(id).span
    }

    /// The input text of a span.
    pub fn slice(&self, span: Span) -> &str {
        self.source.get(span.start..span.end).unwrap_or("")
    }

    /// All children of an element (empty for other nodes).
    pub fn children(&self, id: NodeId) -> &[NodeId] {
        self.element(id).map_or(&[], |e| {
            let start = e.children.start as usize;
            self.child_list
                .get(start..start + e.children.len as usize)
                .unwrap_or(&[])
        })
    }

    /// Element children only, in document order.
    pub fn child_elements(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        self.children(id)
            .iter()
            .copied()
            .filter(|&c| self.element(c).is_some())
    }

    /// Element children named `{ns}local`.
    pub fn children_named<'a>(
        &'a self,
        id: NodeId,
        ns: &'a str,
        local: &'a str,
    ) -> impl Iterator<Item = NodeId> + 'a {
        self.child_elements(id)
            .filter(move |&c| self.element(c).is_some_and(|e| e.is(ns, local)))
    }

    /// Whether node `id` is the element `{ns}local`.
    pub fn is(&self, id: NodeId, ns: &str, local: &str) -> bool {
        self.element(id).is_some_and(|e| e.is(ns, local))
    }

    /// The node and all its descendants in document order (pre-order).
    pub fn descendants(&self, id: NodeId) -> Descendants<'_> {
        Descendants {
            doc: self,
            next: id.index(),
            end: self.span(id).end,
        }
    }

    /// Every element of the document in document order. The arena is in document order (the
    /// parser appends each node as it reads it, and every node is under the root), so this is
    /// a scan of it: no walk and no stack to allocate.
    pub fn elements(&self) -> impl Iterator<Item = NodeId> + '_ {
        (0..self.nodes.len())
            .filter_map(|i| u32::try_from(i).ok().map(NodeId))
            .filter(|&n| self.element(n).is_some())
    }

    /// Concatenation of the direct text and CDATA children (comments skipped, never used as a
    /// terminator: `user@evil.com<!---->.attacker.com` reads as the whole string — VU#475445).
    pub fn text(&self, id: NodeId) -> String {
        let mut out = String::new();
        for &c in self.children(id) {
            match &self.node(c).kind {
                NodeKind::Text(t) | NodeKind::CData(t) => out.push_str(t),
                _ => {}
            }
        }
        out
    }

    /// [`Self::text`] without a copy in the common case of a single text (or CDATA) child.
    pub fn text_cow(&self, id: NodeId) -> std::borrow::Cow<'_, str> {
        let mut texts = self
            .children(id)
            .iter()
            .filter_map(|&c| match &self.node(c).kind {
                NodeKind::Text(t) | NodeKind::CData(t) => Some(&**t),
                _ => None,
            });
        match (texts.next(), texts.next()) {
            (None, _) => std::borrow::Cow::Borrowed(""),
            (Some(only), None) => std::borrow::Cow::Borrowed(only),
            _ => std::borrow::Cow::Owned(self.text(id)),
        }
    }

    /// Whether an element has a comment among its direct children.
    pub fn has_comment_child(&self, id: NodeId) -> bool {
        self.children(id)
            .iter()
            .any(|&c| matches!(self.node(c).kind, NodeKind::Comment(_)))
    }

    /// Whether an element has element children (text-only elements such as DigestValue must not).
    pub fn has_element_child(&self, id: NodeId) -> bool {
        self.child_elements(id).next().is_some()
    }

    /// Is `ancestor` equal to `id` or one of its ancestors?
    pub fn is_ancestor_or_self(&self, ancestor: NodeId, id: NodeId) -> bool {
        let mut cur = Some(id);
        while let Some(n) = cur {
            if n == ancestor {
                return true;
            }
            cur = self.parent(n);
        }
        false
    }

    /// Depth of a node (root = 0).
    pub fn depth(&self, id: NodeId) -> usize {
        let mut d = 0;
        let mut cur = self.parent(id);
        while let Some(n) = cur {
            d += 1;
            cur = self.parent(n);
        }
        d
    }

    /// The namespace bindings in scope at element `id` (nearest declaration wins), as
    /// `(prefix, uri)` with `None` for the default namespace. Undeclared defaults (`xmlns=""`)
    /// are returned with an empty URI. The `xml` prefix is implicit and not listed.
    pub fn in_scope_namespaces(&self, id: NodeId) -> Vec<(Option<&str>, &str)> {
        let mut out: Vec<(Option<&str>, &str)> = Vec::new();
        let mut cur = Some(id);
        while let Some(n) = cur {
            if let Some(e) = self.element(n) {
                for d in &e.ns_decls {
                    let p = d.prefix.as_deref();
                    if !out.iter().any(|(q, _)| *q == p) {
                        out.push((p, &d.uri));
                    }
                }
            }
            cur = self.parent(n);
        }
        out
    }
}

/// A node and everything below it, in document order. The arena is in document order and spans
/// nest, so the subtree is the run of nodes from the node itself up to the first one that
/// starts at or after the node's end: a scan, with no stack to allocate (it was one allocation
/// per call, and the identity reader calls it once per attribute value).
pub struct Descendants<'a> {
    doc: &'a Document,
    /// Arena index of the next node to yield.
    next: usize,
    /// Where the subtree's root ends in the source.
    end: usize,
}

impl Iterator for Descendants<'_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        let node = self.doc.nodes.get(self.next)?;
        // Every span is non-empty, so the root itself passes this test too.
        if node.span.start >= self.end {
            return None;
        }
        let id = NodeId(u32::try_from(self.next).ok()?);
        self.next += 1;
        Some(id)
    }
}
