//! Fresh values: the clock's "now" and random SAML IDs, for everything the IdP makes.

use std::time::{SystemTime, UNIX_EPOCH};

use samlscope_core::saml::time::Instant;

/// The system clock, to the second.
pub fn now() -> Instant {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    Instant::from_unix_seconds(secs)
}

/// A SAML ID: `_` + 160 random bits in hex (an xs:ID must not start with a digit).
pub fn random_id() -> String {
    let mut b = [0u8; 20];
    if getrandom::fill(&mut b).is_err() {
        // The OS RNG failing is not recoverable in a meaningful way; fall back to the clock so
        // the IdP keeps answering (IDs need uniqueness, not secrecy).
        let t = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        b[..16].copy_from_slice(&t.to_be_bytes());
    }
    let mut s = String::with_capacity(41);
    s.push('_');
    for x in b {
        s.push_str(&format!("{x:02x}"));
    }
    s
}
