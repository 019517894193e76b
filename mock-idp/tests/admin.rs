//! The admin API over real HTTP on 127.0.0.1: an application created, used for SSO, changed and
//! deleted; users, groups, membership and assignments deciding who signs in; the token; bad
//! bodies; fuzzed bodies; concurrent writes; the directory saved in the state directory
//! surviving a restart on another port; and the sessions' settings (a TOTP secret, group
//! attributes, membership times) set through the API.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::*;
use samlscope_api::admin as wire;
use samlscope_core::report::Verdict;
use samlscope_idp::{Config, DirectoryOrigin, KeyStore, RunningIdp, TokenOrigin};
use serde_json::{Value, json};

const ALICE: (&str, &str) = ("alice@acmecorp.com", "alice-password");

/// One admin request with the server's token (or `token` when given) and a JSON body.
async fn admin(idp: &RunningIdp, method: &str, path: &str, body: Option<&Value>) -> Resp {
    admin_as(idp, Some(idp.admin_token()), method, path, body).await
}

async fn admin_as(
    idp: &RunningIdp,
    token: Option<&str>,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> Resp {
    let auth = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("Content-Type", "application/json")];
    if let Some(a) = &auth {
        headers.push(("Authorization", a.as_str()));
    }
    let bytes = body.map(|b| b.to_string()).unwrap_or_default();
    request(idp.addr(), method, path, &headers, bytes.as_bytes(), None).await
}

fn json_of(r: &Resp) -> Value {
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.body))
}

/// A new app as a test suite would create it: its own SP, ACS and Sign setting.
fn new_app(label: &str, acs: &str) -> Value {
    json!({
        "ssoUrl": label,
        "displayLabel": "Test SP",
        "idpEntityId": format!("jumpcloud-{label}"),
        "spEntityId": format!("https://{label}.test/sp"),
        "acsUrl": [acs],
        "signAssertion": true,
        "signResponse": false,
        "databaseAttributes": [{"name": "mail", "value": "email"}],
        "constantAttributes": [{"name": "tier", "value": "gold"}],
        "includeGroups": true,
        "groupsAttributeName": "memberOf",
        "userGroups": ["avoma-users"]
    })
}

/// IdP-initiated SSO: the login page, then the form signed in as `who`.
async fn sign_in(idp: &RunningIdp, label: &str, who: (&str, &str)) -> Resp {
    let page = get(idp.addr(), &format!("/saml2/{label}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let mut f = form(&page.body).expect("login form");
    f.set("email", who.0);
    f.set("password", who.1);
    post_form(idp.addr(), &f.action, &f.pairs()).await
}

/// The signed-in answer's auto-post form: (ACS URL, response XML).
fn posted(done: &Resp) -> (String, String) {
    assert_eq!(done.status, 200, "{}", done.body);
    let f = form(&done.body).expect("auto-post form");
    (f.action.clone(), b64(f.get("SAMLResponse").unwrap()))
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("samlscope-admin-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

#[tokio::test]
async fn an_app_created_over_http_serves_sso_then_changes_at_once_and_is_deleted() {
    let idp = start().await;
    let a = idp.addr();
    let r = admin(
        &idp,
        "POST",
        "/api/admin/apps",
        Some(&new_app("t1", "https://t1.test/acs")),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.header("location"), Some("/api/admin/apps/t1"));
    let made: wire::App = serde_json::from_str(&r.body).unwrap();
    assert_eq!(made.subject_field.as_deref(), Some("email"));

    // Its metadata and an SSO login work on the next request, with a key of its own.
    let md = get(a, "/saml2/t1/metadata").await;
    assert_eq!(md.status, 200, "{}", md.body);
    assert!(md.body.contains("entityID=\"jumpcloud-t1\""));
    assert!(!md.body.contains("HTTP-Redirect"), "not declared");
    assert_ne!(
        idp.idp().keys("t1").unwrap().cert_pem,
        idp.idp().keys("avoma").unwrap().cert_pem
    );
    let (acs, xml) = posted(&sign_in(&idp, "t1", ALICE).await);
    assert_eq!(acs, "https://t1.test/acs");
    assert!(xml.contains("<saml2:Audience>https://t1.test/sp</saml2:Audience>"));
    assert!(
        xml.contains("Name=\"mail\"") && xml.contains(">gold<") && xml.contains(">avoma-users<")
    );
    let report = sp_validate(&idp, "t1", &xml, None).await;
    assert_eq!(report.verdict, Verdict::Valid, "{:?}", failed_ids(&report));
    assert_eq!(xml.matches("<ds:Signature ").count(), 1);
    assert!(xml.find("<ds:Signature ").unwrap() > xml.find("<saml2:Assertion ").unwrap());

    // PATCH: Sign = Response and the Redirect endpoint, from the next response on.
    let r = admin(
        &idp,
        "PATCH",
        "/api/admin/apps/t1",
        Some(
            &json!({"signAssertion": false, "signResponse": true, "declareRedirectEndpoint": true}),
        ),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(json_of(&r)["signResponse"], true);
    assert_eq!(
        json_of(&r)["spEntityId"],
        "https://t1.test/sp",
        "the rest is kept"
    );
    let (_, xml) = posted(&sign_in(&idp, "t1", ALICE).await);
    assert_eq!(xml.matches("<ds:Signature ").count(), 1);
    assert!(xml.find("<ds:Signature ").unwrap() < xml.find("<saml2:Assertion ").unwrap());
    assert!(
        get(a, "/saml2/t1/metadata")
            .await
            .body
            .contains("HTTP-Redirect")
    );

    // PUT: the whole app replaced (GET's body sent back with a new ACS URL).
    let mut body = json_of(&admin(&idp, "GET", "/api/admin/apps/t1", None).await);
    body["acsUrl"] = json!(["https://t1.test/new-acs"]);
    let r = admin(&idp, "PUT", "/api/admin/apps/t1", Some(&body)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let (acs, xml) = posted(&sign_in(&idp, "t1", ALICE).await);
    assert_eq!(acs, "https://t1.test/new-acs");
    assert!(xml.contains("Destination=\"https://t1.test/new-acs\""));

    // The list shows it; DELETE removes it at once.
    let list = json_of(&admin(&idp, "GET", "/api/admin/apps", None).await);
    assert!(list.as_array().unwrap().iter().any(|a| a["ssoUrl"] == "t1"));
    let r = admin(&idp, "DELETE", "/api/admin/apps/t1", None).await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(get(a, "/saml2/t1/metadata").await.status, 404);
    assert_eq!(get(a, "/saml2/t1").await.status, 404);
    let r = admin(&idp, "GET", "/api/admin/apps/t1", None).await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert!(json_of(&r)["error"].as_str().unwrap().contains("\"t1\""));
    assert_eq!(
        admin(&idp, "DELETE", "/api/admin/apps/t1", None)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn users_groups_membership_and_assignments_decide_who_signs_in() {
    let idp = start().await;
    let carol = ("carol@acmecorp.com", "carol-password");
    let mut app = new_app("t2", "https://t2.test/acs");
    app["userGroups"] = json!([]);
    assert_eq!(
        admin(&idp, "POST", "/api/admin/apps", Some(&app))
            .await
            .status,
        201
    );
    let r = admin(
        &idp,
        "POST",
        "/api/admin/users",
        Some(&json!({"email": carol.0, "firstname": "Carol", "password": carol.1, "attributes": {"costCenter": "42"}})),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(!r.body.contains(carol.1), "{}", r.body);
    let r = admin(
        &idp,
        "POST",
        "/api/admin/groups",
        Some(&json!({"name": "qa"})),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);

    // Not assigned: refused. Group assigned but Carol not in it: refused.
    assert_eq!(sign_in(&idp, "t2", carol).await.status, 403);
    let r = admin(&idp, "PUT", "/api/admin/apps/t2/groups/qa", None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(json_of(&r)["userGroups"], json!(["qa"]));
    assert_eq!(sign_in(&idp, "t2", carol).await.status, 403);
    // Member of an assigned group: signed in, with her groups and a new custom attribute.
    let r = admin(
        &idp,
        "PUT",
        "/api/admin/groups/qa/members/Carol@AcmeCorp.com",
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        json_of(&r)["members"],
        json!([carol.0]),
        "the directory's spelling"
    );
    let r = admin(
        &idp,
        "PATCH",
        "/api/admin/apps/t2",
        Some(&json!({"databaseAttributes": [{"name": "cc", "value": "costCenter"}]})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let (_, xml) = posted(&sign_in(&idp, "t2", carol).await);
    assert!(xml.contains(">carol@acmecorp.com<") && xml.contains(">qa<") && xml.contains(">42<"));
    let members = json_of(&admin(&idp, "GET", "/api/admin/groups/qa/members", None).await);
    assert_eq!(members, json!([carol.0]));
    assert_eq!(
        json_of(&admin(&idp, "GET", "/api/admin/apps/t2/groups", None).await),
        json!(["qa"])
    );

    // A new password applies at once; the old one is refused.
    let r = admin(
        &idp,
        "PATCH",
        "/api/admin/users/carol@acmecorp.com",
        Some(&json!({"password": "new-password", "lastname": "Cole"})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(json_of(&r)["firstname"], "Carol", "a patch keeps the rest");
    assert_eq!(sign_in(&idp, "t2", carol).await.status, 401);
    assert_eq!(
        sign_in(&idp, "t2", (carol.0, "new-password")).await.status,
        200
    );
    // A PUT without a password keeps it.
    let r = admin(
        &idp,
        "PUT",
        "/api/admin/users/carol@acmecorp.com",
        Some(&json!({"email": carol.0, "firstname": "Carol", "attributes": {"costCenter": "42"}})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        sign_in(&idp, "t2", (carol.0, "new-password")).await.status,
        200
    );

    // Unassigning refuses her again.
    let r = admin(&idp, "DELETE", "/api/admin/apps/t2/groups/qa", None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        sign_in(&idp, "t2", (carol.0, "new-password")).await.status,
        403
    );
    assert_eq!(
        admin(&idp, "DELETE", "/api/admin/apps/t2/groups/qa", None)
            .await
            .status,
        404
    );
    // Removing the membership, then the user: her memberships go with her.
    let r = admin(&idp, "PUT", "/api/admin/apps/t2/groups/qa", None).await;
    assert_eq!(r.status, 200);
    let r = admin(
        &idp,
        "DELETE",
        "/api/admin/groups/qa/members/carol@acmecorp.com",
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(json_of(&r)["members"], json!([]));
    admin(
        &idp,
        "PUT",
        "/api/admin/groups/qa/members/carol@acmecorp.com",
        None,
    )
    .await;
    // t2 maps her custom attribute, which no one else has: deleting her is refused whole
    // (naming why) until the mapping goes.
    let r = admin(&idp, "DELETE", "/api/admin/users/carol@acmecorp.com", None).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("costCenter"), "{}", r.body);
    let r = admin(
        &idp,
        "PATCH",
        "/api/admin/apps/t2",
        Some(&json!({"databaseAttributes": null})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = admin(&idp, "DELETE", "/api/admin/users/carol@acmecorp.com", None).await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(
        json_of(&admin(&idp, "GET", "/api/admin/groups/qa", None).await)["members"],
        json!([])
    );
    assert_eq!(
        sign_in(&idp, "t2", (carol.0, "new-password")).await.status,
        401
    );
    // Deleting the group takes its assignment off the app.
    let r = admin(&idp, "DELETE", "/api/admin/groups/qa", None).await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(
        json_of(&admin(&idp, "GET", "/api/admin/apps/t2", None).await)["userGroups"],
        json!([])
    );
    // Every later change still goes through (nothing dangling).
    assert_eq!(
        admin(
            &idp,
            "POST",
            "/api/admin/groups",
            Some(&json!({"name": "qa"}))
        )
        .await
        .status,
        201
    );
}

#[tokio::test]
async fn the_token_guards_every_admin_request_and_reads_never_show_a_password() {
    let idp = start().await;
    let body = new_app("t3", "https://t3.test/acs");
    // No token, a wrong token, a wrong scheme: 401 with a reason, and nothing changed.
    for token in [None, Some("0000000000000000wrong"), Some("")] {
        let r = admin_as(&idp, token, "POST", "/api/admin/apps", Some(&body)).await;
        assert_eq!(r.status, 401, "{token:?}: {}", r.body);
        assert!(r.header("www-authenticate").unwrap().starts_with("Bearer"));
        assert!(
            json_of(&r)["error"].as_str().unwrap().contains("token"),
            "{}",
            r.body
        );
    }
    let r = request(
        idp.addr(),
        "GET",
        "/api/admin/users",
        &[("Authorization", &format!("Basic {}", idp.admin_token()))],
        b"",
        None,
    )
    .await;
    assert_eq!(r.status, 401, "{}", r.body);
    for path in [
        "/api/admin/apps",
        "/api/admin/users",
        "/api/admin/groups/qa/members",
    ] {
        let r = admin_as(&idp, None, "GET", path, None).await;
        assert_eq!(r.status, 401, "{path}: {}", r.body);
    }
    assert_eq!(idp.idp().config().app("t3").map(|a| a.label.clone()), None);
    // Regenerating a certificate is a write too.
    let cert = idp.idp().keys("avoma").unwrap().cert_pem.clone();
    let r = admin_as(
        &idp,
        None,
        "POST",
        "/api/apps/avoma/certificate/rotate",
        None,
    )
    .await;
    assert_eq!(r.status, 401, "{}", r.body);
    assert_eq!(idp.idp().keys("avoma").unwrap().cert_pem, cert);
    // JumpCloud's own header works as well.
    let r = request(
        idp.addr(),
        "POST",
        "/api/admin/apps",
        &[
            ("Content-Type", "application/json"),
            ("x-api-key", idp.admin_token()),
        ],
        body.to_string().as_bytes(),
        None,
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    // Reads never show passwords (nor the admin token).
    for path in [
        "/api/admin/users",
        "/api/admin/users/alice@acmecorp.com",
        "/api/admin/apps",
        "/api/admin/groups",
    ] {
        let r = admin(&idp, "GET", path, None).await;
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        for secret in [
            "password",
            "alice-password",
            "bob-password",
            idp.admin_token(),
        ] {
            assert!(
                !r.body.contains(secret),
                "{path} shows {secret}: {}",
                r.body
            );
        }
    }
    let users: Vec<wire::User> =
        serde_json::from_str(&admin(&idp, "GET", "/api/admin/users", None).await.body).unwrap();
    assert_eq!(users.len(), 3);
    assert!(users.iter().all(|u| u.password.is_none()));
    // Two servers, two tokens: one's token opens nothing on the other.
    let other = start().await;
    assert_ne!(other.admin_token(), idp.admin_token());
    let r = admin_as(
        &other,
        Some(idp.admin_token()),
        "GET",
        "/api/admin/apps",
        None,
    )
    .await;
    assert_eq!(r.status, 401);
    assert_eq!(idp.token_origin(), &TokenOrigin::Ephemeral);
}

#[tokio::test]
async fn bad_bodies_and_bad_names_are_clear_4xx_and_change_nothing() {
    let idp = start().await;
    let a = idp.addr();
    let auth = format!("Bearer {}", idp.admin_token());
    let send = |ct: Option<&'static str>, body: &'static [u8]| {
        let auth = auth.clone();
        async move {
            let mut h = vec![("Authorization", auth.as_str())];
            if let Some(ct) = ct {
                h.push(("Content-Type", ct));
            }
            request(a, "POST", "/api/admin/apps", &h, body, None).await
        }
    };
    let json_ct = Some("application/json");
    let cases: Vec<(Resp, u16, &str)> = vec![
        (send(json_ct, b"{\"ssoUrl\": ").await, 400, "EOF while parsing"),
        (send(json_ct, b"").await, 400, "EOF while parsing"),
        (send(json_ct, b"[1,2]").await, 400, "invalid type"),
        (
            send(json_ct, br#"{"ssoUrl":"x","idpEntityId":"i","spEntityId":"s","acsUrls":["https://x"]}"#).await,
            400,
            "unknown field `acsUrls`",
        ),
        (
            send(json_ct, br#"{"ssoUrl":"x","idpEntityId":"i","spEntityId":"s","acsUrl":["https://x"],"signatureAlgorithm":"RSA-MD5"}"#).await,
            400,
            "unknown variant `RSA-MD5`",
        ),
        (
            send(json_ct, br#"{"ssoUrl":"x","idpEntityId":"i","spEntityId":"s","acsUrl":["https://x"],"signAssertion":false}"#).await,
            400,
            "cannot both be false",
        ),
        (
            send(json_ct, br#"{"ssoUrl":"x","idpEntityId":"i","spEntityId":"s","acsUrl":["ftp://x"]}"#).await,
            400,
            "must start with http",
        ),
        (
            send(json_ct, br#"{"ssoUrl":"a b","idpEntityId":"i","spEntityId":"s","acsUrl":["https://x"]}"#).await,
            400,
            "label",
        ),
        (
            send(json_ct, br#"{"ssoUrl":"x","idpEntityId":"i","spEntityId":"s","acsUrl":["https://x"],"userGroups":["ghosts"]}"#).await,
            400,
            "ghosts",
        ),
        (
            send(json_ct, br#"{"ssoUrl":"avoma","idpEntityId":"i","spEntityId":"s","acsUrl":["https://x"]}"#).await,
            409,
            "already",
        ),
        (send(Some("text/plain"), b"{}").await, 415, "application/json"),
        (send(None, b"{}").await, 415, "application/json"),
        (
            send(Some("application/x-www-form-urlencoded"), b"ssoUrl=x").await,
            415,
            "application/json",
        ),
    ];
    for (i, (r, status, needle)) in cases.iter().enumerate() {
        assert_eq!(r.status, *status, "case {i}: {}", r.body);
        assert!(
            json_of(r)["error"].as_str().unwrap().contains(needle),
            "case {i}: {}",
            r.body
        );
    }
    // Names: unknown is 404; renames are refused; conflicts are 409.
    let mut avoma = json_of(&admin(&idp, "GET", "/api/admin/apps/avoma", None).await);
    avoma["ssoUrl"] = json!("avoma2");
    let r = admin(&idp, "PUT", "/api/admin/apps/avoma", Some(&avoma)).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("cannot change"), "{}", r.body);
    let others: Vec<(&str, &str, Option<Value>, u16)> = vec![
        ("PUT", "/api/admin/apps/nope", Some(avoma.clone()), 404),
        ("PATCH", "/api/admin/apps/nope", Some(json!({})), 404),
        ("PATCH", "/api/admin/apps/avoma", Some(json!([])), 400),
        (
            "PATCH",
            "/api/admin/apps/avoma",
            Some(json!({"sign": "both"})),
            400,
        ),
        ("PUT", "/api/admin/apps/avoma/groups/nope", None, 404),
        ("PUT", "/api/admin/apps/nope/groups/engineering", None, 404),
        ("GET", "/api/admin/users/nobody@acmecorp.com", None, 404),
        (
            "POST",
            "/api/admin/users",
            Some(json!({"email": "ALICE@acmecorp.com", "password": "p"})),
            409,
        ),
        (
            "POST",
            "/api/admin/users",
            Some(json!({"email": "dan@acmecorp.com"})),
            400,
        ),
        (
            "POST",
            "/api/admin/users",
            Some(json!({"email": "not-an-email", "password": "p"})),
            400,
        ),
        (
            "PATCH",
            "/api/admin/users/alice@acmecorp.com",
            Some(json!({"email": "eve@acmecorp.com"})),
            400,
        ),
        (
            "POST",
            "/api/admin/groups",
            Some(json!({"name": "engineering"})),
            409,
        ),
        (
            "POST",
            "/api/admin/groups",
            Some(json!({"name": "g", "members": ["ghost@acmecorp.com"]})),
            400,
        ),
        (
            "PUT",
            "/api/admin/groups/nope/members/alice@acmecorp.com",
            None,
            404,
        ),
        (
            "PUT",
            "/api/admin/groups/engineering/members/ghost@acmecorp.com",
            None,
            404,
        ),
        (
            "DELETE",
            "/api/admin/groups/engineering/members/alice@acmecorp.com",
            None,
            404,
        ),
        ("DELETE", "/api/admin/users/ghost@acmecorp.com", None, 404),
        ("DELETE", "/api/admin/groups/nope", None, 404),
        // Removing the last user with `department` would orphan demo-sp's mapping: refused.
        (
            "PATCH",
            "/api/admin/users/bob@acmecorp.com",
            Some(json!({"attributes": null})),
            200,
        ),
        (
            "PATCH",
            "/api/admin/users/mallory@acmecorp.com",
            Some(json!({"attributes": null})),
            200,
        ),
        ("DELETE", "/api/admin/users/alice@acmecorp.com", None, 400),
        ("POST", "/api/admin/nothing", Some(json!({})), 404),
    ];
    for (method, path, body, status) in &others {
        let r = admin(&idp, method, path, body.as_ref()).await;
        assert_eq!(r.status, *status, "{method} {path}: {}", r.body);
        assert!(r.status == 200 || json_of(&r)["error"].as_str().is_some_and(|e| !e.is_empty()));
    }
    assert!(idp.idp().config().user("alice@acmecorp.com").is_some());
    // A 10 MB body: refused from its Content-Length, in JSON, and the server keeps serving.
    let big = vec![b'{'; 64 * 1024];
    let r = request(
        a,
        "POST",
        "/api/admin/apps",
        &[
            ("Content-Type", "application/json"),
            ("Authorization", &auth),
        ],
        &big,
        Some(10 << 20),
    )
    .await;
    assert_eq!(r.status, 413, "{}", r.body);
    assert!(
        json_of(&r)["error"].as_str().unwrap().contains("limit"),
        "{}",
        r.body
    );
    assert_eq!(get(a, "/saml2/avoma/metadata").await.status, 200);
    assert_eq!(idp.idp().config().apps.len(), 2);
}

/// A seeded xorshift: the fuzz cases are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Strings that look like the fields' values, and some that no field takes.
const STRINGS: &[&str] = &[
    "",
    "x",
    "avoma",
    "engineering",
    "alice@acmecorp.com",
    "https://x.test/acs",
    "{base_url}/sp/acs",
    "RSA-SHA1",
    "RSA-SHA256",
    "email",
    "urn:x",
    "a b",
    "é\u{0}\u{2028}",
    "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
];

/// A random JSON value, a few levels deep.
fn random_value(rng: &mut Rng, depth: u32) -> Value {
    match rng.below(if depth > 2 { 5 } else { 7 }) {
        0 => Value::Null,
        1 => json!(rng.below(2) == 0),
        2 => json!(rng.next() as i64),
        3 | 4 => json!(STRINGS[rng.below(STRINGS.len())]),
        5 => Value::Array(
            (0..rng.below(4))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        _ => {
            let mut m = serde_json::Map::new();
            for _ in 0..rng.below(4) {
                m.insert(
                    STRINGS[rng.below(STRINGS.len())].into(),
                    random_value(rng, depth + 1),
                );
            }
            Value::Object(m)
        }
    }
}

/// A valid body with one field changed, dropped, added or retyped.
fn mutate(rng: &mut Rng, mut v: Value) -> Value {
    let keys: Vec<String> = v
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    for _ in 0..rng.below(3) {
        let Some(obj) = v.as_object_mut() else { break };
        let k = keys[rng.below(keys.len())].clone();
        match rng.below(6) {
            0 => {
                obj.remove(&k);
            }
            // Same type, another value: the bodies the server should often accept.
            4 | 5 => {
                let x = match obj.get(&k) {
                    Some(Value::Bool(b)) => json!(!b),
                    Some(Value::String(_)) => json!(STRINGS[rng.below(STRINGS.len())]),
                    _ => continue,
                };
                obj.insert(k, x);
            }
            1 => {
                let x = random_value(rng, 1);
                obj.insert(k, x);
            }
            2 => {
                let x = random_value(rng, 1);
                obj.insert(format!("{k}s"), x);
            }
            _ => {
                let x = random_value(rng, 0);
                obj.insert(k, json!([x]));
            }
        }
    }
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fuzzed_bodies_on_every_write_endpoint_never_make_a_5xx() {
    let idp = start().await;
    let mut rng = Rng(0x5eed_ad31_0000_0027);
    let app = new_app("fz", "https://fz.test/acs");
    let avoma = new_app("avoma", "https://prod-api.avoma.com/saml2/acs");
    let demo_patch = json!({"displayLabel": "d", "signResponse": true, "acsUrl": ["{base_url}/sp/acs"], "declareRedirectEndpoint": false});
    let user = json!({"email": "fz@acmecorp.com", "password": "p", "firstname": "F", "attributes": {"department": "QA"}});
    let bob =
        json!({"email": "bob@acmecorp.com", "firstname": "B", "attributes": {"department": "Eng"}});
    let mallory_patch = json!({"lastname": "M", "password": "pw2"});
    let group = json!({"name": "fz", "members": ["alice@acmecorp.com"]});
    let contractors = json!({"name": "contractors", "members": ["mallory@acmecorp.com"]});
    let engineering_patch = json!({"members": ["bob@acmecorp.com", "alice@acmecorp.com"]});
    // Each endpoint with a body it accepts, to mutate.
    let endpoints: [(&str, &str, &Value); 9] = [
        ("POST", "/api/admin/apps", &app),
        ("PUT", "/api/admin/apps/avoma", &avoma),
        ("PATCH", "/api/admin/apps/demo-sp", &demo_patch),
        ("POST", "/api/admin/users", &user),
        ("PUT", "/api/admin/users/bob@acmecorp.com", &bob),
        (
            "PATCH",
            "/api/admin/users/mallory@acmecorp.com",
            &mallory_patch,
        ),
        ("POST", "/api/admin/groups", &group),
        ("PUT", "/api/admin/groups/contractors", &contractors),
        ("PATCH", "/api/admin/groups/engineering", &engineering_patch),
    ];
    let names = [
        "fz",
        "avoma",
        "engineering",
        "x%20y",
        "%00",
        "alice@acmecorp.com",
        "..",
        "%2F",
        "%C3%A9",
    ];
    let deadline = Instant::now() + Duration::from_secs(90);
    let (mut cases, mut accepted) = (0, 0);
    while cases < 300 && Instant::now() < deadline {
        cases += 1;
        let r = match rng.below(6) {
            // Raw bytes: truncated, garbage or deep JSON.
            0 => {
                let (method, path, body) = endpoints[rng.below(endpoints.len())];
                let text = body.to_string();
                let bytes: Vec<u8> = match rng.below(3) {
                    0 => text.as_bytes()[..rng.below(text.len())].to_vec(),
                    1 => (0..rng.below(200)).map(|_| rng.next() as u8).collect(),
                    _ => format!("{}{}", "[".repeat(200 + rng.below(400)), "]".repeat(10))
                        .into_bytes(),
                };
                let auth = format!("Bearer {}", idp.admin_token());
                request(
                    idp.addr(),
                    method,
                    path,
                    &[
                        ("Content-Type", "application/json"),
                        ("Authorization", &auth),
                    ],
                    &bytes,
                    None,
                )
                .await
            }
            // Membership and assignment with odd names.
            1 => {
                let (g, e) = (names[rng.below(names.len())], names[rng.below(names.len())]);
                let method = ["PUT", "DELETE"][rng.below(2)];
                let path = if rng.below(2) == 0 {
                    format!("/api/admin/groups/{g}/members/{e}")
                } else {
                    format!("/api/admin/apps/{e}/groups/{g}")
                };
                admin(&idp, method, &path, None).await
            }
            // A random value, or a valid body mutated.
            n => {
                let (method, path, body) = endpoints[rng.below(endpoints.len())];
                let v = if n == 2 {
                    random_value(&mut rng, 0)
                } else {
                    mutate(&mut rng, body.clone())
                };
                admin(&idp, method, path, Some(&v)).await
            }
        };
        assert!(r.status < 500, "case {cases}: {} {}", r.status, r.body);
        assert!(r.status != 0);
        if r.status < 300 {
            accepted += 1;
        } else {
            assert!(json_of(&r)["error"].is_string(), "case {cases}: {}", r.body);
        }
    }
    println!("fuzz: {cases} cases, {accepted} accepted");
    assert!(cases >= 100, "only {cases} cases in the time allowed");
    assert!(
        accepted > 0,
        "no fuzzed body was accepted: the cases test refusals only"
    );
    // Still serving, and the directory is still valid.
    idp.idp().config().validate().unwrap();
    assert_eq!(get(idp.addr(), "/saml2/avoma/metadata").await.status, 200);
    assert_eq!(
        admin(&idp, "GET", "/api/admin/apps", None).await.status,
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_creates_all_land_and_survive_a_restart() {
    let dir = scratch("concurrent");
    let idp = samlscope_idp::start_with(
        Config::bundled().unwrap(),
        KeyStore::Dir(dir.clone()),
        None,
        None,
    )
    .await
    .unwrap();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let addr = idp.addr();
        let auth = format!("Bearer {}", idp.admin_token());
        tasks.push(tokio::spawn(async move {
            let mut body = new_app(&format!("c{i}"), "https://c.test/acs");
            if i % 2 == 0 {
                body["userGroups"] = json!(["engineering"]);
            }
            request(
                addr,
                "POST",
                "/api/admin/apps",
                &[
                    ("Content-Type", "application/json"),
                    ("Authorization", &auth),
                ],
                body.to_string().as_bytes(),
                None,
            )
            .await
        }));
    }
    for t in tasks {
        let r = t.await.unwrap();
        assert_eq!(r.status, 201, "{}", r.body);
    }
    println!(
        "20 concurrent creates (each with a new RSA-2048 key, saved): {:?}",
        started.elapsed()
    );
    let labels = |apps: &[wire::App]| {
        let mut l: Vec<String> = apps.iter().map(|a| a.sso_url.clone()).collect();
        l.sort();
        l
    };
    let listed: Vec<wire::App> =
        serde_json::from_str(&admin(&idp, "GET", "/api/admin/apps", None).await.body).unwrap();
    assert_eq!(listed.len(), 22);
    let before = labels(&listed);
    drop(idp);
    let again = samlscope_idp::start_with(
        Config::bundled().unwrap(),
        KeyStore::Dir(dir.clone()),
        None,
        None,
    )
    .await
    .unwrap();
    assert_eq!(labels(&again.idp().list_apps()), before);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_saved_directory_and_keys_survive_a_restart_on_another_port() {
    let dir = scratch("restart");
    let first = samlscope_idp::start_with(
        Config::bundled().unwrap(),
        KeyStore::Dir(dir.clone()),
        None,
        None,
    )
    .await
    .unwrap();
    assert_eq!(first.directory_origin(), &DirectoryOrigin::Given);
    assert!(matches!(first.token_origin(), TokenOrigin::Generated(_)));
    assert!(
        !dir.join("directory.json").exists(),
        "nothing saved before a change"
    );
    // An app whose ACS is this server's demo SP, written with the placeholder; a user, a
    // group, a membership and an assignment.
    let mut app = new_app("r1", "{base_url}/sp/acs");
    app["spEntityId"] = json!("{base_url}/sp");
    app["userGroups"] = json!([]);
    assert_eq!(
        admin(&first, "POST", "/api/admin/apps", Some(&app))
            .await
            .status,
        201
    );
    let dave = ("dave@acmecorp.com", "dave-password");
    let r = admin(
        &first,
        "POST",
        "/api/admin/users",
        Some(&json!({"email": dave.0, "password": dave.1})),
    )
    .await;
    assert_eq!(r.status, 201);
    assert_eq!(
        admin(
            &first,
            "POST",
            "/api/admin/groups",
            Some(&json!({"name": "ops"}))
        )
        .await
        .status,
        201
    );
    assert_eq!(
        admin(
            &first,
            "PUT",
            "/api/admin/groups/ops/members/dave@acmecorp.com",
            None
        )
        .await
        .status,
        200
    );
    assert_eq!(
        admin(&first, "PUT", "/api/admin/apps/r1/groups/ops", None)
            .await
            .status,
        200
    );
    assert_eq!(
        admin(
            &first,
            "DELETE",
            "/api/admin/users/mallory@acmecorp.com",
            None
        )
        .await
        .status,
        204
    );
    let (acs, _) = posted(&sign_in(&first, "r1", dave).await);
    assert_eq!(acs, format!("{}/sp/acs", first.base_url()));
    let cert = first.idp().keys("r1").unwrap().cert_pem.clone();
    let avoma_cert = first.idp().keys("avoma").unwrap().cert_pem.clone();
    let token = first.admin_token().to_owned();
    let old_base = first.base_url();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        for f in ["directory.json", "admin-token"] {
            let mode = std::fs::metadata(dir.join(f)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{f}");
        }
    }
    let saved = std::fs::read_to_string(dir.join("directory.json")).unwrap();
    assert!(
        saved.contains("{base_url}/sp/acs") && !saved.contains(&old_base),
        "{saved}"
    );
    drop(first);

    // Started again with another configuration and on another port: the saved directory runs.
    let mut other = Config::bundled().unwrap();
    other.apps.retain(|a| a.label == "avoma");
    let second = samlscope_idp::start_with(other, KeyStore::Dir(dir.clone()), None, None)
        .await
        .unwrap();
    assert_eq!(
        second.directory_origin(),
        &DirectoryOrigin::Saved(dir.join("directory.json"))
    );
    assert_eq!(
        second.token_origin(),
        &TokenOrigin::StateFile(dir.join("admin-token"))
    );
    assert_eq!(second.admin_token(), token);
    assert_eq!(second.idp().keys("r1").unwrap().cert_pem, cert);
    assert_eq!(second.idp().keys("avoma").unwrap().cert_pem, avoma_cert);
    assert!(second.idp().config().app("demo-sp").is_some());
    assert!(second.idp().config().user("mallory@acmecorp.com").is_none());
    // `{base_url}` is this server's URL now, and Dave still signs in to r1.
    let (acs, xml) = posted(&sign_in(&second, "r1", dave).await);
    assert_eq!(acs, format!("{}/sp/acs", second.base_url()));
    let report = sp_validate(&second, "r1", &xml, None).await;
    assert_eq!(report.verdict, Verdict::Valid, "{:?}", failed_ids(&report));
    let banner = samlscope_idp::urls(&second, &dir, &samlscope_idp::WebPage::Missing);
    assert!(
        banner.contains("directory.json (saved by the admin API") && banner.contains(&token),
        "{banner}"
    );
    // The users of the saved directory: Dave (his password was chosen here, so not shown) and
    // no Mallory; Alice's bundled password is public and shown.
    assert!(
        banner.contains("dave@acmecorp.com  assigned to r1") && !banner.contains(dave.1),
        "{banner}"
    );
    assert!(!banner.contains("mallory"), "{banner}");
    assert!(
        banner.contains("alice@acmecorp.com / alice-password  assigned to avoma, demo-sp"),
        "{banner}"
    );
    drop(second);

    // A damaged saved file is a clear start error, and is left as it is.
    std::fs::write(
        dir.join("directory.json"),
        "{\"org\": \"acmecorp\", \"apps\": [{\"ssoUrl\"",
    )
    .unwrap();
    let err = samlscope_idp::start_with(
        Config::bundled().unwrap(),
        KeyStore::Dir(dir.clone()),
        None,
        None,
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("directory.json") && err.contains("unusable") && err.contains("remove it"),
        "{err}"
    );
    assert!(
        std::fs::read_to_string(dir.join("directory.json"))
            .unwrap()
            .ends_with("\"ssoUrl\"")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_library_offers_the_same_operations_as_the_http_api() {
    let idp = start().await;
    let app: wire::App = serde_json::from_value(new_app("lib1", "https://lib1.test/acs")).unwrap();
    idp.idp().create_app(app).unwrap();
    let over_http = json_of(&admin(&idp, "GET", "/api/admin/apps/lib1", None).await);
    assert_eq!(over_http["acsUrl"], json!(["https://lib1.test/acs"]));
    idp.idp()
        .update_app("lib1", |mut a| {
            a.sign_response = true;
            Ok(a)
        })
        .unwrap();
    let (_, xml) = posted(&sign_in(&idp, "lib1", ALICE).await);
    assert_eq!(xml.matches("<ds:Signature ").count(), 2);
    idp.idp().unassign_group("lib1", "avoma-users").unwrap();
    assert_eq!(sign_in(&idp, "lib1", ALICE).await.status, 403);
    let err = idp.idp().delete_app("nope").unwrap_err();
    assert!(
        matches!(err, samlscope_idp::AdminError::NotFound(_)),
        "{err}"
    );
    idp.idp().delete_app("lib1").unwrap();
    assert_eq!(
        admin(&idp, "GET", "/api/admin/apps/lib1", None)
            .await
            .status,
        404
    );
}

/// Served without the peer's address (a router embedded elsewhere without connection info),
/// the admin API cannot tell loopback from the network: it refuses, even with the token.
#[tokio::test]
async fn without_the_peers_address_the_admin_api_refuses_even_the_right_token() {
    let config = Config::bundled().unwrap();
    let (token, _) = samlscope_idp::AdminToken::resolve(&config, &KeyStore::Memory).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let idp = samlscope_idp::Idp::new(config, &format!("http://{addr}"), KeyStore::Memory).unwrap();
    let app = samlscope_idp::router(
        std::sync::Arc::new(idp),
        &samlscope_idp::WebPage::Missing,
        token.clone(),
    );
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let auth = format!("Bearer {}", token.as_str());
    let r = request(
        addr,
        "GET",
        "/api/admin/apps",
        &[("Authorization", &auth)],
        b"",
        None,
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("loopback"), "{}", r.body);
    // The rest of the server answers as usual.
    assert_eq!(get(addr, "/saml2/avoma/metadata").await.status, 200);
    server.abort();
}

// ---------------------------------------------------------------------------------------------
// Sessions' settings through the admin API: TOTP MFA, group-inherited attributes, added times

const ERIN: (&str, &str) = ("erin@acmecorp.com", "erin-password");
const ERIN_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

/// IdP-initiated SSO to the bundled `avoma` app, with an authenticator code if given.
async fn sign_in_with_code(idp: &RunningIdp, who: (&str, &str), otp: Option<&str>) -> Resp {
    let page = get(idp.addr(), "/saml2/avoma").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let mut f = form(&page.body).expect("login form");
    f.set("email", who.0);
    f.set("password", who.1);
    if let Some(code) = otp {
        f.set("otp", code);
    }
    post_form(idp.addr(), &f.action, &f.pairs()).await
}

fn class_ref(xml: &str) -> &str {
    let open = "<saml2:AuthnContextClassRef>";
    let i = xml.find(open).unwrap() + open.len();
    &xml[i..i + xml[i..].find('<').unwrap()]
}

fn unix_now() -> i64 {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    i64::try_from(d.as_secs()).unwrap()
}

#[tokio::test]
async fn a_totp_secret_set_over_http_asks_for_the_code_and_is_never_read_back() {
    let idp = start().await;
    let r = admin(
        &idp,
        "POST",
        "/api/admin/users",
        Some(&json!({"email": ERIN.0, "password": ERIN.1, "totpSecret": ERIN_SECRET})),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(json_of(&r)["mfa"], true);
    let r = admin(
        &idp,
        "PUT",
        "/api/admin/groups/avoma-users/members/erin@acmecorp.com",
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);

    // The right password without a code: MFA required, no response.
    let refused = sign_in_with_code(&idp, ERIN, None).await;
    assert_eq!(refused.status, 401, "{}", refused.body);
    assert!(refused.body.contains("MFA required"), "{}", refused.body);
    assert!(!refused.body.contains("SAMLResponse"));
    // With the code of the secret sent: a response saying MFA.
    let code = samlscope_idp::totp::TotpSecret::from_base32(ERIN_SECRET)
        .unwrap()
        .code_at(unix_now());
    let (_, xml) = posted(&sign_in_with_code(&idp, ERIN, Some(&code)).await);
    assert_eq!(class_ref(&xml), samlscope_idp::authn::AC_MFA);
    let report = sp_validate(&idp, "avoma", &xml, None).await;
    assert_eq!(report.verdict, Verdict::Valid, "{:?}", failed_ids(&report));

    // No read shows the secret; each says MFA is on.
    for path in ["/api/admin/users/erin@acmecorp.com", "/api/admin/users"] {
        let r = admin(&idp, "GET", path, None).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(
            !r.body.contains(ERIN_SECRET) && !r.body.contains("totpSecret"),
            "{}",
            r.body
        );
    }
    let read = json_of(&admin(&idp, "GET", "/api/admin/users/erin@acmecorp.com", None).await);
    assert_eq!(read["mfa"], true);
    // A read sent back with PUT keeps the secret (as it keeps the password).
    let r = admin(
        &idp,
        "PUT",
        "/api/admin/users/erin@acmecorp.com",
        Some(&read),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(sign_in_with_code(&idp, ERIN, None).await.status, 401);

    // Bad secrets are 400s naming the field, and change nothing.
    for (body, needle) in [
        (
            json!({"totpSecret": "GEZDGNBV"}),
            "totpSecret is 40 bits long",
        ),
        (
            json!({"totpSecret": "GEZDGNBVGY3TQOJ1"}),
            "totpSecret is not base32",
        ),
        (json!({"totpSecret": 12}), "invalid type"),
        (
            json!({"totpSecret": null, "mfa": true}),
            "\"mfa\" cannot then be anything but false",
        ),
    ] {
        let r = admin(
            &idp,
            "PATCH",
            "/api/admin/users/erin@acmecorp.com",
            Some(&body),
        )
        .await;
        assert_eq!(r.status, 400, "{body}: {}", r.body);
        assert!(
            json_of(&r)["error"].as_str().unwrap().contains(needle),
            "{}",
            r.body
        );
    }
    let mut bad = json!({"email": "frank@acmecorp.com", "password": "p", "totpSecret": "short"});
    let r = admin(&idp, "POST", "/api/admin/users", Some(&bad)).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("totpSecret"), "{}", r.body);
    bad["totpSecret"] = json!(null);
    bad["mfa"] = json!(true);
    let r = admin(&idp, "POST", "/api/admin/users", Some(&bad)).await;
    assert_eq!(r.status, 400, "MFA on without a secret: {}", r.body);
    assert_eq!(
        admin(&idp, "GET", "/api/admin/users/frank@acmecorp.com", None)
            .await
            .status,
        404
    );
    assert_eq!(sign_in_with_code(&idp, ERIN, None).await.status, 401);

    // A patch removes it with null: the password alone signs in again.
    let r = admin(
        &idp,
        "PATCH",
        "/api/admin/users/erin@acmecorp.com",
        Some(&json!({"totpSecret": null})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(json_of(&r)["mfa"], false);
    let (_, xml) = posted(&sign_in_with_code(&idp, ERIN, None).await);
    assert_eq!(class_ref(&xml), samlscope_idp::authn::AC_PASSWORD);
}

/// The app `t9` maps SAML attribute `costCenter` from `costcenter`, which only the groups `eng`
/// and `sales` define; both are assigned to it.
async fn cost_center_app(idp: &RunningIdp) {
    for (name, value) in [("eng", "CC-ENG"), ("sales", "CC-SALES")] {
        let r = admin(
            idp,
            "POST",
            "/api/admin/groups",
            Some(&json!({"name": name, "attributes": {"costcenter": value}})),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(json_of(&r)["attributes"]["costcenter"], value);
    }
    let mut app = new_app("t9", "https://t9.test/acs");
    app["databaseAttributes"] = json!([{"name": "costCenter", "value": "costcenter"}]);
    app["userGroups"] = json!(["eng", "sales"]);
    let r = admin(idp, "POST", "/api/admin/apps", Some(&app)).await;
    assert_eq!(r.status, 201, "{}", r.body);
}

/// Which groups' cost centers Alice's response to `t9` carries.
async fn alice_cost_center(idp: &RunningIdp) -> Vec<&'static str> {
    let (_, xml) = posted(&sign_in(idp, "t9", ALICE).await);
    assert!(xml.contains("Name=\"costCenter\""), "{xml}");
    ["CC-ENG", "CC-SALES"]
        .into_iter()
        .filter(|v| xml.contains(&format!(">{v}<")))
        .collect()
}

async fn add_member(idp: &RunningIdp, group: &str, added: Option<&str>) -> Value {
    let body = added.map(|t| json!({"added": t}));
    let r = admin(
        idp,
        "PUT",
        &format!("/api/admin/groups/{group}/members/alice@acmecorp.com"),
        body.as_ref(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    json_of(&r)
}

#[tokio::test]
async fn group_attributes_set_over_http_reach_the_response_and_the_latest_membership_wins() {
    let idp = start().await;
    cost_center_app(&idp).await;
    // `sales` comes later in the directory: by its order alone `sales` would win. Alice joins
    // `sales` at a time given, then `eng` now: `eng` is the more recent.
    let started = unix_now();
    let sales = add_member(&idp, "sales", Some("2020-01-01T00:00:00Z")).await;
    assert_eq!(sales["added"]["alice@acmecorp.com"], "2020-01-01T00:00:00Z");
    let eng = add_member(&idp, "eng", None).await;
    let at = eng["added"]["alice@acmecorp.com"].as_str().unwrap();
    let (at, _) = samlscope_core::saml::time::Instant::parse(at).unwrap();
    assert!(at.unix_seconds() >= started, "added now");
    assert_eq!(alice_cost_center(&idp).await, ["CC-ENG"]);

    // Her `eng` membership moved before her `sales` one (a member PUT with a time replaces it).
    add_member(&idp, "eng", Some("2019-06-01T00:00:00+02:00")).await;
    let eng = json_of(&admin(&idp, "GET", "/api/admin/groups/eng", None).await);
    assert_eq!(eng["added"]["alice@acmecorp.com"], "2019-05-31T22:00:00Z");
    assert_eq!(eng["members"], json!(["alice@acmecorp.com"]));
    assert_eq!(alice_cost_center(&idp).await, ["CC-SALES"]);

    // Attributes change with a PATCH (a merge: the times stay); the response follows.
    let r = admin(
        &idp,
        "PATCH",
        "/api/admin/groups/sales",
        Some(&json!({"attributes": {"costcenter": "CC-ENG"}})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        json_of(&r)["added"]["alice@acmecorp.com"],
        "2020-01-01T00:00:00Z"
    );
    assert_eq!(alice_cost_center(&idp).await, ["CC-ENG"]);

    // A bad time, a time for a non-member, an unknown field: 400s naming them, nothing changed.
    for (method, path, body, needle) in [
        (
            "PUT",
            "/api/admin/groups/eng/members/alice@acmecorp.com",
            json!({"added": "yesterday"}),
            "added time \"yesterday\" is not an RFC 3339 time",
        ),
        (
            "PUT",
            "/api/admin/groups/eng/members/alice@acmecorp.com",
            json!({"addedAt": "2026-01-01T00:00:00Z"}),
            "unknown field `addedAt`",
        ),
        (
            "PATCH",
            "/api/admin/groups/eng",
            json!({"added": {"bob@acmecorp.com": "2026-01-01T00:00:00Z"}}),
            "added names \"bob@acmecorp.com\", who is not in members",
        ),
    ] {
        let r = admin(&idp, method, path, Some(&body)).await;
        assert_eq!(r.status, 400, "{body}: {}", r.body);
        assert!(
            json_of(&r)["error"].as_str().unwrap().contains(needle),
            "{}",
            r.body
        );
    }
    let after = json_of(&admin(&idp, "GET", "/api/admin/groups/eng", None).await);
    assert_eq!(after, eng);

    // A PATCH of the members drops the removed member's time with her.
    let r = admin(
        &idp,
        "PATCH",
        "/api/admin/groups/sales",
        Some(&json!({"members": []})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(json_of(&r)["added"], json!({}));
    assert_eq!(alice_cost_center(&idp).await, ["CC-ENG"]);
}
