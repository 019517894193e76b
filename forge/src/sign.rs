//! Enveloped signatures the SAML way, made with samlscope-core's canonicalizer, the one that
//! verifies them (so sign and verify cannot drift apart).

use crate::key::{KeyError, PrivateKey};
use base64::Engine as _;
use samlscope_core::algorithm::{Canonicalization, DigestAlgorithm, SignatureAlgorithm, Transform};
use samlscope_core::c14n::{C14nError, C14nOptions, Method, canonicalize};
use samlscope_core::trust::Certificate;
use samlscope_core::xml::ns::{DS, SAML};
use samlscope_core::xml::{Document, NodeId, XmlError, parse};

/// The key and certificate a signer uses.
#[derive(Debug, Clone)]
pub struct Signer {
    pub key: PrivateKey,
    /// Put into `ds:KeyInfo/ds:X509Data` when present.
    pub certificate: Option<Certificate>,
}

/// How to sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignOptions {
    pub signature: SignatureAlgorithm,
    pub digest: DigestAlgorithm,
    pub canonicalization: Canonicalization,
}

impl Default for SignOptions {
    fn default() -> Self {
        Self {
            signature: SignatureAlgorithm::RsaSha256,
            digest: DigestAlgorithm::Sha256,
            canonicalization: Canonicalization::Exclusive,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    #[error("the document to sign does not parse: {0}")]
    Xml(#[from] XmlError),
    #[error("no element has ID {0:?}")]
    NoSuchId(String),
    #[error("more than one element has ID {0:?}")]
    DuplicateId(String),
    #[error(transparent)]
    C14n(#[from] C14nError),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("internal: the signature template was not found after insertion")]
    Template,
}

/// Signs the element whose `ID` is `id` with an enveloped signature placed at its SAML schema
/// position (right after its `saml:Issuer`, else as first child), and returns the new document.
pub fn sign_enveloped(
    xml: &str,
    id: &str,
    signer: &Signer,
    options: &SignOptions,
) -> Result<String, SignError> {
    let certificate = signer.certificate.as_ref();
    let doc = parse(xml.as_bytes())?;
    let target = find_by_id(&doc, id)?;

    // Digest of the element as it is now: there is no Signature in it yet, so the enveloped
    // transform has nothing to remove. The reference transform written below is always
    // exclusive C14N, whatever SignedInfo's method.
    let mut canonical = Vec::with_capacity(xml.len());
    canonicalize(
        &doc,
        target,
        &C14nOptions {
            method: Method::Exclusive,
            with_comments: false,
            inclusive_prefixes: &[],
            omit: None,
        },
        &mut canonical,
    )?;
    let b64 = base64::engine::general_purpose::STANDARD;
    let digest = b64.encode(options.digest.digest(&canonical));

    let key_info = certificate.map_or(String::new(), |c| {
        format!(
            "<ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>",
            c.to_base64()
        )
    });
    let signature = format!(
        concat!(
            "<ds:Signature xmlns:ds=\"{ds}\"><ds:SignedInfo>",
            "<ds:CanonicalizationMethod Algorithm=\"{c14n}\"/>",
            "<ds:SignatureMethod Algorithm=\"{sig}\"/>",
            "<ds:Reference URI=\"#{id}\"><ds:Transforms>",
            "<ds:Transform Algorithm=\"{env}\"/><ds:Transform Algorithm=\"{exc}\"/>",
            "</ds:Transforms><ds:DigestMethod Algorithm=\"{dig}\"/>",
            "<ds:DigestValue>{digest}</ds:DigestValue></ds:Reference></ds:SignedInfo>",
            "<ds:SignatureValue></ds:SignatureValue>{key_info}</ds:Signature>"
        ),
        ds = DS,
        c14n = options.canonicalization.as_uri(),
        sig = options.signature.as_uri(),
        id = id,
        env = Transform::ENVELOPED_URI,
        exc = Canonicalization::EXC_URI,
        dig = options.digest.as_uri(),
        digest = digest,
        key_info = key_info,
    );
    let at = insertion_point(&doc, target);
    let mut with_template = String::with_capacity(xml.len() + signature.len() + 400);
    with_template.push_str(&xml[..at]);
    with_template.push_str(&signature);
    with_template.push_str(&xml[at..]);

    // Canonicalize SignedInfo in its final context, sign, and fill in SignatureValue.
    let doc = parse(with_template.as_bytes())?;
    let target = find_by_id(&doc, id)?;
    let sig_node = doc
        .children_named(target, DS, "Signature")
        .next()
        .ok_or(SignError::Template)?;
    let signed_info = doc
        .children_named(sig_node, DS, "SignedInfo")
        .next()
        .ok_or(SignError::Template)?;
    let value_node = doc
        .children_named(sig_node, DS, "SignatureValue")
        .next()
        .ok_or(SignError::Template)?;
    let mut si = Vec::with_capacity(1024);
    canonicalize(
        &doc,
        signed_info,
        &C14nOptions {
            method: options.canonicalization.method(),
            with_comments: options.canonicalization.with_comments(),
            inclusive_prefixes: &[],
            omit: None,
        },
        &mut si,
    )?;
    let value = b64.encode(signer.key.sign(options.signature, &si)?);
    let span = doc.span(value_node);
    let mut out = String::with_capacity(with_template.len() + value.len() + 40);
    out.push_str(&with_template[..span.start]);
    out.push_str("<ds:SignatureValue>");
    out.push_str(&value);
    out.push_str("</ds:SignatureValue>");
    out.push_str(&with_template[span.end..]);
    Ok(out)
}

fn find_by_id(doc: &Document, id: &str) -> Result<NodeId, SignError> {
    let mut found = doc
        .elements()
        .filter(|&n| doc.element(n).and_then(|e| e.attr("ID")) == Some(id));
    let first = found.next().ok_or_else(|| SignError::NoSuchId(id.into()))?;
    if found.next().is_some() {
        return Err(SignError::DuplicateId(id.into()));
    }
    Ok(first)
}

/// Byte offset where the Signature goes: after `saml:Issuer` if that is the first child element
/// (SAML schema order), else right after the start tag.
fn insertion_point(doc: &Document, target: NodeId) -> usize {
    match doc.child_elements(target).next() {
        Some(first) if doc.is(first, SAML, "Issuer") => doc.span(first).end,
        _ => doc.element(target).map_or(0, |e| e.start_tag.end),
    }
}
