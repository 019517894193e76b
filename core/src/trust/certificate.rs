//! X.509 certificates as trust material and as facts for the report.

use super::fingerprint::{Fingerprint, FingerprintAlgorithm};
use crate::crypto::{KeyType, PublicKey};
use base64::Engine as _;
use std::sync::Arc;

/// Facts about a certificate, for certificate cards and lints. Times are Unix seconds (UTC).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CertificateInfo {
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    pub not_before: i64,
    pub not_after: i64,
    /// Serialized as its name ("RSA", "EC P-256", "Ed25519", …).
    pub key_algorithm: KeyType,
    pub key_bits: usize,
    pub self_signed: bool,
    pub sha256_fingerprint: String,
    pub sha1_fingerprint: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    #[error("not a PEM certificate: {0}")]
    Pem(String),
    #[error("certificate is not valid base64: {0}")]
    Base64(String),
    #[error("certificate is not valid X.509 DER: {0}")]
    Der(String),
    #[error("certificate key is not usable: {0}")]
    Key(String),
    #[error("no certificate found in the input")]
    Empty,
    #[error("this is a {label} PEM, not a certificate: {advice}")]
    NotACertificatePem { label: String, advice: &'static str },
    #[error("this is a DER {what}, not a certificate: {advice}")]
    NotACertificateDer {
        what: &'static str,
        advice: &'static str,
    },
    #[error("neither PEM text nor DER: paste the certificate (-----BEGIN CERTIFICATE-----)")]
    NotText,
}

const PASTE_CERTIFICATE: &str = "paste the certificate (-----BEGIN CERTIFICATE-----) that holds this key; a bare key names no one and has no validity period to check";
const NEVER_SHARE: &str = "a private key must never leave its owner; paste the certificate (-----BEGIN CERTIFICATE-----) instead";

/// What to do instead, for a PEM label that is not `CERTIFICATE` (RFC 7468 §1 lists them).
fn advice_for_label(label: &str) -> &'static str {
    match label {
        "PUBLIC KEY" | "RSA PUBLIC KEY" => PASTE_CERTIFICATE,
        l if l.ends_with("PRIVATE KEY") => NEVER_SHARE,
        "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => {
            "a certificate signing request is not a certificate yet; paste the certificate issued for it"
        }
        "PKCS7" | "CMS" => {
            "a PKCS#7 bundle; extract its certificates with `openssl pkcs7 -print_certs -in FILE`"
        }
        "TRUSTED CERTIFICATE" => {
            "OpenSSL's trusted-certificate form; convert it with `openssl x509 -in FILE -out cert.pem`"
        }
        "X509 CRL" => "a revocation list; paste the certificate itself",
        _ => "paste the certificate (-----BEGIN CERTIFICATE-----)",
    }
}

/// The labels of the PEM blocks of `text`, in order (`-----BEGIN {label}-----`).
fn pem_labels(text: &str) -> impl Iterator<Item = &str> {
    text.split("-----BEGIN ")
        .skip(1)
        .filter_map(|rest| rest.split_once("-----").map(|(label, _)| label.trim()))
}

/// A parsed certificate: its DER, its facts and its public key. Cheap to clone (shared), since
/// trust stores hand their certificates to every verification.
#[derive(Debug, Clone)]
pub struct Certificate(std::sync::Arc<Inner>);

#[derive(Debug)]
struct Inner {
    der: Vec<u8>,
    /// Standard base64 of `der`, no line breaks: KeyInfo carries certificates in this form, and
    /// comparing text is much cheaper than decoding it on every message.
    base64: Box<str>,
    /// Shared: every report and signature outcome names the certificates involved, and a copy
    /// of the six strings each time was a quarter of a validation's allocations.
    info: Arc<CertificateInfo>,
    key: PublicKey,
    /// The `SubjectPublicKeyInfo` DER, kept from the parse (what encrypting for the key takes).
    spki: Box<[u8]>,
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.0.der == other.0.der
    }
}

/// Why DER that is not an X.509 certificate was refused: named when it is a key (what admins
/// most often export by mistake), else the parser's reason.
fn not_a_certificate(der: &[u8], e: impl std::fmt::Display) -> CertificateError {
    use x509_parser::prelude::FromDer as _;
    if matches!(
        x509_parser::x509::SubjectPublicKeyInfo::from_der(der),
        Ok((rest, _)) if rest.is_empty()
    ) {
        return CertificateError::NotACertificateDer {
            what: "public key (SubjectPublicKeyInfo)",
            advice: PASTE_CERTIFICATE,
        };
    }
    use rsa::pkcs1::DecodeRsaPrivateKey as _;
    use rsa::pkcs8::DecodePrivateKey as _;
    if rsa::PrivateKey::from_pkcs8_der(der).is_ok() || rsa::PrivateKey::from_pkcs1_der(der).is_ok()
    {
        return CertificateError::NotACertificateDer {
            what: "private key",
            advice: NEVER_SHARE,
        };
    }
    CertificateError::Der(e.to_string())
}

impl Certificate {
    /// Parses DER bytes.
    pub fn from_der(der: &[u8]) -> Result<Self, CertificateError> {
        // Extensions are read as their envelope only (OID, critical, value): nothing here uses
        // their contents, and their deep parse never rejects a certificate (x509-parser keeps
        // an unreadable one as `ParseError`), so the same certificates are accepted. It keeps
        // every extension parser, and their lookup table, out of the page's wasm.
        use x509_parser::nom::Parser as _;
        let (rest, cert) = x509_parser::certificate::X509CertificateParser::new()
            .with_deep_parse_extensions(false)
            .parse(der)
            .map_err(|e| not_a_certificate(der, e))?;
        if !rest.is_empty() {
            return Err(CertificateError::Der(format!(
                "{} trailing bytes after the certificate",
                rest.len()
            )));
        }
        let spki = cert.public_key();
        let key = PublicKey::from_spki_der(spki.raw).map_err(CertificateError::Key)?;
        let validity = cert.validity();
        let info = CertificateInfo {
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            serial: cert.raw_serial_as_string(),
            not_before: validity.not_before.timestamp(),
            not_after: validity.not_after.timestamp(),
            key_algorithm: key.key_type(),
            key_bits: key.bits(),
            self_signed: cert.subject() == cert.issuer(),
            sha256_fingerprint: Fingerprint::of(FingerprintAlgorithm::Sha256, der).to_string(),
            sha1_fingerprint: Fingerprint::of(FingerprintAlgorithm::Sha1, der).to_string(),
        };
        Ok(Self(std::sync::Arc::new(Inner {
            der: der.to_vec(),
            base64: base64::engine::general_purpose::STANDARD
                .encode(der)
                .into_boxed_str(),
            info: Arc::new(info),
            key,
            spki: spki.raw.into(),
        })))
    }

    /// The certificate's `SubjectPublicKeyInfo` (DER): what encrypting for its key takes.
    pub fn subject_public_key_info(&self) -> &[u8] {
        &self.0.spki
    }

    /// Parses the base64 body of `ds:X509Certificate` / metadata `X509Certificate` (whitespace
    /// tolerated).
    pub fn from_base64(text: &str) -> Result<Self, CertificateError> {
        Self::from_der(&Self::der_from_base64(text)?)
    }

    /// The DER bytes of a base64 certificate body (whitespace tolerated), without parsing them:
    /// comparing DER with the trusted set needs no X.509 parse.
    pub fn der_from_base64(text: &str) -> Result<Vec<u8>, CertificateError> {
        let compact: Vec<u8> = text.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
        if compact.is_empty() {
            return Err(CertificateError::Empty);
        }
        base64::engine::general_purpose::STANDARD
            .decode(&compact)
            .map_err(|e| CertificateError::Base64(e.to_string()))
    }

    /// Parses every `-----BEGIN CERTIFICATE-----` block of a PEM text; a bare base64 body
    /// (as copied from metadata) is accepted too. Other blocks next to certificates (the key of
    /// a combined PEM) are passed over; PEM holding no certificate is refused by its label.
    pub fn all_from_pem(text: &str) -> Result<Vec<Self>, CertificateError> {
        const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
        const END: &str = "-----END CERTIFICATE-----";
        if !text.contains(BEGIN) {
            if let Some(label) = pem_labels(text).next() {
                return Err(CertificateError::NotACertificatePem {
                    label: label.chars().take(40).collect(),
                    advice: advice_for_label(label),
                });
            }
            return Self::from_base64(text).map(|c| vec![c]);
        }
        let mut out = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find(BEGIN) {
            let body = &rest[start + BEGIN.len()..];
            let end = body
                .find(END)
                .ok_or_else(|| CertificateError::Pem("missing END CERTIFICATE line".into()))?;
            out.push(Self::from_base64(&body[..end])?);
            rest = &body[end + END.len()..];
        }
        Ok(out)
    }

    /// Certificates from a file as admins have them: PEM text (see [`Self::all_from_pem`]),
    /// bare base64, or DER bytes (`.cer`/`.der` exports).
    pub fn all_from_bytes(bytes: &[u8]) -> Result<Vec<Self>, CertificateError> {
        match std::str::from_utf8(bytes) {
            Ok(text) => Self::all_from_pem(text),
            // DER opens with a SEQUENCE whose long-form length byte (0x8x) is never valid UTF-8
            // right after it.
            Err(_) if bytes.first() == Some(&0x30) => Self::from_der(bytes).map(|c| vec![c]),
            Err(_) => Err(CertificateError::NotText),
        }
    }

    pub fn der(&self) -> &[u8] {
        &self.0.der
    }

    pub fn info(&self) -> &CertificateInfo {
        &self.0.info
    }

    /// [`Certificate::info`] as a shared handle (a reference count, not a copy).
    pub fn shared_info(&self) -> Arc<CertificateInfo> {
        Arc::clone(&self.0.info)
    }

    pub fn public_key(&self) -> &PublicKey {
        &self.0.key
    }

    pub fn to_pem(&self) -> String {
        let b64 = base64::engine::general_purpose::STANDARD.encode(&self.0.der);
        let mut pem = String::from("-----BEGIN CERTIFICATE-----\n");
        for chunk in b64.as_bytes().chunks(64) {
            pem.push_str(std::str::from_utf8(chunk).unwrap_or_default());
            pem.push('\n');
        }
        pem.push_str("-----END CERTIFICATE-----\n");
        pem
    }

    /// Base64 of the DER without line breaks (for `ds:X509Certificate`).
    pub fn to_base64(&self) -> String {
        self.0.base64.to_string()
    }

    /// Whether `text` (a `ds:X509Certificate` body, ASCII whitespace ignored as
    /// [`Self::der_from_base64`] ignores it) is exactly this certificate. Canonical base64 has
    /// one spelling per byte string and the decoder refuses the others (non-zero trailing bits),
    /// so this equals "decodes to this DER" without decoding.
    pub fn is_base64_text(&self, text: &str) -> bool {
        // Usually one line, exactly as encoded.
        if text.len() == self.0.base64.len() {
            return text == &*self.0.base64;
        }
        let mut want = self.0.base64.bytes();
        for b in text.bytes().filter(|b| !b.is_ascii_whitespace()) {
            if want.next() != Some(b) {
                return false;
            }
        }
        want.next().is_none()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
    use super::Certificate;

    #[test]
    fn base64_text_matches_exactly_what_decodes_to_the_der() {
        let c = Certificate::all_from_pem(include_str!("../../tests/data/keys/idp.crt.pem"))
            .unwrap()
            .remove(0);
        let b64 = c.to_base64();
        assert!(c.is_base64_text(&b64));
        let wrapped: String = b64
            .as_bytes()
            .chunks(64)
            .map(|l| format!("\n  {}\r\n", std::str::from_utf8(l).unwrap()))
            .collect();
        assert!(c.is_base64_text(&wrapped));
        assert_eq!(Certificate::der_from_base64(&wrapped).unwrap(), c.der());
        assert!(!c.is_base64_text(&b64[..b64.len() - 4]));
        assert!(!c.is_base64_text(&format!("{b64}AAAA")));
        assert!(!c.is_base64_text(""));
        let mut flipped = b64.clone().into_bytes();
        flipped[100] = if flipped[100] == b'A' { b'B' } else { b'A' };
        assert!(!c.is_base64_text(std::str::from_utf8(&flipped).unwrap()));
    }
}
