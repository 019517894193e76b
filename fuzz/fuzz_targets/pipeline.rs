//! decode → parse → structure → signature verification on arbitrary bytes. Any panic, hang or
//! unbounded allocation is a bug: every stage must fail with an error instead.
#![no_main]

use libfuzzer_sys::fuzz_target;
use samlscope_core::saml::{SignaturePolicy, verify_response};
use samlscope_core::trust::{Certificate, TrustSource, TrustStore};
use std::sync::OnceLock;

fn trust() -> &'static TrustStore {
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

fn check(xml: &[u8]) {
    if let Ok(doc) = samlscope_core::xml::parse(xml) {
        if let Ok(v) = verify_response(&doc, trust(), &SignaturePolicy::default()) {
            if let Ok(a) = v.assertion {
                let _ = a.identity();
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    // The raw bytes as XML, and everything decode finds in them (base64, forms, HAR, ...).
    check(data);
    if let Ok(messages) =
        samlscope_core::decode::decode(data, &samlscope_core::decode::DecodeLimits::default())
    {
        for m in messages {
            check(m.xml.as_bytes());
        }
    }
});
