//! The checks of each signature a Response carries (or its decrypted assertion does): who
//! verified it, that its content is unchanged, its algorithms, its KeyInfo, the trusted
//! certificate's validity, and for a failure the diagnosis an admin needs.

use super::*;

pub(super) fn signature_checks(
    doc: &Document,
    v: &ResponseVerification<'_>,
    policy: &Policy,
    jc: bool,
    report: &mut Report,
) {
    for k in policy.trust.certificates() {
        report.certificates.push(CertificateCard {
            role: "trusted",
            info: k.certificate.shared_info(),
            matches_trusted: None,
        });
    }
    let assertion_sig = match v.layout.assertion {
        Some(AssertionSlot::Plain { signature, .. }) => signature,
        _ => None,
    };
    let slots = [
        (
            "response",
            v.layout.signature,
            v.response_signature.as_ref(),
        ),
        ("assertion", assertion_sig, v.assertion_signature.as_ref()),
    ];
    let mut any_signature = false;
    for (element, sig_node, result) in slots {
        let (Some(sig_node), Some(result)) = (sig_node, result) else {
            continue;
        };
        any_signature = true;
        judge_signature(element, doc, sig_node, result, policy, jc, false, report);
    }
    let encrypted = matches!(v.layout.assertion, Some(AssertionSlot::Encrypted { .. }));
    if !any_signature && encrypted {
        // The assertion's own signature is inside the ciphertext: judged after decryption.
        report.checks.push(Check::skipped(
            C::SignaturePresent,
            "the Response is not signed; the encrypted assertion's signature is checked after decryption",
        ));
    } else if !any_signature {
        report.checks.push(
            Check::fail(
                C::SignaturePresent,
                "neither the Response nor the Assertion is signed",
            )
            .fix_opt(fix(C::SignaturePresent, jc, None)),
        );
    } else if let Err(e @ (ConsumeError::ResponseNotSigned | ConsumeError::AssertionNotSigned)) =
        &v.assertion
    {
        report
            .checks
            .push(Check::fail(C::SignaturePresent, e.to_string()).fix_opt(fix(
                C::SignaturePresent,
                jc,
                None,
            )));
    } else {
        let which = match (v.layout.signature.is_some(), assertion_sig.is_some()) {
            (true, true) => "signed: Response and Assertion",
            (true, false) => "signed: Response",
            (false, true) => "signed: Assertion",
            (false, false) => "signed: ",
        };
        report.checks.push(Check::pass(C::SignaturePresent, which));
    }
}

/// The checks of one signature, whichever element carries it and whichever document it is in
/// (the message, or a decrypted assertion: `in_decrypted`): the certificates it carries as
/// cards, then the checks of a verified signature or the diagnosis of a failed one. A plain
/// and a decrypted assertion's signature are judged by this one function, so neither gets
/// fewer checks than the other.
#[allow(clippy::too_many_arguments)] // each argument is a distinct fact about the signature
pub(super) fn judge_signature(
    element: &'static str,
    doc: &Document,
    sig_node: NodeId,
    result: &Result<Verified<'_>, SignatureError>,
    policy: &Policy,
    jc: bool,
    in_decrypted: bool,
    report: &mut Report,
) {
    // A verified signature has at most one KeyInfo (its schema was checked) and kept what it
    // read there with this same trust store; only a failed one is read again.
    let reread: Vec<Certificate>;
    let keyinfo: &[Certificate] = match result {
        Ok(ver) => ver.keyinfo(),
        Err(_) => {
            reread = doc
                .children_named(sig_node, DS, "KeyInfo")
                .flat_map(|k| crate::dsig::keyinfo_certificates(doc, k, &policy.trust))
                .collect();
            &reread
        }
    };
    for c in keyinfo {
        let matches = policy.trust.contains(c);
        if !report
            .certificates
            .iter()
            .any(|card| *card.info == *c.info())
        {
            report.certificates.push(CertificateCard {
                role: "keyinfo",
                info: c.shared_info(),
                matches_trusted: Some(matches),
            });
        }
    }
    match result {
        Ok(ver) => verified_checks(element, ver, policy, jc, in_decrypted, report),
        // A span in a decrypted assertion points into its text, not the message's.
        Err(e) => failed_check(element, e, keyinfo, policy, jc, doc.span(sig_node), report),
    }
}

fn verified_checks(
    element: &'static str,
    ver: &Verified<'_>,
    policy: &Policy,
    jc: bool,
    in_decrypted: bool,
    report: &mut Report,
) {
    let f = ver.facts();
    report.signed_regions.push(SignedRegion {
        element,
        span: f.signed_span,
        signature_span: f.signature_span,
        in_decrypted_assertion: in_decrypted,
    });
    // The messages of a verified signature are joined, not formatted: they are written for
    // every valid message.
    report.checks.push(
        Check::pass(
            C::SignatureTrusted,
            [
                element,
                " signature verified with the trusted certificate ",
                &f.verified_with.subject,
                &of_entity(&f.binding),
            ]
            .concat(),
        )
        .found(f.verified_with.sha256_fingerprint.clone())
        .span(f.signature_span),
    );
    report.checks.push(
        Check::pass(
            C::SignatureDigest,
            ["the signed ", element, " is unchanged (digest matches)"].concat(),
        )
        .span(f.signed_span),
    );
    if !f.weak.is_empty() {
        report.checks.push(
            Check::warn(
                C::SignatureAlgorithms,
                format!("weak but allowed by policy: {}", f.weak.join(", ")),
            )
            .fix_opt(fix(C::SignatureAlgorithms, jc, None)),
        );
    } else if !f.discouraged.is_empty() {
        report.checks.push(
            Check::warn(
                C::SignatureAlgorithms,
                format!(
                    "valid, but {} (SAML core §5.4.3: exclusive C14N should be used)",
                    f.discouraged.join(", ")
                ),
            )
            .fix(hints::INCLUSIVE_C14N),
        );
    } else {
        report.checks.push(Check::pass(
            C::SignatureAlgorithms,
            [
                f.signature_algorithm.name(),
                " with ",
                f.digest_algorithm.name(),
                " digest",
            ]
            .concat(),
        ));
    }
    if f.keyinfo_matches == Some(false) {
        report.checks.push(Check::warn(
            C::SignatureKeyInfo,
            "KeyInfo carries a different certificate than the one that verified (ignored: KeyInfo is never trusted)",
        ));
    }
    if policy.check_certificate_validity {
        let now = policy.now.unix_seconds();
        let info = &f.verified_with;
        let c = if now < info.not_before {
            Check::fail(
                C::CertificateValidity,
                "the trusted IdP certificate is not yet valid",
            )
        } else if now > info.not_after {
            Check::fail(
                C::CertificateValidity,
                "the trusted IdP certificate has expired",
            )
        } else if info.not_after - now < 30 * 86_400 {
            Check::warn(
                C::CertificateValidity,
                "the trusted IdP certificate expires within 30 days",
            )
        } else {
            Check::pass(
                C::CertificateValidity,
                "the trusted IdP certificate is within its validity period",
            )
        };
        let status = c.status;
        let c = c.found(crate::saml::time::Instant::from_unix_seconds(info.not_after).to_rfc3339());
        report.checks.push(if status == Status::Pass {
            c
        } else {
            c.fix_opt(fix(C::CertificateValidity, jc, None))
        });
    }
}

fn failed_check(
    element: &'static str,
    e: &SignatureError,
    keyinfo: &[Certificate],
    policy: &Policy,
    jc: bool,
    span: crate::xml::Span,
    report: &mut Report,
) {
    let id = e.check_id();
    let mut c = Check::fail(id, format!("{element} signature: {e}"))
        .span(span)
        .fix_opt(fix(id, jc, None));
    if matches!(
        e,
        SignatureError::BadSignature { .. } | SignatureError::UntrustedKey(_)
    ) {
        // The classic diagnosis: the IdP signs with a certificate the SP does not have (rotated).
        let trusted: Vec<String> = policy
            .trust
            .certificates()
            .iter()
            .map(|k| k.certificate.info().sha256_fingerprint.clone())
            .collect();
        if let Some(k) = keyinfo.iter().find(|k| !policy.trust.contains(k)) {
            c = c
                .found(format!(
                    "signed with certificate {} (SHA-256 {})",
                    k.info().subject,
                    k.info().sha256_fingerprint
                ))
                .expected(if trusted.is_empty() {
                    "a configured certificate".into()
                } else {
                    format!("SHA-256 {}", trusted.join(" or "))
                });
            c.message = format!(
                "{element} signature does not verify with the trusted certificate; the message carries a different certificate — was the IdP certificate regenerated?"
            );
        }
    }
    report.checks.push(c);
    let _ = Verdict::Invalid;
}
