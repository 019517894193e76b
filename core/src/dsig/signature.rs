//! The `ds:Signature` element read strictly, before any key is tried: exactly the children the
//! SAML profile allows, in their order, one Reference, allowed algorithms, base64 values that
//! decode, and the certificates KeyInfo carries (only ever compared, never trusted).

use super::SignatureError;
use crate::algorithm::{
    AlgorithmRole, Canonicalization, DigestAlgorithm, SignatureAlgorithm, Transform,
};
use crate::trust::{Certificate, TrustStore};
use crate::xml::ns::{DS, EXC_C14N};
use crate::xml::{Document, NodeId, NodeKind};
use base64::Engine as _;

/// The algorithm and key rules one signature is verified under: what the caller allows beyond
/// the strict defaults. A slice of the caller's policy, passed by value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlgorithmRules {
    /// Accept rsa-sha1 / sha1 (reported as weak). Default: false.
    pub allow_sha1: bool,
    /// Minimum RSA modulus size. Default: 2048.
    pub min_rsa_bits: usize,
}

impl Default for AlgorithmRules {
    fn default() -> Self {
        Self {
            allow_sha1: false,
            min_rsa_bits: 2048,
        }
    }
}

/// The parsed, not yet trusted, content of a `ds:Signature`.
pub(super) struct Parsed {
    pub(super) signed_info: NodeId,
    pub(super) c14n: Canonicalization,
    pub(super) c14n_prefixes: Vec<String>,
    pub(super) signature_algorithm: SignatureAlgorithm,
    pub(super) digest_algorithm: DigestAlgorithm,
    pub(super) reference_c14n: Canonicalization,
    pub(super) reference_prefixes: Vec<String>,
    pub(super) digest_value: Vec<u8>,
    pub(super) signature_value: Vec<u8>,
    pub(super) keyinfo: Vec<Certificate>,
}

/// Element children of a structural DSig element; any non-whitespace text is refused.
pub(super) fn structural_children(
    doc: &Document,
    id: NodeId,
    context: &'static str,
) -> Result<Vec<NodeId>, SignatureError> {
    let mut out = Vec::new();
    for &c in doc.children(id) {
        match &doc.node(c).kind {
            NodeKind::Element(_) => out.push(c),
            NodeKind::Text(t) | NodeKind::CData(t) => {
                if !t.chars().all(|ch| ch.is_ascii_whitespace()) {
                    return Err(SignatureError::UnexpectedText {
                        context,
                        text: t.chars().take(40).collect(),
                    });
                }
            }
            NodeKind::Comment(_) => {}
        }
    }
    Ok(out)
}

pub(super) fn unexpected(doc: &Document, context: &'static str, node: NodeId) -> SignatureError {
    SignatureError::UnexpectedElement {
        context,
        found: doc.element(node).map(|e| e.qname()).unwrap_or_default(),
    }
}

/// Text content of a text-only element (DigestValue, SignatureValue): comments or child
/// elements inside are refused, never skipped (CVE-2025-29775).
pub(super) fn plain_text<'d>(
    doc: &'d Document,
    id: NodeId,
    element: &'static str,
) -> Result<std::borrow::Cow<'d, str>, SignatureError> {
    if doc.has_comment_child(id) || doc.has_element_child(id) {
        return Err(SignatureError::NotPlainText { element });
    }
    Ok(doc.text_cow(id))
}

pub(super) fn base64_value(text: &str, element: &'static str) -> Result<Vec<u8>, SignatureError> {
    // Signers usually write values on one line: decoded as they are, with no scan for
    // whitespace first (that byte-by-byte scan cost half as much as decoding). The alphabet has
    // no whitespace, so a value that decodes here is one the compacting path below would have
    // decoded to the same bytes; anything else (wrapped, empty or invalid) takes that path.
    if !text.is_empty()
        && let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(text)
    {
        return Ok(bytes);
    }
    base64_compacted(text, element)
}

/// The general reading of a base64 value: XML whitespace (line wrapping) removed, then decoded.
pub(super) fn base64_compacted(
    text: &str,
    element: &'static str,
) -> Result<Vec<u8>, SignatureError> {
    let compact: std::borrow::Cow<'_, str> = if text.bytes().any(|b| b.is_ascii_whitespace()) {
        text.chars().filter(|c| !c.is_ascii_whitespace()).collect()
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    if compact.is_empty() {
        return Err(SignatureError::Base64 {
            element,
            reason: "it is empty".into(),
        });
    }
    base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|e| SignatureError::Base64 {
            element,
            reason: e.to_string(),
        })
}

fn algorithm_attr<'a>(
    doc: &'a Document,
    id: NodeId,
    element: &'static str,
) -> Result<&'a str, SignatureError> {
    doc.element(id)
        .and_then(|e| e.attr("Algorithm"))
        .ok_or(SignatureError::MissingAttribute {
            element,
            attribute: "Algorithm",
        })
}

/// The PrefixList of an optional `ec:InclusiveNamespaces` child; any other child is refused, and
/// so is a PrefixList for an inclusive canonicalization (it is an Exc-C14N parameter, §3).
fn inclusive_prefixes(
    doc: &Document,
    method: NodeId,
    c14n: Canonicalization,
    role: AlgorithmRole,
    context: &'static str,
) -> Result<Vec<String>, SignatureError> {
    let children = structural_children(doc, method, context)?;
    match children.as_slice() {
        [] => Ok(Vec::new()),
        [only] if doc.is(*only, EXC_C14N, "InclusiveNamespaces") && c14n.is_inclusive() => {
            Err(SignatureError::PrefixListWithInclusive { role, c14n })
        }
        [only] if doc.is(*only, EXC_C14N, "InclusiveNamespaces") => Ok(doc
            .element(*only)
            .and_then(|e| e.attr("PrefixList"))
            .unwrap_or("")
            .split_ascii_whitespace()
            .map(str::to_owned)
            .collect()),
        [other, ..] => Err(unexpected(doc, context, *other)),
    }
}

pub(super) fn parse_signature(
    doc: &Document,
    signature: NodeId,
    parent_id: &str,
    rules: AlgorithmRules,
    trust: &TrustStore,
) -> Result<Parsed, SignatureError> {
    // Signature: SignedInfo, SignatureValue, KeyInfo? — and no Object (xsw1, xsw6, xsw8 hide the
    // original element there).
    let children = structural_children(doc, signature, "ds:Signature")?;
    for &c in &children {
        if doc.is(c, DS, "Object") {
            return Err(SignatureError::ObjectInSignature);
        }
    }
    let count = |local: &str| children.iter().filter(|&&c| doc.is(c, DS, local)).count();
    if count("SignedInfo") > 1 {
        // CVE-2025-29774: one SignedInfo verified, another one's references used.
        return Err(SignatureError::Duplicate("ds:SignedInfo"));
    }
    let (signed_info, signature_value, key_info) = match children.as_slice() {
        [si, sv] => (*si, *sv, None),
        [si, sv, ki] => (*si, *sv, Some(*ki)),
        [] | [_] => {
            return Err(SignatureError::Missing(if count("SignedInfo") == 0 {
                "ds:SignedInfo"
            } else {
                "ds:SignatureValue"
            }));
        }
        [.., extra] => return Err(unexpected(doc, "ds:Signature", *extra)),
    };
    if !doc.is(signed_info, DS, "SignedInfo") {
        return Err(unexpected(doc, "ds:Signature", signed_info));
    }
    if !doc.is(signature_value, DS, "SignatureValue") {
        return Err(unexpected(doc, "ds:Signature", signature_value));
    }
    if let Some(ki) = key_info
        && !doc.is(ki, DS, "KeyInfo")
    {
        return Err(unexpected(doc, "ds:Signature", ki));
    }

    // SignedInfo: CanonicalizationMethod, SignatureMethod, exactly one Reference.
    let si_children = structural_children(doc, signed_info, "ds:SignedInfo")?;
    let references = si_children
        .iter()
        .filter(|&&c| doc.is(c, DS, "Reference"))
        .count();
    if references > 1 {
        return Err(SignatureError::Duplicate("ds:Reference"));
    }
    let [c14n_method, sig_method, reference] = match si_children.as_slice() {
        [a, b, c] => [*a, *b, *c],
        [.., extra] if si_children.len() > 3 => {
            return Err(unexpected(doc, "ds:SignedInfo", *extra));
        }
        _ => return Err(SignatureError::Missing("ds:Reference")),
    };
    if !doc.is(c14n_method, DS, "CanonicalizationMethod") {
        return Err(unexpected(doc, "ds:SignedInfo", c14n_method));
    }
    if !doc.is(sig_method, DS, "SignatureMethod") {
        return Err(unexpected(doc, "ds:SignedInfo", sig_method));
    }
    if !doc.is(reference, DS, "Reference") {
        return Err(unexpected(doc, "ds:SignedInfo", reference));
    }
    let c14n = Canonicalization::from_uri(
        algorithm_attr(doc, c14n_method, "ds:CanonicalizationMethod")?,
        AlgorithmRole::CanonicalizationMethod,
    )?;
    let c14n_prefixes = inclusive_prefixes(
        doc,
        c14n_method,
        c14n,
        AlgorithmRole::CanonicalizationMethod,
        "ds:CanonicalizationMethod",
    )?;
    let signature_algorithm =
        SignatureAlgorithm::from_uri(algorithm_attr(doc, sig_method, "ds:SignatureMethod")?)?;
    if let Some(&child) = structural_children(doc, sig_method, "ds:SignatureMethod")?.first() {
        // HMACOutputLength and friends: nothing a public-key method takes.
        return Err(unexpected(doc, "ds:SignatureMethod", child));
    }
    if signature_algorithm.is_weak() && !rules.allow_sha1 {
        return Err(SignatureError::WeakAlgorithm(format!(
            "signature method {signature_algorithm}"
        )));
    }

    // Reference: URI="#" + the parent's ID, exactly (SAML core §5.4.2).
    let ref_el = doc
        .element(reference)
        .ok_or(SignatureError::Missing("ds:Reference"))?;
    let uri = ref_el
        .attr("URI")
        .ok_or(SignatureError::ReferenceWithoutUri)?;
    // Compared without writing `#` + ID out: that text is only needed for the error.
    if uri.strip_prefix('#') != Some(parent_id) {
        return Err(SignatureError::ReferenceUri {
            found: uri.to_owned(),
            expected: format!("#{parent_id}"),
        });
    }
    let ref_children = structural_children(doc, reference, "ds:Reference")?;
    let (transforms, digest_method, digest_value) = match ref_children.as_slice() {
        [t, m, v] => (*t, *m, *v),
        [m, _] if !doc.is(*m, DS, "Transforms") => {
            return Err(SignatureError::Transforms {
                found: "none".into(),
            });
        }
        [.., extra] if ref_children.len() > 3 => {
            return Err(unexpected(doc, "ds:Reference", *extra));
        }
        _ => return Err(SignatureError::Missing("ds:DigestValue")),
    };
    if !doc.is(transforms, DS, "Transforms") {
        return Err(unexpected(doc, "ds:Reference", transforms));
    }
    if !doc.is(digest_method, DS, "DigestMethod") {
        return Err(unexpected(doc, "ds:Reference", digest_method));
    }
    if !doc.is(digest_value, DS, "DigestValue") {
        return Err(unexpected(doc, "ds:Reference", digest_value));
    }
    let (reference_c14n, reference_prefixes) = check_transforms(doc, transforms)?;
    let digest_algorithm =
        DigestAlgorithm::from_uri(algorithm_attr(doc, digest_method, "ds:DigestMethod")?)?;
    if let Some(&child) = structural_children(doc, digest_method, "ds:DigestMethod")?.first() {
        return Err(unexpected(doc, "ds:DigestMethod", child));
    }
    if digest_algorithm.is_weak() && !rules.allow_sha1 {
        return Err(SignatureError::WeakAlgorithm(format!(
            "digest method {digest_algorithm}"
        )));
    }
    let digest_value = base64_value(
        &plain_text(doc, digest_value, "ds:DigestValue")?,
        "ds:DigestValue",
    )?;
    if digest_value.len() != digest_algorithm.output_len() {
        return Err(SignatureError::DigestLength {
            algorithm: digest_algorithm.to_string(),
            found: digest_value.len(),
            expected: digest_algorithm.output_len(),
        });
    }
    let signature_value = base64_value(
        &plain_text(doc, signature_value, "ds:SignatureValue")?,
        "ds:SignatureValue",
    )?;

    let keyinfo = key_info
        .map(|ki| keyinfo_certificates(doc, ki, trust))
        .unwrap_or_default();
    Ok(Parsed {
        signed_info,
        c14n,
        c14n_prefixes,
        signature_algorithm,
        digest_algorithm,
        reference_c14n,
        reference_prefixes,
        digest_value,
        signature_value,
        keyinfo,
    })
}

/// Exactly enveloped-signature then one canonicalization (SAML core §5.4.4; OpenSAML and
/// node-saml enforce the same shape). Returns that canonicalization and its exc-c14n PrefixList.
fn check_transforms(
    doc: &Document,
    transforms: NodeId,
) -> Result<(Canonicalization, Vec<String>), SignatureError> {
    let list = structural_children(doc, transforms, "ds:Transforms")?;
    let mut parsed = Vec::with_capacity(list.len());
    for &t in &list {
        if !doc.is(t, DS, "Transform") {
            return Err(unexpected(doc, "ds:Transforms", t));
        }
        parsed.push(Transform::from_uri(algorithm_attr(
            doc,
            t,
            "ds:Transform",
        )?)?);
    }
    match (parsed.as_slice(), list.as_slice()) {
        ([Transform::EnvelopedSignature, Transform::C14n(method)], [env, c14n]) => {
            if let Some(&child) = structural_children(doc, *env, "ds:Transform")?.first() {
                return Err(unexpected(doc, "ds:Transform", child));
            }
            let prefixes = inclusive_prefixes(
                doc,
                *c14n,
                *method,
                AlgorithmRole::Transform,
                "ds:Transform",
            )?;
            Ok((*method, prefixes))
        }
        _ => Err(SignatureError::Transforms {
            found: if parsed.is_empty() {
                "none".into()
            } else {
                parsed
                    .iter()
                    .map(|t| t.as_uri())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        }),
    }
}

/// Certificates in `KeyInfo/X509Data/X509Certificate`. Unparseable ones are skipped: KeyInfo is
/// never needed for trust, only for reporting and fingerprint pins. One that is byte-for-byte a
/// configured certificate is that certificate (no second X.509 parse on the hot path).
pub fn keyinfo_certificates(
    doc: &Document,
    key_info: NodeId,
    trust: &TrustStore,
) -> Vec<Certificate> {
    doc.children_named(key_info, DS, "X509Data")
        .flat_map(|d| doc.children_named(d, DS, "X509Certificate"))
        .filter_map(|c| {
            let text = doc.text_cow(c);
            // The usual case (the IdP sends the certificate the SP trusts) needs no decoding.
            if let Some(known) = trust.certificate_with_base64(&text) {
                return Some(known.clone());
            }
            let der = Certificate::der_from_base64(&text).ok()?;
            match trust.certificate_with_der(&der) {
                Some(known) => Some(known.clone()),
                None => Certificate::from_der(&der).ok(),
            }
        })
        .collect()
}
