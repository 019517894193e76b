//! Profiles §4.1.4.2 asks for at least one bearer SubjectConfirmation that satisfies it: one
//! that does is enough whatever the others say, and when none does the failure says why each
//! one fails. The check ids are those of a single confirmation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{edited, policy};
use samlscope_core::checks::CheckId as C;
use samlscope_core::report::{Report, Status, Verdict};
use samlscope_core::validate::validate;

const GOOD: &str = "<saml2:SubjectConfirmation Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\"><saml2:SubjectConfirmationData InResponseTo=\"_req42\" NotOnOrAfter=\"2026-11-28T12:05:00Z\" Recipient=\"https://prod-api.avoma.com/saml2/acs\"/></saml2:SubjectConfirmation>";
const ACS: &str = "https://prod-api.avoma.com/saml2/acs";

fn other_recipient() -> String {
    GOOD.replace(ACS, "https://evil.example/acs")
}

fn expired() -> String {
    GOOD.replace("12:05:00Z", "11:50:00Z")
}

fn with_not_before() -> String {
    GOOD.replace(
        "<saml2:SubjectConfirmationData ",
        "<saml2:SubjectConfirmationData NotBefore=\"2026-11-28T11:55:00Z\" ",
    )
}

fn another_request() -> String {
    GOOD.replace("_req42", "_req41")
}

/// The example response with its one confirmation replaced by `confirmations`, then signed.
fn with_confirmations(confirmations: &[&str]) -> Report {
    let xml = edited(|x| {
        assert!(x.contains(GOOD), "{x}");
        x.replacen(GOOD, &confirmations.concat(), 1)
    });
    validate(xml.as_bytes(), &policy())
}

fn passes(r: &Report, id: C) -> bool {
    r.checks
        .iter()
        .any(|c| c.id == id && c.status == Status::Pass)
        && !r
            .checks
            .iter()
            .any(|c| c.id == id && c.status == Status::Fail)
}

#[test]
fn one_good_bearer_confirmation_is_enough_in_either_order() {
    for bad in [
        other_recipient(),
        expired(),
        with_not_before(),
        another_request(),
    ] {
        for order in [[GOOD, bad.as_str()], [bad.as_str(), GOOD]] {
            let r = with_confirmations(&order);
            assert_eq!(r.verdict, Verdict::Valid, "{order:?}: {:#?}", r.checks);
            for id in [
                C::SubjectConfirmation,
                C::SubjectRecipient,
                C::SubjectInResponseTo,
            ] {
                assert!(passes(&r, id), "{id} {order:?}: {:#?}", r.checks);
            }
            // What is reported is the confirmation that satisfies the profile.
            assert_eq!(
                r.check(C::SubjectRecipient).unwrap().found.as_deref(),
                Some(ACS)
            );
            assert_eq!(
                r.time_window.unwrap().subject_not_on_or_after.as_deref(),
                Some("2026-11-28T12:05:00Z")
            );
        }
    }
}

#[test]
fn when_no_bearer_confirmation_satisfies_each_reason_is_given() {
    let (recipient, old) = (other_recipient(), expired());
    let r = with_confirmations(&[&recipient, &old]);
    assert_eq!(r.verdict, Verdict::Invalid);
    let failed: Vec<C> = r.failed().map(|c| c.id).collect();
    assert!(
        failed
            .iter()
            .all(|id| [C::SubjectConfirmation, C::SubjectRecipient].contains(id)),
        "{failed:?}"
    );
    let summary = r
        .failed()
        .find(|c| c.id == C::SubjectConfirmation && c.message.contains("none of the 2"))
        .unwrap_or_else(|| panic!("{:#?}", r.checks));
    let m = &summary.message;
    assert!(m.contains("#1: Recipient is not"), "{m}");
    assert!(m.contains("evil.example"), "{m}");
    assert!(m.contains("#2: the bearer confirmation expired"), "{m}");
    // The detail shown is the first one's, under the usual ids.
    assert_eq!(
        r.failed()
            .find(|c| c.id == C::SubjectRecipient)
            .unwrap()
            .found
            .as_deref(),
        Some("https://evil.example/acs")
    );
    // One failing confirmation alone is reported as before, without a summary.
    let r = with_confirmations(&[&old]);
    assert!(
        r.failed()
            .all(|c| c.id == C::SubjectConfirmation && !c.message.contains("none of")),
        "{:#?}",
        r.checks
    );
}

#[test]
fn other_methods_are_not_the_profiles() {
    let hok = GOOD.replace("cm:bearer", "cm:holder-of-key");
    let r = with_confirmations(&[&hok.replace(ACS, "https://evil.example/acs"), GOOD]);
    assert_eq!(r.verdict, Verdict::Valid, "{:#?}", r.checks);
    let r = with_confirmations(&[&hok]);
    assert_eq!(r.verdict, Verdict::Invalid);
    assert!(
        r.failed()
            .any(|c| c.id == C::SubjectConfirmation && c.message.contains("bearer method"))
    );
}

#[test]
fn an_unreadable_time_in_any_bearer_confirmation_is_refused() {
    // The message breaks the schema whichever confirmation an SP would use.
    let garbage = GOOD.replace("2026-11-28T12:05:00Z", "soon");
    for order in [[GOOD, garbage.as_str()], [garbage.as_str(), GOOD]] {
        let r = with_confirmations(&order);
        assert_eq!(r.verdict, Verdict::Invalid, "{order:?}");
        let failed: Vec<_> = r.failed().collect();
        assert!(
            failed.iter().all(|c| c.id == C::SubjectConfirmation
                && c.message.contains("SubjectConfirmationData NotOnOrAfter")),
            "{failed:#?}"
        );
        assert!(!failed.is_empty());
    }
}
