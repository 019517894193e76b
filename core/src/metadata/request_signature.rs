//! The SP's signature on an AuthnRequest, verified with the certificate the IdP holds for the SP
//! (JumpCloud: the SP Certificate field of the application's SSO tab). A wrong or stale
//! certificate there is why an IdP refuses every login an SP starts, while IdP-initiated logins
//! keep working.
//!
//! A Redirect-binding request is signed over its query string (SAML Bindings §3.4.4.1: the
//! XML signature is removed before the request is encoded), a POSTed one carries an enveloped
//! XML signature over the request element, verified by the same code as a response's.
//!
//! Keys are bound to the SP they belong to: with several SPs' keys at hand (a federation
//! aggregate, an SP with several entities), only the keys of the SP named by the request's
//! `Issuer` may verify it, or one SP could sign requests in another's name.

use base64::Engine as _;

use crate::algorithm::{AlgorithmError, AlgorithmRole, SignatureAlgorithm};
use crate::checks::CheckId;
use crate::decode::Decoded;
use crate::dsig::{AlgorithmRules, SignatureError, verify_enveloped, verify_with_keys};
use crate::report::{Check, SignedRegion};
use crate::trust::{KeyBinding, TrustStore};
use crate::xml::ns::DS;
use crate::xml::{Document, NodeId, Span};

/// How an AuthnRequest's signature is judged: one policy for the CLI (`samlscope request
/// --sp-cert`), the page and the mock IdP (per application).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestPolicy {
    /// The SP signs its requests, so an unsigned one fails: a signature stripped on the way
    /// leaves a request that looks exactly unsigned. Off (the SP does not sign; JumpCloud's
    /// default, `WantAuthnRequestsSigned="false"`), an unsigned request is reported as not
    /// checked. Either way a half-stripped Redirect query (`SigAlg` without `Signature` or the
    /// reverse) and a signed element wrapped in the request fail.
    pub require_signed: bool,
    /// Accept RSA-SHA1 (as a warning). Default: false.
    pub allow_sha1: bool,
    /// The smallest RSA key a request signature may be verified with. Default: 2048 bits.
    pub min_rsa_bits: usize,
}

impl Default for RequestPolicy {
    /// Signed means signed: an SP certificate is given because the SP signs.
    fn default() -> Self {
        Self::new(true, false)
    }
}

impl RequestPolicy {
    /// Whether an unsigned request is required to be signed, and RSA-SHA1 accepted; the key
    /// size as [`AlgorithmRules::default`].
    pub fn new(require_signed: bool, allow_sha1: bool) -> Self {
        Self {
            require_signed,
            allow_sha1,
            min_rsa_bits: AlgorithmRules::default().min_rsa_bits,
        }
    }

    /// What the signature is verified under.
    pub fn algorithm_rules(&self) -> AlgorithmRules {
        AlgorithmRules {
            allow_sha1: self.allow_sha1,
            min_rsa_bits: self.min_rsa_bits,
        }
    }
}

/// What a Redirect-binding AuthnRequest carries to be verified (SAML Bindings §3.4.4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RedirectSignature<'a> {
    /// `SigAlg`, URL-decoded; a `Signature` without it cannot be checked.
    pub sig_alg: Option<&'a str>,
    /// `Signature`: base64, URL-decoded, without whitespace; `None` with a `SigAlg` is a query
    /// whose signature was removed.
    pub signature: Option<&'a str>,
    /// The octets signed: `SAMLRequest=…[&RelayState=…]&SigAlg=…` as URL-encoded in the input;
    /// `None` when a parameter repeats in the query (which value was signed is ambiguous).
    pub signed_query: Option<&'a str>,
}

impl<'a> RedirectSignature<'a> {
    /// The query-string signature of a decoded message: `Some` when it has a `SigAlg` or a
    /// `Signature` parameter (one without the other is refused as stripped).
    pub fn of(message: &'a Decoded) -> Option<Self> {
        if message.sig_alg.is_none() && message.signature.is_none() {
            return None;
        }
        Some(Self {
            sig_alg: message.sig_alg.as_deref(),
            signature: message.signature.as_deref(),
            signed_query: message.signed_query.as_deref(),
        })
    }
}

const FIX: &str = "The IdP verifies signed requests with the certificate it holds for the service provider. In JumpCloud: upload the SP's current signing certificate (its metadata's KeyDescriptor use=\"signing\") in the SP Certificate field of the application's SSO tab. If the SP signs with a key it cannot share, turn request signing off in the SP.";

const FIX_ALGORITHM: &str = "Have the service provider sign its requests with RSA-SHA256 and SHA-256 digests (its SAML settings: signature algorithm).";

const FIX_C14N: &str = "SAML signatures use exclusive canonicalization (http://www.w3.org/2001/10/xml-exc-c14n#, SAML core §5.4.3); inclusive C14N signs the namespaces around the request too and breaks when it is carried elsewhere. Set the service provider's signing canonicalization to exclusive C14N.";

const FIX_TRANSFORM: &str = "A SAML signature has exactly two transforms, enveloped-signature then exclusive C14N (SAML core §5.4.4); XSLT, XPath and other transforms can run code in the verifier or select other content than the request, and no SAML library emits them. Do not accept this request; if the service provider really sends it, its signing settings must be corrected.";

const FIX_REFERENCE: &str = "A SAML signature names what it signs by ID: Reference URI=\"#\" + the AuthnRequest's ID (SAML core §5.4.2). URI=\"\" (the whole document) is not accepted: have the service provider's SAML library sign the AuthnRequest element by its ID.";

const FIX_ALTERED: &str = "No SAML library produces this: the request was changed after it was signed, or built to attack the IdP. Paste it exactly as the service provider sent it; if it is, do not accept it.";

const FIX_KEY_TYPE: &str = "Request signatures here are RSA (every SignatureMethod SAML IdPs accept, JumpCloud's included): have the service provider sign with an RSA key of 2048 bits or more and give its certificate.";

const FIX_KEY_SIZE: &str = "Have the service provider sign with an RSA key of at least 2048 bits, and give its new certificate (JumpCloud: the SP Certificate field).";

const FIX_UNSIGNED: &str = "The service provider is expected to sign its requests, and this one carries no signature: either the SP does not sign (then say so: `samlscope request --allow-unsigned`, or in the IdP turn off required request signatures) or the signature was removed on the way (then do not accept the request).";

const FIX_STRIPPED: &str = "A signed Redirect URL carries SigAlg and Signature together (SAML Bindings §3.4.4.1): paste the whole URL exactly as the browser was sent it. If it is whole, part of the signature was removed on the way: do not accept the request.";

const FIX_ISSUER: &str = "Give the metadata or certificate of the service provider named by the request's Issuer. A request signed with one SP's key that names another SP is an impersonation: if the Issuer is not the SP you expect, do not accept the request.";

/// The `request.signature` check of the request at `root` of `doc`, issued by `issuer` (its
/// `Issuer`). `redirect` is the query string's signature; when there is one, it is the one
/// verified (an IdP reads that one, and a Redirect-bound request has no XML signature). Only
/// keys given without an SP, or bound to `issuer`, may verify it. Fails closed: a signed
/// element wrapped inside the request, a half-stripped query, an unsigned request under
/// `require_signed`, an algorithm off the allow-list, SHA-1 unless allowed, undecodable
/// values, a non-RSA key or one below the policy's size, two XML signatures or any failure to
/// verify is a failure, each with the fix for its cause.
///
/// Also returns what a verified signature covers, for the page to shade: the element the XML
/// signature is enveloped in, or for a query-string signature the whole request (the signed
/// octets carry all of it; there is no signature element then, so its span is empty).
pub(super) fn check(
    doc: &Document,
    root: NodeId,
    issuer: Option<&str>,
    redirect: Option<RedirectSignature<'_>>,
    sp_trust: &TrustStore,
    policy: &RequestPolicy,
) -> (Check, Option<SignedRegion>) {
    if let Some(refused) = wrapped(doc, root) {
        return (refused, None);
    }
    if let Some(sig) = redirect {
        return match query_string(sig, issuer, sp_trust, policy.algorithm_rules()) {
            Outcome::Verified(check) => {
                let region = SignedRegion {
                    element: "request",
                    span: doc.span(root),
                    signature_span: Span::default(),
                    in_decrypted_assertion: false,
                };
                (check, Some(region))
            }
            Outcome::Refused(check) => (check, None),
        };
    }
    xml_signature(doc, root, issuer, sp_trust, policy)
}

/// A `ds:Signature` anywhere but directly on the request, or another element carrying the
/// request's ID: a signed element (often the SP's genuine request) wrapped inside a request
/// that is not itself signed by it, so that a verifier looking for "a valid signature with
/// this ID" somewhere is satisfied (XML signature wrapping).
fn wrapped(doc: &Document, root: NodeId) -> Option<Check> {
    let id = CheckId::RequestSignature;
    let root_id = doc.element(root).and_then(|e| e.attr("ID"));
    for n in doc.descendants(root).skip(1) {
        let Some(el) = doc.element(n) else { continue };
        let parent = doc.parent(n);
        if el.is(DS, "Signature") && parent != Some(root) {
            let inside = parent
                .and_then(|p| doc.element(p))
                .map(|p| p.qname())
                .unwrap_or_default();
            return Some(
                Check::fail(
                    id,
                    format!("a signature sits inside the request (in <{inside}>), not on it: a signed element wrapped in the request is signature wrapping, refused whatever it verifies with"),
                )
                .fix(FIX_ALTERED),
            );
        }
        if root_id.is_some() && el.attr("ID") == root_id {
            return Some(
                Check::fail(
                    id,
                    format!(
                        "<{}> inside the request carries the request's own ID {:?}: which element a signature covers would be ambiguous (signature wrapping)",
                        el.qname(),
                        root_id.unwrap_or_default()
                    ),
                )
                .fix(FIX_ALTERED),
            );
        }
    }
    None
}

/// The keys that may verify a request `issuer` issued, or the failure saying why there are none.
fn keys_for_issuer(sp_trust: &TrustStore, issuer: Option<&str>) -> Result<TrustStore, Box<Check>> {
    let id = CheckId::RequestSignature;
    if sp_trust.is_empty() {
        return Err(Box::new(
            Check::fail(id, "no SP certificate to verify the request with").fix(FIX),
        ));
    }
    let keys = sp_trust.for_entity(issuer);
    if !keys.is_empty() {
        return Ok(keys);
    }
    let given = sp_trust.entities().join(", ");
    Err(Box::new(match issuer {
        Some(i) => Check::fail(
            id,
            format!("no SP key given belongs to the request's Issuer {i:?}: the keys given are those of {given}"),
        )
        .expected(given)
        .found(i),
        None => Check::fail(
            id,
            format!("the request names no Issuer, so its signature cannot be tied to one of the SPs given ({given})"),
        ),
    }
    .fix(FIX_ISSUER)))
}

/// "the SP certificate CN=… (of https://sp.example)" for a pass.
fn verified_with(subject: &str, binding: &KeyBinding) -> String {
    match binding {
        KeyBinding::Entities(e) if !e.is_empty() => {
            format!("the SP certificate {subject} (of {})", e.join(" or "))
        }
        _ => format!("the SP certificate {subject}"),
    }
}

/// The enveloped XML signature of a POSTed request.
fn xml_signature(
    doc: &Document,
    root: NodeId,
    issuer: Option<&str>,
    sp_trust: &TrustStore,
    policy: &RequestPolicy,
) -> (Check, Option<SignedRegion>) {
    let id = CheckId::RequestSignature;
    let signatures: Vec<NodeId> = doc.children_named(root, DS, "Signature").collect();
    let signature = match signatures.as_slice() {
        [] if policy.require_signed => {
            let check = Check::fail(
                id,
                "the request is unsigned, but the service provider signs its requests: a signature removed on the way leaves exactly this",
            )
            .fix(FIX_UNSIGNED);
            return (check, None);
        }
        [] => {
            let check = Check::skipped(
                id,
                "the request is unsigned (allowed: the service provider does not sign its requests)",
            );
            return (check, None);
        }
        [one] => *one,
        _ => {
            let check = Check::fail(id, "the request carries two XML signatures: refused rather than guess which one counts")
                .fix(FIX_ALTERED);
            return (check, None);
        }
    };
    let keys = match keys_for_issuer(sp_trust, issuer) {
        Ok(k) => k,
        Err(check) => return (*check, None),
    };
    match verify_enveloped(doc, signature, &keys, policy.algorithm_rules()) {
        Ok(v) => {
            let facts = v.facts();
            let message = format!(
                "XML signature ({} with {} digest) verified with {}",
                facts.signature_algorithm,
                facts.digest_algorithm,
                verified_with(&facts.verified_with.subject, &facts.binding)
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
                in_decrypted_assertion: false,
            };
            (check, Some(region))
        }
        Err(e) => (xml_failure(&e), None),
    }
}

/// A POSTed request's signature failure, said as its cause with the fix for that cause: an
/// admin told to re-upload a certificate when the SP signs with SHA-1 or inclusive C14N would
/// change the one thing that is right.
fn xml_failure(e: &SignatureError) -> Check {
    use SignatureError as E;
    let id = CheckId::RequestSignature;
    let fail = |why: String, fix: &str| Check::fail(id, why).fix(fix);
    match e {
        E::WeakAlgorithm(what) => fail(
            format!("the request is signed with SHA-1 ({what}), refused unless SHA-1 is allowed"),
            FIX_ALGORITHM,
        ),
        E::Algorithm(
            AlgorithmError::Refused { role, uri, .. } | AlgorithmError::Unknown { role, uri },
        ) => {
            let canonicalization = *role == AlgorithmRole::CanonicalizationMethod
                || uri.contains("xml-c14n");
            if canonicalization {
                fail(
                    format!("the request's signature uses the canonicalization {uri:?}, not exclusive C14N: {e}"),
                    FIX_C14N,
                )
                .found(uri.as_str())
            } else if *role == AlgorithmRole::Transform {
                fail(
                    format!("the request's signature uses the transform {uri:?}: {e}"),
                    FIX_TRANSFORM,
                )
                .found(uri.as_str())
            } else {
                fail(format!("the request's signature: {e}"), FIX_ALGORITHM).found(uri.as_str())
            }
        }
        E::Transforms { found } => fail(
            format!("the request's signature has the transforms {found}, not exactly enveloped-signature then exclusive C14N"),
            FIX_TRANSFORM,
        ),
        E::ReferenceUri { found, .. } if found.is_empty() => fail(
            "the request's signature has Reference URI=\"\": it names the whole document, not the request by its ID".into(),
            FIX_REFERENCE,
        ),
        E::ReferenceWithoutUri => fail(
            "the request's signature Reference has no URI: it does not name the request by its ID".into(),
            FIX_REFERENCE,
        ),
        E::ReferenceUri { found, expected } => fail(
            format!("the request's signature covers {found:?}, not the request ({expected}): signature wrapping"),
            FIX_ALTERED,
        ),
        E::NoTrustedKey | E::UntrustedKey(_) | E::BadSignature { .. } => fail(
            "the request's XML signature does not verify with the SP certificate(s) given: the SP signed with another key".into(),
            FIX,
        ),
        E::KeyTooSmall { bits, min } => fail(
            format!("the SP certificate given has a {bits}-bit key, below the minimum of {min}"),
            FIX_KEY_SIZE,
        ),
        E::UnsupportedKey { .. } => fail(e.to_string(), FIX_KEY_TYPE),
        E::DigestMismatch => fail(
            "the request was changed after it was signed: its digest does not match the signed one".into(),
            FIX_ALTERED,
        ),
        _ => fail(
            format!("the request's XML signature is malformed: {e}"),
            FIX_ALTERED,
        ),
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
    issuer: Option<&str>,
    sp_trust: &TrustStore,
    rules: AlgorithmRules,
) -> Outcome {
    let id = CheckId::RequestSignature;
    let (uri, signature) = match (sig.sig_alg, sig.signature) {
        (Some(uri), Some(signature)) => (uri, signature),
        (Some(uri), None) => {
            return Outcome::Refused(
                Check::fail(
                    id,
                    "the query string has a SigAlg but no Signature: the signature was removed, refused as stripped",
                )
                .found(uri)
                .fix(FIX_STRIPPED),
            );
        }
        (None, _) => {
            return Outcome::Refused(Check::fail(
                id,
                "the query string has a Signature but no SigAlg: the signature cannot be checked",
            )
            .fix("The service provider must send SigAlg with a signed Redirect request (SAML Bindings §3.4.4.1); check its SAML library."));
        }
    };
    let Some(signed_query) = sig.signed_query else {
        return Outcome::Refused(Check::fail(
            id,
            "a parameter appears more than once in the query string: which value is signed is ambiguous, so the signature is refused",
        )
        .fix("Paste the URL exactly as the service provider sent it; an SP that repeats SAMLRequest, RelayState, SigAlg or Signature must be fixed."));
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
    if algorithm.is_weak() && !rules.allow_sha1 {
        return Outcome::Refused(
            Check::fail(
                id,
                format!("the request is signed with {algorithm}, refused unless SHA-1 is allowed"),
            )
            .found(uri)
            .fix(FIX_ALGORITHM),
        );
    }
    let Ok(value) = base64::engine::general_purpose::STANDARD.decode(signature) else {
        return Outcome::Refused(Check::fail(id, "the Signature parameter is not base64")
            .fix("The query string was cut or re-encoded on the way: paste the whole URL the browser was sent to."));
    };
    let keys = match keys_for_issuer(sp_trust, issuer) {
        Ok(k) => k,
        Err(check) => return Outcome::Refused(*check),
    };
    match verify_with_keys(
        &keys.keys_for(&[]),
        algorithm,
        signed_query.as_bytes(),
        &value,
        rules,
    ) {
        Ok(key) => {
            let message = format!(
                "query-string signature ({algorithm}) verified with {}",
                verified_with(
                    &key.certificate.info().subject,
                    &keys.binding_of(&key.certificate)
                )
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
        .fix(FIX_KEY_SIZE)),
        Err(e @ SignatureError::UnsupportedKey { .. }) => {
            Outcome::Refused(Check::fail(id, e.to_string()).fix(FIX_KEY_TYPE))
        }
        Err(_) => Outcome::Refused(Check::fail(
            id,
            format!(
                "the query-string signature ({algorithm}) does not verify with the SP certificate(s) given: the SP signed with another key, or the query was changed"
            ),
        )
        .fix(FIX)),
    }
}
