//! Every scenario the IdP serves gets exactly its expected verdict from core's `validate`, with
//! the app's served metadata as trust — valid ones valid, attacks rejected by the catalogue's
//! check, policy failures by theirs. The list is the IdP's (built from core's catalogue), so a
//! new attack is covered without touching this file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::*;
use samlscope_core::report::Verdict;
use samlscope_forge::attacks::catalogue;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_gets_its_expected_verdict_from_core() {
    let idp = start().await;
    let list = get(idp.addr(), "/api/scenarios").await;
    assert_eq!(list.status, 200);
    let list: Vec<serde_json::Value> = serde_json::from_str(&list.body).unwrap();
    // valid ×3 + 9 policy failures + the whole catalogue, nothing else.
    assert_eq!(list.len(), 3 + 9 + catalogue().len());
    for a in catalogue() {
        assert!(list.iter().any(|s| s["name"] == a.id), "{} missing", a.id);
    }
    let mut failures = Vec::new();
    for s in &list {
        let name = s["name"].as_str().unwrap();
        let expected = s["expected_sp_verdict"].as_str().unwrap();
        let check = s["expected_check"].as_str();
        let r = get(
            idp.addr(),
            &format!("/api/apps/avoma/responses/{name}?user=alice%40acmecorp.com&in_response_to=_req_test&relay_state=rs1"),
        )
        .await;
        assert_eq!(r.status, 200, "{name}: {}", r.body);
        let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(j["scenario"], name);
        assert_eq!(j["relay_state"], "rs1");
        assert_eq!(j["acs_url"], "https://prod-api.avoma.com/saml2/acs");
        assert_eq!(j["expected_sp_verdict"], expected);
        let xml = j["xml"].as_str().unwrap();
        assert_eq!(b64(j["saml_response"].as_str().unwrap()), xml);
        let report = sp_validate(&idp, "avoma", xml, Some("_req_test")).await;
        let got = report.verdict;
        let failed = failed_ids(&report);
        let ok = match expected {
            "valid" => got == Verdict::Valid,
            "invalid" => got == Verdict::Invalid && check.is_some_and(|c| failed.contains(&c)),
            other => panic!("verdict {other}"),
        };
        if !ok {
            failures.push(format!(
                "{name}: expected {expected} ({check:?}), got {got:?} failing {failed:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn scenario_api_formats_and_errors() {
    let idp = start().await;
    let a = idp.addr();
    let q = "user=alice%40acmecorp.com";
    let html = get(
        a,
        &format!("/api/apps/avoma/responses/valid-both?{q}&format=html"),
    )
    .await;
    assert_eq!(html.status, 200);
    let f = form(&html.body).unwrap();
    assert_eq!(f.action, "https://prod-api.avoma.com/saml2/acs");
    assert!(b64(f.get("SAMLResponse").unwrap()).contains("saml2p:Response"));
    // IdP-initiated: Default RelayState.
    assert_eq!(f.get("RelayState"), Some("https://app.avoma.com"));
    let xml = get(
        a,
        &format!("/api/apps/avoma/responses/valid-assertion?{q}&format=xml"),
    )
    .await;
    assert_eq!(xml.status, 200);
    assert!(xml.body.starts_with("<saml2p:Response"));
    assert!(
        !xml.body.contains("InResponseTo"),
        "IdP-initiated has no InResponseTo"
    );
    for (target, status) in [
        (format!("/api/apps/avoma/responses/nope?{q}"), 404),
        (format!("/api/apps/nope/responses/valid-both?{q}"), 404),
        ("/api/apps/avoma/responses/valid-both".to_owned(), 400),
        (
            "/api/apps/avoma/responses/valid-both?user=nobody%40x.com".to_owned(),
            400,
        ),
        (
            format!("/api/apps/avoma/responses/valid-both?{q}&format=pdf"),
            400,
        ),
        (
            format!("/api/apps/avoma/responses/valid-both?{q}&acs_url=https%3A%2F%2Fevil"),
            400,
        ),
    ] {
        let r = get(a, &target).await;
        assert_eq!(r.status, status, "{target}: {}", r.body);
        let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert!(!j["error"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn library_api_gives_responses_directly() {
    let idp = start().await;
    assert!(idp.base_url().starts_with("http://127.0.0.1:"));
    let md = idp.metadata("avoma").unwrap();
    assert!(md.contains("entityID=\"jumpcloud-acmecorp\""));
    let made = idp
        .response("avoma", "alice@acmecorp.com", "valid-response")
        .unwrap();
    let report = sp_validate(&idp, "avoma", &made.xml, None).await;
    assert_eq!(report.verdict, Verdict::Valid, "{:?}", failed_ids(&report));
    assert_eq!(report.name_id.as_deref(), Some("alice@acmecorp.com"));
    let made = idp
        .response_to("avoma", "alice@acmecorp.com", "xsw3", Some("_r"))
        .unwrap();
    let report = sp_validate(&idp, "avoma", &made.xml, Some("_r")).await;
    assert_eq!(report.verdict, Verdict::Invalid);
    assert!(idp.response("avoma", "alice@acmecorp.com", "nope").is_err());
}

/// The JSON the page fetches reads as the wire types the server and the page share.
#[tokio::test]
async fn api_json_reads_as_the_shared_wire_types() {
    use samlscope_api::{ApiError, AppInfo, Scenario, ScenarioResponse, SpVerdict};
    let idp = start().await;
    let a = idp.addr();
    let listed: Vec<Scenario> = serde_json::from_str(&get(a, "/api/scenarios").await.body).unwrap();
    let expected: Vec<Scenario> = samlscope_idp::scenarios().iter().map(Into::into).collect();
    assert_eq!(listed, expected);
    let apps: Vec<AppInfo> = serde_json::from_str(&get(a, "/api/apps").await.body).unwrap();
    assert_eq!(apps[0].label, "avoma");
    assert_eq!(apps[0].example_user.as_deref(), Some("alice@acmecorp.com"));
    let r = get(
        a,
        "/api/apps/avoma/responses/xsw1?user=alice%40acmecorp.com&in_response_to=_r1",
    )
    .await;
    assert_eq!(r.status, 200);
    let r: ScenarioResponse = serde_json::from_str(&r.body).unwrap();
    assert_eq!(r.scenario, "xsw1");
    assert_eq!(r.expected_sp_verdict, SpVerdict::Invalid);
    assert_eq!(r.in_response_to.as_deref(), Some("_r1"));
    assert_eq!(r.acs_url, "https://prod-api.avoma.com/saml2/acs");
    assert_eq!(b64(&r.saml_response), r.xml);
    let e = get(a, "/api/apps/nope/metadata").await;
    assert_eq!(e.status, 404);
    let e: ApiError = serde_json::from_str(&e.body).unwrap();
    assert!(e.error.contains("nope"), "{}", e.error);
}
