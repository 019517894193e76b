//! The SP's signature on an AuthnRequest, verified with the certificate the IdP holds for the SP
//! (JumpCloud: the SP Certificate field of the application's SSO tab). A wrong or stale
//! certificate there is why an IdP refuses every login an SP starts, while IdP-initiated logins
//! keep working.
//!
//! A Redirect-binding request is signed over its query string (SAML Bindings §3.4.4.1: the
//! XML signature is removed before the request is encoded), a POSTed one carries an enveloped
//! XML signature over the request element, verified by the same code as a response's.

use base64::Engine as _;

use crate::checks::CheckId;
use crate::decode::Decoded;
use crate::dsig::{
    SignatureAlgorithm, SignatureError, VerifyPolicy, verify_enveloped, verify_with_keys,
};
use crate::report::{Check, SignedRegion};
use crate::saml::ns::DS;
use crate::trust::{Certificate, TrustSource, TrustStore};
use crate::xml::{Document, NodeId, Span};

/// What a Redirect-binding AuthnRequest carries to be verified (SAML Bindings §3.4.4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RedirectSignature<'a> {
    /// `SigAlg`, URL-decoded; a `Signature` without it cannot be checked.
    pub sig_alg: Option<&'a str>,
    /// `Signature`: base64, URL-decoded, without whitespace.
    pub signature: &'a str,
    /// The octets signed: `SAMLRequest=…[&RelayState=…]&SigAlg=…` as URL-encoded in the input;
    /// `None` when a parameter repeats in the query (which value was signed is ambiguous).
    pub signed_query: Option<&'a str>,
}

impl<'a> RedirectSignature<'a> {
    /// The query-string signature of a decoded message, if it has one.
    pub fn of(message: &'a Decoded) -> Option<Self> {
        Some(Self {
            sig_alg: message.sig_alg.as_deref(),
            signature: message.signature.as_deref()?,
            signed_query: message.signed_query.as_deref(),
        })
    }
}

const FIX: &str = "The IdP verifies signed requests with the certificate it holds for the service provider. In JumpCloud: upload the SP's current signing certificate (its metadata's KeyDescriptor use=\"signing\") in the SP Certificate field of the application's SSO tab. If the SP signs with a key it cannot share, turn request signing off in the SP.";

const FIX_ALGORITHM: &str = "Have the service provider sign its requests with RSA-SHA256 (its SAML settings: signature algorithm).";

/// The `request.signature` check of the request at `root` of `doc`. `redirect` is the query
/// string's signature; when there is one, it is the one verified (an IdP reads that one, and a
/// Redirect-bound request has no XML signature). Fails closed: an algorithm off the allow-list,
/// SHA-1 unless allowed, undecodable values, a key below the policy's size, two XML signatures
/// or any failure to verify is a failure; an unsigned request is reported as not checked.
///
/// Also returns what a verified signature covers, for the page to shade: the element the XML
/// signature is enveloped in, or for a query-string signature the whole request (the signed
/// octets carry all of it; there is no signature element then, so its span is empty).
pub(super) fn check(
    doc: &Document,
    root: NodeId,
    redirect: Option<RedirectSignature<'_>>,
    sp_certificates: &[Certificate],
    policy: &VerifyPolicy,
) -> (Check, Option<SignedRegion>) {
    if let Some(sig) = redirect {
        return match query_string(sig, sp_certificates, policy) {
            Outcome::Verified(check) => {
                let region = SignedRegion {
                    element: "request",
                    span: doc.span(root),
                    signature_span: Span::default(),
                };
                (check, Some(region))
            }
            Outcome::Refused(check) => (check, None),
        };
    }
    xml_signature(doc, root, sp_certificates, policy)
}

/// The enveloped XML signature of a POSTed request.
fn xml_signature(
    doc: &Document,
    root: NodeId,
    sp_certificates: &[Certificate],
    policy: &VerifyPolicy,
) -> (Check, Option<SignedRegion>) {
    let id = CheckId::RequestSignature;
    let signatures: Vec<NodeId> = doc.children_named(root, DS, "Signature").collect();
    let signature = match signatures.as_slice() {
        [] => {
            let check = Check::skipped(
                id,
                "the request is unsigned: there is no signature to verify with the SP certificate",
            );
            return (check, None);
        }
        [one] => *one,
        _ => {
            let check = Check::fail(id, "the request carries two XML signatures: refused rather than guess which one counts")
                .fix(FIX);
            return (check, None);
        }
    };
    match verify_enveloped(doc, signature, &sp_keys(sp_certificates), policy) {
        Ok(v) => {
            let facts = v.facts();
            let message = format!(
                "XML signature ({} with {} digest) verified with the SP certificate {}",
                facts.signature_algorithm, facts.digest_algorithm, facts.verified_with.subject
            );
            let check = if !facts.weak.is_empty() {
                Check::warn(id, format!("{message}; weak: {}", facts.weak.join(", ")))
                    .fix(FIX_ALGORITHM)
            } else if !facts.discouraged.is_empty() {
                Check::warn(
                    id,
                    format!(
                        "{message}; valid, but {} (SAML core §5.4.3: exclusive C14N should be used)",
                        facts.discouraged.join(", ")
                    ),
                )
            } else {
                Check::pass(id, message)
            };
            let region = SignedRegion {
                element: "request",
                span: doc.span(v.node()),
                signature_span: doc.span(v.signature()),
            };
            (check, Some(region))
        }
        Err(e) => {
            let check = Check::fail(id, format!("the request's XML signature: {e}")).fix(FIX);
            (check, None)
        }
    }
}

/// A request-signature check, and whether the signature verified: what it covers is shaded only
/// then, and that is decided where it is verified, not read off the check's status afterwards.
enum Outcome {
    /// A pass, or a warning (verified with SHA-1, allowed by policy).
    Verified(Check),
    Refused(Check),
}

/// SAML Bindings §3.4.4.1: `Signature` over the signed query octets with `SigAlg`.
fn query_string(
    sig: RedirectSignature<'_>,
    sp_certificates: &[Certificate],
    policy: &VerifyPolicy,
) -> Outcome {
    let id = CheckId::RequestSignature;
    let Some(signed_query) = sig.signed_query else {
        return Outcome::Refused(Check::fail(
            id,
            "a parameter appears more than once in the query string: which value is signed is ambiguous, so the signature is refused",
        )
        .fix("Paste the URL exactly as the service provider sent it; an SP that repeats SAMLRequest, RelayState, SigAlg or Signature must be fixed."));
    };
    let Some(uri) = sig.sig_alg else {
        return Outcome::Refused(Check::fail(
            id,
            "the query string has a Signature but no SigAlg: the signature cannot be checked",
        )
        .fix("The service provider must send SigAlg with a signed Redirect request (SAML Bindings §3.4.4.1); check its SAML library."));
    };
    let algorithm = match SignatureAlgorithm::from_uri(uri) {
        Ok(a) => a,
        Err(e) => {
            return Outcome::Refused(
                Check::fail(id, format!("SigAlg: {e}"))
                    .found(uri)
                    .fix(FIX_ALGORITHM),
            );
        }
    };
    if algorithm.is_weak() && !policy.allow_sha1 {
        return Outcome::Refused(
            Check::fail(
                id,
                format!("the request is signed with {algorithm}, refused unless SHA-1 is allowed"),
            )
            .found(uri)
            .fix(FIX_ALGORITHM),
        );
    }
    let Ok(value) = base64::engine::general_purpose::STANDARD.decode(sig.signature) else {
        return Outcome::Refused(Check::fail(id, "the Signature parameter is not base64")
            .fix("The query string was cut or re-encoded on the way: paste the whole URL the browser was sent to."));
    };
    if sp_certificates.is_empty() {
        return Outcome::Refused(
            Check::fail(id, "no SP certificate to verify the request with").fix(FIX),
        );
    }
    let keys = sp_keys(sp_certificates).keys_for(&[]);
    match verify_with_keys(&keys, algorithm, signed_query.as_bytes(), &value, policy) {
        Ok(key) => {
            let message = format!(
                "query-string signature ({algorithm}) verified with the SP certificate {}",
                key.certificate.info().subject
            );
            Outcome::Verified(if algorithm.is_weak() {
                Check::warn(id, format!("{message}; SHA-1 is weak")).fix(FIX_ALGORITHM)
            } else {
                Check::pass(id, message)
            })
        }
        Err(SignatureError::KeyTooSmall { bits, min }) => Outcome::Refused(Check::fail(
            id,
            format!(
                "the query-string signature does not verify with the SP certificate(s) given (one has a {bits}-bit key, below the minimum of {min})"
            ),
        )
        .fix(FIX)),
        Err(_) => Outcome::Refused(Check::fail(
            id,
            format!(
                "the query-string signature ({algorithm}) does not verify with the SP certificate(s) given: the SP signed with another key, or the query was changed"
            ),
        )
        .fix(FIX)),
    }
}

/// The SP's certificates as the trust an SP-signed request is verified with.
fn sp_keys(sp_certificates: &[Certificate]) -> TrustStore {
    let mut trust = TrustStore::new();
    for c in sp_certificates {
        trust.add_certificate(c.clone(), TrustSource::PinnedCertificate);
    }
    trust
}
