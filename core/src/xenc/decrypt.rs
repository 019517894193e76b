//! `EncryptedAssertion` / `EncryptedID` / `EncryptedAttribute` → standalone plaintext XML.
//!
//! Order matters: the whole structure (elements, algorithms, sizes, base64) is checked first
//! and may fail with specific errors, since it depends only on the public message. Only then
//! does any secret-dependent work start, and from there every failure is the one
//! [`XencError::DecryptionFailed`] — save a plaintext AES-GCM authenticated, which is described
//! ([`XencError::MalformedPlaintext`]): no one but its author can produce one, so the
//! description answers no question its author did not already know.

use base64::Engine as _;
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::traits::PrivateKeyParts as _;
use sha2::{Digest as _, Sha256};

use super::rng::SeedStream;
use super::{
    DataEncryption, EncryptedElement, KeyTransport, MAX_CIPHER_VALUE, OaepDigest, PlaintextProblem,
    XencError,
};
use super::{cipher, namespaces, ns};
use crate::xml::{Document, NodeId};

/// EncryptedData `Type` for an encrypted element (the only kind an assertion can be).
const TYPE_ELEMENT: &str = "http://www.w3.org/2001/04/xmlenc#Element";
/// More candidate keys than this is not a multi-recipient message but an attempt to make the
/// SP do RSA work.
const MAX_ENCRYPTED_KEYS: usize = 4;
/// `xenc:OAEPparams` (the OAEP label) bound.
const MAX_OAEP_LABEL: usize = 1024;

/// The SP's RSA private key, for key transport. Debug output never shows key material.
#[derive(Clone)]
pub struct DecryptionKey {
    key: rsa::PrivateKey,
    /// Seeds RSA blinding per ciphertext (see `rng`): secret, so the blinding is unpredictable.
    blinding_secret: [u8; 32],
}

impl DecryptionKey {
    /// A PEM `PRIVATE KEY` (PKCS#8) or `RSA PRIVATE KEY` (PKCS#1). Encrypted keys are refused.
    pub fn from_pem(pem: &str) -> Result<Self, XencError> {
        let pem = pem.trim();
        let key = rsa::PrivateKey::from_pkcs8_pem(pem)
            .or_else(|e8| rsa::PrivateKey::from_pkcs1_pem(pem).map_err(|_| e8))
            .map_err(|e| XencError::Key(e.to_string()))?;
        Ok(Self::from_rsa(key))
    }

    /// DER, PKCS#8 or PKCS#1.
    pub fn from_der(der: &[u8]) -> Result<Self, XencError> {
        let key = rsa::PrivateKey::from_pkcs8_der(der)
            .or_else(|e8| rsa::PrivateKey::from_pkcs1_der(der).map_err(|_| e8))
            .map_err(|e| XencError::Key(e.to_string()))?;
        Ok(Self::from_rsa(key))
    }

    pub fn from_rsa(key: rsa::PrivateKey) -> Self {
        let mut h = Sha256::new();
        h.update(b"samlscope-xenc-blinding\0");
        h.update(key.d().to_be_bytes());
        Self {
            key,
            blinding_secret: h.finalize().into(),
        }
    }

    pub fn rsa(&self) -> &rsa::PrivateKey {
        &self.key
    }
}

impl core::fmt::Debug for DecryptionKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        use rsa::traits::PublicKeyParts as _;
        f.debug_struct("DecryptionKey")
            .field("rsa_bits", &self.key.size().saturating_mul(8))
            .finish_non_exhaustive()
    }
}

/// What the SP accepts for encrypted assertions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct XencRules {
    /// Accept AES-CBC content encryption (reported in [`Decrypted::weak`]). Default `true`:
    /// many IdPs still send `aes256-cbc`, and the oracle needs many adaptive queries to an SP
    /// that answers distinguishably — which this module never does.
    pub allow_cbc: bool,
}

impl Default for XencRules {
    fn default() -> Self {
        Self { allow_cbc: true }
    }
}

/// A decrypted element.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Decrypted {
    /// The plaintext element (an Assertion, NameID or Attribute) as a standalone XML document
    /// (namespace context carried over), to be parsed and checked on its own.
    pub xml: String,
    pub data_algorithm: DataEncryption,
    pub key_transport: KeyTransport,
    /// Weaknesses to report (e.g. CBC), in the admin's words.
    pub weak: Vec<String>,
}

/// One `EncryptedKey`, structurally checked.
struct KeyCandidate {
    transport: KeyTransport,
    label: Option<Box<[u8]>>,
    cipher_value: Vec<u8>,
}

/// Decrypts the `EncryptedData` under `encrypted_assertion` (a `saml:EncryptedAssertion`
/// element of `doc`) and returns the plaintext Assertion XML, ready to be parsed as a
/// standalone document: namespace bindings in scope at `EncryptedAssertion` that the
/// Assertion's start tag does not declare are added to it (see `namespaces`).
pub fn decrypt_assertion(
    doc: &Document,
    encrypted_assertion: NodeId,
    key: &DecryptionKey,
    policy: &XencRules,
) -> Result<Decrypted, XencError> {
    decrypt_element(
        doc,
        encrypted_assertion,
        EncryptedElement::Assertion,
        key,
        policy,
    )
}

/// [`decrypt_assertion`] for any of SAML's `EncryptedElementType` wrappers: `ea` must be the
/// wrapper `kind` names, and the plaintext exactly one element of the kind it wraps (anything
/// else is [`XencError::MalformedPlaintext`] under AES-GCM, the uniform
/// [`XencError::DecryptionFailed`] under AES-CBC).
pub fn decrypt_element(
    doc: &Document,
    ea: NodeId,
    kind: EncryptedElement,
    key: &DecryptionKey,
    policy: &XencRules,
) -> Result<Decrypted, XencError> {
    decrypt_to_document(doc, ea, kind, key, policy).map(|(d, _)| d)
}

/// [`decrypt_element`] with the plaintext already parsed: checking the plaintext's root parses
/// it, and the validator needs exactly that document, so it is handed over rather than parsed
/// a second time.
pub(crate) fn decrypt_to_document(
    doc: &Document,
    ea: NodeId,
    kind: EncryptedElement,
    key: &DecryptionKey,
    policy: &XencRules,
) -> Result<(Decrypted, Document), XencError> {
    let wrapper = kind.wrapper();
    expect_element(doc, ea, ns::SAML, wrapper)?;

    // saml:EncryptedElementType: one xenc:EncryptedData, then any number of xenc:EncryptedKey.
    let mut data = None;
    let mut sibling_keys = Vec::new();
    for c in doc.child_elements(ea) {
        if doc.is(c, ns::XENC, "EncryptedData") {
            if data.replace(c).is_some() {
                return Err(XencError::Duplicate("EncryptedData"));
            }
        } else if doc.is(c, ns::XENC, "EncryptedKey") {
            sibling_keys.push(c);
        } else {
            return Err(unexpected(doc, wrapper, c));
        }
    }
    let data = data.ok_or(XencError::Missing {
        parent: wrapper,
        missing: "EncryptedData",
    })?;

    let data_el = element(doc, data)?;
    if let Some(t) = data_el.attr("Type")
        && t != TYPE_ELEMENT
    {
        return Err(XencError::WrongType(t.to_string()));
    }

    let mut method = None;
    let mut key_info = None;
    let mut cipher_data = None;
    for c in doc.child_elements(data) {
        if doc.is(c, ns::XENC, "EncryptionMethod") {
            set_once(&mut method, c, "EncryptionMethod")?;
        } else if doc.is(c, ns::DS, "KeyInfo") {
            set_once(&mut key_info, c, "ds:KeyInfo")?;
        } else if doc.is(c, ns::XENC, "CipherData") {
            set_once(&mut cipher_data, c, "CipherData")?;
        } else if doc.is(c, ns::XENC, "EncryptionProperties") {
            // Informational only.
        } else {
            return Err(unexpected(doc, "EncryptedData", c));
        }
    }
    let method = method.ok_or(XencError::Missing {
        parent: "EncryptedData",
        missing: "EncryptionMethod",
    })?;
    let data_algorithm = DataEncryption::from_uri(algorithm(doc, method, "EncryptionMethod")?)?;
    if data_algorithm.is_cbc() && !policy.allow_cbc {
        return Err(XencError::Refused {
            role: "content encryption",
            uri: data_algorithm.as_uri().into(),
            reason: "AES-CBC is open to a padding oracle (Jager & Somorovsky, CCS 2011) and the policy does not allow it; use AES-GCM",
        });
    }
    let cipher_data = cipher_data.ok_or(XencError::Missing {
        parent: "EncryptedData",
        missing: "CipherData",
    })?;
    let content = cipher_value(doc, cipher_data)?;

    // The content key: in EncryptedData/ds:KeyInfo, or a sibling of EncryptedData (then usually
    // pointed at by a ds:RetrievalMethod, which needs no resolving: the siblings are the set).
    let mut key_nodes: Vec<NodeId> = key_info
        .map(|ki| doc.children_named(ki, ns::XENC, "EncryptedKey").collect())
        .unwrap_or_default();
    key_nodes.extend(sibling_keys);
    if key_nodes.is_empty() {
        return Err(XencError::Missing {
            parent: wrapper,
            missing: "EncryptedKey",
        });
    }
    if key_nodes.len() > MAX_ENCRYPTED_KEYS {
        return Err(XencError::TooMany {
            element: "EncryptedKey",
            limit: MAX_ENCRYPTED_KEYS,
        });
    }
    let candidates = key_nodes
        .into_iter()
        .map(|k| encrypted_key(doc, k))
        .collect::<Result<Vec<_>, _>>()?;

    // ---- From here on, every failure is the same DecryptionFailed. ----
    let mut result = Err(XencError::DecryptionFailed);
    for cand in candidates {
        let mut blinding = SeedStream::new("rsa-blinding", &blinding_seed(key, &cand.cipher_value));
        let Ok(content_key) = cipher::oaep_decrypt(
            &key.key,
            cand.transport,
            cand.label,
            &mut blinding,
            &cand.cipher_value,
        ) else {
            continue;
        };
        if content_key.len() != data_algorithm.key_len() {
            continue;
        }
        result = cipher::content_decrypt(data_algorithm, &content_key, &content)
            .map(|pt| (pt, cand.transport));
        break;
    }
    let (plaintext, key_transport) = result?;
    // The plaintext must be one well-formed element of the wrapped kind. Under CBC what is
    // wrong with it is not said: anyone can flip bits of a captured ciphertext, and an answer
    // that tells bad padding, bad UTF-8 and bad XML apart decrypts it (Jager & Somorovsky, CCS
    // 2011). Under GCM a plaintext that got this far was authenticated: its author holds the
    // content key and knows it already, so the admin is told what it is.
    let refuse = |problem: &dyn Fn() -> PlaintextProblem| {
        if data_algorithm.is_authenticated() {
            XencError::MalformedPlaintext {
                kind,
                problem: problem(),
            }
        } else {
            XencError::DecryptionFailed
        }
    };
    let plaintext =
        String::from_utf8(plaintext).map_err(|_| refuse(&|| PlaintextProblem::NotUtf8))?;
    let xml = namespaces::inherit(&plaintext, &doc.in_scope_namespaces(ea))
        .ok_or_else(|| refuse(&|| before_root(&plaintext)))?;
    let standalone =
        crate::xml::parse(xml.as_bytes()).map_err(|e| refuse(&|| parse_problem(&e)))?;
    if !standalone.is(standalone.root(), ns::SAML, kind.plaintext()) {
        let root = standalone.root();
        return Err(refuse(&|| {
            PlaintextProblem::WrongRoot(
                standalone
                    .element(root)
                    .map(|e| e.qname())
                    .unwrap_or_default(),
            )
        }));
    }

    let mut weak = Vec::new();
    if data_algorithm.is_cbc() {
        weak.push(format!(
            "The {} is encrypted with {} (AES-CBC), which is open to a padding oracle \
             (Jager & Somorovsky, CCS 2011 \"How to Break XML Encryption\"); configure the IdP \
             to use AES-GCM ({}).",
            kind.what(),
            data_algorithm.as_uri(),
            DataEncryption::Aes256Gcm.as_uri()
        ));
    }
    Ok((
        Decrypted {
            xml,
            data_algorithm,
            key_transport,
            weak,
        },
        standalone,
    ))
}

/// Why a plaintext does not start with an element start tag (what XML Enc's `Type=Element`
/// plaintext is: the element and nothing before it).
fn before_root(plaintext: &str) -> PlaintextProblem {
    let head = plaintext.trim_start_matches([' ', '\t', '\r', '\n']);
    if plaintext.contains("<!DOCTYPE") {
        PlaintextProblem::Doctype
    } else if head
        .strip_prefix("<?xml")
        .is_some_and(|rest| rest.starts_with([' ', '\t', '\r', '\n', '?']))
    {
        PlaintextProblem::XmlDeclaration
    } else {
        PlaintextProblem::NotAnElement
    }
}

/// A parse failure of the plaintext, in the admin's words where there are some.
fn parse_problem(e: &crate::xml::XmlError) -> PlaintextProblem {
    use crate::xml::XmlErrorKind as K;
    match e.kind {
        K::Doctype => PlaintextProblem::Doctype,
        K::MultipleRoots => PlaintextProblem::MultipleRoots,
        K::MisplacedDeclaration => PlaintextProblem::XmlDeclaration,
        // The position would point into the plaintext with the Response's namespace
        // declarations added: the kind alone is what the admin can use.
        ref other => PlaintextProblem::NotWellFormed(other.to_string()),
    }
}

fn blinding_seed(key: &DecryptionKey, ciphertext: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(key.blinding_secret);
    h.update(ciphertext);
    h.finalize().into()
}

/// Parses one `xenc:EncryptedKey`: key transport with its parameters, and its CipherValue.
fn encrypted_key(doc: &Document, k: NodeId) -> Result<KeyCandidate, XencError> {
    let mut method = None;
    let mut cipher_data = None;
    for c in doc.child_elements(k) {
        if doc.is(c, ns::XENC, "EncryptionMethod") {
            set_once(&mut method, c, "EncryptionMethod")?;
        } else if doc.is(c, ns::XENC, "CipherData") {
            set_once(&mut cipher_data, c, "CipherData")?;
        } else if doc.is(c, ns::DS, "KeyInfo")
            || doc.is(c, ns::XENC, "ReferenceList")
            || doc.is(c, ns::XENC, "CarriedKeyName")
            || doc.is(c, ns::XENC, "EncryptionProperties")
        {
            // Which SP key it was made for, and back-references: informational.
        } else {
            return Err(unexpected(doc, "EncryptedKey", c));
        }
    }
    let method = method.ok_or(XencError::Missing {
        parent: "EncryptedKey",
        missing: "EncryptionMethod",
    })?;
    let mut transport = KeyTransport::from_uri(algorithm(doc, method, "EncryptionMethod")?)?;
    let mut digest_seen = false;
    let mut mgf_seen = false;
    let mut label = None;
    for c in doc.child_elements(method) {
        if doc.is(c, ns::DS, "DigestMethod") {
            if std::mem::replace(&mut digest_seen, true) {
                return Err(XencError::Duplicate("ds:DigestMethod"));
            }
            let d = OaepDigest::from_digest_uri(algorithm(doc, c, "ds:DigestMethod")?)?;
            transport = match transport {
                KeyTransport::RsaOaepMgf1p { .. } => KeyTransport::RsaOaepMgf1p { digest: d },
                KeyTransport::RsaOaep { mgf, .. } => KeyTransport::RsaOaep { digest: d, mgf },
            };
        } else if doc.is(c, ns::XENC11, "MGF") {
            if std::mem::replace(&mut mgf_seen, true) {
                return Err(XencError::Duplicate("xenc11:MGF"));
            }
            let m = OaepDigest::from_mgf_uri(algorithm(doc, c, "xenc11:MGF")?)?;
            transport = match transport {
                // rsa-oaep-mgf1p fixes MGF1-SHA-1 in its name; a different MGF there is a
                // contradiction, not a parameter.
                KeyTransport::RsaOaepMgf1p { .. } if m != OaepDigest::Sha1 => {
                    return Err(unexpected(doc, "EncryptionMethod (rsa-oaep-mgf1p)", c));
                }
                t @ KeyTransport::RsaOaepMgf1p { .. } => t,
                KeyTransport::RsaOaep { digest, .. } => KeyTransport::RsaOaep { digest, mgf: m },
            };
        } else if doc.is(c, ns::XENC, "OAEPparams") {
            if label.is_some() {
                return Err(XencError::Duplicate("OAEPparams"));
            }
            let l = decode_base64(&doc.text_cow(c), "OAEPparams", MAX_OAEP_LABEL)?;
            label = (!l.is_empty()).then(|| l.into_boxed_slice());
        } else if doc.is(c, ns::XENC, "KeySize") {
            // Implied by the algorithm.
        } else {
            return Err(unexpected(doc, "EncryptionMethod", c));
        }
    }
    let cipher_data = cipher_data.ok_or(XencError::Missing {
        parent: "EncryptedKey",
        missing: "CipherData",
    })?;
    Ok(KeyCandidate {
        transport,
        label,
        cipher_value: cipher_value(doc, cipher_data)?,
    })
}

/// `xenc:CipherData` must hold exactly one inline `CipherValue`. `CipherReference` is refused:
/// it would make the SP dereference an attacker-chosen URI.
fn cipher_value(doc: &Document, cipher_data: NodeId) -> Result<Vec<u8>, XencError> {
    let mut value = None;
    for c in doc.child_elements(cipher_data) {
        if doc.is(c, ns::XENC, "CipherValue") {
            set_once(&mut value, c, "CipherValue")?;
        } else if doc.is(c, ns::XENC, "CipherReference") {
            return Err(XencError::Refused {
                role: "CipherData",
                uri: element(doc, c)?.attr("URI").unwrap_or_default().into(),
                reason: "CipherReference would make the SP fetch a URI; only an inline CipherValue is accepted",
            });
        } else {
            return Err(unexpected(doc, "CipherData", c));
        }
    }
    let value = value.ok_or(XencError::Missing {
        parent: "CipherData",
        missing: "CipherValue",
    })?;
    if doc.has_element_child(value) {
        return Err(XencError::Base64("CipherValue"));
    }
    decode_base64(&doc.text_cow(value), "CipherValue", MAX_CIPHER_VALUE)
}

/// Base64 with XML whitespace allowed anywhere; the decoded size is bounded before decoding.
fn decode_base64(text: &str, element: &'static str, limit: usize) -> Result<Vec<u8>, XencError> {
    let compact: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '\t' | '\r' | '\n'))
        .collect();
    if compact.len() / 4 * 3 > limit.saturating_add(3) {
        return Err(XencError::TooLarge { element, limit });
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|_| XencError::Base64(element))?;
    if bytes.len() > limit {
        return Err(XencError::TooLarge { element, limit });
    }
    Ok(bytes)
}

fn element(doc: &Document, id: NodeId) -> Result<&crate::xml::Element, XencError> {
    doc.element(id).ok_or(XencError::WrongElement {
        expected: "an element",
        found: "a non-element node".into(),
    })
}

fn expect_element(
    doc: &Document,
    id: NodeId,
    ns: &str,
    local: &'static str,
) -> Result<(), XencError> {
    let e = element(doc, id)?;
    if e.is(ns, local) {
        Ok(())
    } else {
        Err(XencError::WrongElement {
            expected: local,
            found: e.qname(),
        })
    }
}

fn algorithm<'d>(doc: &'d Document, id: NodeId, name: &'static str) -> Result<&'d str, XencError> {
    element(doc, id)?
        .attr("Algorithm")
        .ok_or(XencError::NoAlgorithm(name))
}

fn set_once(slot: &mut Option<NodeId>, id: NodeId, name: &'static str) -> Result<(), XencError> {
    if slot.replace(id).is_some() {
        return Err(XencError::Duplicate(name));
    }
    Ok(())
}

fn unexpected(doc: &Document, parent: &'static str, id: NodeId) -> XencError {
    XencError::Unexpected {
        parent,
        found: doc.element(id).map(|e| e.qname()).unwrap_or_default(),
    }
}
