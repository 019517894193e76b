//! The trust box: what the admin pastes to say which IdP key to trust. It accepts the IdP
//! metadata (JumpCloud's "Export Metadata" or Metadata URL), one or more PEM certificates (the
//! "IDP Certificate" download), a bare base64 certificate, or SHA-256/SHA-1 fingerprints.
//!
//! Never from the message itself: a certificate inside the pasted response's KeyInfo is only
//! ever compared with what is configured here.

use samlscope_core::metadata::trust_from_metadata;
use samlscope_core::trust::{Certificate, Fingerprint, TrustSource, TrustStore};

/// What the trust box contributes to the policy.
#[derive(Debug, Clone, Default)]
pub struct TrustSetup {
    pub store: TrustStore,
    /// The IdP entity ID when the box held metadata (then Issuer is checked against it).
    pub idp_entity_id: Option<String>,
    /// One line saying what was understood, shown under the box.
    pub summary: String,
}

/// The shapes the box understands, decided before parsing so errors can name what was meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Empty,
    PrivateKey,
    Metadata,
    Pem,
    Fingerprints,
    Base64Certificate,
}

fn shape(text: &str) -> Shape {
    let t = text.trim();
    if t.is_empty() {
        Shape::Empty
    } else if t.contains("PRIVATE KEY-----") {
        Shape::PrivateKey
    } else if t.starts_with('<') {
        Shape::Metadata
    } else if t.contains("-----BEGIN CERTIFICATE-----") {
        Shape::Pem
    } else if t.lines().all(|l| is_fingerprint_like(l.trim())) {
        Shape::Fingerprints
    } else {
        Shape::Base64Certificate
    }
}

/// Hex digits with optional `:` separators, of a SHA-1 or SHA-256 length (or an empty line).
fn is_fingerprint_like(line: &str) -> bool {
    let digits = line
        .chars()
        .filter(|c| *c != ':' && !c.is_whitespace())
        .collect::<String>();
    digits.is_empty()
        || (digits.chars().all(|c| c.is_ascii_hexdigit()) && matches!(digits.len(), 40 | 64))
}

/// Whether the text must not be persisted (a private key pasted by mistake).
pub fn holds_private_key(text: &str) -> bool {
    shape(text) == Shape::PrivateKey
}

/// Reads the trust box. An error names what the text looked like and why it was refused.
pub fn parse_trust(text: &str) -> Result<TrustSetup, String> {
    let mut setup = TrustSetup::default();
    match shape(text) {
        Shape::Empty => {
            setup.summary =
                "No trust configured: signatures can be checked for integrity, never trusted."
                    .into();
        }
        Shape::PrivateKey => {
            return Err("This is a private key. Paste the IdP's certificate or metadata here; an SP private key (for encrypted assertions) goes in the SP key box.".into());
        }
        Shape::Metadata => {
            let (store, entities) = trust_from_metadata(text.trim().as_bytes())
                .map_err(|e| format!("Metadata not usable: {e}"))?;
            let n = store.certificates().len();
            setup.store = store;
            setup.summary = format!(
                "Metadata of {}: {n} signing certificate{}, each trusted only for its own entity.",
                entities.join(", "),
                plural(n)
            );
            // One IdP: its entity ID is the expected Issuer. Several (an aggregate): the entity
            // of the key that verified decides.
            if let [only] = entities.as_slice() {
                setup.idp_entity_id = Some(only.clone());
            }
        }
        Shape::Pem => {
            let certs = Certificate::all_from_pem(text).map_err(|e| format!("Certificate: {e}"))?;
            let n = certs.len();
            for c in certs {
                setup
                    .store
                    .add_certificate(c, TrustSource::PinnedCertificate);
            }
            setup.summary = format!("{n} pinned certificate{}.", plural(n));
        }
        Shape::Fingerprints => {
            let mut n = 0;
            for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
                let fp = Fingerprint::parse(line).map_err(|e| format!("Fingerprint: {e}"))?;
                setup.store.add_fingerprint(fp);
                n += 1;
            }
            setup.summary = format!(
                "{n} pinned fingerprint{} (the certificate in the message's KeyInfo is used only if it matches).",
                plural(n)
            );
        }
        Shape::Base64Certificate => {
            let cert = Certificate::from_base64(text).map_err(|e| {
                format!(
                    "Not metadata, a PEM certificate or a fingerprint; as a base64 certificate: {e}"
                )
            })?;
            setup
                .store
                .add_certificate(cert, TrustSource::PinnedCertificate);
            setup.summary = "1 pinned certificate.".into();
        }
    }
    Ok(setup)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    const METADATA: &str = include_str!("../../examples/jumpcloud/metadata.xml");

    #[test]
    fn metadata_gives_certificates_and_entity_id() {
        let s = parse_trust(METADATA).unwrap();
        assert_eq!(s.idp_entity_id.as_deref(), Some("jumpcloud-acmecorp"));
        assert_eq!(s.store.certificates().len(), 1);
        assert!(s.summary.contains("jumpcloud-acmecorp"), "{}", s.summary);
    }

    #[test]
    fn pem_and_bare_base64_and_fingerprint_are_pins() {
        let store = parse_trust(METADATA).unwrap().store;
        let cert = store.certificates()[0].certificate.clone();
        let pem = parse_trust(&cert.to_pem()).unwrap();
        assert_eq!(pem.store.certificates().len(), 1);
        assert_eq!(pem.idp_entity_id, None);
        let bare = parse_trust(&cert.to_base64()).unwrap();
        assert_eq!(bare.store.certificates().len(), 1);
        let fp = parse_trust(&cert.info().sha256_fingerprint).unwrap();
        assert_eq!(fp.store.fingerprints().count(), 1);
        assert!(fp.store.certificates().is_empty());
    }

    #[test]
    fn refusals_say_why() {
        let key = "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----";
        assert!(holds_private_key(key));
        assert!(parse_trust(key).unwrap_err().contains("private key"));
        assert!(
            parse_trust("<md:EntityDescriptor")
                .unwrap_err()
                .contains("Metadata")
        );
        assert!(parse_trust("hello world").unwrap_err().contains("base64"));
        assert!(parse_trust("").unwrap().store.is_empty());
    }
}
