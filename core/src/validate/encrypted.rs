//! The EncryptedAssertion path: decrypt with the SP key, then the decrypted assertion goes
//! through the same structure, signature and profile checks as a plain one.

use super::*;

/// A decrypted assertion that cannot be read or whose structure is refused: the failure (with
/// its span in the plaintext, when it is one element), and the plaintext kept in the report for
/// the admin to look at.
fn refuse_decrypted(report: &mut Report, e: &crate::saml::StructureError, jc: bool, xml: String) {
    let id = e.check_id();
    let mut c = Check::fail(id, format!("decrypted assertion: {e}")).fix_opt(fix(id, jc, None));
    if let Some(span) = e.span() {
        c = c.span(span);
    }
    report.checks.push(c);
    report.decrypted_assertion = Some(xml);
}

/// The EncryptedAssertion path: decrypt with the SP key (the plaintext parsed as its own
/// document on the way), check its structure and its own signature, then the profile checks on it.
pub(super) fn encrypted(
    doc: &Document,
    node: NodeId,
    key: &crate::xenc::DecryptionKey,
    policy: &Policy,
    response_key: Option<&SignatureFacts>,
    jc: bool,
    report: &mut Report,
) {
    let response_signed = response_key.is_some();
    let (decrypted, inner) = match crate::xenc::decrypt_to_document(
        doc,
        node,
        crate::xenc::EncryptedElement::Assertion,
        key,
        &policy.decryption_rules(),
    ) {
        Ok(d) => d,
        Err(e) => {
            let hint = match e {
                crate::xenc::XencError::MalformedPlaintext { .. } => {
                    Some(encrypted_parts::PLAINTEXT_HINT.to_owned())
                }
                _ => fix(C::AssertionEncrypted, jc, None),
            };
            report.checks.push(
                Check::fail(
                    C::AssertionEncrypted,
                    encrypted_parts::message(crate::xenc::EncryptedElement::Assertion, &e),
                )
                .span(doc.span(node))
                .fix_opt(hint),
            );
            return;
        }
    };
    let mut c = Check::pass(
        C::AssertionEncrypted,
        format!(
            "decrypted ({}); the assertion is checked as its own document",
            decrypted.data_algorithm.as_uri()
        ),
    );
    if decrypted.data_algorithm.is_cbc() {
        c = Check::warn(
            C::AssertionEncrypted,
            format!(
                "decrypted, but with weak algorithms: {}",
                decrypted.weak.join(", ")
            ),
        );
    }
    report.checks.push(c.span(doc.span(node)));
    let v = match crate::saml::verify_decrypted(
        &inner,
        &policy.trust,
        policy.signature_rules(),
        response_signed,
    ) {
        Ok(v) => v,
        Err(e) => return refuse_decrypted(report, &e, jc, decrypted.xml),
    };
    advice_warnings(&v.layout.advice_assertions, "decrypted assertion: ", report);
    let mut verified_keys: Vec<(&'static str, &SignatureFacts)> = Vec::new();
    verified_keys.extend(response_key.map(|f| ("response", f)));
    // Before decryption the assertion's own signature could only be announced as "checked
    // after decryption"; now it is known.
    report
        .checks
        .retain(|c| !(c.id == C::SignaturePresent && c.status == Status::Skipped));
    if let (Some(sig_node), Some(result)) = (v.layout.signature, &v.signature) {
        judge_signature(
            "decrypted assertion",
            &inner,
            sig_node,
            result,
            policy,
            jc,
            true,
            report,
        );
        if let Ok(ver) = result {
            verified_keys.push(("decrypted assertion", ver.facts()));
        }
        if !report.checks.iter().any(|c| c.id == C::SignaturePresent) {
            report.checks.push(Check::pass(
                C::SignaturePresent,
                "signed: the decrypted Assertion",
            ));
        }
    }
    if let Err(e) = &v.assertion
        && !report
            .checks
            .iter()
            .any(|c| c.id == e.check_id() && c.status == Status::Fail)
    {
        report
            .checks
            .push(Check::fail(e.check_id(), e.to_string()).fix_opt(fix(e.check_id(), jc, None)));
    }
    // The response's own binding was judged with its checks; only the decrypted signature's
    // failures are new here.
    let mut binding_checks = Vec::new();
    let expected_issuer = expected_issuer(policy, &verified_keys, &mut binding_checks);
    for c in binding_checks {
        if !report.checks.contains(&c) {
            report.checks.push(c);
        }
    }
    let consumed = match &v.assertion {
        Ok(a) => Consumed::Verified(a),
        Err(_) => Consumed::Claimed {
            doc: &inner,
            node: v.layout.assertion,
        },
    };
    consume(
        consumed,
        policy,
        &expected_issuer,
        jc,
        response_signed,
        report,
    );
    report.decrypted_assertion = Some(decrypted.xml);
}
