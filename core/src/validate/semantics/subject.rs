//! The Subject: NameID (format, value, SP name qualifier) and the bearer SubjectConfirmation
//! (Recipient, NotOnOrAfter, InResponseTo, Address) of the Web Browser SSO profile (SAML
//! profiles §4.1.4.2).

use super::*;

/// NameID, its format, and the bearer SubjectConfirmation. Returns the bearer NotOnOrAfter, as
/// the report writes it.
pub(super) fn subject(ctx: &Ctx<'_>, out: &mut Vec<Check>) -> Option<String> {
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
