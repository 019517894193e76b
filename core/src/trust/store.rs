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
    /// The IdP entity the key signs for (metadata's `entityID`, or the configured IdP entity
    /// ID for a bare certificate or fingerprint). A key bound to an entity verifies only
    /// messages that entity issued: with several IdPs trusted at once (an SP with tenants, a
    /// federation aggregate), IdP B's key must never vouch for a message claiming to be IdP A's.
    /// `None`: the SP gave the key without saying whose it is.
    pub entity: Option<String>,
}

/// Trusted certificates plus fingerprint pins, each optionally bound to an entity.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    certificates: Vec<TrustedKey>,
    fingerprints: Vec<(Fingerprint, Option<String>)>,
}

/// Which entities a verifying certificate may sign for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", content = "entities", rename_all = "snake_case")]
pub enum KeyBinding {
    /// Given without an entity: the Issuer is checked against the configured IdP entity ID.
    Unbound,
    /// Trusted for these entities only (one, unless IdPs share a certificate).
    Entities(Vec<String>),
}

impl KeyBinding {
    /// Whether a message issued by `entity` may be verified by this key.
    pub fn allows(&self, entity: &str) -> bool {
        match self {
            Self::Unbound => true,
            Self::Entities(e) => e.iter().any(|x| x == entity),
        }
    }

    /// The entities, as the report names them ("" when unbound).
    pub fn describe(&self) -> String {
        match self {
            Self::Unbound => String::new(),
            Self::Entities(e) => e.join(" or "),
        }
    }
}

impl TrustStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Trusts `certificate` for any issuer (see [`TrustStore::bind_unbound`]).
    pub fn add_certificate(&mut self, certificate: Certificate, source: TrustSource) {
        self.add(certificate, source, None);
    }

    /// Trusts `certificate` for messages issued by `entity` only.
    pub fn add_entity_certificate(
        &mut self,
        certificate: Certificate,
        source: TrustSource,
        entity: &str,
    ) {
        self.add(certificate, source, Some(entity.to_owned()));
    }

    fn add(&mut self, certificate: Certificate, source: TrustSource, entity: Option<String>) {
        if !self
            .certificates
            .iter()
            .any(|k| k.certificate == certificate && k.entity == entity)
        {
            self.certificates.push(TrustedKey {
                certificate,
                source,
                entity,
            });
        }
    }

    /// Pins a fingerprint for any issuer (see [`TrustStore::bind_unbound`]).
    pub fn add_fingerprint(&mut self, fingerprint: Fingerprint) {
        self.fingerprints.push((fingerprint, None));
    }

    /// Every key of `other`, with its binding.
    pub fn extend(&mut self, other: &TrustStore) {
        for k in &other.certificates {
            self.add(k.certificate.clone(), k.source.clone(), k.entity.clone());
        }
        self.fingerprints.extend(other.fingerprints.iter().cloned());
    }

    /// Binds every key and pin given without an entity to `entity` (the configured IdP entity
    /// ID): from then on they verify only messages `entity` issued.
    pub fn bind_unbound(&mut self, entity: &str) {
        for k in self.certificates.iter_mut().filter(|k| k.entity.is_none()) {
            k.entity = Some(entity.to_owned());
        }
        for (_, e) in self.fingerprints.iter_mut().filter(|(_, e)| e.is_none()) {
            *e = Some(entity.to_owned());
        }
    }

    /// The keys that may verify a message `issuer` issued (`None`: the message names none):
    /// those given without an entity, and those bound to exactly that entity.
    pub fn for_entity(&self, issuer: Option<&str>) -> TrustStore {
        let allowed = |e: &Option<String>| match (e, issuer) {
            (None, _) => true,
            (Some(e), Some(i)) => e == i,
            (Some(_), None) => false,
        };
        TrustStore {
            certificates: self
                .certificates
                .iter()
                .filter(|k| allowed(&k.entity))
                .cloned()
                .collect(),
            fingerprints: self
                .fingerprints
                .iter()
                .filter(|(_, e)| allowed(e))
                .cloned()
                .collect(),
        }
    }

    /// The distinct entities keys are bound to, in the order they were added.
    pub fn entities(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let bound = self.certificates.iter().filter_map(|k| k.entity.as_deref());
        for e in bound.chain(self.fingerprints.iter().filter_map(|(_, e)| e.as_deref())) {
            if !out.contains(&e) {
                out.push(e);
            }
        }
        out
    }

    /// Which entities `certificate` (a key that verified) signs for: unbound when any
    /// configuration of it is unbound, else every entity it was trusted for.
    pub fn binding_of(&self, certificate: &Certificate) -> KeyBinding {
        let configured = self
            .certificates
            .iter()
            .filter(|k| k.certificate == *certificate)
            .map(|k| &k.entity);
        let pinned = self
            .fingerprints
            .iter()
            .filter(|(f, _)| f.matches(certificate.der()))
            .map(|(_, e)| e);
        let mut entities = Vec::new();
        for e in configured.chain(pinned) {
            match e {
                None => return KeyBinding::Unbound,
                Some(e) if !entities.contains(e) => entities.push(e.clone()),
                Some(_) => {}
            }
        }
        KeyBinding::Entities(entities)
    }

    pub fn is_empty(&self) -> bool {
        self.certificates.is_empty() && self.fingerprints.is_empty()
    }

    pub fn certificates(&self) -> &[TrustedKey] {
        &self.certificates
    }

    pub fn fingerprints(&self) -> impl Iterator<Item = &Fingerprint> {
        self.fingerprints.iter().map(|(f, _)| f)
    }

    /// The keys to try for a signature whose KeyInfo carried `candidates`: every configured
    /// certificate, plus each candidate whose DER matches a fingerprint pin. Candidates are never
    /// trusted on their own.
    pub fn keys_for(&self, candidates: &[Certificate]) -> Vec<TrustedKey> {
        let mut keys = self.certificates.clone();
        for cand in candidates {
            if let Some((pin, entity)) = self
                .fingerprints
                .iter()
                .find(|(f, _)| f.matches(cand.der()))
                && !keys.iter().any(|k| k.certificate == *cand)
            {
                keys.push(TrustedKey {
                    certificate: cand.clone(),
                    source: TrustSource::Fingerprint {
                        fingerprint: pin.to_string(),
                        weak: pin.algorithm == super::FingerprintAlgorithm::Sha1,
                    },
                    entity: entity.clone(),
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
                .any(|(f, _)| f.matches(certificate.der()))
    }
}
