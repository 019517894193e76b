//! The IdP session over real HTTP on 127.0.0.1, with a browser's cookie jar: reuse across apps,
//! ForceAuthn, IsPassive (NoPassive), TOTP MFA, the User Portal and its logout, session expiry,
//! and group-inherited attributes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use std::time::Duration;

use common::browser::Browser;
use common::*;
use samlscope_core::report::{Status, Verdict};
use samlscope_idp::form::form_encode;
use samlscope_idp::session::COOKIE;
use samlscope_idp::totp::{STEP_SECONDS, TotpSecret};
use samlscope_idp::{Config, RunningIdp};

const ALICE: (&str, &str) = ("alice@testorg.com", "alice-pw");
const MIA: (&str, &str) = ("mia@testorg.com", "mia-pw");
const MIA_SECRET: &str = "JBSWY3DPEHPK3PXP";
const AC_PASSWORD: &str = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport";
const AC_MFA: &str = "https://refeds.org/profile/mfa";

/// Three apps: `one` (with a Login URL) and `two` for the staff, `three` for admins only.
fn config(session_lifetime_seconds: i64) -> Config {
    let app = |label: &str, groups: &str, extra: &str| {
        format!(
            "[[apps]]\nlabel = \"{label}\"\ndisplay_label = \"App {label}\"\nidp_entity_id = \"idp-{label}\"\nsp_entity_id = \"https://{label}.example.com/sp\"\nacs_urls = [\"https://{label}.example.com/acs\"]\nsign = \"assertion\"\ndefault_relay_state = \"https://{label}.example.com/home\"\nuser_groups = [{groups}]\n{extra}\n"
        )
    };
    let text = format!(
        "org = \"testorg\"\nsession_lifetime_seconds = {session_lifetime_seconds}\n{}{}{}{}",
        app(
            "one",
            "\"staff\"",
            "login_url = \"https://one.example.com/login\""
        ),
        app("two", "\"staff\"", ""),
        app("three", "\"admins\"", ""),
        concat!(
            "[[users]]\nemail = \"alice@testorg.com\"\npassword = \"alice-pw\"\n",
            "[[users]]\nemail = \"mia@testorg.com\"\npassword = \"mia-pw\"\ntotp_secret = \"JBSWY3DPEHPK3PXP\"\n",
            "[[users]]\nemail = \"nobody@testorg.com\"\npassword = \"nobody-pw\"\n",
            "[[users]]\nemail = \"root@testorg.com\"\npassword = \"root-pw\"\n",
            "[[groups]]\nname = \"staff\"\nmembers = [\"alice@testorg.com\", \"mia@testorg.com\"]\n",
            "[[groups]]\nname = \"admins\"\nmembers = [\"root@testorg.com\"]\n",
            "[[groups]]\nname = \"lonely\"\nmembers = [\"nobody@testorg.com\"]\n",
        )
    );
    Config::from_toml(&text).unwrap()
}

async fn start_with(config: Config) -> RunningIdp {
    samlscope_idp::start(config).await.unwrap()
}

/// An AuthnRequest with optional ForceAuthn / IsPassive, sent over the Redirect binding (a
/// top-level GET, which a SameSite=Lax cookie accompanies).
fn redirect_target(label: &str, id: &str, force: bool, passive: bool, relay: &str) -> String {
    let mut flags = String::new();
    if force {
        flags.push_str(" ForceAuthn=\"true\"");
    }
    if passive {
        flags.push_str(" IsPassive=\"true\"");
    }
    let xml = format!(
        "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"{id}\" Version=\"2.0\" IssueInstant=\"2026-01-01T00:00:00Z\"{flags} AssertionConsumerServiceURL=\"https://{label}.example.com/acs\"><saml:Issuer>https://{label}.example.com/sp</saml:Issuer></samlp:AuthnRequest>"
    );
    let q = form_encode(&[("SAMLRequest", &deflate_b64(&xml)), ("RelayState", relay)]);
    format!("/saml2/{label}?{q}")
}

/// The login page's form, filled in and posted.
async fn sign_in(b: &mut Browser, page: &Resp, who: (&str, &str), otp: Option<&str>) -> Resp {
    assert_eq!(page.status, 200, "{}", page.body);
    let mut f = form(&page.body).expect("login form");
    assert!(
        f.action.ends_with("/login"),
        "not a login form: {}",
        f.action
    );
    f.set("email", who.0);
    f.set("password", who.1);
    if let Some(code) = otp {
        f.set("otp", code);
    }
    b.post_form(&f.action, &f.pairs()).await
}

/// An auto-post page's response XML, RelayState and target.
struct Posted {
    xml: String,
    relay: Option<String>,
    acs: String,
}

fn posted(resp: &Resp) -> Posted {
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert!(
        resp.body.contains("document.forms[0].submit()"),
        "not the auto-post form: {}",
        resp.body
    );
    let f = form(&resp.body).unwrap();
    Posted {
        xml: b64(f.get("SAMLResponse").expect("SAMLResponse")),
        relay: f.get("RelayState").map(str::to_owned),
        acs: f.action.clone(),
    }
}

fn is_login_page(resp: &Resp) -> bool {
    resp.status == 200
        && form(&resp.body).is_some_and(|f| f.action.ends_with("/login"))
        && resp.body.contains("name=\"password\"")
}

/// The value of attribute `name` of the first element that has it.
fn attr(xml: &str, name: &str) -> String {
    let needle = format!(" {name}=\"");
    let i = xml
        .find(&needle)
        .unwrap_or_else(|| panic!("no {name} in {xml}"))
        + needle.len();
    xml[i..i + xml[i..].find('"').unwrap()].to_owned()
}

fn class_ref(xml: &str) -> String {
    let open = "<saml2:AuthnContextClassRef>";
    let i = xml.find(open).unwrap() + open.len();
    xml[i..i + xml[i..].find('<').unwrap()].to_owned()
}

fn unix(t: &str) -> i64 {
    samlscope_core::saml::time::Instant::parse(t)
        .unwrap()
        .0
        .unix_seconds()
}

/// Passes the second boundary of the IdP's clock (whole seconds), so a new instant differs.
async fn next_second() {
    tokio::time::sleep(Duration::from_millis(1100)).await;
}

#[tokio::test]
async fn a_session_is_reused_across_apps_with_one_session_index() {
    let idp = start_with(config(3600)).await;
    let mut b = Browser::new(idp.addr());
    let page = b
        .get(&redirect_target("one", "_r1", false, false, "r1"))
        .await;
    assert!(is_login_page(&page));
    let done = sign_in(&mut b, &page, ALICE, None).await;
    let set = done
        .header("set-cookie")
        .expect("a session cookie")
        .to_owned();
    assert!(set.starts_with(&format!("{COOKIE}=")), "{set}");
    for part in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(set.contains(part), "{set} lacks {part}");
    }
    assert!(!set.contains("Secure"), "http loopback: {set}");
    let first = posted(&done);
    let authn_instant = attr(&first.xml, "AuthnInstant");
    let session_index = attr(&first.xml, "SessionIndex");
    assert_eq!(
        unix(&attr(&first.xml, "SessionNotOnOrAfter")),
        unix(&authn_instant) + 3600
    );
    assert_eq!(class_ref(&first.xml), AC_PASSWORD);

    next_second().await;
    // Another app, SP-initiated: no password page, the same session in the assertion.
    let again = b
        .get(&redirect_target("two", "_r2", false, false, "r2"))
        .await;
    assert!(!is_login_page(&again));
    let second = posted(&again);
    assert_eq!(second.acs, "https://two.example.com/acs");
    assert_eq!(second.relay.as_deref(), Some("r2"));
    assert_eq!(attr(&second.xml, "SessionIndex"), session_index);
    assert_eq!(attr(&second.xml, "AuthnInstant"), authn_instant);
    assert!(second.xml.contains("InResponseTo=\"_r2\""));
    // AuthnInstant is the login's, not the response's.
    assert!(unix(&attr(&second.xml, "IssueInstant")) > unix(&authn_instant));
    let r = sp_validate(&idp, "two", &second.xml, Some("_r2")).await;
    assert_eq!(r.verdict, Verdict::Valid, "{:?}", failed_ids(&r));
    assert_eq!(r.name_id.as_deref(), Some(ALICE.0));

    // IdP-initiated with the session: straight to the ACS with the Default RelayState.
    let idp_init = posted(&b.get("/saml2/two").await);
    assert!(!idp_init.xml.contains("InResponseTo"));
    assert_eq!(
        idp_init.relay.as_deref(),
        Some("https://two.example.com/home")
    );
    assert_eq!(attr(&idp_init.xml, "SessionIndex"), session_index);

    // A session never opens an app the user is not assigned to.
    let denied = b.get("/saml2/three").await;
    assert_eq!(denied.status, 403);
    assert!(!denied.body.contains("SAMLResponse"));
    let denied = b
        .get(&redirect_target("three", "_r3", false, false, "r3"))
        .await;
    assert_eq!(denied.status, 403);

    // Another browser (no cookie) is asked for the password.
    let mut other = Browser::new(idp.addr());
    assert!(is_login_page(&other.get("/saml2/two").await));
    // A forged cookie is no session.
    other.set_cookie(COOKIE, &"0".repeat(64));
    assert!(is_login_page(&other.get("/saml2/two").await));
}

#[tokio::test]
async fn force_authn_shows_the_login_page_and_renews_the_authn_instant() {
    let idp = start_with(config(3600)).await;
    let mut b = Browser::new(idp.addr());
    let page = b.get("/saml2/one").await;
    let first = posted(&sign_in(&mut b, &page, ALICE, None).await);
    let index = attr(&first.xml, "SessionIndex");
    let instant = attr(&first.xml, "AuthnInstant");

    next_second().await;
    let forced = b
        .get(&redirect_target("two", "_force", true, false, "f"))
        .await;
    assert!(
        is_login_page(&forced),
        "ForceAuthn must show the login page"
    );
    // A wrong password on the forced login is refused; the session stays as it was.
    let refused = sign_in(&mut b, &forced, (ALICE.0, "wrong"), None).await;
    assert_eq!(refused.status, 401);
    let done = sign_in(&mut b, &forced, ALICE, None).await;
    let renewed = posted(&done);
    assert!(renewed.xml.contains("InResponseTo=\"_force\""));
    assert_eq!(renewed.relay.as_deref(), Some("f"));
    assert_eq!(attr(&renewed.xml, "SessionIndex"), index);
    let new_instant = attr(&renewed.xml, "AuthnInstant");
    assert!(
        unix(&new_instant) > unix(&instant),
        "{new_instant} vs {instant}"
    );
    let r = sp_validate(&idp, "two", &renewed.xml, Some("_force")).await;
    assert_eq!(r.verdict, Verdict::Valid, "{:?}", failed_ids(&r));

    // Later requests carry the renewed instant.
    let later = posted(
        &b.get(&redirect_target("one", "_after", false, false, "a"))
            .await,
    );
    assert_eq!(attr(&later.xml, "AuthnInstant"), new_instant);
    assert_eq!(attr(&later.xml, "SessionIndex"), index);
}

/// The NoPassive answer: signed by the app's key, status Responder / NoPassive, no assertion.
async fn assert_no_passive(idp: &RunningIdp, resp: &Resp, request_id: &str, relay: &str) {
    assert!(!is_login_page(resp), "IsPassive must never show a page");
    let p = posted(resp);
    assert_eq!(p.acs, "https://one.example.com/acs");
    assert_eq!(p.relay.as_deref(), Some(relay));
    assert!(p.xml.contains(concat!(
        "<saml2p:Status><saml2p:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Responder\">",
        "<saml2p:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:NoPassive\"/>",
        "</saml2p:StatusCode></saml2p:Status>"
    )));
    assert!(p.xml.contains(&format!("InResponseTo=\"{request_id}\"")));
    assert!(!p.xml.contains("Assertion"), "{}", p.xml);
    assert_eq!(p.xml.matches("<ds:Signature ").count(), 1);
    let r = sp_validate(idp, "one", &p.xml, Some(request_id)).await;
    assert_eq!(r.verdict, Verdict::Invalid);
    let status = |id: &str| {
        r.checks
            .iter()
            .find(|c| c.id.as_str() == id)
            .map(|c| c.status)
    };
    assert_eq!(
        status("signature.trusted"),
        Some(Status::Pass),
        "{:?}",
        r.checks
    );
    assert_eq!(
        status("signature.digest"),
        Some(Status::Pass),
        "{:?}",
        r.checks
    );
    assert_eq!(status("response.status"), Some(Status::Fail));
    assert_eq!(status("response.in_response_to"), Some(Status::Pass));
}

#[tokio::test]
async fn is_passive_without_a_session_is_no_passive_and_with_one_is_silent() {
    let idp = start_with(config(3600)).await;
    let mut b = Browser::new(idp.addr());
    let resp = b
        .get(&redirect_target("one", "_passive1", false, true, "p1"))
        .await;
    assert_no_passive(&idp, &resp, "_passive1", "p1").await;
    assert!(b.cookie(COOKIE).is_none());

    let page = b.get("/saml2/two").await;
    posted(&sign_in(&mut b, &page, ALICE, None).await);
    let silent = b
        .get(&redirect_target("one", "_passive2", false, true, "p2"))
        .await;
    assert!(!is_login_page(&silent));
    let p = posted(&silent);
    assert_eq!(p.relay.as_deref(), Some("p2"));
    let r = sp_validate(&idp, "one", &p.xml, Some("_passive2")).await;
    assert_eq!(r.verdict, Verdict::Valid, "{:?}", failed_ids(&r));
    assert_eq!(r.name_id.as_deref(), Some(ALICE.0));
}

#[tokio::test]
async fn force_authn_with_is_passive_is_no_passive_even_with_a_session() {
    // SAML core §3.4.1: with both, the IdP "MUST NOT freshly authenticate the presenter unless
    // the constraints of IsPassive can be met"; a login page cannot meet them.
    let idp = start_with(config(3600)).await;
    let mut b = Browser::new(idp.addr());
    let resp = b
        .get(&redirect_target("one", "_both1", true, true, "b1"))
        .await;
    assert_no_passive(&idp, &resp, "_both1", "b1").await;
    let page = b.get("/saml2/one").await;
    posted(&sign_in(&mut b, &page, ALICE, None).await);
    let resp = b
        .get(&redirect_target("one", "_both2", true, true, "b2"))
        .await;
    assert_no_passive(&idp, &resp, "_both2", "b2").await;
    // The session is untouched: a plain request is still answered from it.
    assert!(!is_login_page(&b.get("/saml2/one").await));
}

fn now_unix() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

#[tokio::test]
async fn totp_right_code_logs_in_with_the_mfa_class_wrong_or_replayed_is_refused() {
    let idp = start_with(config(3600)).await;
    let secret = TotpSecret::from_base32(MIA_SECRET).unwrap();
    let mut b = Browser::new(idp.addr());
    let page = b
        .get(&redirect_target("one", "_mfa", false, false, "m"))
        .await;
    assert!(page.body.contains("name=\"otp\""));

    // The right password without a code: MFA required, no session.
    let no_code = sign_in(&mut b, &page, MIA, None).await;
    assert_eq!(no_code.status, 401);
    assert!(no_code.body.contains("MFA required"), "{}", no_code.body);
    assert!(no_code.header("set-cookie").is_none());
    assert!(!no_code.body.contains("SAMLResponse"));

    // A wrong code (none of the three accepted steps' codes): refused, no session.
    let t = now_unix();
    let live: Vec<String> = [-1, 0, 1, 2]
        .iter()
        .map(|k| secret.code_at(t + k * STEP_SECONDS))
        .collect();
    let wrong = (0..1000)
        .map(|n| format!("{:06}", n * 7919 % 1_000_000))
        .find(|c| !live.contains(c))
        .unwrap();
    let refused = sign_in(&mut b, &page, MIA, Some(&wrong)).await;
    assert_eq!(refused.status, 401);
    assert!(refused.body.contains("Invalid authenticator code"));
    assert!(refused.header("set-cookie").is_none());
    assert!(b.cookie(COOKIE).is_none());
    assert!(is_login_page(&b.get("/saml2/one").await));

    // The right code.
    let code = secret.code_at(now_unix());
    let done = sign_in(&mut b, &page, MIA, Some(&code)).await;
    let p = posted(&done);
    assert!(b.cookie(COOKIE).is_some());
    assert_eq!(class_ref(&p.xml), AC_MFA);
    let r = sp_validate(&idp, "one", &p.xml, Some("_mfa")).await;
    assert_eq!(r.verdict, Verdict::Valid, "{:?}", failed_ids(&r));
    // The session keeps saying how the user authenticated.
    let reuse = posted(&b.get("/saml2/two").await);
    assert_eq!(class_ref(&reuse.xml), AC_MFA);

    // The same code again, from another browser: a replay, refused.
    let mut thief = Browser::new(idp.addr());
    let page = thief.get("/saml2/one").await;
    let replayed = sign_in(&mut thief, &page, MIA, Some(&code)).await;
    assert_eq!(replayed.status, 401);
    assert!(thief.cookie(COOKIE).is_none());
    // Through the portal too.
    let replayed = thief
        .post_form(
            "/portal/login",
            &[("email", MIA.0), ("password", MIA.1), ("otp", &code)],
        )
        .await;
    assert_eq!(replayed.status, 401);
    assert!(thief.cookie(COOKIE).is_none());

    // A user without MFA gets the password class.
    let mut a = Browser::new(idp.addr());
    let page = a.get("/saml2/one").await;
    assert_eq!(
        class_ref(&posted(&sign_in(&mut a, &page, ALICE, None).await).xml),
        AC_PASSWORD
    );
}

#[tokio::test]
async fn portal_login_shows_assigned_tiles_and_a_tile_logs_in_without_a_password() {
    let idp = start_with(config(3600)).await;
    let base = idp.base_url();
    let mut b = Browser::new(idp.addr());
    let portal = b.get("/portal").await;
    assert_eq!(portal.status, 200);
    assert_eq!(form(&portal.body).unwrap().action, "/portal/login");
    assert!(!portal.body.contains("class=\"tile\""));

    let bad = b
        .post_form("/portal/login", &[("email", ALICE.0), ("password", "nope")])
        .await;
    assert_eq!(bad.status, 401);
    assert!(b.cookie(COOKIE).is_none());

    let login = b
        .post_form(
            "/portal/login",
            &[("email", ALICE.0), ("password", ALICE.1)],
        )
        .await;
    assert_eq!(login.status, 303);
    assert_eq!(login.header("location"), Some("/portal"));
    assert!(b.cookie(COOKIE).is_some());
    let tiles = b.get("/portal").await;
    assert_eq!(tiles.status, 200);
    assert!(tiles.body.contains(ALICE.0));
    // Only assigned apps; a Login URL wins over the IDP URL.
    assert!(
        tiles
            .body
            .contains("<a class=\"tile\" href=\"https://one.example.com/login\">App one</a>")
    );
    let two = format!("{base}/saml2/two");
    assert!(
        tiles
            .body
            .contains(&format!("<a class=\"tile\" href=\"{two}\">App two</a>"))
    );
    assert!(!tiles.body.contains("App three"));

    // Following the tile: an IdP-initiated response at once.
    let p = posted(&b.get(&local(&two, &base)).await);
    assert_eq!(p.acs, "https://two.example.com/acs");
    assert!(!p.xml.contains("InResponseTo"));
    let r = sp_validate(&idp, "two", &p.xml, None).await;
    assert_eq!(r.verdict, Verdict::Valid, "{:?}", failed_ids(&r));

    // A user with no app sees JumpCloud's sentence.
    let mut n = Browser::new(idp.addr());
    n.post_form(
        "/portal/login",
        &[("email", "nobody@testorg.com"), ("password", "nobody-pw")],
    )
    .await;
    let empty = n.get("/portal").await;
    assert!(
        empty.body.contains(
            "You have not been given access to any SSO applications by your administrator."
        )
    );
    assert!(!empty.body.contains("class=\"tile\""));
}

#[tokio::test]
async fn logout_ends_the_session_and_the_next_sso_asks_for_the_password() {
    let idp = start_with(config(3600)).await;
    let mut b = Browser::new(idp.addr());
    b.post_form(
        "/portal/login",
        &[("email", ALICE.0), ("password", ALICE.1)],
    )
    .await;
    let kept = b.cookie(COOKIE).unwrap().to_owned();
    assert!(!is_login_page(&b.get("/saml2/two").await));

    let out = b.post_form("/portal/logout", &[]).await;
    assert_eq!(out.status, 303);
    let clear = out.header("set-cookie").unwrap();
    assert!(clear.contains("Max-Age=0"), "{clear}");
    assert!(b.cookie(COOKIE).is_none());
    assert!(is_login_page(&b.get("/saml2/two").await));
    assert_eq!(
        form(&b.get("/portal").await.body).unwrap().action,
        "/portal/login"
    );
    // A browser that kept the old cookie has no session either: it ended on the server.
    let mut stale = Browser::new(idp.addr());
    stale.set_cookie(COOKIE, &kept);
    assert!(is_login_page(
        &stale
            .get(&redirect_target("one", "_x", false, false, "x"))
            .await
    ));
    assert!(idp.idp().sessions.is_empty());
}

#[tokio::test]
async fn an_expired_session_asks_for_the_password_again() {
    const LIFETIME: i64 = 2;
    let idp = start_with(config(LIFETIME)).await;
    let mut b = Browser::new(idp.addr());
    let started = std::time::Instant::now();
    let page = b.get("/saml2/one").await;
    let first = posted(&sign_in(&mut b, &page, ALICE, None).await);
    assert_eq!(
        unix(&attr(&first.xml, "SessionNotOnOrAfter")),
        unix(&attr(&first.xml, "AuthnInstant")) + LIFETIME
    );
    // While it lasts (checked only when this machine was quick enough to be sure it does).
    let reuse = b.get("/saml2/two").await;
    if started.elapsed() < Duration::from_millis(900) {
        assert!(!is_login_page(&reuse), "a fresh session must be reused");
    }
    // Then the password again: polled, at most 40 × 250 ms.
    let mut asked = false;
    for _ in 0..40 {
        if is_login_page(&b.get("/saml2/two").await) {
            asked = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(asked, "the session outlived its lifetime");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "expired too early"
    );
    // And the expired session was dropped from the store.
    assert!(idp.idp().sessions.is_empty());
}

/// Carol is in `sales` and `eng`, both bound to `hr`; each group defines `department`, and
/// `eng` alone defines `employeeid`, which is the app's NameID.
fn attribute_config(sales_added: &str, eng_added: &str) -> Config {
    Config::from_toml(&format!(
        concat!(
            "org = \"testorg\"\n",
            "[[apps]]\nlabel = \"hr\"\nidp_entity_id = \"idp-hr\"\nsp_entity_id = \"https://hr.example.com/sp\"\n",
            "acs_urls = [\"https://hr.example.com/acs\"]\nuser_groups = [\"sales\", \"eng\"]\n",
            "name_id_field = \"employeeid\"\n",
            "name_id_format = \"urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified\"\n",
            "attributes = [{{ name = \"department\", value = \"department\" }}, {{ name = \"title\", value = \"title\" }}]\n",
            "[[users]]\nemail = \"carol@testorg.com\"\npassword = \"carol-pw\"\nattributes = {{ title = \"Lead\" }}\n",
            "[[groups]]\nname = \"sales\"\nmembers = [\"carol@testorg.com\"]\n",
            "attributes = {{ department = \"Sales\", title = \"Seller\" }}\n",
            "added = {{ \"carol@testorg.com\" = \"{sales}\" }}\n",
            "[[groups]]\nname = \"eng\"\nmembers = [\"carol@testorg.com\"]\n",
            "attributes = {{ department = \"Engineering\", employeeid = \"E-42\" }}\n",
            "added = {{ \"carol@testorg.com\" = \"{eng}\" }}\n",
        ),
        sales = sales_added,
        eng = eng_added
    ))
    .unwrap()
}

async fn carol_attributes(config: Config) -> String {
    let idp = start_with(config).await;
    let mut b = Browser::new(idp.addr());
    let page = b.get("/saml2/hr").await;
    let xml = posted(&sign_in(&mut b, &page, ("carol@testorg.com", "carol-pw"), None).await).xml;
    let r = sp_validate(&idp, "hr", &xml, None).await;
    assert_eq!(r.verdict, Verdict::Valid, "{:?}", failed_ids(&r));
    assert_eq!(r.name_id.as_deref(), Some("E-42"));
    // The user's own attribute beats the inherited one.
    assert!(xml.contains("<saml2:Attribute Name=\"title\""));
    assert!(xml.contains(">Lead<") && !xml.contains(">Seller<"));
    xml
}

#[tokio::test]
async fn the_group_the_user_was_most_recently_added_to_wins() {
    let xml = carol_attributes(attribute_config(
        "2026-01-10T09:00:00Z",
        "2026-02-20T09:00:00Z",
    ))
    .await;
    assert!(
        xml.contains(">Engineering<") && !xml.contains(">Sales<"),
        "{xml}"
    );
    let xml = carol_attributes(attribute_config(
        "2026-02-20T09:00:00Z",
        "2026-01-10T09:00:00Z",
    ))
    .await;
    assert!(
        xml.contains(">Sales<") && !xml.contains(">Engineering<"),
        "{xml}"
    );
}

#[tokio::test]
async fn a_membership_added_through_the_admin_operations_is_the_most_recent() {
    // `eng` comes first in the file: by configuration order alone `sales` would win.
    let config = Config::from_toml(concat!(
        "org = \"testorg\"\n",
        "[[apps]]\nlabel = \"hr\"\nidp_entity_id = \"idp-hr\"\nsp_entity_id = \"https://hr.example.com/sp\"\n",
        "acs_urls = [\"https://hr.example.com/acs\"]\nuser_groups = [\"sales\", \"eng\"]\n",
        "attributes = [{ name = \"department\", value = \"department\" }]\n",
        "[[users]]\nemail = \"carol@testorg.com\"\npassword = \"carol-pw\"\n",
        "[[groups]]\nname = \"eng\"\nattributes = { department = \"Engineering\" }\n",
        "[[groups]]\nname = \"sales\"\nmembers = [\"carol@testorg.com\"]\n",
        "attributes = { department = \"Sales\" }\n",
    ))
    .unwrap();
    let idp = start_with(config).await;
    let department = || async {
        let mut b = Browser::new(idp.addr());
        let page = b.get("/saml2/hr").await;
        let xml =
            posted(&sign_in(&mut b, &page, ("carol@testorg.com", "carol-pw"), None).await).xml;
        ["Sales", "Engineering"]
            .into_iter()
            .filter(|d| xml.contains(&format!(">{d}<")))
            .collect::<Vec<_>>()
    };
    assert_eq!(department().await, ["Sales"]);
    // Added now (what POST /api/admin/groups/eng/members/… does): the most recent membership.
    idp.idp().add_member("eng", "carol@testorg.com").unwrap();
    assert_eq!(department().await, ["Engineering"]);
    // Editing the group through the admin operations keeps its attributes and her time.
    idp.idp()
        .patch_group(
            "eng",
            &serde_json::json!({"members": ["carol@testorg.com"]}),
        )
        .unwrap();
    assert_eq!(department().await, ["Engineering"]);
    idp.idp().remove_member("eng", "carol@testorg.com").unwrap();
    assert_eq!(department().await, ["Sales"]);
    // Deleting her takes her memberships (and their times) along; the directory stays valid.
    idp.idp().add_member("eng", "carol@testorg.com").unwrap();
    idp.idp().delete_user("carol@testorg.com").unwrap();
    assert!(idp.idp().config().groups.iter().all(|g| g.added.is_empty()));
}
