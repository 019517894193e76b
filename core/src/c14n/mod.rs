//! XML canonicalization of a subtree of the one parsed tree: Exclusive XML Canonicalization 1.0
//! (W3C xml-exc-c14n, with the InclusiveNamespaces PrefixList), Canonical XML 1.0 and Canonical
//! XML 1.1, with and without comments; `omit` excludes one subtree (the enveloped-signature
//! transform). Signing and verifying share this code, and the output is checked byte for byte
//! against libxml2 (core/tests/c14n_differential.rs).
//!
//! The input tree is already normalized by the parser (line ends, attribute values, entities),
//! and relative namespace URIs were refused there (void-c14n cannot happen here).
use crate::xml::bytes::{same_optional_text, same_text};
use crate::xml::{Document, Element, NodeId, NodeKind};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum C14nError {
    #[error("the canonicalization apex is not an element")]
    NotElement,
    #[error(
        "an InclusiveNamespaces PrefixList belongs to exclusive canonicalization only (Exc-C14N §3); inclusive canonicalization renders every namespace in scope"
    )]
    PrefixListWithInclusive,
    #[error(
        "C14N 1.1 would join the xml:base {value:?} of an ancestor outside the signed subset into the signed element's base URI (C14N 1.1 §2.4, RFC 3986 resolution); samlscope does not implement that join, so it does not guess the bytes"
    )]
    InheritedXmlBase { value: String },
    #[error(
        "C14N 1.1 drops or rewrites an empty xml:base during its xml:base fixup (§2.4); samlscope does not guess those bytes"
    )]
    EmptyXmlBase,
}

/// Which canonicalization. Each renders the same document subset: the apex's subtree minus
/// `omit` (SignedInfo, or a same-document `#id` reference after enveloped-signature).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    /// Exclusive XML Canonicalization 1.0: a namespace declaration is rendered where it is
    /// visibly utilized (or named in the PrefixList); nothing is inherited from outside.
    #[default]
    Exclusive,
    /// Canonical XML 1.0 (§2.3, §2.4): the apex renders every namespace in scope and the
    /// nearest `xml:*` attributes of its ancestors.
    Inclusive10,
    /// Canonical XML 1.1 (§2.4): as 1.0, but only the simple inheritable `xml:lang` and
    /// `xml:space` are inherited (`xml:id` never is); an inherited `xml:base` is refused
    /// ([`C14nError::InheritedXmlBase`]).
    Inclusive11,
}

pub struct C14nOptions<'a> {
    pub method: Method,
    pub with_comments: bool,
    /// Exclusive only; any prefix here with an inclusive method is an error.
    pub inclusive_prefixes: &'a [&'a str],
    pub omit: Option<NodeId>,
}

/// Where canonical bytes go: a buffer (signing, tests, SignedInfo for RSA) or straight into a
/// digest (the referenced element, which can be the whole message: no copy of it is kept).
pub trait Output {
    fn put(&mut self, bytes: &[u8]);
}

impl Output for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

pub fn canonicalize(
    doc: &Document,
    apex: NodeId,
    opts: &C14nOptions,
    out: &mut Vec<u8>,
) -> Result<(), C14nError> {
    canonicalize_into(doc, apex, opts, out)
}

/// [`canonicalize`] into any [`Output`].
pub fn canonicalize_into<O: Output>(
    doc: &Document,
    apex: NodeId,
    opts: &C14nOptions,
    out: &mut O,
) -> Result<(), C14nError> {
    if doc.element(apex).is_none() {
        return Err(C14nError::NotElement);
    }
    let inherited = match opts.method {
        Method::Exclusive => Vec::new(),
        Method::Inclusive10 | Method::Inclusive11 => {
            if !opts.inclusive_prefixes.is_empty() {
                return Err(C14nError::PrefixListWithInclusive);
            }
            if opts.method == Method::Inclusive11 {
                refuse_xml_base_fixup(doc, apex, opts.omit)?;
            }
            inherited_xml_attributes(doc, apex, opts.method)
        }
    };
    let mut rendered: Vec<(Option<&str>, &str)> = Vec::new();
    walk(doc, apex, Some(&inherited), opts, &mut rendered, out);
    Ok(())
}

fn is_xml_attr(a: &crate::xml::Attribute, local: Option<&str>) -> bool {
    a.ns.as_deref()
        .is_some_and(|ns| same_text(ns, crate::xml::ns::XML))
        && local.is_none_or(|l| same_text(&a.local, l))
}

/// C14N 1.0/1.1 §2.4: the apex's parent is outside the subset, so the apex takes the nearest
/// `xml:*` attribute of each name from its ancestors, unless it carries that name itself.
/// C14N 1.1 inherits only the simple inheritable `xml:lang` and `xml:space`.
fn inherited_xml_attributes(
    doc: &Document,
    apex: NodeId,
    method: Method,
) -> Vec<&crate::xml::Attribute> {
    let own = doc.element(apex).map_or(&[][..], |e| &e.attributes[..]);
    let mut out: Vec<&crate::xml::Attribute> = Vec::new();
    let mut cur = doc.parent(apex);
    while let Some(n) = cur {
        for a in doc.element(n).map_or(&[][..], |e| &e.attributes[..]) {
            let wanted = is_xml_attr(a, None)
                && (method == Method::Inclusive10
                    || is_xml_attr(a, Some("lang"))
                    || is_xml_attr(a, Some("space")));
            let shadowed = |b: &&crate::xml::Attribute| is_xml_attr(b, Some(&a.local));
            if wanted && !own.iter().any(|b| shadowed(&b)) && !out.iter().any(shadowed) {
                out.push(a);
            }
        }
        cur = doc.parent(n);
    }
    out
}

/// C14N 1.1 §2.4 xml:base fixup: an ancestor's `xml:base` is joined into the apex's by RFC 3986
/// resolution, and libxml2 drops an `xml:base` whose fixed-up value is empty. Neither is
/// implemented here, so a subset where they would apply is refused rather than guessed.
fn refuse_xml_base_fixup(
    doc: &Document,
    apex: NodeId,
    omit: Option<NodeId>,
) -> Result<(), C14nError> {
    let mut cur = doc.parent(apex);
    while let Some(n) = cur {
        if let Some(a) = doc
            .element(n)
            .and_then(|e| e.attributes.iter().find(|a| is_xml_attr(a, Some("base"))))
        {
            return Err(C14nError::InheritedXmlBase {
                value: a.value.as_str().to_owned(),
            });
        }
        cur = doc.parent(n);
    }
    let empty_base = doc
        .descendants(apex)
        .filter(|&n| omit.is_none_or(|o| !doc.is_ancestor_or_self(o, n)))
        .filter_map(|n| doc.element(n))
        .flat_map(|e| &e.attributes)
        .any(|a| is_xml_attr(a, Some("base")) && a.value.is_empty());
    if empty_base {
        return Err(C14nError::EmptyXmlBase);
    }
    Ok(())
}

/// The URI rendered for `prefix` by the nearest output ancestor ("" when none: for the default
/// namespace that is the empty default).
fn lookup<'a>(rendered: &[(Option<&'a str>, &'a str)], prefix: Option<&str>) -> &'a str {
    rendered
        .iter()
        .rev()
        .find(|(p, _)| same_optional_text(*p, prefix))
        .map_or("", |(_, u)| u)
}

/// Exc-C14N §3 and C14N §2.3: a namespace node the method selects is output when not already
/// rendered with the same URI by an output ancestor. For the default namespace this
/// yields `xmlns=""` exactly when an ancestor rendered a non-empty default.
///
/// `rendered[..mark]` is what the output ancestors rendered; `rendered[mark..]` collects this
/// element's own declarations (one stack for the whole walk: no allocation per element).
fn need<'a>(
    rendered: &mut Vec<(Option<&'a str>, &'a str)>,
    mark: usize,
    prefix: Option<&'a str>,
    uri: &'a str,
) {
    let (ancestors, own) = rendered.split_at(mark);
    if own.iter().any(|(p, _)| same_optional_text(*p, prefix)) {
        return;
    }
    if !same_text(lookup(ancestors, prefix), uri) {
        rendered.push((prefix, uri));
    }
}

/// `apex` holds the `xml:*` attributes the apex inherits (inclusive methods), `None` below it.
fn walk<'a, O: Output>(
    doc: &'a Document,
    n: NodeId,
    apex: Option<&[&'a crate::xml::Attribute]>,
    opts: &C14nOptions,
    rendered: &mut Vec<(Option<&'a str>, &'a str)>,
    out: &mut O,
) {
    if Some(n) == opts.omit {
        return;
    }
    match &doc.node(n).kind {
        NodeKind::Element(e) => element(doc, n, e, apex, opts, rendered, out),
        NodeKind::Text(t) | NodeKind::CData(t) => escape_text(t, out),
        NodeKind::Comment(c) => {
            if opts.with_comments {
                out.put(b"<!--");
                out.put(c.as_bytes());
                out.put(b"-->");
            }
        }
    }
}

/// Exc-C14N attribute order: namespace URI, then local name (unqualified attributes first).
fn attr_key(a: &crate::xml::Attribute) -> (&str, &str) {
    (a.ns.as_deref().unwrap_or(""), &*a.local)
}

/// `attr_key(a) <= attr_key(b)`, without comparing namespace URIs byte by byte when both
/// attributes are unqualified (nearly always in SAML) or share the same URI string: only the
/// local names are compared then. Checked for every adjacent pair of every element, where two
/// `memcmp` calls per pair showed in profiles.
fn attr_in_order(a: &crate::xml::Attribute, b: &crate::xml::Attribute) -> bool {
    let (a_ns, a_local) = attr_key(a);
    let (b_ns, b_local) = attr_key(b);
    if (a_ns.is_empty() && b_ns.is_empty()) || same_text(a_ns, b_ns) {
        crate::xml::bytes::order_text(a_local, b_local).is_le()
    } else {
        (a_ns, a_local) <= (b_ns, b_local)
    }
}

fn element<'a, O: Output>(
    doc: &'a Document,
    n: NodeId,
    e: &'a Element,
    apex: Option<&[&'a crate::xml::Attribute]>,
    opts: &C14nOptions,
    rendered: &mut Vec<(Option<&'a str>, &'a str)>,
    out: &mut O,
) {
    let mark = rendered.len();
    match (opts.method, apex) {
        (Method::Exclusive, _) => exclusive_namespaces(doc, n, e, opts, rendered, mark),
        // C14N §2.3: the apex has no output ancestor, so every namespace in scope differs
        // from "nothing rendered" (the empty default excepted, which `need` leaves out).
        (Method::Inclusive10 | Method::Inclusive11, Some(_)) => {
            for (p, u) in doc.in_scope_namespaces(n) {
                need(rendered, mark, p, u);
            }
        }
        // Below the apex the parent is in the subset: only this element's own declarations
        // can differ from what the parent has in scope.
        (Method::Inclusive10 | Method::Inclusive11, None) => {
            for d in &e.ns_decls {
                need(rendered, mark, d.prefix.as_deref(), &d.uri);
            }
        }
    }
    if let Some(own) = rendered.get_mut(mark..) {
        own.sort_by(|a, b| a.0.unwrap_or("").cmp(b.0.unwrap_or("")));
    }
    let src = doc.source();
    // `<` and the name as written, straight from the input (see `as_written`).
    let name = as_written(src, e.start_tag.start + 1, e.prefix.as_deref(), &e.local);
    match src.get(e.start_tag.start..e.start_tag.start + name.len() + 1) {
        Some(tag) if !name.is_empty() && tag.starts_with('<') => out.put(tag.as_bytes()),
        _ => {
            out.put(b"<");
            write_qname(e.prefix.as_deref(), &e.local, out);
        }
    }
    for (p, u) in rendered.get(mark..).unwrap_or(&[]) {
        match p {
            Some(p) => {
                out.put(b" xmlns:");
                out.put(p.as_bytes());
            }
            None => out.put(b" xmlns"),
        }
        out.put(b"=");
        write_ns_uri(u, out);
    }
    let inherited = apex.unwrap_or(&[]);
    // Usually already in canonical order (signers write them so): then no sorted copy.
    if inherited.is_empty() && e.attributes.is_sorted_by(attr_in_order) {
        e.attributes.iter().for_each(|a| write_attr(src, a, out));
    } else {
        let mut attrs: Vec<&crate::xml::Attribute> = e.attributes.iter().collect();
        attrs.extend_from_slice(inherited);
        attrs.sort_by(|a, b| attr_key(a).cmp(&attr_key(b)));
        attrs.into_iter().for_each(|a| write_attr(src, a, out));
    }
    out.put(b">");
    for &c in doc.children(n) {
        walk(doc, c, None, opts, rendered, out);
    }
    rendered.truncate(mark);
    out.put(b"</");
    if name.is_empty() {
        write_qname(e.prefix.as_deref(), &e.local, out);
    } else {
        out.put(name.as_bytes());
    }
    out.put(b">");
}

/// Exc-C14N §3: the namespaces this element visibly utilizes, and those of the PrefixList.
fn exclusive_namespaces<'a>(
    doc: &'a Document,
    n: NodeId,
    e: &'a Element,
    opts: &C14nOptions,
    rendered: &mut Vec<(Option<&'a str>, &'a str)>,
    mark: usize,
) {
    need(
        rendered,
        mark,
        e.prefix.as_deref(),
        e.ns.as_deref().unwrap_or(""),
    );
    for a in &e.attributes {
        if let (Some(p), Some(u)) = (a.prefix.as_deref(), a.ns.as_deref())
            && p != "xml"
        {
            need(rendered, mark, Some(p), u);
        }
    }
    if !opts.inclusive_prefixes.is_empty() {
        let scope = doc.in_scope_namespaces(n);
        for &p in opts.inclusive_prefixes {
            let prefix = if p == "#default" { None } else { Some(p) };
            if let Some((q, u)) = scope.iter().find(|(q, _)| *q == prefix) {
                need(rendered, mark, *q, u);
            }
        }
    }
}

/// The name `prefix:local` (or `local`) as the input has it at `at`, to be written as one piece
/// instead of three. The parser builds every element and attribute from the input, so the name
/// as written normally starts where its start tag (after the `<`) or its span does; that is
/// compared, not assumed, so a tree built any other way is still written right: empty (the
/// caller then writes the parts) whenever the input at `at` is not exactly that name.
fn as_written<'a>(src: &'a str, at: usize, prefix: Option<&str>, local: &str) -> &'a str {
    let len = prefix.map_or(0, |p| p.len() + 1) + local.len();
    let Some(name) = src.get(at..at + len) else {
        return "";
    };
    let same = match prefix {
        None => name == local,
        Some(p) => {
            name.len() == len
                && name.as_bytes().get(p.len()) == Some(&b':')
                && name.get(..p.len()) == Some(p)
                && name.get(p.len() + 1..) == Some(local)
        }
    };
    if same { name } else { "" }
}

fn write_attr<O: Output>(src: &str, a: &crate::xml::Attribute, out: &mut O) {
    out.put(b" ");
    // An attribute written `name="value"` whose value the parser kept as the input has it (so
    // it held no reference, no tab, LF or CR, no `<`, and being in double quotes no `"`) is its
    // own canonical form: nothing in it is escaped. One piece from the input then.
    let name = as_written(src, a.span.start, a.prefix.as_deref(), &a.local);
    let value_at = a.span.start + name.len() + 2;
    if !name.is_empty()
        && a.value.source_range()
            == Some(crate::xml::Span::new(
                value_at,
                a.span.end.saturating_sub(1),
            ))
        && let Some(text) = src.as_bytes().get(a.span.start..a.span.end)
        && text.get(name.len()..name.len() + 2) == Some(b"=\"")
        && text.last() == Some(&b'"')
    {
        out.put(text);
        return;
    }
    write_qname(a.prefix.as_deref(), &a.local, out);
    out.put(b"=\"");
    escape_attr(&a.value, out);
    out.put(b"\"");
}

/// Namespace URIs are written as libxml2 writes them (`xmlBufWriteQuotedString`): unescaped,
/// in single quotes if the URI holds a double quote, and with `&quot;` only if it holds both
/// kinds. The C14N spec would escape them like attribute values, but the bytes a signer's
/// libxml2/xmlsec hashed are what a digest must match.
fn write_ns_uri<O: Output>(uri: &str, out: &mut O) {
    // One screen for both quotes (nearly every URI has neither).
    let quotes = crate::xml::screen::first_of(uri.as_bytes(), [b'"', b'\''], false).is_some();
    match (quotes && uri.contains('"'), quotes && uri.contains('\'')) {
        (false, _) => {
            out.put(b"\"");
            out.put(uri.as_bytes());
            out.put(b"\"");
        }
        (true, false) => {
            out.put(b"'");
            out.put(uri.as_bytes());
            out.put(b"'");
        }
        (true, true) => {
            out.put(b"\"");
            out.put(uri.replace('"', "&quot;").as_bytes());
            out.put(b"\"");
        }
    }
}

fn write_qname<O: Output>(prefix: Option<&str>, local: &str, out: &mut O) {
    if let Some(p) = prefix {
        out.put(p.as_bytes());
        out.put(b":");
    }
    out.put(local.as_bytes());
}

/// Writes `t` with the bytes `escape` maps replaced, copying the runs between them whole.
/// `find` returns the first byte `escape` may map (a superset is fine: a byte it does not map is
/// written as it is); it is only used to skip the runs between them quickly.
fn escape_with<O: Output>(
    t: &str,
    out: &mut O,
    find: impl Fn(&[u8]) -> Option<usize>,
    escape: impl Fn(u8) -> Option<&'static [u8]>,
) {
    let bytes = t.as_bytes();
    let mut from = 0;
    while let Some(rest) = bytes.get(from..)
        && let Some(i) = find(rest)
    {
        let at = from + i;
        out.put(bytes.get(from..at).unwrap_or(&[]));
        if let Some(&b) = bytes.get(at) {
            out.put(escape(b).unwrap_or(std::slice::from_ref(&b)));
        }
        from = at + 1;
    }
    out.put(bytes.get(from..).unwrap_or(&[]));
}

fn escape_text<O: Output>(t: &str, out: &mut O) {
    let find = |b: &[u8]| crate::xml::screen::first_of(b, [b'&', b'<', b'>', b'\r'], false);
    escape_with(t, out, find, |b| match b {
        b'&' => Some(b"&amp;"),
        b'<' => Some(b"&lt;"),
        b'>' => Some(b"&gt;"),
        b'\r' => Some(b"&#xD;"),
        _ => None,
    });
}

fn escape_attr<O: Output>(t: &str, out: &mut O) {
    // Controls: tab, LF and CR (the parser refused every other one).
    let find = |b: &[u8]| crate::xml::screen::first_of(b, [b'&', b'<', b'"'], true);
    escape_with(t, out, find, |b| match b {
        b'&' => Some(b"&amp;"),
        b'<' => Some(b"&lt;"),
        b'"' => Some(b"&quot;"),
        b'\t' => Some(b"&#x9;"),
        b'\n' => Some(b"&#xA;"),
        b'\r' => Some(b"&#xD;"),
        _ => None,
    });
}
