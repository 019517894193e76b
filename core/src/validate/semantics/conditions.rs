//! Conditions (the validity window and the Audience, SAML core §2.5) and the AuthnStatement
//! with its session (SAML profiles §4.1.4.2).

use super::*;

/// Conditions: time window, audience, nothing unknown. Returns (NotBefore, NotOnOrAfter) as the
/// report writes them; `now_text` is `now` written so.
pub(super) fn conditions(
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
pub(super) fn authn(ctx: &Ctx<'_>, out: &mut Vec<Check>) {
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
