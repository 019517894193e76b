//! Assertion → `EncryptedAssertion` (and NameID → `EncryptedID`, Attribute →
//! `EncryptedAttribute`), for the mock IdP and for tests. Randomness comes from the caller:
//! the content key, IV and OAEP seed are derived from it, so the same bytes give the same
//! message.

use aes_gcm::aead::{Aead, KeyInit, Nonce};
use base64::Engine as _;
use cbc::cipher::{Block, BlockModeEncrypt, BlockSizeUser, KeyIvInit};
use rsa::pkcs8::DecodePublicKey as _;
use sha2::digest::{Digest, FixedOutputReset};

use samlscope_core::xenc::{
    DataEncryption, EncryptedElement, KeyTransport, OaepDigest, SeedStream, inherit_namespaces, ns,
};
use samlscope_core::xml::{Document, NodeId, parse};

/// Why an element could not be encrypted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncryptError {
    #[error("the RSA key could not be read: {0}")]
    Key(String),
    #[error("the plaintext to encrypt is not one standalone element of the right kind: {0}")]
    Plaintext(String),
    #[error("at least {MIN_RANDOMNESS} bytes of caller randomness are needed, got {0}")]
    NotEnoughRandomness(usize),
    #[error("encryption failed: {0}")]
    EncryptionFailed(String),
}

/// The least caller randomness [`encrypt_assertion`] accepts (256 bits). Give fresh random
/// bytes per message: the same bytes give the same content key and IV, which for GCM with a
/// different assertion would be a nonce reuse.
pub const MIN_RANDOMNESS: usize = 32;

/// Encrypts an Assertion (XML text whose root is `saml:Assertion`, standalone: every prefix it
/// uses declared inside it) for the SP's RSA public key (`SubjectPublicKeyInfo` DER, e.g. from
/// the SP certificate), and returns the `<saml2:EncryptedAssertion>` element text.
///
/// All randomness is derived from `randomness` (at least [`MIN_RANDOMNESS`] bytes): content
/// key, IV / nonce and OAEP seed come from SHA-256 in counter mode over it, domain-separated.
/// The EncryptedKey is placed in `EncryptedData/ds:KeyInfo`.
pub fn encrypt_assertion(
    assertion_xml: &str,
    sp_public_key_spki_der: &[u8],
    data: DataEncryption,
    transport: KeyTransport,
    randomness: &[u8],
) -> Result<String, EncryptError> {
    encrypt(
        EncryptedElement::Assertion,
        assertion_xml,
        sp_public_key_spki_der,
        data,
        transport,
        randomness,
    )
}

/// [`encrypt_assertion`] for any [`EncryptedElement`] kind: `xml`'s root must be the element
/// `kind` wraps (`saml:Assertion`, `saml:NameID` or `saml:Attribute`), and the result is the
/// wrapper element's text (`<saml2:EncryptedID>…`).
pub fn encrypt(
    kind: EncryptedElement,
    xml: &str,
    sp_public_key_spki_der: &[u8],
    data: DataEncryption,
    transport: KeyTransport,
    randomness: &[u8],
) -> Result<String, EncryptError> {
    if randomness.len() < MIN_RANDOMNESS {
        return Err(EncryptError::NotEnoughRandomness(randomness.len()));
    }
    let doc = parse(xml.as_bytes()).map_err(|e| EncryptError::Plaintext(e.to_string()))?;
    let root = doc.root();
    if !doc.is(root, ns::SAML, kind.plaintext()) {
        return Err(EncryptError::Plaintext(format!(
            "the root element is <{}>",
            doc.element(root).map(|e| e.qname()).unwrap_or_default()
        )));
    }
    // The element itself (XML Enc Type=Element): no XML declaration, nothing around it.
    let plaintext = doc.slice(doc.span(root));

    let public = rsa::PublicKey::from_public_key_der(sp_public_key_spki_der)
        .map_err(|e| EncryptError::Key(format!("SP public key (SPKI DER): {e}")))?;
    encrypt_element(
        kind,
        plaintext.as_bytes(),
        &public,
        data,
        transport,
        randomness,
    )
}

/// `xml` (a whole document, e.g. a Response) with one element replaced in place by its
/// encrypted wrapper: the first `saml:{kind.plaintext()}` element for which `pick` says yes
/// (given the parsed document and the element). The element is encrypted as it would be
/// decrypted: standalone, with the namespace bindings in scope at it carried onto its start tag,
/// so `saml2:NameID` inside an assertion needs no declaration of its own. What the mock IdP
/// and the tests use to send an assertion, NameID or attribute encrypted.
pub fn encrypt_in_place(
    kind: EncryptedElement,
    xml: &str,
    pick: impl Fn(&Document, NodeId) -> bool,
    sp_public_key_spki_der: &[u8],
    data: DataEncryption,
    transport: KeyTransport,
    randomness: &[u8],
) -> Result<String, EncryptError> {
    let doc = parse(xml.as_bytes()).map_err(|e| EncryptError::Plaintext(e.to_string()))?;
    let node = doc
        .elements()
        .find(|&n| doc.is(n, ns::SAML, kind.plaintext()) && pick(&doc, n))
        .ok_or_else(|| {
            EncryptError::Plaintext(format!("no saml:{} element to encrypt", kind.plaintext()))
        })?;
    let span = doc.span(node);
    let standalone = inherit_namespaces(doc.slice(span), &doc.in_scope_namespaces(node))
        .ok_or_else(|| EncryptError::Plaintext("the element cannot stand alone".into()))?;
    let wrapper = encrypt(
        kind,
        &standalone,
        sp_public_key_spki_der,
        data,
        transport,
        randomness,
    )?;
    Ok(format!(
        "{}{wrapper}{}",
        doc.source().get(..span.start).unwrap_or_default(),
        doc.source().get(span.end..).unwrap_or_default()
    ))
}

/// The encryption itself, on plaintext bytes that are not checked: what a sender could put
/// inside (tests build plaintexts no well-behaved caller would pass, e.g. with undeclared
/// prefixes, a DOCTYPE or two roots).
pub fn encrypt_unchecked(
    kind: EncryptedElement,
    plaintext: &[u8],
    sp_public_key_spki_der: &[u8],
    data: DataEncryption,
    transport: KeyTransport,
    randomness: &[u8],
) -> Result<String, EncryptError> {
    if randomness.len() < MIN_RANDOMNESS {
        return Err(EncryptError::NotEnoughRandomness(randomness.len()));
    }
    let public = rsa::PublicKey::from_public_key_der(sp_public_key_spki_der)
        .map_err(|e| EncryptError::Key(format!("SP public key (SPKI DER): {e}")))?;
    encrypt_element(kind, plaintext, &public, data, transport, randomness)
}

fn encrypt_element(
    kind: EncryptedElement,
    plaintext: &[u8],
    public: &rsa::PublicKey,
    data: DataEncryption,
    transport: KeyTransport,
    randomness: &[u8],
) -> Result<String, EncryptError> {
    let content_key = SeedStream::new("content-key", randomness).take(data.key_len());
    let iv = SeedStream::new("iv", randomness).take(data.iv_len());
    let mut oaep_rng = SeedStream::new("oaep-seed", randomness);

    let wrapped = oaep_encrypt(public, transport, &mut oaep_rng, &content_key)?;
    let content = content_encrypt(data, &content_key, &iv, plaintext)?;
    let b64 = base64::engine::general_purpose::STANDARD;

    let mut key_params = format!(
        r#"<ds:DigestMethod Algorithm="{}"/>"#,
        transport.digest().as_digest_uri()
    );
    if let KeyTransport::RsaOaep { mgf, .. } = transport {
        key_params.push_str(&format!(
            r#"<xenc11:MGF xmlns:xenc11="{}" Algorithm="{}"/>"#,
            ns::XENC11,
            mgf.as_mgf_uri()
        ));
    }
    Ok(format!(
        concat!(
            r#"<saml2:{wrapper} xmlns:saml2="{saml}">"#,
            r#"<xenc:EncryptedData xmlns:xenc="{xenc}" Type="{xenc}Element">"#,
            r#"<xenc:EncryptionMethod Algorithm="{data_alg}"/>"#,
            r#"<ds:KeyInfo xmlns:ds="{ds}">"#,
            r#"<xenc:EncryptedKey>"#,
            r#"<xenc:EncryptionMethod Algorithm="{key_alg}">{key_params}</xenc:EncryptionMethod>"#,
            r#"<xenc:CipherData><xenc:CipherValue>{wrapped}</xenc:CipherValue></xenc:CipherData>"#,
            r#"</xenc:EncryptedKey>"#,
            r#"</ds:KeyInfo>"#,
            r#"<xenc:CipherData><xenc:CipherValue>{content}</xenc:CipherValue></xenc:CipherData>"#,
            r#"</xenc:EncryptedData>"#,
            r#"</saml2:{wrapper}>"#,
        ),
        wrapper = kind.wrapper(),
        saml = ns::SAML,
        xenc = ns::XENC,
        ds = ns::DS,
        data_alg = data.as_uri(),
        key_alg = transport.as_uri(),
        key_params = key_params,
        wrapped = b64.encode(wrapped),
        content = b64.encode(content),
    ))
}

/// Encrypts to `IV ‖ ciphertext (‖ tag)`, the `CipherValue` of `EncryptedData`; `iv` must have
/// [`DataEncryption::iv_len`] bytes.
pub fn content_encrypt(
    alg: DataEncryption,
    key: &[u8],
    iv: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, EncryptError> {
    let out = match alg {
        DataEncryption::Aes128Gcm => gcm_encrypt::<aes_gcm::Aes128Gcm>(key, iv, plaintext),
        DataEncryption::Aes256Gcm => gcm_encrypt::<aes_gcm::Aes256Gcm>(key, iv, plaintext),
        DataEncryption::Aes128Cbc => cbc_encrypt::<cbc::Encryptor<aes::Aes128>>(key, iv, plaintext),
        DataEncryption::Aes256Cbc => cbc_encrypt::<cbc::Encryptor<aes::Aes256>>(key, iv, plaintext),
    };
    out.ok_or_else(|| EncryptError::EncryptionFailed(format!("{alg:?} rejected key or IV")))
}

fn gcm_encrypt<C: KeyInit + Aead>(key: &[u8], iv: &[u8], plaintext: &[u8]) -> Option<Vec<u8>> {
    let cipher = C::new_from_slice(key).ok()?;
    let nonce = Nonce::<C>::try_from(iv).ok()?;
    let ct = cipher.encrypt(&nonce, plaintext).ok()?;
    let mut out = Vec::with_capacity(iv.len() + ct.len());
    out.extend_from_slice(iv);
    out.extend_from_slice(&ct);
    Some(out)
}

fn cbc_encrypt<C: KeyIvInit + BlockModeEncrypt>(
    key: &[u8],
    iv: &[u8],
    plaintext: &[u8],
) -> Option<Vec<u8>> {
    let bs = <C as BlockSizeUser>::block_size();
    let mut enc = C::new_from_slices(key, iv).ok()?;
    // PKCS#7-style bytes satisfy XML Enc's rule (only the last byte counts) and any stricter
    // decryptor as well.
    let pad = bs - plaintext.len() % bs;
    let mut buf = Vec::with_capacity(iv.len() + plaintext.len() + pad);
    buf.extend_from_slice(iv);
    buf.extend_from_slice(plaintext);
    buf.resize(iv.len() + plaintext.len() + pad, u8::try_from(pad).ok()?);
    for chunk in buf[iv.len()..].chunks_exact_mut(bs) {
        let block: &mut Block<C> = chunk.try_into().ok()?;
        enc.encrypt_block(block);
    }
    Some(buf)
}

/// RSA-OAEP with the transport's digest and MGF1 digest, the seed drawn from `rng`.
fn oaep_encrypt(
    key: &rsa::PublicKey,
    transport: KeyTransport,
    rng: &mut SeedStream,
    msg: &[u8],
) -> Result<Vec<u8>, EncryptError> {
    use sha1::Sha1;
    use sha2::{Sha256, Sha384, Sha512};
    match transport.digest() {
        OaepDigest::Sha1 => oaep_with::<Sha1>(key, transport.mgf(), rng, msg),
        OaepDigest::Sha256 => oaep_with::<Sha256>(key, transport.mgf(), rng, msg),
        OaepDigest::Sha384 => oaep_with::<Sha384>(key, transport.mgf(), rng, msg),
        OaepDigest::Sha512 => oaep_with::<Sha512>(key, transport.mgf(), rng, msg),
    }
}

fn oaep_with<D: Digest + FixedOutputReset + Send + Sync>(
    key: &rsa::PublicKey,
    mgf: OaepDigest,
    rng: &mut SeedStream,
    msg: &[u8],
) -> Result<Vec<u8>, EncryptError> {
    use sha1::Sha1;
    use sha2::{Sha256, Sha384, Sha512};
    let result = match mgf {
        OaepDigest::Sha1 => key.encrypt(rng, oaep::<D, Sha1>(), msg),
        OaepDigest::Sha256 => key.encrypt(rng, oaep::<D, Sha256>(), msg),
        OaepDigest::Sha384 => key.encrypt(rng, oaep::<D, Sha384>(), msg),
        OaepDigest::Sha512 => key.encrypt(rng, oaep::<D, Sha512>(), msg),
    };
    result.map_err(|e| EncryptError::EncryptionFailed(format!("RSA-OAEP: {e}")))
}

fn oaep<D, M>() -> rsa::oaep::Oaep<D, M>
where
    D: Digest + FixedOutputReset,
    M: Digest + FixedOutputReset,
{
    rsa::oaep::Oaep {
        digest: D::new(),
        mgf_digest: M::new(),
        label: None,
    }
}
