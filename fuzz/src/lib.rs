//! What the fuzz targets share: the pinned IdP certificate they verify against, and feeding
//! one input to a target both as it is and as every message `decode` finds in it.

use samlscope_core::decode::{DecodeLimits, decode};
use samlscope_core::trust::{Certificate, TrustSource, TrustStore};
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
