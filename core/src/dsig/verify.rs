//! Verification of one enveloped signature, SAML profile only (validator-spec §E–F).
//!
//! Order matters (W3C XML Signature Best Practices 1): SignedInfo's structure and algorithms are
//! checked first, then SignatureValue is verified over canonical SignedInfo with a trusted key,
//! and only then is the referenced element canonicalized and digested — with the DigestValue
//! read from that same, verified SignedInfo (CVE-2024-45409).

use super::SignatureError;
use super::signature::*;
use crate::algorithm::{Canonicalization, DigestAlgorithm, SignatureAlgorithm};
use crate::c14n::{C14nOptions, canonicalize, canonicalize_into};
use crate::crypto::constant_time_eq;
use crate::trust::{Certificate, CertificateInfo, KeyBinding, TrustSource, TrustStore, TrustedKey};
use crate::xml::{Document, NodeId, Span};
use std::sync::Arc;

/// Facts about a verified signature, for the report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SignatureFacts {
    pub signature_algorithm: SignatureAlgorithm,
    pub digest_algorithm: DigestAlgorithm,
    /// SignedInfo's CanonicalizationMethod.
    pub canonicalization: Canonicalization,
    /// The Reference's canonicalization transform (after enveloped-signature).
    pub reference_canonicalization: Canonicalization,
    /// The ID the Reference pointed at (`#` + this).
    pub reference_id: String,
    /// Extent of the signed element in the input (the Signature itself is inside it but is
    /// excluded from the digest by the enveloped transform).
    pub signed_span: Span,
    /// Extent of the `ds:Signature` element.
    pub signature_span: Span,
    /// The certificate whose key verified the signature.
    pub verified_with: Arc<CertificateInfo>,
    pub trust_source: TrustSource,
    /// The entities the verifying key is trusted for: the Issuer must be one of them.
    pub binding: KeyBinding,
    /// Certificates carried in KeyInfo (untrusted; for the rotation diagnosis).
    pub keyinfo_certificates: Vec<Arc<CertificateInfo>>,
    /// Whether a KeyInfo certificate is exactly the key that verified.
    pub keyinfo_matches: Option<bool>,
    /// SHA-1 (or another weak choice) was accepted under policy.
    pub weak: Vec<String>,
    /// Valid choices SAML discourages (inclusive canonicalization, SAML core §5.4.3): reported
    /// as a warning, like `weak`, but not a weakness of the signature.
    pub discouraged: Vec<String>,
}

/// A verified element: the only door through which signed content is read.
///
/// It can only be built by [`verify_enveloped`], and it borrows the document it was verified in,
/// so it cannot be paired with another parse of the same bytes.
#[derive(Debug, Clone)]
pub struct Verified<'d> {
    doc: &'d Document,
    node: NodeId,
    signature: NodeId,
    facts: SignatureFacts,
    keyinfo: Vec<Certificate>,
}

impl<'d> Verified<'d> {
    /// The element the signature covers (the Signature's parent).
    pub fn node(&self) -> NodeId {
        self.node
    }
    pub fn signature(&self) -> NodeId {
        self.signature
    }
    pub fn document(&self) -> &'d Document {
        self.doc
    }
    pub fn facts(&self) -> &SignatureFacts {
        &self.facts
    }
    /// The certificates of this signature's `KeyInfo` (untrusted; see
    /// [`keyinfo_certificates`]), as read for verifying it with the same trust store: a report
    /// needs them again, and reading them twice was a tenth of the work outside c14n and RSA.
    pub fn keyinfo(&self) -> &[Certificate] {
        &self.keyinfo
    }
}

/// Verifies the enveloped `ds:Signature` at `signature` over its parent element.
///
/// The caller decides *which* signatures count (schema positions, SAML structure); this function
/// decides whether that one signature is valid, trusted, and covers exactly its parent.
pub fn verify_enveloped<'d>(
    doc: &'d Document,
    signature: NodeId,
    trust: &TrustStore,
    rules: AlgorithmRules,
) -> Result<Verified<'d>, SignatureError> {
    let parent = doc.parent(signature).ok_or(SignatureError::NoParent)?;
    let parent_el = doc.element(parent).ok_or(SignatureError::NoParent)?;
    let id = parent_el
        .attr("ID")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| SignatureError::ParentWithoutId {
            element: parent_el.qname(),
        })?;
    check_unique_id(doc, id)?;

    let parsed = parse_signature(doc, signature, id, rules, trust)?;

    // 1. SignatureValue over canonical SignedInfo, with trusted keys only.
    // Below glibc's 1 KiB large-request threshold (see `Hasher`); a longer one just grows.
    let mut signed_info = Vec::with_capacity(1000);
    let prefixes: Vec<&str> = parsed.c14n_prefixes.iter().map(String::as_str).collect();
    canonicalize(
        doc,
        parsed.signed_info,
        &C14nOptions {
            method: parsed.c14n.method(),
            with_comments: parsed.c14n.with_comments(),
            inclusive_prefixes: &prefixes,
            omit: None,
        },
        &mut signed_info,
    )?;
    if trust.is_empty() {
        return Err(SignatureError::NoTrustedKey);
    }
    let keys = trust.keys_for(&parsed.keyinfo);
    if keys.is_empty() {
        return Err(SignatureError::UntrustedKey(
            "only fingerprints are configured and no KeyInfo certificate matches them".into(),
        ));
    }
    let key = verify_with_keys(
        &keys,
        parsed.signature_algorithm,
        &signed_info,
        &parsed.signature_value,
        rules,
    )?;

    // 2. The reference: the parent element itself (node identity, no ID lookup), minus exactly
    // this Signature. Comments are never part of a same-document `#id` reference (XMLDSig
    // §4.4.3.3), whatever the transform's name says. With an inclusive transform the removed
    // Signature's ancestors still lend the signed element their namespaces and `xml:*`
    // attributes (C14N §2.4): the subset is the element's subtree, the document stays whole.
    let ref_prefixes: Vec<&str> = parsed
        .reference_prefixes
        .iter()
        .map(String::as_str)
        .collect();
    // Streamed into the hasher: the signed element can be the whole message, and no copy of
    // its canonical form is needed once digested.
    let mut hasher = parsed.digest_algorithm.hasher();
    canonicalize_into(
        doc,
        parent,
        &C14nOptions {
            method: parsed.reference_c14n.method(),
            with_comments: false,
            inclusive_prefixes: &ref_prefixes,
            omit: Some(signature),
        },
        &mut hasher,
    )?;
    let digest = hasher.finish();
    if !constant_time_eq(&digest, &parsed.digest_value) {
        return Err(SignatureError::DigestMismatch);
    }

    let mut weak = Vec::new();
    if parsed.signature_algorithm.is_weak() {
        weak.push(format!("signature method {}", parsed.signature_algorithm));
    }
    if parsed.digest_algorithm.is_weak() {
        weak.push(format!("digest method {}", parsed.digest_algorithm));
    }
    if let TrustSource::Fingerprint { weak: true, .. } = key.source {
        weak.push("trusted through a SHA-1 fingerprint".into());
    }
    let mut discouraged = Vec::new();
    if parsed.c14n.is_inclusive() {
        discouraged.push(format!("SignedInfo canonicalized with {}", parsed.c14n));
    }
    if parsed.reference_c14n.is_inclusive() {
        discouraged.push(format!(
            "signed element canonicalized with {}",
            parsed.reference_c14n
        ));
    }
    let keyinfo_matches = if parsed.keyinfo.is_empty() {
        None
    } else {
        Some(parsed.keyinfo.contains(&key.certificate))
    };
    Ok(Verified {
        doc,
        node: parent,
        signature,
        facts: SignatureFacts {
            signature_algorithm: parsed.signature_algorithm,
            digest_algorithm: parsed.digest_algorithm,
            canonicalization: parsed.c14n,
            reference_canonicalization: parsed.reference_c14n,
            reference_id: id.to_owned(),
            signed_span: doc.span(parent),
            signature_span: doc.span(signature),
            verified_with: key.certificate.shared_info(),
            trust_source: key.source.clone(),
            binding: trust.binding_of(&key.certificate),
            keyinfo_certificates: parsed
                .keyinfo
                .iter()
                .map(Certificate::shared_info)
                .collect(),
            keyinfo_matches,
            weak,
            discouraged,
        },
        keyinfo: parsed.keyinfo,
    })
}

/// The first of `keys` whose public key verifies `signature` over `signed`, keys below the
/// policy's minimum size left out: a canonical SignedInfo here, a Redirect-binding query string
/// for signed AuthnRequests. `KeyTooSmall` when only a too-small key was there to try.
pub fn verify_with_keys<'k>(
    keys: &'k [TrustedKey],
    algorithm: SignatureAlgorithm,
    signed: &[u8],
    signature: &[u8],
    rules: AlgorithmRules,
) -> Result<&'k TrustedKey, SignatureError> {
    let mut too_small = None;
    let mut unsupported = None;
    let mut tried = 0;
    for key in keys {
        let pk = key.certificate.public_key();
        // An EC, Ed25519 or DSA key cannot verify an `rsa-sha*` SignatureMethod: named as such,
        // not counted as a key that "signed something else".
        if !pk.is_supported() {
            unsupported = Some(pk.key_type());
            continue;
        }
        if pk.bits() < rules.min_rsa_bits {
            too_small = Some(pk.bits());
            continue;
        }
        tried += 1;
        if pk.verify(algorithm, signed, signature).is_ok() {
            return Ok(key);
        }
    }
    Err(match (tried, too_small, unsupported) {
        (0, Some(bits), _) => SignatureError::KeyTooSmall {
            bits,
            min: rules.min_rsa_bits,
        },
        (0, None, Some(key_type)) => SignatureError::UnsupportedKey { key_type },
        _ => SignatureError::BadSignature { tried },
    })
}

/// IDs must be unique document-wide. `Id` and `id` count too: other stacks resolve those, and
/// a second element answering to the same value is how wrapping attacks (xsw5–xsw8) start.
fn check_unique_id(doc: &Document, id: &str) -> Result<(), SignatureError> {
    let count = doc
        .elements()
        .filter_map(|n| doc.element(n))
        .map(|e| {
            e.attributes
                .iter()
                .filter(|a| a.ns.is_none() && matches!(&*a.local, "ID" | "Id" | "id"))
                .filter(|a| &*a.value == id)
                .count()
        })
        .sum::<usize>();
    if count == 1 {
        Ok(())
    } else {
        Err(SignatureError::DuplicateId {
            id: id.to_owned(),
            count,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_value_reads_as_compacting_first_did() {
        for text in [
            "",
            " ",
            "\r\n\t ",
            "AAAA",
            "AA==",
            "AAA=",
            "AB==",
            "AAA",
            "AAAAA",
            "A===",
            "AA=A",
            "AA\u{e9}A",
            "AA AA",
            "AA\nAA\r\nAA==",
            " AAAA ",
            "=AAA",
            "AA==\n",
            "AA\u{c}AA",
            "AA\u{b}AA",
            "YWJj\nZGVm\nZ2g=",
        ] {
            assert_eq!(
                base64_value(text, "ds:DigestValue"),
                base64_compacted(text, "ds:DigestValue"),
                "{text:?}"
            );
        }
    }
}
