//! Web Browser SSO profile checks (validator-spec §I; saml-profiles §4.1.4.2–4.1.4.3), each with
//! a stable id, expected vs found, the span, and a fix hint.

mod conditions;
mod subject;

use super::Policy;
use super::encrypted_parts::{EncryptedParts, KEY_HINT, PartError, hint, message};
use super::hints::fix;
use crate::checks::CheckId as C;
use crate::report::{Check, Status, TimeWindow};
use crate::saml::time::{Instant, Zone};
use crate::xenc::EncryptedElement;
use crate::xml::ns::{SAML, SAMLP};
use crate::xml::{Document, NodeId, NodeKind, Span};
use conditions::{authn, conditions};
use subject::subject;

pub const STATUS_SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
const CM_BEARER: &str = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
const ENTITY_FORMAT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity";
/// Non-standard NameID format URNs JumpCloud offers (SAML defines only 1.1 unspecified).
const NONSTANDARD_FORMATS: &[&str] = &[
    "urn:oasis:names:tc:SAML:1.0:nameid-format:unspecified",
    "urn:oasis:names:tc:SAML:2.0:nameid-format:unspecified",
];

/// Whom an Issuer must name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ExpectedIssuer {
    /// The IdP entity ID the SP configured (`--idp-entity-id`, or the one entity of its
    /// metadata).
    Configured(String),
    /// The entities every verifying key is bound to: a key signs only for its own entity.
    KeyEntities(Vec<String>),
    /// Neither is known: the Issuer is only reported.
    Unknown,
}

/// Context shared by the checks of one message.
pub(super) struct Ctx<'a> {
    pub doc: &'a Document,
    /// The assertion under check (for Response-only checks: the Response itself, unused).
    pub assertion: NodeId,
    pub policy: &'a Policy,
    pub issuer: &'a ExpectedIssuer,
    pub jumpcloud: bool,
    /// Whether the Response element itself is covered by a verified signature.
    pub response_signed: bool,
    /// The assertion's EncryptedID and EncryptedAttributes, decrypted when there is a key.
    pub parts: &'a EncryptedParts,
}

impl Ctx<'_> {
    fn hint(&self, id: crate::checks::CheckId, expected: Option<&str>) -> Option<String> {
        fix(id, self.jumpcloud, expected)
    }
    fn attr(&self, n: NodeId, name: &str) -> Option<&str> {
        self.doc.element(n).and_then(|e| e.attr(name))
    }
    fn value(&self, n: NodeId) -> String {
        self.doc.text_cow(n).trim().to_owned()
    }
    fn child(&self, n: NodeId, ns: &str, local: &str) -> Option<NodeId> {
        self.doc.children_named(n, ns, local).next()
    }
    /// The allowed skew, within [`Policy::MAX_SKEW_SECONDS`]: a negative or huge value from a
    /// caller must neither wrap the time arithmetic nor turn a window check inside out.
    fn skew(&self) -> i64 {
        self.policy.skew_seconds.clamp(0, Policy::MAX_SKEW_SECONDS)
    }
}

/// Whether the schema requires a time attribute: absent, a required one is a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Presence {
    Required,
    Optional,
}

/// What reading a time attribute gave. A refused or missing required value has already been
/// reported as a failure, so a caller never mistakes it for "no limit".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TimeAttr {
    Absent,
    Refused,
    At(Instant),
}

impl TimeAttr {
    fn instant(self) -> Option<Instant> {
        match self {
            Self::At(t) => Some(t),
            Self::Absent | Self::Refused => None,
        }
    }
}

/// Reads the time attribute `name` of element `n`. Every time the profile compares with `now`
/// is an xs:dateTime (core §1.3.3): a value that does not parse is a failure of `id` naming the
/// attribute and its element, as is a required one that is missing, so the check it feeds is
/// never silently dropped.
fn time_attr(
    ctx: &Ctx<'_>,
    n: NodeId,
    name: &str,
    presence: Presence,
    id: crate::checks::CheckId,
    out: &mut Vec<Check>,
) -> TimeAttr {
    let element = ctx.doc.element(n);
    let what = element.map(|e| e.local.to_string()).unwrap_or_default();
    let Some(attr) = element.and_then(|e| e.attribute(None, name)) else {
        if presence == Presence::Required {
            out.push(
                Check::fail(
                    id,
                    format!("{what} has no {name}, which the SAML schema requires"),
                )
                .span(ctx.doc.span(n)),
            );
        }
        return TimeAttr::Absent;
    };
    let raw = &*attr.value;
    match Instant::parse(raw) {
        Ok((t, Zone::Utc)) => TimeAttr::At(t),
        Ok((t, _)) => {
            out.push(
                Check::warn(
                    id,
                    format!(
                        "{what} {name} {raw:?} is not in UTC with a Z suffix, as SAML requires"
                    ),
                )
                .span(attr.span),
            );
            TimeAttr::At(t)
        }
        Err(e) => {
            out.push(
                Check::fail(id, format!("{what} {name} cannot be read: {e}"))
                    .found(raw)
                    .span(attr.span),
            );
            TimeAttr::Refused
        }
    }
}

/// Checks of the Response element itself (status, issuer, destination, InResponseTo, when it
/// was issued): they run even when there is no assertion (an error status carries none).
pub(super) fn run_response(ctx: &Ctx<'_>, r: NodeId, out: &mut Vec<Check>) {
    status(ctx, r, out);
    issued(ctx, r, out);
    response_issuer(ctx, r, out);
    destination(ctx, r, out);
    response_in_response_to(ctx, r, out);
}

/// Checks of the assertion (`ctx.assertion`).
pub(super) fn run_assertion(ctx: &Ctx<'_>, out: &mut Vec<Check>) -> TimeWindow {
    // Each time is written once, for its check and for the time bar.
    let now = ctx.policy.now.to_rfc3339();
    assertion_issuer(ctx, out);
    let subject_noa = subject(ctx, out);
    out.extend(ctx.parts.attributes_check(ctx.doc));
    let (nb, noa) = conditions(ctx, &now, out);
    authn(ctx, out);
    let issued = issued(ctx, ctx.assertion, out);
    comments(ctx, out);
    out.push(Check::skipped(
        C::Replay,
        "not checked: replay detection needs the service provider's record of assertion IDs already used",
    ));
    TimeWindow {
        now,
        skew_seconds: ctx.skew(),
        issue_instant: issued,
        not_before: nb,
        not_on_or_after: noa,
        subject_not_on_or_after: subject_noa,
    }
}

fn status(ctx: &Ctx<'_>, r: NodeId, out: &mut Vec<Check>) {
    let st = ctx.child(r, SAMLP, "Status");
    let code = st.and_then(|s| ctx.child(s, SAMLP, "StatusCode"));
    let value = code.and_then(|c| ctx.attr(c, "Value")).unwrap_or("");
    let span = code.or(st).map(|n| ctx.doc.span(n));
    if value == STATUS_SUCCESS {
        out.push(Check::pass(C::ResponseStatus, "status is Success"));
        return;
    }
    let second = code
        .and_then(|c| ctx.child(c, SAMLP, "StatusCode"))
        .and_then(|c| ctx.attr(c, "Value"))
        .map(|v| format!(" / {v}"))
        .unwrap_or_default();
    let message = st
        .and_then(|s| ctx.child(s, SAMLP, "StatusMessage"))
        .map(|m| format!(": {}", ctx.value(m)))
        .unwrap_or_default();
    let mut c = Check::fail(
        C::ResponseStatus,
        format!("the IdP answered with an error status{message}"),
    )
    .expected(STATUS_SUCCESS)
    .found(format!("{value}{second}"))
    .fix_opt(ctx.hint(C::ResponseStatus, None));
    if let Some(s) = span {
        c = c.span(s);
    }
    out.push(c);
}

fn issuer_check(
    ctx: &Ctx<'_>,
    issuer: Option<NodeId>,
    id: crate::checks::CheckId,
    what: &str,
    required: bool,
    out: &mut Vec<Check>,
) {
    let Some(i) = issuer else {
        out.push(if required {
            Check::fail(id, format!("the {what} has no Issuer"))
                .fix_opt(ctx.hint(id, ctx.policy.idp_entity_id.as_deref()))
        } else {
            Check::pass(id, format!("the {what} has no Issuer (optional there)"))
        });
        return;
    };
    let found = ctx.value(i);
    let span = ctx.doc.span(i);
    if let Some(format) = ctx.attr(i, "Format")
        && format != ENTITY_FORMAT
    {
        out.push(
            Check::fail(id, format!("the {what} Issuer has Format {format:?}; it must be absent or the entity format"))
                .expected(ENTITY_FORMAT)
                .found(format)
                .span(span),
        );
        return;
    }
    match ctx.issuer {
        ExpectedIssuer::Configured(expected) if *expected == found => out.push(
            // Pass-path messages are joined, not formatted: they are written for every valid
            // message.
            Check::pass(
                id,
                ["the ", what, " Issuer is the IdP's entity ID"].concat(),
            )
            .found(found)
            .span(span),
        ),
        ExpectedIssuer::Configured(expected) => out.push(
            Check::fail(
                id,
                format!("the {what} Issuer is not the IdP entity ID the service provider expects"),
            )
            .expected(expected.as_str())
            .found(found)
            .span(span)
            .fix_opt(ctx.hint(id, Some(expected))),
        ),
        ExpectedIssuer::KeyEntities(entities) if entities.contains(&found) => out.push(
            Check::pass(
                id,
                [
                    "the ",
                    what,
                    " Issuer is the entity whose metadata key verified the signature",
                ]
                .concat(),
            )
            .found(found)
            .span(span),
        ),
        ExpectedIssuer::KeyEntities(entities) => {
            let expected = entities.join(" or ");
            out.push(
                Check::fail(
                    id,
                    format!(
                        "the {what} Issuer is not the entity whose key verified the signature: a \
                         key from metadata signs only for its own entityID"
                    ),
                )
                .expected(expected.as_str())
                .found(found)
                .span(span)
                .fix_opt(ctx.hint(id, entities.first().map(String::as_str))),
            )
        }
        ExpectedIssuer::Unknown => out.push(
            Check::skipped(
                id,
                "not checked: no IdP entity ID configured (give metadata or --idp-entity-id)",
            )
            .found(found)
            .span(span),
        ),
    }
}

fn response_issuer(ctx: &Ctx<'_>, r: NodeId, out: &mut Vec<Check>) {
    issuer_check(
        ctx,
        ctx.child(r, SAML, "Issuer"),
        C::ResponseIssuer,
        "Response",
        false,
        out,
    );
}

fn assertion_issuer(ctx: &Ctx<'_>, out: &mut Vec<Check>) {
    let i = ctx.child(ctx.assertion, SAML, "Issuer");
    issuer_check(ctx, i, C::AssertionIssuer, "Assertion", true, out);
}

fn destination(ctx: &Ctx<'_>, r: NodeId, out: &mut Vec<Check>) {
    let el = ctx.doc.element(r);
    let attr = el.and_then(|e| e.attribute(None, "Destination"));
    let expected = ctx.policy.acs_url.as_deref();
    match (attr, expected) {
        (None, _) if ctx.response_signed => out.push(
            Check::fail(
                C::ResponseDestination,
                "a signed Response must carry Destination (SAML bindings §3.5.5.2)",
            )
            .expected(expected.unwrap_or("the ACS URL"))
            .fix_opt(ctx.hint(C::ResponseDestination, expected)),
        ),
        (None, _) => out.push(Check::warn(
            C::ResponseDestination,
            "the Response has no Destination; it is unsigned, so this is allowed, but fragile",
        )),
        (Some(a), Some(exp)) if &*a.value == exp => out.push(
            Check::pass(C::ResponseDestination, "Destination is the ACS URL")
                .found(&*a.value)
                .span(a.span),
        ),
        (Some(a), Some(exp)) => out.push(
            Check::fail(
                C::ResponseDestination,
                "Destination is not the service provider's ACS URL",
            )
            .expected(exp)
            .found(&*a.value)
            .span(a.span)
            .fix_opt(ctx.hint(C::ResponseDestination, Some(exp))),
        ),
        (Some(a), None) => out.push(
            Check::skipped(C::ResponseDestination, "not checked: no ACS URL configured")
                .found(&*a.value)
                .span(a.span),
        ),
    }
}

fn in_response_to_check(
    ctx: &Ctx<'_>,
    found: Option<&str>,
    id: crate::checks::CheckId,
    span: Option<crate::xml::Span>,
    out: &mut Vec<Check>,
) {
    let mut c = match (ctx.policy.request_id.as_deref(), found) {
        (Some(exp), Some(f)) if exp == f => Check::pass(id, "answers the expected AuthnRequest").found(f),
        (Some(exp), Some(f)) => Check::fail(id, "answers a different AuthnRequest")
            .expected(exp)
            .found(f)
            .fix_opt(ctx.hint(id, Some(exp))),
        (Some(exp), None) => Check::fail(id, "unsolicited (IdP-initiated) response, but a request was sent")
            .expected(exp)
            .fix_opt(ctx.hint(id, Some(exp))),
        (None, Some(f)) => Check::skipped(id, "not checked: no request ID given (the SP must compare it with the ID of the request it sent)").found(f),
        (None, None) => Check::skipped(id, "unsolicited (IdP-initiated) response: no InResponseTo; the SP must allow IdP-initiated login"),
    };
    if let Some(s) = span {
        c = c.span(s);
    }
    out.push(c);
}

fn response_in_response_to(ctx: &Ctx<'_>, r: NodeId, out: &mut Vec<Check>) {
    let a = ctx
        .doc
        .element(r)
        .and_then(|e| e.attribute(None, "InResponseTo"));
    in_response_to_check(
        ctx,
        a.map(|a| &*a.value),
        C::ResponseInResponseTo,
        a.map(|a| a.span),
        out,
    );
}

/// IssueInstant of the Response or the Assertion `n`, required on both (core §3.2.2, §2.3.3):
/// not in the future, and no older than the policy allows. Returns it as the report writes it;
/// `None` when it is missing or refused (already a failure then).
fn issued(ctx: &Ctx<'_>, n: NodeId, out: &mut Vec<Check>) -> Option<String> {
    let t = time_attr(
        ctx,
        n,
        "IssueInstant",
        Presence::Required,
        C::TimeIssueInstant,
        out,
    )
    .instant()?;
    let what = ctx
        .doc
        .element(n)
        .map(|e| e.local.to_string())
        .unwrap_or_default();
    let text = t.to_rfc3339();
    let now = ctx.policy.now;
    let skew = ctx.skew();
    if t > now.plus_seconds(skew) {
        out.push(
            Check::fail(
                C::TimeIssueInstant,
                format!("the {what} was issued in the future ({t}, now {now})"),
            )
            .found(text.clone())
            .fix_opt(ctx.hint(C::TimeIssueInstant, None)),
        );
    } else if let Some(max) = ctx.policy.max_issue_age_seconds
        && now > t.plus_seconds(max.saturating_add(skew))
    {
        out.push(
            Check::fail(
                C::TimeIssueInstant,
                format!("the {what} was issued at {t}, more than {max} s before now ({now})"),
            )
            .found(text.clone())
            .fix_opt(ctx.hint(C::TimeIssueInstant, None)),
        );
    } else {
        out.push(
            Check::pass(
                C::TimeIssueInstant,
                ["the ", &what, " was issued recently"].concat(),
            )
            .found(text.clone()),
        );
    }
    Some(text)
}

/// Comments inside values a consumer reads (comment injection, VU#475445): in the message, and
/// in what was decrypted from it (injection can arrive encrypted too).
fn comments(ctx: &Ctx<'_>, out: &mut Vec<Check>) {
    // The first comment under an element whose text is read, and that element's name.
    // Comments are rare: a node is asked whether it is one before its parent's name is
    // compared four times (that order made this scan of the assertion several times cheaper).
    let commented = |doc: &Document, top: NodeId| {
        doc.descendants(top).find_map(|n| {
            if !matches!(doc.node(n).kind, NodeKind::Comment(_)) {
                return None;
            }
            let p = doc.parent(n)?;
            let read = ["NameID", "AttributeValue", "Audience", "Issuer"]
                .iter()
                .any(|l| doc.is(p, SAML, l));
            read.then(|| (n, doc.element(p).map(|e| e.qname()).unwrap_or_default()))
        })
    };
    let doc = ctx.doc;
    let hit = match commented(doc, ctx.assertion) {
        Some((n, parent)) => Some((parent, doc.span(n))),
        None => ctx.parts.decrypted().find_map(|(wrapper, d)| {
            let (_, parent) = commented(d, d.root())?;
            let from = doc.element(wrapper).map(|e| e.qname()).unwrap_or_default();
            Some((
                format!("{parent}> decrypted from <{from}"),
                doc.span(wrapper),
            ))
        }),
    };
    out.push(match hit {
        None => Check::pass(C::ValueComments, "no comments inside values"),
        Some((parent, span)) => {
            let c = if ctx.policy.allow_comments_in_values {
                Check::warn(
                    C::ValueComments,
                    format!("a comment inside <{parent}>; the value was read in full"),
                )
            } else {
                Check::fail(
                    C::ValueComments,
                    format!("a comment inside <{parent}> (comment injection); refused by policy"),
                )
            };
            c.span(span).fix_opt(ctx.hint(C::ValueComments, None))
        }
    });
}
