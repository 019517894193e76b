//! Web Browser SSO profile checks (validator-spec §I; saml-profiles §4.1.4.2–4.1.4.3), each with
//! a stable id, expected vs found, the span, and a fix hint.

use super::Policy;
use super::encrypted_parts::{EncryptedParts, KEY_HINT, PartError, hint, message};
use super::hints::fix;
use crate::checks::CheckId as C;
use crate::report::{Check, Status, TimeWindow};
use crate::saml::time::{Instant, Zone};
use crate::xenc::EncryptedElement;
use crate::xml::ns::{SAML, SAMLP};
use crate::xml::{Document, NodeId, NodeKind, Span};

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
    // Each time is written once, for its check and for the time bar (each was written twice).
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
            // Pass-path messages are joined, not formatted: `format!` cost several times more.
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

/// NameID, its format, and the bearer SubjectConfirmation. Returns the bearer NotOnOrAfter, as
/// the report writes it.
fn subject(ctx: &Ctx<'_>, out: &mut Vec<Check>) -> Option<String> {
    let Some(subject) = ctx.child(ctx.assertion, SAML, "Subject") else {
        out.push(
            Check::fail(C::SubjectNameId, "the Assertion has no Subject")
                .fix_opt(ctx.hint(C::SubjectNameId, None)),
        );
        out.push(Check::fail(
            C::SubjectConfirmation,
            "no bearer SubjectConfirmation (no Subject)",
        ));
        return None;
    };
    if let Some(n) = ctx.child(subject, SAML, "NameID") {
        name_id_checks(ctx, ctx.doc, n, ctx.doc.span(n), None, out);
    } else if let Some(part) = &ctx.parts.name_id {
        // The schema allows an EncryptedID in NameID's place: with the SP key it is decrypted
        // (see `encrypted_parts`) and its NameID checked like a plain one.
        let at = ctx.doc.span(part.node);
        match &part.plain {
            Ok(d) => name_id_checks(ctx, d, d.root(), at, Some(&part.weak), out),
            Err(PartError::NoKey) => out.push(
                Check::fail(
                    C::SubjectNameId,
                    "the Subject carries an EncryptedID (an encrypted NameID): the user cannot \
                     be read without the SP private key",
                )
                .span(at)
                .fix(KEY_HINT),
            ),
            Err(PartError::Refused(e)) => out.push(
                Check::fail(C::SubjectNameId, message(EncryptedElement::NameId, e))
                    .span(at)
                    .fix(hint(e)),
            ),
        }
    } else {
        // BaseID is the schema's other choice: no user name to show or match.
        let (message, at) = match ctx.child(subject, SAML, "BaseID") {
            Some(n) => (
                "the Subject carries a BaseID instead of a NameID: no user name to read",
                n,
            ),
            None => ("the Subject has no NameID", subject),
        };
        out.push(
            Check::fail(C::SubjectNameId, message)
                .span(ctx.doc.span(at))
                .fix_opt(ctx.hint(C::SubjectNameId, None)),
        );
    }
    bearer(ctx, subject, out)
}

/// The checks of a NameID element `n` of `doc`: the message's own, or the plaintext of its
/// EncryptedID (`decrypted`: the weaknesses of that decryption; `at`: where the report points).
fn name_id_checks(
    ctx: &Ctx<'_>,
    doc: &Document,
    n: NodeId,
    at: Span,
    decrypted: Option<&[String]>,
    out: &mut Vec<Check>,
) {
    let attr = |name| doc.element(n).and_then(|e| e.attr(name));
    let value = doc.text_cow(n).trim().to_owned();
    if value.is_empty() {
        out.push(
            Check::fail(C::SubjectNameId, "NameID is empty")
                .span(at)
                .fix_opt(ctx.hint(C::SubjectNameId, None)),
        );
        return;
    }
    let mut c = match decrypted {
        None => Check::pass(C::SubjectNameId, ["the user is ", &value].concat()),
        Some([]) => Check::pass(
            C::SubjectNameId,
            format!("the user is {value} (decrypted from an EncryptedID with the SP key)"),
        ),
        Some([weak, ..]) => Check::warn(
            C::SubjectNameId,
            format!("the user is {value} (decrypted from an EncryptedID with the SP key). {weak}"),
        ),
    }
    .found(&value)
    .span(at);
    if let (Some(q), Some(sp)) = (attr("SPNameQualifier"), ctx.policy.sp_entity_id.as_deref())
        && q != sp
    {
        c = Check::fail(
            C::SubjectNameId,
            "NameID SPNameQualifier names another service provider",
        )
        .expected(sp)
        .found(q)
        .span(at);
    }
    out.push(c);
    match attr("Format") {
        Some(f) if NONSTANDARD_FORMATS.contains(&f) => out.push(
            Check::warn(
                C::SubjectNameIdFormat,
                "non-standard NameID format URN; many SPs reject it",
            )
            .expected("urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified or emailAddress")
            .found(f)
            .span(at)
            .fix_opt(ctx.hint(C::SubjectNameIdFormat, None)),
        ),
        Some(f) => out.push(Check::pass(C::SubjectNameIdFormat, "standard NameID format").found(f)),
        None => out.push(Check::pass(
            C::SubjectNameIdFormat,
            "no NameID format (unspecified)",
        )),
    }
}

/// One bearer SubjectConfirmation judged against Profiles §4.1.4.2.
struct Confirmation {
    /// Its Recipient, time and InResponseTo checks, reported when it is the one used.
    checks: Vec<Check>,
    /// Its time values that could not be read: the message breaks the schema whichever
    /// confirmation is used, so these are reported in any case.
    refused: Vec<Check>,
    /// NotOnOrAfter as the report writes it.
    not_on_or_after: Option<String>,
}

impl Confirmation {
    fn satisfies(&self) -> bool {
        self.refused.is_empty() && !self.checks.iter().any(|c| c.status == Status::Fail)
    }

    /// Why it does not satisfy the profile (its first failure).
    fn reason(&self) -> String {
        self.refused
            .iter()
            .chain(&self.checks)
            .find(|c| c.status == Status::Fail)
            .map(|c| match &c.found {
                Some(f) => format!("{} (found {f:?})", c.message),
                None => c.message.clone(),
            })
            .unwrap_or_default()
    }
}

/// Profiles §4.1.4.2: at least one bearer SubjectConfirmation whose SubjectConfirmationData
/// has Recipient = ACS URL, NotOnOrAfter in the future, no NotBefore, and InResponseTo matching
/// the request. The checks reported are those of the first that satisfies all of it (or of the
/// first bearer one, when none does); other methods are not the profile's. Returns the
/// NotOnOrAfter of the confirmation reported, as the report writes it.
fn bearer(ctx: &Ctx<'_>, subject: NodeId, out: &mut Vec<Check>) -> Option<String> {
    let confirmations: Vec<Confirmation> = ctx
        .doc
        .children_named(subject, SAML, "SubjectConfirmation")
        .filter(|&sc| ctx.attr(sc, "Method") == Some(CM_BEARER))
        .map(|sc| confirmation(ctx, sc))
        .collect();
    if confirmations.is_empty() {
        out.push(
            Check::fail(
                C::SubjectConfirmation,
                "no SubjectConfirmation with the bearer method",
            )
            .expected(CM_BEARER),
        );
        out.push(Check::skipped(
            C::SubjectRecipient,
            "no bearer confirmation to check",
        ));
        return None;
    }
    let chosen = confirmations.iter().position(Confirmation::satisfies);
    let count = confirmations.len();
    if chosen.is_none() && count > 1 {
        let reasons: Vec<String> = confirmations
            .iter()
            .enumerate()
            .map(|(i, c)| format!("#{}: {}", i + 1, c.reason()))
            .collect();
        out.push(
            Check::fail(
                C::SubjectConfirmation,
                format!(
                    "none of the {count} bearer SubjectConfirmations satisfies the Web SSO profile (Profiles §4.1.4.2): {}",
                    reasons.join("; ")
                ),
            )
            .span(ctx.doc.span(subject)),
        );
    }
    let shown = chosen.unwrap_or(0);
    let mut not_on_or_after = None;
    for (i, c) in confirmations.into_iter().enumerate() {
        out.extend(c.refused);
        if i == shown {
            out.extend(c.checks);
            not_on_or_after = c.not_on_or_after;
        }
    }
    not_on_or_after
}

/// The checks of one bearer SubjectConfirmation `sc`.
fn confirmation(ctx: &Ctx<'_>, sc: NodeId) -> Confirmation {
    let mut checks = Vec::new();
    let Some(scd) = ctx.child(sc, SAML, "SubjectConfirmationData") else {
        checks.push(
            Check::fail(
                C::SubjectConfirmation,
                "the bearer SubjectConfirmation has no SubjectConfirmationData",
            )
            .span(ctx.doc.span(sc)),
        );
        checks.push(Check::skipped(
            C::SubjectRecipient,
            "no SubjectConfirmationData",
        ));
        return Confirmation {
            checks,
            refused: Vec::new(),
            not_on_or_after: None,
        };
    };
    let span = ctx.doc.span(scd);
    // Recipient.
    let recipient = ctx.attr(scd, "Recipient");
    let expected = ctx.policy.acs_url.as_deref();
    checks.push(match (recipient, expected) {
        (None, _) => Check::fail(
            C::SubjectRecipient,
            "the bearer confirmation has no Recipient",
        )
        .span(span)
        .fix_opt(ctx.hint(C::SubjectRecipient, expected)),
        (Some(r), Some(e)) if r == e => {
            Check::pass(C::SubjectRecipient, "Recipient is the ACS URL")
                .found(r)
                .span(span)
        }
        (Some(r), Some(e)) => Check::fail(
            C::SubjectRecipient,
            "Recipient is not the service provider's ACS URL",
        )
        .expected(e)
        .found(r)
        .span(span)
        .fix_opt(ctx.hint(C::SubjectRecipient, Some(e))),
        (Some(r), None) => {
            Check::skipped(C::SubjectRecipient, "not checked: no ACS URL configured")
                .found(r)
                .span(span)
        }
    });
    // Time and shape. NotBefore is read too: the profile forbids it, but a value that is there
    // must still be an xs:dateTime.
    let mut read = Vec::new();
    let nb = time_attr(
        ctx,
        scd,
        "NotBefore",
        Presence::Optional,
        C::SubjectConfirmation,
        &mut read,
    );
    let noa = time_attr(
        ctx,
        scd,
        "NotOnOrAfter",
        Presence::Optional,
        C::SubjectConfirmation,
        &mut read,
    );
    let (refused, mut warned): (Vec<Check>, Vec<Check>) =
        read.into_iter().partition(|c| c.status == Status::Fail);
    checks.append(&mut warned);
    let noa_text = noa.instant().map(|t| t.to_rfc3339());
    let now = ctx.policy.now;
    let verdict = if nb != TimeAttr::Absent {
        Some(
            Check::fail(
                C::SubjectConfirmation,
                "the bearer SubjectConfirmationData carries NotBefore, which the profile forbids",
            )
            .span(span),
        )
    } else {
        match noa {
            // Already a failure in `refused`.
            TimeAttr::Refused => None,
            TimeAttr::Absent => Some(
                Check::fail(
                    C::SubjectConfirmation,
                    "the bearer confirmation has no NotOnOrAfter",
                )
                .span(span),
            ),
            TimeAttr::At(t) if now < t.plus_seconds(ctx.skew()) => Some(
                Check::pass(C::SubjectConfirmation, "bearer confirmation is current")
                    .found(noa_text.clone().unwrap_or_default())
                    .span(span),
            ),
            TimeAttr::At(t) => Some(
                Check::fail(
                    C::SubjectConfirmation,
                    format!(
                        "the bearer confirmation expired at {t} (now {now}, skew {} s)",
                        ctx.skew()
                    ),
                )
                .expected(format!("now < {}", t.plus_seconds(ctx.skew())))
                .found(now.to_rfc3339())
                .span(span)
                .fix_opt(ctx.hint(C::SubjectConfirmation, None)),
            ),
        }
    };
    checks.extend(verdict);
    let irt = ctx.attr(scd, "InResponseTo");
    in_response_to_check(ctx, irt, C::SubjectInResponseTo, Some(span), &mut checks);
    Confirmation {
        checks,
        refused,
        not_on_or_after: noa_text,
    }
}

/// Conditions: time window, audience, nothing unknown. Returns (NotBefore, NotOnOrAfter) as the
/// report writes them; `now_text` is `now` written so.
fn conditions(
    ctx: &Ctx<'_>,
    now_text: &str,
    out: &mut Vec<Check>,
) -> (Option<String>, Option<String>) {
    let Some(cond) = ctx.child(ctx.assertion, SAML, "Conditions") else {
        out.push(
            Check::fail(C::ConditionsAudience, "the Assertion has no Conditions, so no AudienceRestriction (required by the profile)")
                .fix_opt(ctx.hint(C::ConditionsAudience, ctx.policy.sp_entity_id.as_deref())),
        );
        out.push(Check::warn(
            C::ConditionsWindow,
            "no Conditions: the assertion has no validity window",
        ));
        return (None, None);
    };
    let span = ctx.doc.span(cond);
    let mut local = Vec::new();
    // Both are optional (core §2.5.1.2); a value that is there must be read.
    let nb = time_attr(
        ctx,
        cond,
        "NotBefore",
        Presence::Optional,
        C::ConditionsWindow,
        &mut local,
    )
    .instant();
    let noa = time_attr(
        ctx,
        cond,
        "NotOnOrAfter",
        Presence::Optional,
        C::ConditionsWindow,
        &mut local,
    )
    .instant();
    let nb_text = nb.map(|t| t.to_rfc3339());
    let noa_text = noa.map(|t| t.to_rfc3339());
    let failed_parse = local.iter().any(|c| c.status == Status::Fail);
    out.append(&mut local);
    if !failed_parse {
        let now = ctx.policy.now;
        let skew = ctx.skew();
        let window = [
            nb_text.as_deref().unwrap_or("-"),
            " … ",
            noa_text.as_deref().unwrap_or("-"),
        ]
        .concat();
        out.push(match (nb, noa) {
            (Some(b), _) if now < b.plus_seconds(-skew) => Check::fail(
                C::ConditionsWindow,
                format!("not yet valid: NotBefore is {b}, now is {now} (skew {skew} s)"),
            )
            .expected(window)
            .found(now_text)
            .span(span)
            .fix_opt(ctx.hint(C::ConditionsWindow, None)),
            (_, Some(a)) if now >= a.plus_seconds(skew) => Check::fail(
                C::ConditionsWindow,
                format!("expired: NotOnOrAfter was {a}, now is {now} (skew {skew} s)"),
            )
            .expected(window)
            .found(now_text)
            .span(span)
            .fix_opt(ctx.hint(C::ConditionsWindow, None)),
            _ => Check::pass(C::ConditionsWindow, "within NotBefore … NotOnOrAfter")
                .expected(window)
                .found(now_text)
                .span(span),
        });
    }
    // Audience: every AudienceRestriction must contain the SP (core §2.5.1.4).
    let restrictions: Vec<NodeId> = ctx
        .doc
        .children_named(cond, SAML, "AudienceRestriction")
        .collect();
    let sp = ctx.policy.sp_entity_id.as_deref();
    if restrictions.is_empty() {
        out.push(
            Check::fail(
                C::ConditionsAudience,
                "no AudienceRestriction (required by the profile)",
            )
            .span(span)
            .fix_opt(ctx.hint(C::ConditionsAudience, sp)),
        );
    } else {
        let mut result = None;
        for r in &restrictions {
            let audiences: Vec<String> = ctx
                .doc
                .children_named(*r, SAML, "Audience")
                .map(|a| ctx.value(a))
                .collect();
            let found = audiences.join(", ");
            match sp {
                Some(sp) if audiences.iter().any(|a| a == sp) => {}
                Some(sp) => {
                    result = Some(
                        Check::fail(
                            C::ConditionsAudience,
                            "the Audience is not this service provider's entity ID",
                        )
                        .expected(sp)
                        .found(if found.is_empty() {
                            "(empty)".into()
                        } else {
                            found
                        })
                        .span(ctx.doc.span(*r))
                        .fix_opt(ctx.hint(C::ConditionsAudience, Some(sp))),
                    );
                    break;
                }
                None => {
                    result = Some(
                        Check::skipped(
                            C::ConditionsAudience,
                            "not checked: no SP entity ID configured",
                        )
                        .found(found)
                        .span(ctx.doc.span(*r)),
                    );
                }
            }
        }
        out.push(result.unwrap_or_else(|| {
            Check::pass(
                C::ConditionsAudience,
                "the Audience names this service provider",
            )
            .found(sp.unwrap_or_default())
            .span(span)
        }));
    }
    // Anything else in Conditions cannot be evaluated: the assertion is then Indeterminate.
    let mut one_time = 0;
    let mut proxy = 0;
    let mut unknown = None;
    for c in ctx.doc.child_elements(cond) {
        if ctx.doc.is(c, SAML, "AudienceRestriction") {
        } else if ctx.doc.is(c, SAML, "OneTimeUse") {
            one_time += 1;
        } else if ctx.doc.is(c, SAML, "ProxyRestriction") {
            proxy += 1;
        } else {
            unknown = Some(c);
        }
    }
    out.push(if let Some(u) = unknown {
        Check::fail(C::ConditionsUnknown, "a condition that cannot be evaluated makes the assertion invalid (core §2.5.1)")
            .found(ctx.doc.element(u).map(|e| e.qname()).unwrap_or_default())
            .span(ctx.doc.span(u))
            .fix_opt(ctx.hint(C::ConditionsUnknown, None))
    } else if one_time > 1 || proxy > 1 {
        Check::fail(C::ConditionsUnknown, "OneTimeUse and ProxyRestriction may appear at most once (core §2.5.1)")
            .span(span)
            .fix_opt(ctx.hint(C::ConditionsUnknown, None))
    } else if one_time == 1 {
        Check::warn(C::ConditionsUnknown, "OneTimeUse: the SP must refuse a second use of this assertion (needs its replay cache)").span(span)
    } else {
        Check::pass(C::ConditionsUnknown, "no conditions beyond the audience")
    });
    (nb_text, noa_text)
}

/// The AuthnStatements: AuthnInstant is required on each (core §2.7.2), SessionNotOnOrAfter
/// optional but, when there, a limit the SP must honour.
fn authn(ctx: &Ctx<'_>, out: &mut Vec<Check>) {
    let statements: Vec<NodeId> = ctx
        .doc
        .children_named(ctx.assertion, SAML, "AuthnStatement")
        .collect();
    let Some(&first) = statements.first() else {
        out.push(
            Check::fail(
                C::AuthnStatement,
                "no AuthnStatement: this is not a login assertion",
            )
            .fix_opt(ctx.hint(C::AuthnStatement, None)),
        );
        return;
    };
    let mut local = Vec::new();
    let mut logged_in = None;
    for &st in &statements {
        let at = time_attr(
            ctx,
            st,
            "AuthnInstant",
            Presence::Required,
            C::AuthnStatement,
            &mut local,
        );
        if let (None, TimeAttr::At(t)) = (logged_in, at) {
            logged_in = Some(t);
        }
    }
    let refused = local.iter().any(|c| c.status == Status::Fail);
    if let (false, Some(t)) = (refused, logged_in) {
        out.push(
            Check::pass(
                C::AuthnStatement,
                [
                    "the assertion states how the user logged in (at ",
                    &t.to_rfc3339(),
                    ")",
                ]
                .concat(),
            )
            .span(ctx.doc.span(first)),
        );
    }
    out.append(&mut local);
    for st in statements {
        session(ctx, st, out);
    }
}

fn session(ctx: &Ctx<'_>, st: NodeId, out: &mut Vec<Check>) {
    match time_attr(
        ctx,
        st,
        "SessionNotOnOrAfter",
        Presence::Optional,
        C::AuthnSession,
        out,
    ) {
        TimeAttr::At(t) if ctx.policy.now >= t.plus_seconds(ctx.skew()) => out.push(
            Check::fail(C::AuthnSession, format!("the IdP session ended at {t}"))
                .found(ctx.policy.now.to_rfc3339())
                .span(ctx.doc.span(st))
                .fix_opt(ctx.hint(C::AuthnSession, None)),
        ),
        TimeAttr::At(t) => out.push(Check::pass(
            C::AuthnSession,
            ["the IdP session lasts until ", &t.to_rfc3339()].concat(),
        )),
        TimeAttr::Absent => out.push(Check::pass(
            C::AuthnSession,
            "no SessionNotOnOrAfter (the SP decides the session length)",
        )),
        TimeAttr::Refused => {}
    }
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
