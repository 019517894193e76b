//! Exclusive XML Canonicalization 1.0 (W3C xml-exc-c14n) of a subtree of the one parsed tree,
//! with and without comments and with the InclusiveNamespaces PrefixList; `omit` excludes one
//! subtree (the enveloped-signature transform). Signing and verifying share this code, and the
//! output is checked byte for byte against libxml2 (core/tests/c14n_differential.rs).
//!
//! The input tree is already normalized by the parser (line ends, attribute values, entities),
//! and relative namespace URIs were refused there (void-c14n cannot happen here).
use crate::xml::{Document, Element, NodeId, NodeKind};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum C14nError {
    #[error("the canonicalization apex is not an element")]
    NotElement,
}

pub struct C14nOptions<'a> {
    pub with_comments: bool,
    pub inclusive_prefixes: &'a [&'a str],
    pub omit: Option<NodeId>,
}

pub fn canonicalize(
    doc: &Document,
    apex: NodeId,
    opts: &C14nOptions,
    out: &mut Vec<u8>,
) -> Result<(), C14nError> {
    if doc.element(apex).is_none() {
        return Err(C14nError::NotElement);
    }
    let mut rendered: Vec<(Option<&str>, &str)> = Vec::new();
    walk(doc, apex, opts, &mut rendered, out);
    Ok(())
}

/// The URI rendered for `prefix` by the nearest output ancestor ("" when none: for the default
/// namespace that is the empty default).
fn lookup<'a>(rendered: &[(Option<&'a str>, &'a str)], prefix: Option<&str>) -> &'a str {
    rendered
        .iter()
        .rev()
        .find(|(p, _)| *p == prefix)
        .map_or("", |(_, u)| u)
}

/// Exc-C14N §3: a namespace node is output when visibly utilized (or in the PrefixList) and
/// not already rendered with the same URI by an output ancestor. For the default namespace this
/// yields `xmlns=""` exactly when an ancestor rendered a non-empty default.
fn need<'a>(
    decls: &mut Vec<(Option<&'a str>, &'a str)>,
    rendered: &[(Option<&'a str>, &'a str)],
    prefix: Option<&'a str>,
    uri: &'a str,
) {
    if decls.iter().any(|(p, _)| *p == prefix) {
        return;
    }
    if lookup(rendered, prefix) != uri {
        decls.push((prefix, uri));
    }
}

fn walk<'a>(
    doc: &'a Document,
    n: NodeId,
    opts: &C14nOptions,
    rendered: &mut Vec<(Option<&'a str>, &'a str)>,
    out: &mut Vec<u8>,
) {
    if Some(n) == opts.omit {
        return;
    }
    match &doc.node(n).kind {
        NodeKind::Element(e) => element(doc, n, e, opts, rendered, out),
        NodeKind::Text(t) | NodeKind::CData(t) => escape_text(t, out),
        NodeKind::Comment(c) => {
            if opts.with_comments {
                out.extend_from_slice(b"<!--");
                out.extend_from_slice(c.as_bytes());
                out.extend_from_slice(b"-->");
            }
        }
    }
}

fn element<'a>(
    doc: &'a Document,
    n: NodeId,
    e: &'a Element,
    opts: &C14nOptions,
    rendered: &mut Vec<(Option<&'a str>, &'a str)>,
    out: &mut Vec<u8>,
) {
    let mut decls: Vec<(Option<&'a str>, &'a str)> = Vec::new();
    need(
        &mut decls,
        rendered,
        e.prefix.as_deref(),
        e.ns.as_deref().unwrap_or(""),
    );
    for a in &e.attributes {
        if let (Some(p), Some(u)) = (a.prefix.as_deref(), a.ns.as_deref())
            && p != "xml"
        {
            need(&mut decls, rendered, Some(p), u);
        }
    }
    if !opts.inclusive_prefixes.is_empty() {
        let scope = doc.in_scope_namespaces(n);
        for &p in opts.inclusive_prefixes {
            let prefix = if p == "#default" { None } else { Some(p) };
            if let Some((q, u)) = scope.iter().find(|(q, _)| *q == prefix) {
                need(&mut decls, rendered, *q, u);
            }
        }
    }
    decls.sort_by(|a, b| a.0.unwrap_or("").cmp(b.0.unwrap_or("")));
    out.push(b'<');
    write_qname(e.prefix.as_deref(), &e.local, out);
    for (p, u) in &decls {
        match p {
            Some(p) => {
                out.extend_from_slice(b" xmlns:");
                out.extend_from_slice(p.as_bytes());
            }
            None => out.extend_from_slice(b" xmlns"),
        }
        out.push(b'=');
        write_ns_uri(u, out);
    }
    let mut attrs: Vec<&crate::xml::Attribute> = e.attributes.iter().collect();
    attrs.sort_by(|a, b| {
        (a.ns.as_deref().unwrap_or(""), &*a.local).cmp(&(b.ns.as_deref().unwrap_or(""), &*b.local))
    });
    for a in attrs {
        out.push(b' ');
        write_qname(a.prefix.as_deref(), &a.local, out);
        out.extend_from_slice(b"=\"");
        escape_attr(&a.value, out);
        out.push(b'"');
    }
    out.push(b'>');
    let mark = rendered.len();
    rendered.extend(decls);
    for &c in &e.children {
        walk(doc, c, opts, rendered, out);
    }
    rendered.truncate(mark);
    out.extend_from_slice(b"</");
    write_qname(e.prefix.as_deref(), &e.local, out);
    out.push(b'>');
}

/// Namespace URIs are written as libxml2 writes them (`xmlBufWriteQuotedString`): unescaped,
/// in single quotes if the URI holds a double quote, and with `&quot;` only if it holds both
/// kinds. The C14N spec would escape them like attribute values, but the bytes a signer's
/// libxml2/xmlsec hashed are what a digest must match.
fn write_ns_uri(uri: &str, out: &mut Vec<u8>) {
    match (uri.contains('"'), uri.contains('\'')) {
        (false, _) => {
            out.push(b'"');
            out.extend_from_slice(uri.as_bytes());
            out.push(b'"');
        }
        (true, false) => {
            out.push(b'\'');
            out.extend_from_slice(uri.as_bytes());
            out.push(b'\'');
        }
        (true, true) => {
            out.push(b'"');
            out.extend_from_slice(uri.replace('"', "&quot;").as_bytes());
            out.push(b'"');
        }
    }
}

fn write_qname(prefix: Option<&str>, local: &str, out: &mut Vec<u8>) {
    if let Some(p) = prefix {
        out.extend_from_slice(p.as_bytes());
        out.push(b':');
    }
    out.extend_from_slice(local.as_bytes());
}

fn escape_text(t: &str, out: &mut Vec<u8>) {
    for b in t.bytes() {
        match b {
            b'&' => out.extend_from_slice(b"&amp;"),
            b'<' => out.extend_from_slice(b"&lt;"),
            b'>' => out.extend_from_slice(b"&gt;"),
            b'\r' => out.extend_from_slice(b"&#xD;"),
            _ => out.push(b),
        }
    }
}

fn escape_attr(t: &str, out: &mut Vec<u8>) {
    for b in t.bytes() {
        match b {
            b'&' => out.extend_from_slice(b"&amp;"),
            b'<' => out.extend_from_slice(b"&lt;"),
            b'"' => out.extend_from_slice(b"&quot;"),
            b'\t' => out.extend_from_slice(b"&#x9;"),
            b'\n' => out.extend_from_slice(b"&#xA;"),
            b'\r' => out.extend_from_slice(b"&#xD;"),
            _ => out.push(b),
        }
    }
}
