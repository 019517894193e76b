//! decode → parse → structure → signature verification on arbitrary bytes. Any panic, hang or
//! unbounded allocation is a bug: every stage must fail with an error instead.
#![no_main]

use libfuzzer_sys::fuzz_target;
use samlscope_core::saml::{SignatureRules, verify_response};
use samlscope_fuzz::{each_message, idp_trust};

fn check(xml: &[u8]) {
    if let Ok(doc) = samlscope_core::xml::parse(xml) {
        if let Ok(v) = verify_response(&doc, idp_trust(), SignatureRules::default()) {
            if let Ok(a) = v.assertion {
                let _ = a.identity();
            }
        }
    }
}

fuzz_target!(|data: &[u8]| each_message(data, check));
