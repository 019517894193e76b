//! The whole pipeline for one message: parse → structure → signatures → consume only what was
//! verified → profile checks → [`Report`]. Every step fails closed; the verdict is `valid` only
//! when no check failed.

mod check_of;
mod encrypted;
mod encrypted_parts;
mod hints;
mod policy;
mod semantics;
mod signatures;

pub use hints::{fix, is_jumpcloud};
pub use policy::Policy;

use crate::checks::CheckId as C;
use crate::dsig::{SignatureError, SignatureFacts, Verified};
use crate::report::{CertificateCard, Check, Report, SignedRegion, Status, Verdict};
use crate::saml::{
    AssertionSlot, ConsumeError, HiddenAssertion, MessageKind, ResponseVerification,
    VerifiedAssertion, read_identity, verify_response,
};
use crate::trust::{Certificate, KeyBinding};
use crate::xml::ns::{DS, SAML};
use crate::xml::{Document, NodeId, parse};
use encrypted::encrypted;
use encrypted_parts::EncryptedParts;
pub use encrypted_parts::PLAINTEXT_HINT;
use semantics::ExpectedIssuer;
use signatures::{judge_signature, signature_checks};

/// Validates one decoded message (XML bytes) against the policy.
pub fn validate(xml: &[u8], policy: &Policy) -> Report {
    let doc = match parse(xml) {
        Ok(d) => d,
        Err(e) => {
            let span = crate::xml::Span::new(e.position.offset, e.position.offset);
            return Report::rejected(
                Check::fail(e.check_id(), e.to_string())
                    .span(span)
                    .fix_opt(fix(e.check_id(), false, None)),
                String::from_utf8_lossy(xml).into_owned(),
            );
        }
    };
    validate_document(&doc, policy)
}

/// For an invalid report: the message's IssueInstant (as the report shows it) if the same
/// message, checked again with only `now` moved to that instant, is valid. Then nothing is
/// wrong with it but its age: the admin pasted a response saved a while ago, and should read
/// "old, not misconfigured" rather than puzzle over four time failures. The validator itself
/// decides, so nothing here guesses which checks are about time. `None` for a valid report, a
/// report without a readable Assertion IssueInstant, a message that fails as of that instant too
/// (an unreadable Response IssueInstant fails at any instant), and a trusted certificate that
/// has expired (that one is not about the message).
pub fn valid_when_issued(report: &Report, policy: &Policy) -> Option<String> {
    // A trusted certificate that has expired since is the IdP's configuration (rotate it), not
    // the message's age: a fresh message signed with it would fail the same way.
    if report.verdict == Verdict::Valid || report.failed().any(|c| c.id == C::CertificateValidity) {
        return None;
    }
    let issued = report.time_window.as_ref()?.issue_instant.as_deref()?;
    let (at, _) = crate::saml::time::Instant::parse(issued).ok()?;
    if at == policy.now {
        return None;
    }
    let mut then = policy.clone();
    then.now = at;
    (validate(report.xml.as_bytes(), &then).verdict == Verdict::Valid).then(|| issued.to_owned())
}

/// The report for an input in which no SAML message could be found (nothing to parse): one
/// failing `input.decode` check saying why, so a batch of reports keeps one entry per input.
pub fn undecodable(why: impl Into<String>) -> Report {
    Report::rejected(
        Check::fail(C::InputDecode, why).fix_opt(fix(C::InputDecode, false, None)),
        String::new(),
    )
}

/// Validates an already parsed document (the page parses once and keeps the tree).
pub fn validate_document(doc: &Document, policy: &Policy) -> Report {
    let kind = MessageKind::of(doc);
    let mut report = Report::rejected(
        Check::pass(
            C::XmlWellFormed,
            "well-formed XML, no DTD, namespaces in order",
        ),
        doc.source().to_owned(),
    );
    report.message_kind = kind;
    // A Response collects about thirty checks: room for them at once instead of growing
    // through 4, 8, 16 and 32 (each growth copies every check so far).
    report.checks.reserve(32);
    if kind != MessageKind::Response {
        report.checks.push(
            Check::fail(
                C::StructureMessage,
                format!(
                    "this is {} {}, not a SAML Response; only Responses carry a login",
                    if matches!(
                        kind,
                        MessageKind::AuthnRequest
                            | MessageKind::Assertion
                            | MessageKind::EntityDescriptor
                            | MessageKind::EntitiesDescriptor
                    ) {
                        "an"
                    } else {
                        "a"
                    },
                    kind.as_str()
                ),
            )
            .found(kind.as_str())
            .fix(match kind {
                MessageKind::AuthnRequest => "This is what the service provider sends to the IdP. The login is in the SAMLResponse the IdP posts back to the ACS URL: paste that (an AuthnRequest is inspected with `samlscope request`, and gives the ID to check the response against).",
                MessageKind::EntityDescriptor | MessageKind::EntitiesDescriptor => "This is metadata, not a login: inspect it with `samlscope metadata` or use it as the trust source (--metadata). Paste the SAMLResponse the IdP posts to the ACS URL to check a login.",
                _ => "Paste the SAMLResponse the IdP posts to the ACS URL (the form value named SAMLResponse).",
            }),
        );
        report.settle();
        return report;
    }
    let verification = match verify_response(doc, &policy.trust, policy.signature_rules()) {
        Ok(v) => v,
        Err(e) => {
            let mut c =
                Check::fail(e.check_id(), e.to_string()).fix_opt(fix(e.check_id(), false, None));
            if let Some(span) = e.span() {
                c = c.span(span);
            }
            report.checks.push(c);
            report.settle();
            return report;
        }
    };
    report.checks.push(Check::pass(C::StructureSchema, "Response and Assertion follow the SAML schema order; IDs unique; signatures only where SAML allows them; no assertion anywhere but the Response's own"));
    advice_warnings(&verification.layout.advice_assertions, "", &mut report);

    let response = verification.layout.response;
    let issuer = verification
        .layout
        .issuer
        .map(|i| doc.text_cow(i).trim().to_owned())
        .or_else(|| assertion_issuer(doc, &verification));
    report.jumpcloud = is_jumpcloud(issuer.as_deref(), policy.idp_entity_id.as_deref());
    report.issuer = issuer;
    let jc = report.jumpcloud;

    signature_checks(doc, &verification, policy, jc, &mut report);
    let verified_keys: Vec<(&'static str, &SignatureFacts)> = [
        ("response", &verification.response_signature),
        ("assertion", &verification.assertion_signature),
    ]
    .into_iter()
    .filter_map(|(element, r)| Some((element, r.as_ref()?.as_ref().ok()?.facts())))
    .collect();
    let expected_issuer = expected_issuer(policy, &verified_keys, &mut report.checks);

    let response_signed = matches!(verification.response_signature, Some(Ok(_)));
    let ctx = semantics::Ctx {
        doc,
        assertion: response,
        policy,
        issuer: &expected_issuer,
        jumpcloud: jc,
        response_signed,
        parts: &EncryptedParts::default(),
    };
    // The Response's checks read no assertion and no decrypted part.
    semantics::run_response(&ctx, response, &mut report.checks);
    if let (Some(AssertionSlot::Encrypted { node }), Some(key)) =
        (verification.layout.assertion, policy.sp_key.as_ref())
    {
        let response_key = verified_keys.first().map(|(_, f)| *f);
        encrypted(doc, node, key, policy, response_key, jc, &mut report);
        report.settle();
        return report;
    }
    if let Err(e) = &verification.assertion {
        let id = e.check_id();
        if !report
            .checks
            .iter()
            .any(|c| c.id == id && c.status == Status::Fail)
        {
            report
                .checks
                .push(Check::fail(id, e.to_string()).fix_opt(fix(id, jc, None)));
        }
    }
    // Identity and profile checks: on the verified assertion; otherwise, for diagnosis only, on
    // the unverified one (the verdict is already invalid then).
    let consumed = match (&verification.assertion, verification.layout.assertion) {
        (Ok(a), _) => Some(Consumed::Verified(a)),
        (Err(_), Some(AssertionSlot::Plain { node, .. })) => Some(Consumed::Claimed { doc, node }),
        _ => None,
    };
    if let Some(a) = consumed {
        consume(
            a,
            policy,
            &expected_issuer,
            jc,
            response_signed,
            &mut report,
        );
    }
    report.settle();
    report
}

/// The assertion a login is read from.
#[derive(Clone, Copy)]
enum Consumed<'a, 'd> {
    /// Covered by a verified signature (its own, or its Response's): its identity is the login.
    Verified(&'a VerifiedAssertion<'d>),
    /// Covered by none — the verdict is already invalid — and read only to show the admin
    /// everything else that is wrong and whom the message *claims*.
    Claimed { doc: &'d Document, node: NodeId },
}

impl<'d> Consumed<'_, 'd> {
    fn document(self) -> &'d Document {
        match self {
            Self::Verified(a) => a.document(),
            Self::Claimed { doc, .. } => doc,
        }
    }
    fn node(self) -> NodeId {
        match self {
            Self::Verified(a) => a.node(),
            Self::Claimed { node, .. } => node,
        }
    }
}

/// The assertion's profile checks and its identity, for a plain assertion and a decrypted one
/// alike (a decrypted assertion is its own document): one path, so neither gets fewer checks.
fn consume(
    assertion: Consumed<'_, '_>,
    policy: &Policy,
    issuer: &ExpectedIssuer,
    jc: bool,
    response_signed: bool,
    report: &mut Report,
) {
    let doc = assertion.document();
    let parts = EncryptedParts::decrypt(doc, assertion.node(), policy);
    let ctx = semantics::Ctx {
        doc,
        assertion: assertion.node(),
        policy,
        issuer,
        jumpcloud: jc,
        response_signed,
        parts: &parts,
    };
    report.time_window = Some(semantics::run_assertion(&ctx, &mut report.checks));
    let mut identity = match assertion {
        Consumed::Verified(a) => a.identity(),
        Consumed::Claimed { doc, node } => read_identity(doc, node),
    };
    // Spans of decrypted parts point into the document they were decrypted in.
    parts.fill(doc, &mut identity);
    match assertion {
        Consumed::Verified(_) => {
            report.name_id = identity.name_id.as_ref().map(|n| n.value.clone());
            report.identity = Some(identity);
        }
        Consumed::Claimed { .. } => report.unverified_identity = Some(identity),
    }
}

/// Assertions in `saml:Advice`: where the schema allows them and never read, but named, since
/// an SP that searches the whole tree for an assertion can pick one up. `prefix` says which
/// document the paths are in ("" for the message, "decrypted assertion: " for the plaintext).
fn advice_warnings(found: &[HiddenAssertion], prefix: &str, report: &mut Report) {
    for h in found {
        report.checks.push(
            Check::warn(
                C::StructureHiddenAssertion,
                format!(
                    "{prefix}{} at {} (bytes {}..{}) sits in saml:Advice, where the schema allows it; it is never read for the login, but an SP that searches the document for any assertion could take it",
                    h.what, h.path, h.span.start, h.span.end
                ),
            )
            .span(h.span),
        );
    }
}

/// Whom the Issuer must name, given the keys that verified; a key used outside the entity it is
/// bound to fails `signature.trusted` here.
///
/// Trust comes from several places at once (several metadata files, an aggregate, a pinned
/// certificate with the IdP entity ID): every verifying key must be trusted for the configured
/// IdP entity ID, or, when none is configured, the Issuer must be an entity that every
/// verifying key is bound to.
fn expected_issuer(
    policy: &Policy,
    verified: &[(&'static str, &SignatureFacts)],
    out: &mut Vec<Check>,
) -> ExpectedIssuer {
    let bound: Vec<(&str, &[String])> = verified
        .iter()
        .filter_map(|(element, f)| match &f.binding {
            KeyBinding::Entities(e) => Some((*element, e.as_slice())),
            KeyBinding::Unbound => None,
        })
        .collect();
    if let Some(configured) = policy.idp_entity_id.as_deref() {
        for (element, entities) in &bound {
            if !entities.iter().any(|e| e == configured) {
                out.push(
                    Check::fail(
                        C::SignatureTrusted,
                        format!(
                            "{element} signature verified with a key trusted only for {}, not \
                             for the configured IdP entity ID: a key signs only for its own entity",
                            entities.join(" or ")
                        ),
                    )
                    .expected(configured)
                    .found(entities.join(" or ")),
                );
            }
        }
        return ExpectedIssuer::Configured(configured.to_owned());
    }
    let Some(((_, first), rest)) = bound.split_first() else {
        return ExpectedIssuer::Unknown;
    };
    let common: Vec<String> = first
        .iter()
        .filter(|e| rest.iter().all(|(_, other)| other.contains(e)))
        .cloned()
        .collect();
    if common.is_empty() {
        let which: Vec<String> = bound
            .iter()
            .map(|(element, e)| format!("{element}: {}", e.join(" or ")))
            .collect();
        out.push(
            Check::fail(
                C::SignatureTrusted,
                "the signatures were verified with keys of different entities: one message has \
                 one issuer",
            )
            .found(which.join("; ")),
        );
    }
    ExpectedIssuer::KeyEntities(common)
}

/// " of ENTITY" for a key bound to entities, for the `signature.trusted` message.
fn of_entity(binding: &KeyBinding) -> String {
    match binding {
        KeyBinding::Unbound => String::new(),
        KeyBinding::Entities(e) => [" of ", &e.join(" or ")].concat(),
    }
}

fn assertion_issuer(doc: &Document, v: &ResponseVerification<'_>) -> Option<String> {
    match v.layout.assertion {
        Some(AssertionSlot::Plain { node, .. }) => doc
            .children_named(node, SAML, "Issuer")
            .next()
            .map(|i| doc.text_cow(i).trim().to_owned()),
        _ => None,
    }
}
