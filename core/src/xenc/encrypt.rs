//! Assertion → `EncryptedAssertion` (and NameID → `EncryptedID`, Attribute →
//! `EncryptedAttribute`), for the mock IdP and for tests. Randomness comes from the
//! caller (core has no RNG): the content key, IV and OAEP seed are derived from it.

use base64::Engine as _;
use rsa::pkcs8::DecodePublicKey as _;

use super::rng::SeedStream;
use super::{DataEncryption, EncryptedElement, KeyTransport, XencError, cipher, ns};

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
) -> Result<String, XencError> {
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
) -> Result<String, XencError> {
    if randomness.len() < MIN_RANDOMNESS {
        return Err(XencError::NotEnoughRandomness(randomness.len()));
    }
    let doc = crate::xml::parse(xml.as_bytes()).map_err(|e| XencError::Plaintext(e.to_string()))?;
    let root = doc.root();
    if !doc.is(root, ns::SAML, kind.plaintext()) {
        return Err(XencError::Plaintext(format!(
            "the root element is <{}>",
            doc.element(root).map(|e| e.qname()).unwrap_or_default()
        )));
    }
    // The element itself (XML Enc Type=Element): no XML declaration, nothing around it.
    let plaintext = doc.slice(doc.span(root));

    let public = rsa::PublicKey::from_public_key_der(sp_public_key_spki_der)
        .map_err(|e| XencError::Key(format!("SP public key (SPKI DER): {e}")))?;
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
    pick: impl Fn(&crate::xml::Document, crate::xml::NodeId) -> bool,
    sp_public_key_spki_der: &[u8],
    data: DataEncryption,
    transport: KeyTransport,
    randomness: &[u8],
) -> Result<String, XencError> {
    let doc = crate::xml::parse(xml.as_bytes()).map_err(|e| XencError::Plaintext(e.to_string()))?;
    let node = doc
        .elements()
        .find(|&n| doc.is(n, ns::SAML, kind.plaintext()) && pick(&doc, n))
        .ok_or_else(|| {
            XencError::Plaintext(format!("no saml:{} element to encrypt", kind.plaintext()))
        })?;
    let span = doc.span(node);
    let standalone = super::namespaces::inherit(doc.slice(span), &doc.in_scope_namespaces(node))
        .ok_or_else(|| XencError::Plaintext("the element cannot stand alone".into()))?;
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

/// The encryption itself, on element text that is not checked (tests use it to build
/// plaintexts no well-behaved caller would pass, e.g. with undeclared prefixes).
pub(crate) fn encrypt_element(
    kind: EncryptedElement,
    plaintext: &[u8],
    public: &rsa::PublicKey,
    data: DataEncryption,
    transport: KeyTransport,
    randomness: &[u8],
) -> Result<String, XencError> {
    let content_key = SeedStream::new("content-key", randomness).take(data.key_len());
    let iv = SeedStream::new("iv", randomness).take(data.iv_len());
    let mut oaep_rng = SeedStream::new("oaep-seed", randomness);

    let wrapped = cipher::oaep_encrypt(public, transport, &mut oaep_rng, &content_key)?;
    let content = cipher::content_encrypt(data, &content_key, &iv, plaintext)?;
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
