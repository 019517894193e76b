//! End-to-end SSO flows over real HTTP on 127.0.0.1, following the pages as a browser would:
//! SP-initiated (Redirect and POST), IdP-initiated, unassigned user, mismatching requests, the
//! demo SP round trip, certificate rotation, and bad input that must be a 4xx, never a crash.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::*;
use samlscope_core::report::Verdict;
use samlscope_idp::form::form_encode;

const ALICE: (&str, &str) = ("alice@acmecorp.com", "alice-password");

/// Login page → submit the form with credentials → the IdP's answer.
async fn sign_in(
    idp: &samlscope_idp::RunningIdp,
    login_page: &Resp,
    who: (&str, &str),
    scenario: &str,
) -> Resp {
    assert_eq!(login_page.status, 200, "{}", login_page.body);
    let mut f = form(&login_page.body).expect("login form");
    f.set("email", who.0);
    f.set("password", who.1);
    f.set("scenario", scenario);
    post_form(idp.addr(), &f.action, &f.pairs()).await
}

#[tokio::test]
async fn sp_initiated_redirect_binding() {
    let idp = start().await;
    let req = authn_request(
        "_req_redirect",
        "https://app.avoma.com",
        Some("https://prod-api.avoma.com/saml2/acs"),
    );
    let q = form_encode(&[
        ("SAMLRequest", &deflate_b64(&req)),
        ("RelayState", "/after/login"),
    ]);
    let page = get(idp.addr(), &format!("/saml2/avoma?{q}")).await;
    let done = sign_in(&idp, &page, ALICE, "").await;
    assert_eq!(done.status, 200, "{}", done.body);
    let f = form(&done.body).unwrap();
    assert_eq!(f.action, "https://prod-api.avoma.com/saml2/acs");
    assert_eq!(f.get("RelayState"), Some("/after/login"));
    let xml = b64(f.get("SAMLResponse").unwrap());
    assert!(xml.contains("InResponseTo=\"_req_redirect\""));
    // Sign = both in the bundled config: two signatures.
    assert_eq!(xml.matches("<ds:Signature ").count(), 2);
    assert!(xml.contains("<saml2:Attribute Name=\"memberOf\""));
    assert!(xml.contains(">avoma-users<"));
    assert!(xml.contains("Name=\"org\""));
    let r = sp_validate(&idp, "avoma", &xml, Some("_req_redirect")).await;
    assert_eq!(r.verdict, Verdict::Valid, "{:?}", failed_ids(&r));
    assert_eq!(r.name_id.as_deref(), Some("alice@acmecorp.com"));
    // Answering another request is caught by the SP.
    let r = sp_validate(&idp, "avoma", &xml, Some("_other")).await;
    assert_eq!(r.verdict, Verdict::Invalid);
}

#[tokio::test]
async fn sp_initiated_post_binding() {
    let idp = start().await;
    let req = authn_request("_req_post", "https://app.avoma.com", None);
    let page = post_form(
        idp.addr(),
        "/saml2/avoma",
        &[("SAMLRequest", &b64_plain(&req)), ("RelayState", "xyz")],
    )
    .await;
    let done = sign_in(&idp, &page, ALICE, "").await;
    let f = form(&done.body).unwrap();
    assert_eq!(f.get("RelayState"), Some("xyz"));
    let xml = b64(f.get("SAMLResponse").unwrap());
    let r = sp_validate(&idp, "avoma", &xml, Some("_req_post")).await;
    assert_eq!(r.verdict, Verdict::Valid, "{:?}", failed_ids(&r));
}

#[tokio::test]
async fn idp_initiated_uses_default_relay_state_and_no_in_response_to() {
    let idp = start().await;
    let page = get(idp.addr(), "/saml2/avoma").await;
    assert!(page.body.contains("IdP-initiated"));
    let done = sign_in(&idp, &page, ALICE, "").await;
    let f = form(&done.body).unwrap();
    assert_eq!(f.get("RelayState"), Some("https://app.avoma.com"));
    let xml = b64(f.get("SAMLResponse").unwrap());
    assert!(!xml.contains("InResponseTo"));
    let r = sp_validate(&idp, "avoma", &xml, None).await;
    assert_eq!(r.verdict, Verdict::Valid, "{:?}", failed_ids(&r));
}

#[tokio::test]
async fn browser_flow_with_a_scenario() {
    let idp = start().await;
    let page = get(idp.addr(), "/saml2/avoma?scenario=wrong-audience").await;
    assert!(page.body.contains("value=\"wrong-audience\" selected"));
    // An inline (empty) icon: the browser does not ask for a /favicon.ico the server lacks.
    assert!(page.body.contains("<link rel=\"icon\" href=\"data:,\">"));
    let done = sign_in(&idp, &page, ALICE, "wrong-audience").await;
    assert!(done.body.contains("<link rel=\"icon\" href=\"data:,\">"));
    let xml = b64(form(&done.body).unwrap().get("SAMLResponse").unwrap());
    let r = sp_validate(&idp, "avoma", &xml, None).await;
    assert!(
        failed_ids(&r).contains(&"conditions.audience"),
        "{:?}",
        failed_ids(&r)
    );
    let bad = get(idp.addr(), "/saml2/avoma?scenario=nope").await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn unassigned_user_is_refused_without_a_response() {
    let idp = start().await;
    let page = get(idp.addr(), "/saml2/avoma").await;
    let done = sign_in(
        &idp,
        &page,
        ("mallory@acmecorp.com", "mallory-password"),
        "",
    )
    .await;
    assert_eq!(done.status, 403);
    assert!(done.body.contains("has not been given access"));
    assert!(!done.body.contains("SAMLResponse"));
    // Bob exists and is assigned to the demo app only.
    let done = sign_in(&idp, &page, ("bob@acmecorp.com", "bob-password"), "").await;
    assert_eq!(done.status, 403);
    // Wrong password: the login page again, 401.
    let done = sign_in(&idp, &page, ("alice@acmecorp.com", "wrong"), "").await;
    assert_eq!(done.status, 401);
    assert!(done.body.contains("Invalid email or password"));
    assert!(!done.body.contains("SAMLResponse"));
}

#[tokio::test]
async fn mismatching_requests_are_refused_with_a_clear_page() {
    let idp = start().await;
    let cases = [
        (authn_request("_r", "https://app.avoma.com", Some("https://evil.example.com/acs")), "AssertionConsumerServiceURL"),
        (authn_request("_r", "https://app.avoma.com/", None), "does not match the application's SP Entity ID"),
        ("<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_r\" Version=\"2.0\" IssueInstant=\"2026-01-01T00:00:00Z\"/>".to_owned(), "no <Issuer>"),
        ("<x/>".to_owned(), "not a usable AuthnRequest"),
    ];
    for (req, needle) in cases {
        for redirect in [true, false] {
            let r = if redirect {
                get(
                    idp.addr(),
                    &format!(
                        "/saml2/avoma?{}",
                        form_encode(&[("SAMLRequest", &deflate_b64(&req))])
                    ),
                )
                .await
            } else {
                post_form(
                    idp.addr(),
                    "/saml2/avoma",
                    &[("SAMLRequest", &b64_plain(&req))],
                )
                .await
            };
            assert_eq!(r.status, 400, "{needle}: {}", r.body);
            assert!(unescape(&r.body).contains(needle), "{needle}: {}", r.body);
            assert!(
                !r.body.contains("name=\"password\""),
                "no login page for a refused request"
            );
        }
    }
}

#[tokio::test]
async fn demo_sp_round_trip() {
    let idp = start().await;
    let base = idp.base_url();
    let home = get(idp.addr(), "/sp/").await;
    assert!(home.body.contains("Log in with JumpCloud (mock)"));
    let go = get(idp.addr(), "/sp/login").await;
    assert_eq!(go.status, 302);
    let loc = go.header("location").unwrap().to_owned();
    assert!(loc.starts_with(&format!("{base}/saml2/demo-sp?SAMLRequest=")));
    let page = get(idp.addr(), &local(&loc, &base)).await;
    let done = sign_in(&idp, &page, ALICE, "").await;
    let f = form(&done.body).unwrap();
    assert_eq!(f.action, format!("{base}/sp/acs"));
    let acs = post_form(idp.addr(), &local(&f.action, &base), &f.pairs()).await;
    assert_eq!(acs.status, 200, "{}", acs.body);
    assert!(acs.body.contains("data-verdict=\"valid\""));
    assert!(acs.body.contains("id=\"name-id\">alice@acmecorp.com<"));
    // A signature-wrapping attack chosen on the login page: the ACS refuses it and says why.
    let go = get(idp.addr(), "/sp/login").await;
    let page = get(idp.addr(), &local(go.header("location").unwrap(), &base)).await;
    let done = sign_in(&idp, &page, ALICE, "xsw1").await;
    let f = form(&done.body).unwrap();
    let acs = post_form(idp.addr(), "/sp/acs", &f.pairs()).await;
    assert_eq!(acs.status, 403);
    assert!(acs.body.contains("data-verdict=\"invalid\""));
    assert!(
        acs.body
            .contains("data-id=\"structure.unique_ids\" data-status=\"fail\""),
        "{}",
        acs.body
    );
    // Bad posts to the ACS.
    let r = post_form(idp.addr(), "/sp/acs", &[("SAMLResponse", "%%%not base64")]).await;
    assert_eq!(r.status, 400);
    let r = post_form(idp.addr(), "/sp/acs", &[("nothing", "here")]).await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn metadata_is_jumpcloud_shaped_and_rotation_changes_the_key() {
    let idp = start().await;
    let md = get(idp.addr(), "/saml2/avoma/metadata").await;
    assert_eq!(md.status, 200);
    assert!(md.body.starts_with("<md:EntityDescriptor"));
    assert!(md.body.contains("entityID=\"jumpcloud-acmecorp\""));
    assert!(md.body.contains("WantAuthnRequestsSigned=\"false\""));
    let sso = format!("Location=\"{}/saml2/avoma\"", idp.base_url());
    assert_eq!(md.body.matches(&sso).count(), 2, "Redirect declared + POST");
    assert!(md.body.contains("HTTP-Redirect"));
    assert!(!md.body.contains("SingleLogoutService"));
    // An app without Declare Redirect Endpoint lists POST only.
    let mut cfg = samlscope_idp::Config::bundled().unwrap();
    cfg.apps[0].declare_redirect_endpoint = false;
    cfg.apps[0].label = "postonly".into();
    let other = samlscope_idp::start(cfg).await.unwrap();
    let md2 = get(other.addr(), "/saml2/postonly/metadata").await;
    assert!(!md2.body.contains("HTTP-Redirect") && md2.body.contains("HTTP-POST"));
    drop(other);

    // Rotation, on a server with its own state directory so other tests keep their keys.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("rotate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let run = samlscope_idp::start_with(
        samlscope_idp::Config::bundled().unwrap(),
        samlscope_idp::KeyStore::Dir(dir.clone()),
        None,
        None,
    )
    .await
    .unwrap();
    let before = get(run.addr(), "/saml2/avoma/metadata").await.body;
    let old = run
        .response("avoma", "alice@acmecorp.com", "valid-both")
        .unwrap()
        .xml;
    // Rotation is an admin write: it needs the admin token.
    let rot = request(
        run.addr(),
        "POST",
        "/api/apps/avoma/certificate/rotate",
        &[("Authorization", &format!("Bearer {}", run.admin_token()))],
        b"",
        None,
    )
    .await;
    assert_eq!(rot.status, 200, "{}", rot.body);
    let after = get(run.addr(), "/saml2/avoma/metadata").await.body;
    assert_ne!(before, after);
    assert_eq!(
        std::fs::read_to_string(dir.join("apps/avoma/idp.crt.pem")).unwrap(),
        serde_json::from_str::<serde_json::Value>(&rot.body).unwrap()["certificate_pem"]
            .as_str()
            .unwrap()
    );
    // A response signed before the rotation no longer verifies against the new metadata.
    let r = sp_validate(&run, "avoma", &old, None).await;
    assert!(
        failed_ids(&r).contains(&"signature.trusted"),
        "{:?}",
        failed_ids(&r)
    );
    drop(run);
    // Restart with the same state dir: same metadata (stable across restarts).
    let run = samlscope_idp::start_with(
        samlscope_idp::Config::bundled().unwrap(),
        samlscope_idp::KeyStore::Dir(dir.clone()),
        None,
        None,
    )
    .await
    .unwrap();
    let again = get(run.addr(), "/saml2/avoma/metadata").await.body;
    let strip = |s: &str| {
        s.replace(&run.base_url(), "")
            .replace(&format!("http://{}", "x"), "")
    };
    assert_eq!(cert_of(&strip(&again)), cert_of(&after));
    let r = request(
        run.addr(),
        "POST",
        "/api/apps/nope/certificate/rotate",
        &[("Authorization", &format!("Bearer {}", run.admin_token()))],
        b"",
        None,
    )
    .await;
    assert_eq!(r.status, 404);
}

fn cert_of(md: &str) -> String {
    let i = md.find("<ds:X509Certificate>").unwrap();
    let j = md.find("</ds:X509Certificate>").unwrap();
    md[i..j].to_owned()
}

#[tokio::test]
async fn bad_requests_are_4xx_and_the_server_keeps_serving() {
    let idp = start().await;
    let a = idp.addr();
    let cases: Vec<(Resp, u16, &str)> = vec![
        (
            get(a, "/saml2/avoma?SAMLRequest=%%%garbage").await,
            400,
            "could not be decoded",
        ),
        (
            get(a, "/saml2/avoma?SAMLRequest=bm90IGRlZmxhdGVk").await,
            400,
            "SAMLRequest",
        ),
        (get(a, "/saml2/avoma?SAMLRequest=").await, 400, "empty"),
        (
            post_form(a, "/saml2/avoma", &[("SAMLRequest", "!!!!")]).await,
            400,
            "could not be decoded",
        ),
        (
            raw(
                a,
                "POST",
                "/saml2/avoma",
                Some("application/x-www-form-urlencoded"),
                b"SAMLRequest=\xff\xfe\x00\x01",
                None,
            )
            .await,
            400,
            "SAMLRequest",
        ),
        // Not a form: refused with 415 and the content type it needs, never read as an
        // IdP-initiated login without the request.
        (
            raw(
                a,
                "POST",
                "/saml2/avoma",
                Some("application/json"),
                br#"{"SAMLRequest":"fZBBa4NAEIX/yrJ3dY0hpItrEHIpNJemhdLbMj"}"#,
                None,
            )
            .await,
            415,
            "application/x-www-form-urlencoded",
        ),
        (
            raw(
                a,
                "POST",
                "/saml2/avoma/login",
                Some("multipart/form-data; boundary=x"),
                b"--x--",
                None,
            )
            .await,
            415,
            "multipart/form-data",
        ),
        (
            raw(
                a,
                "POST",
                "/sp/acs",
                Some("text/plain"),
                b"SAMLResponse=x",
                None,
            )
            .await,
            415,
            "HTML form POST",
        ),
        // Parameters and letter case of the media type do not matter.
        (
            raw(
                a,
                "POST",
                "/saml2/avoma",
                Some("Application/X-WWW-Form-Urlencoded; charset=UTF-8"),
                b"SAMLRequest=",
                None,
            )
            .await,
            400,
            "empty",
        ),
        (get(a, "/saml2/nope").await, 404, "no application"),
        (get(a, "/saml2/nope/metadata").await, 404, "no application"),
        (
            raw(a, "DELETE", "/saml2/avoma", None, b"", None).await,
            405,
            "not allowed",
        ),
        (
            raw(a, "PUT", "/api/scenarios", None, b"", None).await,
            405,
            "not allowed",
        ),
        (get(a, "/saml2/avoma/login").await, 405, "not allowed"),
        (get(a, "/no/such/thing").await, 404, "nothing at"),
        (
            post_form(
                a,
                "/saml2/avoma/login",
                &[
                    ("email", "alice@acmecorp.com"),
                    ("password", "alice-password"),
                    ("SAMLRequest", "zz"),
                ],
            )
            .await,
            400,
            "could not be decoded",
        ),
    ];
    for (i, (r, status, needle)) in cases.iter().enumerate() {
        assert_eq!(r.status, *status, "case {i}: {}", r.body);
        assert!(unescape(&r.body).contains(needle), "case {i}: {}", r.body);
    }
    // A 10 MB body, on the IdP's SSO endpoint and on the demo SP's ACS: refused from its
    // Content-Length, 413.
    let big = vec![b'a'; 64 * 1024];
    for path in ["/saml2/avoma", "/sp/acs"] {
        let r = raw(
            a,
            "POST",
            path,
            Some("application/x-www-form-urlencoded"),
            &big,
            Some(10 << 20),
        )
        .await;
        assert_eq!(r.status, 413, "{path}");
    }
    // Still serving.
    let md = get(a, "/saml2/avoma/metadata").await;
    assert_eq!(md.status, 200);
}

#[tokio::test]
async fn invalid_config_is_a_clear_error_at_start() {
    let mut cfg = samlscope_idp::Config::bundled().unwrap();
    cfg.apps[0].user_groups.push("ghosts".into());
    let err = samlscope_idp::start(cfg).await.unwrap_err().to_string();
    assert!(
        err.contains("ghosts") && err.contains("not in [[groups]]"),
        "{err}"
    );
    let err = samlscope_idp::load_config(Some(std::path::Path::new("/nonexistent/x.toml")))
        .unwrap_err()
        .to_string();
    assert!(err.contains("/nonexistent/x.toml"), "{err}");
}

/// With an SP Certificate configured, a signed AuthnRequest is checked as JumpCloud does: the
/// Redirect query string's signature (SAML Bindings §3.4.4.1) or the POSTed request's XML
/// signature; the right key passes, another key is refused, an unsigned request passes.
#[tokio::test]
async fn signed_requests_are_checked_with_the_sp_certificate() {
    use base64::Engine as _;
    use samlscope_core::algorithm::SignatureAlgorithm;
    let sp_key = samlscope_idp::keys::KeyMaterial::generate("avoma sp").unwrap();
    let other = samlscope_idp::keys::KeyMaterial::generate("someone else").unwrap();
    let mut cfg = samlscope_idp::Config::bundled().unwrap();
    cfg.apps[0].sp_certificate = Some(sp_key.cert_pem.clone());
    let idp = samlscope_idp::start(cfg).await.unwrap();
    let req = authn_request("_signed", "https://app.avoma.com", None);
    let alg = SignatureAlgorithm::RsaSha256.as_uri();
    let signed = form_encode(&[
        ("SAMLRequest", &deflate_b64(&req)),
        ("RelayState", "r"),
        ("SigAlg", alg),
    ]);
    for (key, status) in [(&sp_key, 200), (&other, 400)] {
        let sig = key
            .signer
            .key
            .sign(SignatureAlgorithm::RsaSha256, signed.as_bytes())
            .unwrap();
        let sig = base64::engine::general_purpose::STANDARD.encode(sig);
        let q = format!("{signed}&{}", form_encode(&[("Signature", &sig)]));
        let r = get(idp.addr(), &format!("/saml2/avoma?{q}")).await;
        assert_eq!(r.status, status, "{}", r.body);
        if status == 400 {
            assert!(
                r.body.contains("does not verify with the SP certificate"),
                "{}",
                r.body
            );
        }
    }
    // POST binding: an enveloped signature over the request.
    for (key, status) in [(&sp_key, 200), (&other, 400)] {
        let signed = samlscope_forge::sign::sign_enveloped(
            &req,
            "_signed",
            &key.signer,
            &Default::default(),
        )
        .unwrap();
        let b64 = base64::engine::general_purpose::STANDARD.encode(&signed);
        let r = post_form(idp.addr(), "/saml2/avoma", &[("SAMLRequest", &b64)]).await;
        assert_eq!(r.status, status, "{}", r.body);
        if status == 400 {
            assert!(r.body.contains("XML signature"), "{}", r.body);
        }
    }
    let b64 = base64::engine::general_purpose::STANDARD.encode(&req);
    let unsigned = post_form(idp.addr(), "/saml2/avoma", &[("SAMLRequest", &b64)]).await;
    assert_eq!(unsigned.status, 200, "{}", unsigned.body);
}

#[tokio::test]
async fn serve_banner_lists_the_urls() {
    let idp = start().await;
    let banner = samlscope_idp::urls(
        &idp,
        std::path::Path::new("/tmp/state"),
        &samlscope_idp::WebPage::Missing,
    );
    let base = idp.base_url();
    for needle in [
        format!("{base}/sp/"),
        format!("{base}/saml2/avoma/metadata"),
        format!("{base}/api/scenarios"),
        "/tmp/state".to_owned(),
    ] {
        assert!(banner.contains(&needle), "{needle} missing from:\n{banner}");
    }
    let index = get(idp.addr(), "/").await;
    assert_eq!(index.status, 200);
    assert!(index.body.contains("/saml2/avoma/metadata"));
}

/// `encrypt_assertion`: the assertion leaves the IdP as an EncryptedAssertion (signed inside,
/// the Response signature over the ciphertext), for the SP certificate of the app, or for the
/// demo SP's own key pair, which the demo SP decrypts with. Attacks stay in the clear and
/// are still refused.
#[tokio::test]
async fn encrypted_assertions_for_the_sp_certificate_and_the_demo_sp() {
    use samlscope_core::xenc::DecryptionKey;
    let avoma_sp = samlscope_idp::keys::KeyMaterial::generate("avoma sp").unwrap();
    let mut cfg = samlscope_idp::Config::bundled().unwrap();
    cfg.apps[0].sp_certificate = Some(avoma_sp.cert_pem.clone());
    cfg.apps[0].encrypt_assertion = true;
    cfg.apps[1].encrypt_assertion = true;
    let idp = samlscope_idp::start(cfg).await.unwrap();
    let base = idp.base_url();

    let apps = get(idp.addr(), "/api/apps").await;
    let apps: serde_json::Value = serde_json::from_str(&apps.body).unwrap();
    assert_eq!(apps[0]["encrypt_assertion"], true);

    // IdP-initiated to avoma: encrypted, readable only with the SP's key.
    let page = get(idp.addr(), "/saml2/avoma").await;
    let done = sign_in(&idp, &page, ALICE, "").await;
    let xml = b64(form(&done.body).unwrap().get("SAMLResponse").unwrap());
    assert!(xml.contains("<saml2:EncryptedAssertion"), "{xml}");
    assert!(
        !xml.contains("alice@acmecorp.com"),
        "the user is in the clear: {xml}"
    );
    let r = sp_validate(&idp, "avoma", &xml, None).await;
    assert_eq!(failed_ids(&r), ["assertion.encrypted"]);
    let md = get(idp.addr(), "/saml2/avoma/metadata").await;
    let (trust, entities) =
        samlscope_core::metadata::trust_from_metadata(md.body.as_bytes()).unwrap();
    let mut policy = samlscope_core::validate::Policy::new(trust, samlscope_idp::fresh::now());
    policy.idp_entity_id = entities.into_iter().next();
    policy.sp_entity_id = Some("https://app.avoma.com".into());
    policy.acs_url = Some("https://prod-api.avoma.com/saml2/acs".into());
    policy.sp_key = Some(DecryptionKey::from_pem(&avoma_sp.key_pem).unwrap());
    policy.require_signed_assertion = true;
    policy.require_signed_response = true;
    let r = samlscope_core::validate::validate(xml.as_bytes(), &policy);
    assert_eq!(r.verdict, Verdict::Valid, "{:?}", failed_ids(&r));
    assert_eq!(r.name_id.as_deref(), Some("alice@acmecorp.com"));

    // The demo SP round trip: encrypted for the demo SP, decrypted and valid there.
    let go = get(idp.addr(), "/sp/login").await;
    let page = get(idp.addr(), &local(go.header("location").unwrap(), &base)).await;
    let done = sign_in(&idp, &page, ALICE, "").await;
    let f = form(&done.body).unwrap();
    let xml = b64(f.get("SAMLResponse").unwrap());
    assert!(xml.contains("<saml2:EncryptedAssertion") && !xml.contains("alice@acmecorp.com"));
    let acs = post_form(idp.addr(), "/sp/acs", &f.pairs()).await;
    assert_eq!(acs.status, 200, "{}", acs.body);
    assert!(acs.body.contains("id=\"name-id\">alice@acmecorp.com<"));
    // An attack is sent in the clear and refused as before.
    let go = get(idp.addr(), "/sp/login").await;
    let page = get(idp.addr(), &local(go.header("location").unwrap(), &base)).await;
    let done = sign_in(&idp, &page, ALICE, "xsw1").await;
    let f = form(&done.body).unwrap();
    assert!(!b64(f.get("SAMLResponse").unwrap()).contains("EncryptedAssertion"));
    let acs = post_form(idp.addr(), "/sp/acs", &f.pairs()).await;
    assert_eq!(acs.status, 403);
}

/// The Redirect query of `req` signed by `key` with `alg` (or left unsigned when `None`).
fn signed_query(
    req: &str,
    key: &samlscope_idp::keys::KeyMaterial,
    alg: Option<samlscope_core::algorithm::SignatureAlgorithm>,
) -> String {
    use base64::Engine as _;
    let Some(alg) = alg else {
        return form_encode(&[("SAMLRequest", &deflate_b64(req)), ("RelayState", "r")]);
    };
    let signed = form_encode(&[
        ("SAMLRequest", &deflate_b64(req)),
        ("RelayState", "r"),
        ("SigAlg", alg.as_uri()),
    ]);
    let sig = key.signer.key.sign(alg, signed.as_bytes()).unwrap();
    let sig = base64::engine::general_purpose::STANDARD.encode(sig);
    format!("{signed}&{}", form_encode(&[("Signature", &sig)]))
}

/// The request policy per application, the same `RequestPolicy` `samlscope request` uses:
/// stripping (SigAlg without Signature, Signature without SigAlg) and a signed request
/// wrapped in an unsigned one are always refused; RSA-SHA1 only with `allow_sha1_requests`;
/// unsigned requests only without `require_signed_requests` (the default, as JumpCloud's
/// metadata says WantAuthnRequestsSigned="false"). A signed Redirect request is verified
/// again when the login form carries it back, and dropping its signature there is refused.
#[tokio::test]
async fn request_signatures_follow_the_app_policy() {
    use base64::Engine as _;
    use samlscope_core::algorithm::{DigestAlgorithm, SignatureAlgorithm};
    use samlscope_forge::sign::SignOptions;
    let encode = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let sp_key = samlscope_idp::keys::KeyMaterial::generate("avoma sp").unwrap();
    let mut cfg = samlscope_idp::Config::bundled().unwrap();
    cfg.apps[0].sp_certificate = Some(sp_key.cert_pem.clone());
    let lenient = samlscope_idp::start(cfg.clone()).await.unwrap();
    cfg.apps[0].require_signed_requests = true;
    cfg.apps[0].allow_sha1_requests = true;
    let strict = samlscope_idp::start(cfg).await.unwrap();
    let req = authn_request("_policy", "https://app.avoma.com", None);
    let sha256 = Some(SignatureAlgorithm::RsaSha256);
    let sha1 = Some(SignatureAlgorithm::RsaSha1);

    // Stripped, either half: refused by both apps.
    let full = signed_query(&req, &sp_key, sha256);
    let (no_signature, _) = full.split_once("&Signature=").unwrap();
    let sig_alg = format!(
        "&{}",
        form_encode(&[("SigAlg", SignatureAlgorithm::RsaSha256.as_uri())])
    );
    let no_sig_alg = full.replace(&sig_alg, "");
    assert_ne!(no_sig_alg, full);
    for idp in [&lenient, &strict] {
        let r = get(idp.addr(), &format!("/saml2/avoma?{no_signature}")).await;
        assert_eq!(r.status, 400, "{}", r.body);
        assert!(r.body.contains("SigAlg but no Signature"), "{}", r.body);
        let r = get(idp.addr(), &format!("/saml2/avoma?{no_sig_alg}")).await;
        assert_eq!(r.status, 400, "{}", r.body);
        assert!(r.body.contains("no SigAlg"), "{}", r.body);
    }

    // RSA-SHA1: refused unless the app allows it, for both bindings.
    let q = signed_query(&req, &sp_key, sha1);
    let r = get(lenient.addr(), &format!("/saml2/avoma?{q}")).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("SHA-1"), "{}", r.body);
    assert_eq!(
        get(strict.addr(), &format!("/saml2/avoma?{q}"))
            .await
            .status,
        200
    );
    let sha1_xml = samlscope_forge::sign::sign_enveloped(
        &req,
        "_policy",
        &sp_key.signer,
        &SignOptions {
            signature: SignatureAlgorithm::RsaSha1,
            digest: DigestAlgorithm::Sha1,
            ..SignOptions::default()
        },
    )
    .unwrap();
    let r = post_form(
        lenient.addr(),
        "/saml2/avoma",
        &[("SAMLRequest", &encode(&sha1_xml))],
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("SHA-1"), "{}", r.body);
    let r = post_form(
        strict.addr(),
        "/saml2/avoma",
        &[("SAMLRequest", &encode(&sha1_xml))],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);

    // An unsigned POSTed request wrapping the SP's signed one (same ID): refused by both.
    let signed_xml =
        samlscope_forge::sign::sign_enveloped(&req, "_policy", &sp_key.signer, &Default::default())
            .unwrap();
    let wrapped = req.replacen(
        "</saml:Issuer>",
        &format!("</saml:Issuer><samlp:Extensions>{signed_xml}</samlp:Extensions>"),
        1,
    );
    assert_ne!(wrapped, req);
    for idp in [&lenient, &strict] {
        let r = post_form(
            idp.addr(),
            "/saml2/avoma",
            &[("SAMLRequest", &encode(&wrapped))],
        )
        .await;
        assert_eq!(r.status, 400, "{}", r.body);
        assert!(r.body.contains("signature wrapping"), "{}", r.body);
    }

    // Unsigned: accepted only where the app does not require signatures.
    let unsigned = signed_query(&req, &sp_key, None);
    let r = get(lenient.addr(), &format!("/saml2/avoma?{unsigned}")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = get(strict.addr(), &format!("/saml2/avoma?{unsigned}")).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("unsigned"), "{}", r.body);
    let r = post_form(
        strict.addr(),
        "/saml2/avoma",
        &[("SAMLRequest", &encode(&req))],
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);

    // Signed with the SP's key but naming another SP: refused, the key is avoma's only.
    let other = authn_request("_other_sp", "https://evil-sp.example.net", None);
    let q = signed_query(&other, &sp_key, sha256);
    let r = get(strict.addr(), &format!("/saml2/avoma?{q}")).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.body.contains("no SP key given belongs to the request"),
        "{}",
        r.body
    );

    // A signed Redirect request goes through the login and is answered...
    let page = get(strict.addr(), &format!("/saml2/avoma?{full}")).await;
    let done = sign_in(&strict, &page, ALICE, "").await;
    assert_eq!(done.status, 200, "{}", done.body);
    let f = form(&done.body).unwrap();
    assert!(b64(f.get("SAMLResponse").unwrap()).contains("InResponseTo=\"_policy\""));
    assert_eq!(f.get("RelayState"), Some("r"));
    // ...but the login form without the signed query is an unsigned request: refused.
    let mut login = form(&page.body).unwrap();
    login.set("email", ALICE.0);
    login.set("password", ALICE.1);
    login.set("SAMLQuery", "");
    let r = post_form(strict.addr(), &login.action, &login.pairs()).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("unsigned"), "{}", r.body);
}

#[tokio::test]
async fn a_change_to_the_directory_applies_at_once_and_a_bad_one_changes_nothing() {
    let idp = start().await;
    let before = idp.metadata("avoma").unwrap();
    // A new app: served at once, with its own key; the others keep theirs.
    idp.idp()
        .change(|c| {
            let mut app = c.app("avoma").unwrap().clone();
            app.label = "avoma-staging".into();
            app.sp_entity_id = "https://staging.avoma.com".into();
            c.apps.push(app);
            Ok(())
        })
        .unwrap();
    assert_eq!(idp.metadata("avoma").unwrap(), before);
    let page = get(idp.addr(), "/saml2/avoma-staging/metadata").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("entityID=\"jumpcloud-acmecorp\""));
    let staging_cert = idp.idp().keys("avoma-staging").unwrap().cert_pem.clone();
    assert_ne!(staging_cert, idp.idp().keys("avoma").unwrap().cert_pem);
    let page = get(idp.addr(), "/saml2/avoma-staging").await;
    let done = sign_in(&idp, &page, ALICE, "").await;
    let xml = b64(form(&done.body).unwrap().get("SAMLResponse").unwrap());
    assert!(xml.contains("<saml2:Audience>https://staging.avoma.com</saml2:Audience>"));
    // An invalid directory is refused whole: the label is taken twice.
    let apps = idp.idp().config().apps.len();
    let err = idp
        .idp()
        .change(|c| {
            let dup = c.app("avoma").unwrap().clone();
            c.apps.push(dup);
            Ok(())
        })
        .unwrap_err();
    assert!(err.to_string().contains("defined twice"), "{err}");
    assert_eq!(idp.idp().config().apps.len(), apps);
    assert_eq!(
        idp.idp().keys("avoma-staging").unwrap().cert_pem,
        staging_cert
    );
    // Removing the app: gone at once.
    idp.idp()
        .change(|c| {
            c.apps.retain(|a| a.label != "avoma-staging");
            Ok(())
        })
        .unwrap();
    assert_eq!(
        get(idp.addr(), "/saml2/avoma-staging/metadata")
            .await
            .status,
        404
    );
}
