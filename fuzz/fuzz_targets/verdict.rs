//! Everything a pasted input reaches in the inspector and `samlscope check`: decode, then the
//! whole validation (signatures, decryption with an SP key, SAML semantics, the Report and its
//! JSON), metadata inspection (IdP and SP), AuthnRequest inspection and request signatures. Any panic, hang or unbounded
//! allocation is a bug: every stage must answer with a report or an error instead.
#![no_main]

use libfuzzer_sys::fuzz_target;
use samlscope_core::decode::{DecodeLimits, decode};
use samlscope_core::metadata::{
    RedirectSignature, RequestPolicy, inspect_authn_request, inspect_entities, inspect_entity,
    inspect_metadata, sp_trust, verify_authn_request,
};
use samlscope_core::validate::validate;
use samlscope_fuzz::{each_message, idp_trust, sp_policy as policy};

fn check(xml: &[u8]) {
    let p = policy();
    let report = validate(xml, p);
    // The CLI and the server serialize every report.
    let _ = report.to_json();
    let _ = inspect_metadata(xml, p.now);
    // Either role: SP metadata becomes the IdP settings to enter; an aggregate, every entity.
    let _ = inspect_entity(xml, p.now);
    let _ = inspect_entities(xml, p.now);
    let _ = inspect_authn_request(xml);
}

fuzz_target!(|data: &[u8]| {
    each_message(data, check);
    // What `--sp-cert` reads: PEM, DER or SP metadata.
    let _ = sp_trust(data);
    // Signed AuthnRequests: the Redirect query's signature over its signed octets, or the XML
    // signature of a POSTed one, verified as the IdP would (the pinned certificate standing in
    // for the SP's), under both request policies.
    if let Ok(messages) = decode(data, &DecodeLimits::default()) {
        for m in &messages {
            for require_signed in [true, false] {
                let _ = verify_authn_request(
                    m.xml.as_bytes(),
                    RedirectSignature::of(m),
                    idp_trust(),
                    &RequestPolicy::new(require_signed, false),
                );
            }
        }
    }
});
