//! The set of keys trusted to sign for one IdP (several at once: certificate rollover).

use super::{Certificate, Fingerprint};

/// Where a trusted key came from (reported with each verified signature).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TrustSource {
    /// A signing certificate of the IdP metadata.
    Metadata,
    /// A certificate the SP configured directly.
    PinnedCertificate,
    /// The message's KeyInfo certificate, accepted because its fingerprint matched a pin.
    Fingerprint { fingerprint: String, weak: bool },
}

/// A key that may verify a signature, with its certificate and provenance.
#[derive(Debug, Clone)]
pub struct TrustedKey {
    pub certificate: Certificate,
    pub source: TrustSource,
}

/// Trusted certificates plus fingerprint pins.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    certificates: Vec<TrustedKey>,
    fingerprints: Vec<Fingerprint>,
}

impl TrustStore {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add_certificate(&mut self, certificate: Certificate, source: TrustSource) {
        if !self
            .certificates
            .iter()
            .any(|k| k.certificate == certificate)
        {
            self.certificates.push(TrustedKey {
                certificate,
                source,
            });
        }
    }

    pub fn add_fingerprint(&mut self, fingerprint: Fingerprint) {
        self.fingerprints.push(fingerprint);
    }

    pub fn is_empty(&self) -> bool {
        self.certificates.is_empty() && self.fingerprints.is_empty()
    }

    pub fn certificates(&self) -> &[TrustedKey] {
        &self.certificates
    }

    pub fn fingerprints(&self) -> &[Fingerprint] {
        &self.fingerprints
    }

    /// The keys to try for a signature whose KeyInfo carried `candidates`: every configured
    /// certificate, plus each candidate whose DER matches a fingerprint pin. Candidates are never
    /// trusted on their own.
    pub fn keys_for(&self, candidates: &[Certificate]) -> Vec<TrustedKey> {
        let mut keys = self.certificates.clone();
        for cand in candidates {
            if let Some(pin) = self.fingerprints.iter().find(|f| f.matches(cand.der()))
                && !keys.iter().any(|k| k.certificate == *cand)
            {
                keys.push(TrustedKey {
                    certificate: cand.clone(),
                    source: TrustSource::Fingerprint {
                        fingerprint: pin.to_string(),
                        weak: pin.algorithm == super::FingerprintAlgorithm::Sha1,
                    },
                });
            }
        }
        keys
    }

    /// The configured certificate with exactly these DER bytes, if any (no parsing needed).
    pub fn certificate_with_der(&self, der: &[u8]) -> Option<&Certificate> {
        self.certificates
            .iter()
            .map(|k| &k.certificate)
            .find(|c| c.der() == der)
    }

    /// The configured certificate whose base64 text this is (see
    /// [`Certificate::is_base64_text`]), found without decoding.
    pub fn certificate_with_base64(&self, text: &str) -> Option<&Certificate> {
        self.certificates
            .iter()
            .map(|k| &k.certificate)
            .find(|c| c.is_base64_text(text))
    }

    /// Whether a certificate is exactly one of the configured ones (DER equality — never
    /// subject, issuer or serial, which an attacker can clone).
    pub fn contains(&self, certificate: &Certificate) -> bool {
        self.certificates
            .iter()
            .any(|k| k.certificate == *certificate)
            || self
                .fingerprints
                .iter()
                .any(|f| f.matches(certificate.der()))
    }
}
