//! What the fuzz targets share: the pinned IdP certificate they verify against, and feeding
//! one input to a target both as it is and as every message `decode` finds in it.

use samlscope_core::decode::{DecodeLimits, decode};
use samlscope_core::saml::time::Instant;
use samlscope_core::trust::{Certificate, TrustSource, TrustStore};
use samlscope_core::validate::Policy;
use samlscope_core::xenc::DecryptionKey;
use std::sync::OnceLock;

/// The test IdP's certificate, pinned (the key every checked-in signed example uses).
pub fn idp_trust() -> &'static TrustStore {
    static TRUST: OnceLock<TrustStore> = OnceLock::new();
    TRUST.get_or_init(|| {
        let mut t = TrustStore::new();
        if let Ok(certs) =
            Certificate::all_from_pem(include_str!("../../core/tests/data/keys/idp.crt.pem"))
        {
            for c in certs {
                t.add_certificate(c, TrustSource::PinnedCertificate);
            }
        }
        t
    })
}

/// `check` on the raw bytes as XML, then on everything decode finds in them (base64, forms,
/// HAR, ...).
pub fn each_message(data: &[u8], mut check: impl FnMut(&[u8])) {
    check(data);
    if let Ok(messages) = decode(data, &DecodeLimits::default()) {
        for m in messages {
            check(m.xml.as_bytes());
        }
    }
}

/// A JumpCloud-like SP policy: pinned IdP certificate, entity IDs, ACS URL, request ID, a fixed
/// clock and an SP key (the IdP test key stands in for it: any RSA key exercises decryption).
pub fn sp_policy() -> &'static Policy {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    POLICY.get_or_init(|| {
        let now = Instant::parse("2026-11-28T12:01:00Z")
            .map(|(t, _)| t)
            .unwrap_or_else(|_| std::process::abort());
        let mut p = Policy::new(idp_trust().clone(), now);
        p.idp_entity_id = Some("jumpcloud-acmecorp".into());
        p.sp_entity_id = Some("https://app.avoma.com".into());
        p.acs_url = Some("https://prod-api.avoma.com/saml2/acs".into());
        p.request_id = Some("_req42".into());
        p.sp_key =
            DecryptionKey::from_pem(include_str!("../../core/tests/data/keys/idp.key.pem")).ok();
        p
    })
}
