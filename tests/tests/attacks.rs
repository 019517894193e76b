//! Every generator of the attack catalogue, applied to a validly signed response, is rejected
//! with exactly the check the catalogue names (or, for comment injection, yields the full
//! NameID). The list is the catalogue itself, so a new attack is tested automatically.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use samlscope_core::checks::CheckId;
use samlscope_core::saml::{SignatureRules, verify_response};
use samlscope_core::trust::TrustStore;
use samlscope_core::xml::parse;
use samlscope_forge::attacks::{Expected, Impact, catalogue};

/// Runs parse → structure → signatures and returns the check that rejected, or the NameID.
fn outcome(xml: &str, trust: &TrustStore, rules: SignatureRules) -> Result<String, CheckId> {
    let doc = parse(xml.as_bytes()).map_err(|e| e.check_id())?;
    let v = verify_response(&doc, trust, rules).map_err(|e| e.check_id())?;
    let a = v.assertion.map_err(|e| e.check_id())?;
    Ok(a.identity().name_id.map(|n| n.value).unwrap_or_default())
}

#[test]
fn valid_responses_pass_in_every_signing_mode() {
    let fx = common::fixture();
    let trust = common::trust_idp();
    let base = samlscope_forge::build::response_xml(&fx.spec);
    for ids in [
        vec![fx.spec.assertion_id.as_str()],
        vec![fx.spec.response_id.as_str()],
        vec![fx.spec.assertion_id.as_str(), fx.spec.response_id.as_str()],
    ] {
        let mut xml = base.clone();
        for id in &ids {
            xml = samlscope_forge::sign::sign_enveloped(&xml, id, &fx.idp, &fx.options).unwrap();
        }
        assert_eq!(
            outcome(&xml, &trust, SignatureRules::default()),
            Ok("alice@acmecorp.com".to_owned()),
            "signed {ids:?}"
        );
    }
}

#[test]
fn every_catalogue_attack_gets_its_expected_outcome() {
    let fx = common::fixture();
    let trust = common::trust_idp();
    assert!(catalogue().len() >= 40, "catalogue shrank");
    let mut failures = Vec::new();
    for attack in catalogue() {
        let xml = attack
            .build(&fx)
            .unwrap_or_else(|e| panic!("{}: generator failed: {e}", attack.id));
        let got = outcome(&xml, &trust, SignatureRules::default());
        let ok = match attack.expected {
            Expected::Reject { check } => got == Err(check),
            Expected::AcceptFullNameId => got == Ok(attack.signed_name_id(&fx)),
        };
        if !ok {
            failures.push(format!(
                "{}: expected {:?}, got {:?}",
                attack.id, attack.expected, got
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A takeover is built in its exploit form: the message names the attacker's chosen identity,
/// where a vulnerable SP reads it, so that such an SP logs that user in, not the victim.
#[test]
fn every_takeover_plants_the_evil_identity_as_the_name_id() {
    let fx = common::fixture();
    for attack in catalogue() {
        let xml = attack.build(&fx).unwrap();
        let planted = xml.contains(&format!(">{}<", fx.evil_name_id))
            || xml.contains(&format!("><![CDATA[{}]]><", fx.evil_name_id));
        assert_eq!(
            planted,
            attack.impact == Impact::Takeover,
            "{}: impact {} but the evil identity is {}planted",
            attack.id,
            attack.impact,
            if planted { "" } else { "not " }
        );
        assert!(!attack.rule.is_empty(), "{}: no rule", attack.id);
    }
}

#[test]
fn ids_are_unique() {
    let mut ids: Vec<_> = catalogue().iter().map(|a| a.id).collect();
    ids.sort_unstable();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n);
}
