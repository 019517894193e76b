//! Every time the profile reads is parsed or refused: a value that is not an xs:dateTime, or a
//! required one that is missing, is a failing check naming the attribute and its element, in a
//! correctly signed message whose only fault it is. Never a check silently left out.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{at, edited, policy};
use samlscope_core::checks::CheckId as C;
use samlscope_core::report::{Report, Status, Verdict};
use samlscope_core::validate::{valid_when_issued, validate};
use samlscope_forge::build::response_xml;
use samlscope_forge::sign::sign_enveloped;

const RESPONSE_ISSUED: &str =
    "ID=\"_r1f0c2d9e8b7a6\" InResponseTo=\"_req42\" IssueInstant=\"2026-11-28T12:00:00Z\"";
const ASSERTION_ISSUED: &str = "ID=\"_a5e4d3c2b1a09\" IssueInstant=\"2026-11-28T12:00:00Z\"";
const AUTHN_INSTANT: &str = "AuthnInstant=\"2026-11-28T12:00:00Z\"";
const SESSION_END: &str = "SessionNotOnOrAfter=\"2026-11-29T12:00:00Z\"";
const CONDITIONS: &str =
    "<saml2:Conditions NotBefore=\"2026-11-28T11:55:00Z\" NotOnOrAfter=\"2026-11-28T12:05:00Z\">";
const CONFIRMATION_DATA: &str = "<saml2:SubjectConfirmationData InResponseTo=\"_req42\" NotOnOrAfter=\"2026-11-28T12:05:00Z\" Recipient=\"https://prod-api.avoma.com/saml2/acs\"/>";

/// The example response with `from` (which must occur) replaced by `to`, then signed.
fn with(from: &str, to: &str) -> String {
    edited(|x| {
        assert!(x.contains(from), "{from} not in {x}");
        x.replacen(from, to, 1)
    })
}

/// The only failures are of `id`, and one of them names every word of `names`.
fn fails_only_naming(r: &Report, id: C, names: &[&str]) {
    assert_eq!(r.verdict, Verdict::Invalid, "{:#?}", r.checks);
    let failed: Vec<_> = r.failed().collect();
    assert!(
        failed.iter().all(|c| c.id == id),
        "only {id} should fail: {failed:#?}"
    );
    assert!(
        failed
            .iter()
            .any(|c| names.iter().all(|n| c.message.contains(n))),
        "no failing {id} naming {names:?}: {failed:#?}"
    );
    assert!(r.identity.is_none() && r.name_id.is_none());
}

#[test]
fn the_example_is_valid_and_its_time_window_complete() {
    let r = validate(edited(|x| x).as_bytes(), &policy());
    assert_eq!(r.verdict, Verdict::Valid, "{:#?}", r.checks);
    let w = r.time_window.unwrap();
    assert_eq!(w.issue_instant.as_deref(), Some("2026-11-28T12:00:00Z"));
    assert_eq!(w.not_before.as_deref(), Some("2026-11-28T11:55:00Z"));
    assert_eq!(w.not_on_or_after.as_deref(), Some("2026-11-28T12:05:00Z"));
    assert_eq!(
        w.subject_not_on_or_after.as_deref(),
        Some("2026-11-28T12:05:00Z")
    );
    // Both IssueInstants are checked, each under its element's name.
    let issued: Vec<_> = r
        .checks
        .iter()
        .filter(|c| c.id == C::TimeIssueInstant)
        .map(|c| (c.status, c.message.as_str()))
        .collect();
    assert_eq!(
        issued,
        [
            (Status::Pass, "the Response was issued recently"),
            (Status::Pass, "the Assertion was issued recently"),
        ]
    );
}

#[test]
fn a_time_that_is_not_an_xs_date_time_is_a_failure_naming_it() {
    let garbage = |attr: &str, old: &str| (old.to_owned(), old.replace(attr, "yesterday"));
    let cases = [
        (
            garbage("2026-11-28T12:00:00Z", RESPONSE_ISSUED),
            C::TimeIssueInstant,
            ["Response", "IssueInstant"],
        ),
        (
            garbage("2026-11-28T12:00:00Z", ASSERTION_ISSUED),
            C::TimeIssueInstant,
            ["Assertion", "IssueInstant"],
        ),
        (
            garbage("2026-11-28T12:00:00Z", AUTHN_INSTANT),
            C::AuthnStatement,
            ["AuthnStatement", "AuthnInstant"],
        ),
        (
            garbage("2026-11-29T12:00:00Z", SESSION_END),
            C::AuthnSession,
            ["AuthnStatement", "SessionNotOnOrAfter"],
        ),
        (
            garbage("2026-11-28T11:55:00Z", CONDITIONS),
            C::ConditionsWindow,
            ["Conditions", "NotBefore"],
        ),
        (
            garbage("2026-11-28T12:05:00Z", CONDITIONS),
            C::ConditionsWindow,
            ["Conditions", "NotOnOrAfter"],
        ),
        (
            garbage("2026-11-28T12:05:00Z", CONFIRMATION_DATA),
            C::SubjectConfirmation,
            ["SubjectConfirmationData", "NotOnOrAfter"],
        ),
        (
            (
                "<saml2:SubjectConfirmationData ".to_owned(),
                "<saml2:SubjectConfirmationData NotBefore=\"2026-11-28T11:55:00\u{e9}Z\" "
                    .to_owned(),
            ),
            C::SubjectConfirmation,
            ["SubjectConfirmationData", "NotBefore"],
        ),
    ];
    for ((from, to), id, names) in cases {
        let r = validate(with(&from, &to).as_bytes(), &policy());
        fails_only_naming(&r, id, &names);
        let c = r
            .failed()
            .find(|c| names.iter().all(|n| c.message.contains(n)))
            .unwrap();
        // The report points at the attribute itself.
        let span = c.span.unwrap();
        assert!(
            r.xml[span.start..span.end].starts_with(names[1]),
            "{names:?}: {c:#?}"
        );
    }
}

#[test]
fn a_missing_authn_instant_is_a_failure_naming_it() {
    let r = validate(with(&format!(" {AUTHN_INSTANT}"), "").as_bytes(), &policy());
    fails_only_naming(&r, C::AuthnStatement, &["AuthnStatement", "AuthnInstant"]);
    // The statement is not also reported as passing.
    assert!(
        r.checks
            .iter()
            .all(|c| c.id != C::AuthnStatement || c.status == Status::Fail),
        "{:#?}",
        r.checks
    );
}

#[test]
fn a_second_authn_statement_is_read_too() {
    let second = "<saml2:AuthnStatement AuthnInstant=\"soon\"><saml2:AuthnContext><saml2:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml2:AuthnContextClassRef></saml2:AuthnContext></saml2:AuthnStatement><saml2:AttributeStatement>";
    let r = validate(
        with("<saml2:AttributeStatement>", second).as_bytes(),
        &policy(),
    );
    fails_only_naming(&r, C::AuthnStatement, &["AuthnInstant", "\"soon\""]);
}

#[test]
fn a_missing_issue_instant_is_refused_by_the_structure_check() {
    for old in [RESPONSE_ISSUED, ASSERTION_ISSUED] {
        let r = validate(
            with(
                old,
                &old.replace(" IssueInstant=\"2026-11-28T12:00:00Z\"", ""),
            )
            .as_bytes(),
            &policy(),
        );
        assert_eq!(r.verdict, Verdict::Invalid);
        assert!(
            r.failed().any(|c| c.message.contains("IssueInstant")),
            "{:#?}",
            r.checks
        );
    }
}

#[test]
fn a_time_with_an_offset_is_read_and_warned_about() {
    // 13:00+01:00 is 12:00Z: valid, but SAML says UTC with Z (core §1.3.3).
    let r = validate(
        with(AUTHN_INSTANT, "AuthnInstant=\"2026-11-28T13:00:00+01:00\"").as_bytes(),
        &policy(),
    );
    assert_eq!(r.verdict, Verdict::Valid, "{:#?}", r.checks);
    assert!(r.checks.iter().any(|c| c.id == C::AuthnStatement
        && c.status == Status::Warn
        && c.message.contains("AuthnInstant")));
    assert!(r.checks.iter().any(|c| c.id == C::AuthnStatement
        && c.status == Status::Pass
        && c.message.contains("2026-11-28T12:00:00Z")));
}

#[test]
fn the_response_issue_instant_is_held_to_the_same_age_rule() {
    let r = validate(
        with(
            RESPONSE_ISSUED,
            &RESPONSE_ISSUED.replace("12:00:00Z", "11:00:00Z"),
        )
        .as_bytes(),
        &policy(),
    );
    fails_only_naming(&r, C::TimeIssueInstant, &["Response", "11:00:00Z"]);
    // And an error status (no assertion) still has its IssueInstant read.
    let mut spec = common::spec();
    spec.status = "urn:oasis:names:tc:SAML:2.0:status:Responder".into();
    spec.issue_instant = "2026-11-28 12:00".into();
    let xml = sign_enveloped(
        &response_xml(&spec),
        &spec.response_id,
        &common::idp_signer(),
        &Default::default(),
    )
    .unwrap();
    let r = validate(xml.as_bytes(), &policy());
    assert!(
        r.failed()
            .any(|c| c.id == C::TimeIssueInstant && c.message.contains("Response IssueInstant")),
        "{:#?}",
        r.checks
    );
}

#[test]
fn an_unreadable_issue_instant_is_never_called_old_but_valid() {
    let mut later = policy();
    later.now = at("2026-11-29T12:00:00Z");
    // The control: the intact message, a day later, is merely old.
    let intact = validate(edited(|x| x).as_bytes(), &later);
    assert_eq!(
        valid_when_issued(&intact, &later).as_deref(),
        Some("2026-11-28T12:00:00Z")
    );
    for old in [RESPONSE_ISSUED, ASSERTION_ISSUED] {
        let xml = with(old, &old.replace("2026-11-28T12:00:00Z", "yesterday"));
        let r = validate(xml.as_bytes(), &later);
        assert_eq!(r.verdict, Verdict::Invalid);
        assert_eq!(valid_when_issued(&r, &later), None, "{old}");
        // The time bar keeps the values that were read.
        let w = r.time_window.unwrap();
        assert_eq!(w.not_before.as_deref(), Some("2026-11-28T11:55:00Z"));
        assert_eq!(w.issue_instant.is_none(), old == ASSERTION_ISSUED);
    }
}
