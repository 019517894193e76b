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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xenc::encrypt::encrypt_element;
    use rsa::pkcs8::DecodePublicKey as _;

    const KEY: &str = include_str!("../../tests/data/keys/idp.key.pem");

    fn in_response(plaintext: &[u8], data: DataEncryption) -> (String, DecryptionKey) {
        in_response_as(EncryptedElement::Assertion, plaintext, data)
    }

    fn in_response_as(
        kind: EncryptedElement,
        plaintext: &[u8],
        data: DataEncryption,
    ) -> (String, DecryptionKey) {
        let key = DecryptionKey::from_pem(KEY).unwrap();
        let spki =
            rsa::pkcs8::EncodePublicKey::to_public_key_der(&key.key.to_public_key()).unwrap();
        let public = rsa::PublicKey::from_public_key_der(spki.as_bytes()).unwrap();
        let ea = encrypt_element(
            kind,
            plaintext,
            &public,
            data,
            KeyTransport::RSA_OAEP_MGF1P,
            &[7; 32],
        )
        .unwrap();
        let xml = format!(
            r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{ea}</samlp:Response>"#
        );
        (xml, key)
    }

    fn run(plaintext: &[u8], data: DataEncryption) -> Result<Decrypted, XencError> {
        let (xml, key) = in_response(plaintext, data);
        let doc = crate::xml::parse(xml.as_bytes()).unwrap();
        let ea = doc
            .elements()
            .find(|&n| doc.is(n, ns::SAML, "EncryptedAssertion"))
            .unwrap();
        decrypt_assertion(&doc, ea, &key, &XencRules::default())
    }

    #[test]
    fn undeclared_prefixes_are_bound_from_the_response() {
        let bare = r#"<saml:Assertion ID="_a"><saml:AttributeStatement><saml:Attribute Name="n"><saml:AttributeValue xsi:type="xs:string">v</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion>"#;
        assert!(crate::xml::parse(bare.as_bytes()).is_err());
        for data in DataEncryption::ALL {
            let out = run(bare.as_bytes(), data).unwrap();
            let doc = crate::xml::parse(out.xml.as_bytes()).unwrap();
            assert!(doc.is(doc.root(), ns::SAML, "Assertion"));
            let scope = doc.in_scope_namespaces(doc.root());
            assert!(scope.contains(&(Some("xs"), "http://www.w3.org/2001/XMLSchema")));
            assert!(scope.contains(&(Some("samlp"), "urn:oasis:names:tc:SAML:2.0:protocol")));
        }
    }

    /// Plaintexts that are not one saml:Assertion element, and what may be said of each once
    /// AES-GCM authenticated it.
    #[allow(clippy::type_complexity)]
    fn malformed() -> Vec<(&'static [u8], fn(&PlaintextProblem) -> bool)> {
        use PlaintextProblem as P;
        vec![
            // A DTD that arrives encrypted is refused like one in the clear (never expanded).
            (
                b"<!DOCTYPE a [<!ENTITY e \"x\">]><saml:Assertion ID=\"a\">&e;</saml:Assertion>",
                |p| *p == P::Doctype,
            ),
            (
                b"<!DOCTYPE saml:Assertion SYSTEM \"file:///etc/passwd\"><saml:Assertion ID=\"a\"/>",
                |p| *p == P::Doctype,
            ),
            (
                b"<saml:Assertion ID=\"a\"/><saml:Assertion ID=\"b\"/>",
                |p| *p == P::MultipleRoots,
            ),
            (
                b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><saml:Assertion ID=\"a\"/>",
                |p| *p == P::XmlDeclaration,
            ),
            (b"not xml at all", |p| *p == P::NotAnElement),
            (b"<saml:Assertion ID=\"a\">", |p| {
                matches!(p, P::NotWellFormed(m) if m.contains("ends inside an element"))
            }),
            (b"<saml:Response ID=\"x\"/>", |p| {
                *p == P::WrongRoot("saml:Response".into())
            }),
            (b"<other:Assertion xmlns:other=\"urn:other\"/>", |p| {
                *p == P::WrongRoot("other:Assertion".into())
            }),
            (b"<saml:Assertion ID=\"\xe9\"/>", |p| *p == P::NotUtf8),
        ]
    }

    #[test]
    fn a_gcm_authenticated_plaintext_is_described_when_it_is_not_one_element() {
        for (bad, expected) in malformed() {
            let shown = String::from_utf8_lossy(bad);
            for data in [DataEncryption::Aes128Gcm, DataEncryption::Aes256Gcm] {
                let err = run(bad, data).expect_err(&shown);
                let XencError::MalformedPlaintext { kind, problem } = &err else {
                    panic!("{shown} ({data:?}): {err:?}");
                };
                assert_eq!(*kind, EncryptedElement::Assertion);
                assert!(expected(problem), "{shown} ({data:?}): {problem:?}");
                let message = err.to_string();
                assert!(
                    message.contains("the decrypted plaintext is not a single XML element")
                        && message.ends_with(&problem.to_string())
                        && !message.contains("could not be decrypted"),
                    "{message}"
                );
            }
        }
        assert!(run(b"<saml:Assertion ID=\"a\"/>", DataEncryption::Aes128Gcm).is_ok());
    }

    #[test]
    fn a_cbc_plaintext_that_is_not_one_element_is_the_uniform_error() {
        // Unauthenticated: whoever flipped the bits learns nothing from the answer.
        let uniform = XencError::DecryptionFailed.to_string();
        for (bad, _) in malformed() {
            for data in [DataEncryption::Aes128Cbc, DataEncryption::Aes256Cbc] {
                let err = run(bad, data).expect_err(&String::from_utf8_lossy(bad));
                assert_eq!(err, XencError::DecryptionFailed, "{data:?}");
                assert_eq!(err.to_string(), uniform);
            }
        }
        assert!(run(b"<saml:Assertion ID=\"a\"/>", DataEncryption::Aes128Cbc).is_ok());
    }

    #[test]
    fn each_wrapper_takes_only_its_own_plaintext() {
        use EncryptedElement as K;
        let name_id = "<saml:NameID>alice@acmecorp.com</saml:NameID>";
        let attribute = "<saml:Attribute Name=\"groups\"><saml:AttributeValue>g</saml:AttributeValue></saml:Attribute>";
        let assertion = "<saml:Assertion ID=\"a\"/>";
        for (kind, good, wrong) in [
            (K::NameId, name_id, attribute),
            (K::Attribute, attribute, name_id),
            (K::Assertion, assertion, name_id),
        ] {
            let run_with = |plaintext: &str, as_kind: K, data| {
                let (xml, key) = in_response_as(kind, plaintext.as_bytes(), data);
                let doc = crate::xml::parse(xml.as_bytes()).unwrap();
                let wrapper = doc
                    .elements()
                    .find(|&n| doc.is(n, ns::SAML, kind.wrapper()))
                    .unwrap();
                decrypt_element(&doc, wrapper, as_kind, &key, &XencRules::default())
            };
            let run = |plaintext: &str, as_kind: K| {
                run_with(plaintext, as_kind, DataEncryption::Aes128Gcm)
            };
            let out = run(good, kind).unwrap();
            let doc = crate::xml::parse(out.xml.as_bytes()).unwrap();
            assert!(doc.is(doc.root(), ns::SAML, kind.plaintext()), "{kind:?}");
            // Another kind of element inside: said under GCM (authenticated), the uniform
            // error under CBC, as for any bad plaintext.
            let err = run(wrong, kind).unwrap_err();
            assert!(
                matches!(
                    &err,
                    XencError::MalformedPlaintext { kind: k, problem: PlaintextProblem::WrongRoot(_) } if *k == kind
                ),
                "{kind:?}: {err:?}"
            );
            assert!(
                err.to_string()
                    .starts_with(&format!("the {} was decrypted", kind.wrapper()))
            );
            assert_eq!(
                run_with(wrong, kind, DataEncryption::Aes256Cbc),
                Err(XencError::DecryptionFailed),
                "{kind:?}"
            );
            // The wrapper is checked before anything is decrypted.
            let other = if kind == K::NameId {
                K::Attribute
            } else {
                K::NameId
            };
            assert!(
                matches!(run(good, other), Err(XencError::WrongElement { .. })),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn encrypt_in_place_carries_the_namespaces_and_finds_only_what_is_picked() {
        use crate::xenc::encrypt_in_place;
        let key = DecryptionKey::from_pem(KEY).unwrap();
        let spki =
            rsa::pkcs8::EncodePublicKey::to_public_key_der(&key.key.to_public_key()).unwrap();
        let xml = r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="a"><saml:Subject><saml:NameID>ann</saml:NameID></saml:Subject><saml:AttributeStatement><saml:Attribute Name="a"/><saml:Attribute Name="b"/></saml:AttributeStatement></saml:Assertion>"#;
        let run = |kind, name: Option<&str>| {
            encrypt_in_place(
                kind,
                xml,
                |d, n| name.is_none() || d.element(n).and_then(|e| e.attr("Name")) == name,
                spki.as_bytes(),
                DataEncryption::Aes128Gcm,
                KeyTransport::RSA_OAEP_MGF1P,
                &[9; 32],
            )
        };
        let out = run(EncryptedElement::Attribute, Some("b")).unwrap();
        // Only attribute b was replaced, in place.
        assert!(
            out.contains(r#"<saml:Attribute Name="a"/><saml2:EncryptedAttribute"#),
            "{out}"
        );
        assert!(!out.contains(r#"Name="b""#), "{out}");
        let doc = crate::xml::parse(out.as_bytes()).unwrap();
        let wrapper = doc
            .elements()
            .find(|&n| doc.is(n, ns::SAML, "EncryptedAttribute"))
            .unwrap();
        let plain = decrypt_element(
            &doc,
            wrapper,
            EncryptedElement::Attribute,
            &key,
            &XencRules::default(),
        )
        .unwrap();
        // `saml` was declared on the Assertion only: carried onto the encrypted element.
        let standalone = crate::xml::parse(plain.xml.as_bytes()).unwrap();
        assert!(standalone.is(standalone.root(), ns::SAML, "Attribute"));
        assert_eq!(
            standalone.element(standalone.root()).unwrap().attr("Name"),
            Some("b")
        );
        assert!(matches!(
            run(EncryptedElement::Attribute, Some("c")),
            Err(XencError::Plaintext(_))
        ));
        assert!(
            run(EncryptedElement::NameId, None)
                .unwrap()
                .contains("<saml2:EncryptedID")
        );
    }
}
