//! The SAML schema positions that matter for security (validator-spec §C–D).
//!
//! Signature wrapping works by adding elements where a lax consumer does not look (xsw1–xsw8,
//! CVE-2022-41912). Here the Response and Assertion content models are checked in schema order,
//! every ID in the document must be unique, and a `ds:Signature` anywhere but at its schema
//! position is a rejection — except inside `Advice`, which is never read. So is an assertion
//! anywhere but the one place the profile reads it (see [`hidden_assertions`]).

use crate::xml::ns::{DS, SAML, SAML1, SAMLP};
use crate::xml::{Document, NodeId, NodeKind, Span};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StructureError {
    #[error("the root element is <{0}>, not a SAML Response")]
    NotAResponse(String),
    #[error("the root element is <{0}>, not a SAML Assertion")]
    NotAnAssertion(String),
    #[error("<{element}> is missing the required attribute {attribute}")]
    MissingAttribute {
        element: &'static str,
        attribute: &'static str,
    },
    #[error("Version is {0:?}; only SAML 2.0 is supported")]
    Version(String),
    #[error("<{found}> is not allowed at this position inside <{context}>")]
    UnexpectedElement {
        context: &'static str,
        found: String,
    },
    #[error("text {text:?} is not allowed inside <{context}>")]
    UnexpectedText { context: &'static str, text: String },
    #[error("<{context}> is missing <{missing}>")]
    Missing {
        context: &'static str,
        missing: &'static str,
    },
    #[error(
        "the Response carries {0} assertions; exactly one is allowed (a second one is how wrapping attacks smuggle an unsigned identity)"
    )]
    AssertionCount(usize),
    #[error("the ID {id:?} appears {count} times; IDs must be unique in the document")]
    DuplicateId { id: String, count: usize },
    #[error("the attribute {0} is a namespaced ID; SAML IDs are unqualified")]
    NamespacedId(String),
    #[error(
        "a <ds:Signature> inside <{0}> is not at a position where SAML allows a signature; foreign signatures are refused"
    )]
    MisplacedSignature(String),
    #[error(
        "{} at {} (bytes {}..{}) is not the assertion the Web SSO profile reads (only the Response's own: its direct child, or what its EncryptedAssertion decrypts to); an SP that takes the first assertion in document order would log in as it",
        .0.what, .0.path, .0.span.start, .0.span.end
    )]
    HiddenAssertion(HiddenAssertion),
}

impl StructureError {
    /// Where in the document the failure is, when it is one element.
    pub fn span(&self) -> Option<Span> {
        match self {
            Self::HiddenAssertion(h) => Some(h.span),
            _ => None,
        }
    }
}

/// An assertion found somewhere other than where the profile reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HiddenAssertion {
    /// What it is, in words: `a saml:Assertion`, `a saml:EncryptedAssertion`, `a SAML 1.x
    /// saml1:Assertion`.
    pub what: &'static str,
    /// Local names from the root down to it, `Response/Extensions/Assertion`: prefixes are the
    /// sender's choice, so they are left out.
    pub path: String,
    pub span: Span,
}

/// Where the Assertion sits in a Response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssertionSlot {
    Plain {
        node: NodeId,
        signature: Option<NodeId>,
    },
    Encrypted {
        node: NodeId,
    },
}

/// The checked layout of a Response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseLayout {
    pub response: NodeId,
    pub issuer: Option<NodeId>,
    pub signature: Option<NodeId>,
    pub status: NodeId,
    pub assertion: Option<AssertionSlot>,
    /// Assertions in the `saml:Advice` of the Response's assertion (or of one of those): where
    /// the schema allows them, never read, and named in the report.
    pub advice_assertions: Vec<HiddenAssertion>,
}

/// The checked layout of an Assertion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssertionLayout {
    pub assertion: NodeId,
    pub issuer: NodeId,
    pub signature: Option<NodeId>,
    pub subject: Option<NodeId>,
    pub conditions: Option<NodeId>,
    pub advice: Option<NodeId>,
    /// Assertions in its `saml:Advice`, as in [`ResponseLayout::advice_assertions`].
    pub advice_assertions: Vec<HiddenAssertion>,
}

fn qname(doc: &Document, id: NodeId) -> String {
    doc.element(id).map(|e| e.qname()).unwrap_or_default()
}

/// Element children; non-whitespace text between them is refused.
fn element_children(
    doc: &Document,
    id: NodeId,
    context: &'static str,
) -> Result<Vec<NodeId>, StructureError> {
    let mut out = Vec::new();
    for &c in doc.children(id) {
        match &doc.node(c).kind {
            NodeKind::Element(_) => out.push(c),
            NodeKind::Text(t) | NodeKind::CData(t) if !t.trim().is_empty() => {
                return Err(StructureError::UnexpectedText {
                    context,
                    text: t.chars().take(40).collect(),
                });
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Checks a `samlp:Response` root: attributes, children in schema order, one assertion at most
/// (exactly one when the status is Success is a semantic check), IDs and signature positions.
pub fn response_layout(doc: &Document) -> Result<ResponseLayout, StructureError> {
    let response = doc.root();
    if !doc.is(response, SAMLP, "Response") {
        return Err(StructureError::NotAResponse(qname(doc, response)));
    }
    check_protocol_attributes(doc, response, "samlp:Response")?;
    let children = element_children(doc, response, "samlp:Response")?;
    let mut it = children.iter().copied().peekable();
    let issuer = it.next_if(|&c| doc.is(c, SAML, "Issuer"));
    let signature = it.next_if(|&c| doc.is(c, DS, "Signature"));
    // Extensions is schema-legal but its content is never searched for signatures or
    // assertions; what it contains is checked below like everything else.
    let _extensions = it.next_if(|&c| doc.is(c, SAMLP, "Extensions"));
    let status = it
        .next_if(|&c| doc.is(c, SAMLP, "Status"))
        .ok_or_else(|| match it.peek() {
            Some(&c) => StructureError::UnexpectedElement {
                context: "samlp:Response",
                found: qname(doc, c),
            },
            None => StructureError::Missing {
                context: "samlp:Response",
                missing: "samlp:Status",
            },
        })?;
    let mut assertions = Vec::new();
    for c in it {
        if doc.is(c, SAML, "Assertion") {
            assertions.push(AssertionSlot::Plain {
                node: c,
                signature: None,
            });
        } else if doc.is(c, SAML, "EncryptedAssertion") {
            assertions.push(AssertionSlot::Encrypted { node: c });
        } else {
            return Err(StructureError::UnexpectedElement {
                context: "samlp:Response",
                found: qname(doc, c),
            });
        }
    }
    if assertions.len() > 1 {
        return Err(StructureError::AssertionCount(assertions.len()));
    }
    let mut assertion = assertions.pop();
    let mut allowed_signatures = vec![signature];
    if let Some(AssertionSlot::Plain { node, .. }) = assertion {
        let layout = assertion_layout_at(doc, node)?;
        allowed_signatures.push(layout.signature);
        assertion = Some(AssertionSlot::Plain {
            node,
            signature: layout.signature,
        });
    }
    check_ids(doc)?;
    check_signature_positions(doc, &allowed_signatures)?;
    let consumed = match assertion {
        Some(AssertionSlot::Plain { node, .. } | AssertionSlot::Encrypted { node }) => Some(node),
        None => None,
    };
    let advice_assertions = hidden_assertions(doc, consumed)?;
    Ok(ResponseLayout {
        response,
        issuer,
        signature,
        status,
        assertion,
        advice_assertions,
    })
}

/// Checks a standalone `saml:Assertion` document (a decrypted assertion, or a pasted one).
pub fn assertion_layout(doc: &Document) -> Result<AssertionLayout, StructureError> {
    let root = doc.root();
    if !doc.is(root, SAML, "Assertion") {
        return Err(StructureError::NotAnAssertion(qname(doc, root)));
    }
    let mut layout = assertion_layout_at(doc, root)?;
    check_ids(doc)?;
    check_signature_positions(doc, &[layout.signature])?;
    // A decrypted assertion is read as a whole: one inside it is as hidden as one in the
    // Response, and the encryption hid it from any look at the message before.
    layout.advice_assertions = hidden_assertions(doc, Some(root))?;
    Ok(layout)
}

fn check_protocol_attributes(
    doc: &Document,
    id: NodeId,
    element: &'static str,
) -> Result<(), StructureError> {
    let el = doc.element(id).ok_or(StructureError::Missing {
        context: element,
        missing: "element",
    })?;
    for attribute in ["ID", "Version", "IssueInstant"] {
        if el.attr(attribute).is_none() {
            return Err(StructureError::MissingAttribute { element, attribute });
        }
    }
    match el.attr("Version") {
        Some("2.0") => Ok(()),
        other => Err(StructureError::Version(
            other.unwrap_or_default().to_owned(),
        )),
    }
}

/// Assertion children in schema order: Issuer, Signature?, Subject?, Conditions?, Advice?,
/// statements.
fn assertion_layout_at(
    doc: &Document,
    assertion: NodeId,
) -> Result<AssertionLayout, StructureError> {
    check_protocol_attributes(doc, assertion, "saml:Assertion")?;
    let children = element_children(doc, assertion, "saml:Assertion")?;
    let mut it = children.iter().copied().peekable();
    let issuer = it
        .next_if(|&c| doc.is(c, SAML, "Issuer"))
        .ok_or(StructureError::Missing {
            context: "saml:Assertion",
            missing: "saml:Issuer",
        })?;
    let signature = it.next_if(|&c| doc.is(c, DS, "Signature"));
    let subject = it.next_if(|&c| doc.is(c, SAML, "Subject"));
    if let Some(subject) = subject {
        subject_layout(doc, subject)?;
    }
    let conditions = it.next_if(|&c| doc.is(c, SAML, "Conditions"));
    let advice = it.next_if(|&c| doc.is(c, SAML, "Advice"));
    for c in it {
        let is_statement = [
            "AuthnStatement",
            "AttributeStatement",
            "AuthzDecisionStatement",
        ]
        .iter()
        .any(|local| doc.is(c, SAML, local));
        if !is_statement {
            return Err(StructureError::UnexpectedElement {
                context: "saml:Assertion",
                found: qname(doc, c),
            });
        }
    }
    Ok(AssertionLayout {
        assertion,
        issuer,
        signature,
        subject,
        conditions,
        advice,
        advice_assertions: Vec::new(),
    })
}

/// Subject children in schema order (saml-core §2.4.1): at most one identifier (`BaseID`,
/// `NameID` or `EncryptedID`), first, then `SubjectConfirmation`s only. A second identifier is
/// refused rather than read: one consumer takes the first, another the last or the encrypted
/// one, and the user each logs in differs.
fn subject_layout(doc: &Document, subject: NodeId) -> Result<(), StructureError> {
    let children = element_children(doc, subject, "saml:Subject")?;
    let mut it = children.iter().copied().peekable();
    it.next_if(|&c| {
        ["BaseID", "NameID", "EncryptedID"]
            .iter()
            .any(|local| doc.is(c, SAML, local))
    });
    for c in it {
        if !doc.is(c, SAML, "SubjectConfirmation") {
            return Err(StructureError::UnexpectedElement {
                context: "saml:Subject",
                found: qname(doc, c),
            });
        }
    }
    Ok(())
}

/// Every `ID` value in the document is unique, and no SAML element carries a namespaced `ID`
/// (hardening against stacks that resolve `xx:ID`).
fn check_ids(doc: &Document) -> Result<(), StructureError> {
    let mut ids: Vec<&str> = Vec::new();
    for n in doc.elements() {
        let Some(el) = doc.element(n) else { continue };
        for a in &el.attributes {
            if &*a.local == "ID" && a.ns.is_some() {
                return Err(StructureError::NamespacedId(a.qname()));
            }
            if a.ns.is_none() && matches!(&*a.local, "ID" | "Id" | "id") {
                ids.push(&a.value);
            }
        }
    }
    ids.sort_unstable();
    for w in ids.windows(2) {
        if w[0] == w[1] {
            let count = ids.iter().filter(|&&i| i == w[0]).count();
            return Err(StructureError::DuplicateId {
                id: w[0].to_owned(),
                count,
            });
        }
    }
    Ok(())
}

/// Only the signatures at schema positions may exist; one inside `saml:Advice` is ignored with
/// the rest of Advice. Anything else (in Extensions, StatusDetail, Object, another Signature…)
/// is a donor or a decoy.
fn check_signature_positions(
    doc: &Document,
    allowed: &[Option<NodeId>],
) -> Result<(), StructureError> {
    for n in doc.elements() {
        if !doc.is(n, DS, "Signature") || allowed.contains(&Some(n)) {
            continue;
        }
        let in_advice = {
            let mut cur = doc.parent(n);
            let mut found = false;
            while let Some(p) = cur {
                if doc.is(p, SAML, "Advice") {
                    found = true;
                    break;
                }
                cur = doc.parent(p);
            }
            found
        };
        if !in_advice {
            let parent = doc.parent(n).map(|p| qname(doc, p)).unwrap_or_default();
            return Err(StructureError::MisplacedSignature(parent));
        }
    }
    Ok(())
}

/// Every assertion of the document except `consumed` (the one the profile reads), in document
/// order: in the `saml:Advice` of `consumed`, or of an assertion itself in such Advice, it is
/// returned (the schema allows it there, saml-core §2.6.1, and Advice is never read); anywhere
/// else it is the error. An SP that takes the first `Assertion` in document order, or that
/// searches the tree for one, reads whatever is put in Extensions, StatusDetail, a KeyInfo or
/// an Object, and logs in as it. SAML 1.x assertions are refused everywhere, Advice included
/// (its `##other` slot would take one): an SP that speaks both versions may read it.
fn hidden_assertions(
    doc: &Document,
    consumed: Option<NodeId>,
) -> Result<Vec<HiddenAssertion>, StructureError> {
    let mut in_advice: Vec<HiddenAssertion> = Vec::new();
    // Assertions whose Advice may hold more: `consumed` and those already found in Advice
    // (document order visits a parent before its children).
    let mut readers: Vec<NodeId> = consumed.into_iter().collect();
    for n in doc.elements() {
        let what = if doc.is(n, SAML, "Assertion") {
            "a saml:Assertion"
        } else if doc.is(n, SAML, "EncryptedAssertion") {
            "a saml:EncryptedAssertion"
        } else if doc.is(n, SAML1, "Assertion") {
            "a SAML 1.x saml1:Assertion"
        } else {
            continue;
        };
        if Some(n) == consumed {
            continue;
        }
        let found = HiddenAssertion {
            what,
            path: path(doc, n),
            span: doc.span(n),
        };
        let advice_of_reader = !doc.is(n, SAML1, "Assertion")
            && doc.parent(n).is_some_and(|advice| {
                doc.is(advice, SAML, "Advice")
                    && doc.parent(advice).is_some_and(|a| readers.contains(&a))
            });
        if !advice_of_reader {
            return Err(StructureError::HiddenAssertion(found));
        }
        readers.push(n);
        in_advice.push(found);
    }
    Ok(in_advice)
}

/// `Response/Extensions/Assertion`: the local names from the root down to `n`.
fn path(doc: &Document, n: NodeId) -> String {
    let mut names = Vec::new();
    let mut cur = Some(n);
    while let Some(c) = cur {
        if let Some(e) = doc.element(c) {
            names.push(&*e.local);
        }
        cur = doc.parent(c);
    }
    names.reverse();
    names.join("/")
}
