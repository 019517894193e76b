//! Text surgery on a parsed document: the generators locate nodes in the strict tree and splice
//! the source text, so every variant is byte-exact except for the intended change.

use crate::sign::{SignError, SignOptions, Signer, sign_enveloped};
use base64::Engine as _;
use samlscope_core::c14n::{C14nError, C14nOptions, canonicalize};
use samlscope_core::xml::ns::{DS, SAML, SAMLP};
use samlscope_core::xml::{Document, NodeId, Span, XmlError, parse};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("the base document does not parse: {0}")]
    Xml(#[from] XmlError),
    #[error("signing failed: {0}")]
    Sign(#[from] SignError),
    #[error("canonicalization failed: {0}")]
    C14n(#[from] C14nError),
    #[error("the base document has no {0}")]
    Missing(&'static str),
}

/// A parsed working copy of the document being edited.
pub(crate) struct Work {
    pub xml: String,
    pub doc: Document,
}

impl Work {
    pub fn new(xml: String) -> Result<Self, EditError> {
        let doc = parse(xml.as_bytes())?;
        Ok(Self { xml, doc })
    }

    pub fn text(&self, span: Span) -> &str {
        &self.xml[span.start..span.end]
    }

    pub fn node_text(&self, id: NodeId) -> &str {
        self.text(self.doc.span(id))
    }

    pub fn response(&self) -> NodeId {
        self.doc.root()
    }

    pub fn assertion(&self) -> Result<NodeId, EditError> {
        self.doc
            .children_named(self.doc.root(), SAML, "Assertion")
            .next()
            .ok_or(EditError::Missing("Assertion"))
    }

    pub fn signature_of(&self, parent: NodeId) -> Result<NodeId, EditError> {
        self.doc
            .children_named(parent, DS, "Signature")
            .next()
            .ok_or(EditError::Missing("Signature"))
    }

    pub fn child(&self, parent: NodeId, ns: &str, local: &str) -> Result<NodeId, EditError> {
        self.doc
            .children_named(parent, ns, local)
            .next()
            .ok_or(EditError::Missing("expected child element"))
    }

    pub fn status(&self) -> Result<NodeId, EditError> {
        self.child(self.doc.root(), SAMLP, "Status")
    }

    /// The Signature of the Assertion (or the Response) and its SignedInfo.
    pub fn signed_info(&self, of_assertion: bool) -> Result<(NodeId, NodeId), EditError> {
        let parent = if of_assertion {
            self.assertion()?
        } else {
            self.response()
        };
        let sig = self.signature_of(parent)?;
        Ok((sig, self.child(sig, DS, "SignedInfo")?))
    }

    pub fn first_named(&self, ns: &str, local: &str) -> Result<NodeId, EditError> {
        self.doc
            .elements()
            .find(|&n| self.doc.is(n, ns, local))
            .ok_or(EditError::Missing("named element"))
    }

    /// The first element named so at or under `within`.
    pub fn first_named_in(
        &self,
        within: NodeId,
        ns: &str,
        local: &str,
    ) -> Result<NodeId, EditError> {
        self.doc
            .descendants(within)
            .find(|&n| self.doc.is(n, ns, local))
            .ok_or(EditError::Missing("named element"))
    }
}

/// Replaces `span` of `xml` with `with`.
pub(crate) fn splice(xml: &str, span: Span, with: &str) -> String {
    let mut out = String::with_capacity(xml.len() + with.len());
    out.push_str(&xml[..span.start]);
    out.push_str(with);
    out.push_str(&xml[span.end..]);
    out
}

/// Inserts `what` at byte `at`.
pub(crate) fn insert(xml: &str, at: usize, what: &str) -> String {
    splice(xml, Span::new(at, at), what)
}

/// Removes every `ds:Signature` element from an XML fragment (textually, from its own parse).
pub(crate) fn strip_signatures(fragment: &str) -> Result<String, EditError> {
    let w = Work::new(fragment.to_owned())?;
    let mut spans: Vec<Span> = w
        .doc
        .elements()
        .filter(|&n| w.doc.is(n, DS, "Signature"))
        .map(|n| w.doc.span(n))
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.start));
    let mut out = fragment.to_owned();
    for s in spans {
        out = splice(&out, s, "");
    }
    Ok(out)
}

/// Replaces the first occurrence of `from` after `start`.
pub(crate) fn replace_first(xml: &str, from: &str, to: &str) -> Result<String, EditError> {
    let at = xml
        .find(from)
        .ok_or(EditError::Missing("text to replace"))?;
    Ok(splice(xml, Span::new(at, at + from.len()), to))
}

/// The fragment of an element that can stand alone: the element's text with the namespace
/// declarations it relies on from its ancestors added to its start tag.
pub(crate) fn standalone(w: &Work, id: NodeId) -> String {
    let text = w.node_text(id).to_owned();
    let own: Vec<Option<&str>> = w
        .doc
        .element(id)
        .map(|e| e.ns_decls.iter().map(|d| d.prefix.as_deref()).collect())
        .unwrap_or_default();
    let mut decls = String::new();
    if let Some(parent) = w.doc.parent(id) {
        for (prefix, uri) in w.doc.in_scope_namespaces(parent) {
            if own.contains(&prefix) || uri.is_empty() {
                continue;
            }
            match prefix {
                Some(p) => decls.push_str(&format!(" xmlns:{p}=\"{uri}\"")),
                None => decls.push_str(&format!(" xmlns=\"{uri}\"")),
            }
        }
    }
    let name_end = text
        .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
        .unwrap_or(text.len());
    insert(&text, name_end, &decls)
}

/// Signs like the IdP does: assertion, response, or both (assertion first).
pub(crate) fn sign(
    xml: &str,
    ids: &[&str],
    signer: &Signer,
    options: &SignOptions,
) -> Result<String, EditError> {
    let mut out = xml.to_owned();
    for id in ids {
        out = sign_enveloped(&out, id, signer, options)?;
    }
    Ok(out)
}

/// Rewrites the SignedInfo of the Signature under `parent` with `edit`, then recomputes the
/// SignatureValue over the new canonical SignedInfo with `signer` — a "signed as malformed"
/// variant that is cryptographically valid, so only the structural rule can reject it.
pub(crate) fn resign(
    xml: &str,
    parent_is_assertion: bool,
    signer: &Signer,
    options: &SignOptions,
    edit: impl Fn(&str) -> Result<String, EditError>,
) -> Result<String, EditError> {
    let w = Work::new(xml.to_owned())?;
    let (_, si) = w.signed_info(parent_is_assertion)?;
    let new_si = edit(w.node_text(si))?;
    let xml = splice(&w.xml, w.doc.span(si), &new_si);

    let w = Work::new(xml)?;
    let (sig, si) = w.signed_info(parent_is_assertion)?;
    let value = w.child(sig, DS, "SignatureValue")?;
    let mut canonical = Vec::new();
    canonicalize(
        &w.doc,
        si,
        &C14nOptions {
            method: options.canonicalization.method(),
            with_comments: options.canonicalization.with_comments(),
            inclusive_prefixes: &[],
            omit: None,
        },
        &mut canonical,
    )?;
    let sig_bytes = signer
        .key
        .sign(options.signature, &canonical)
        .map_err(|e| EditError::Sign(SignError::Key(e)))?;
    let b64 = base64::engine::general_purpose::STANDARD.encode(sig_bytes);
    Ok(splice(
        &w.xml,
        w.doc.span(value),
        &format!("<ds:SignatureValue>{b64}</ds:SignatureValue>"),
    ))
}
