//! The event log over real HTTP on 127.0.0.1: an event for an issued response (its ID and body
//! the ones posted to the SP) and for each refusal reason, the `app`/`user`/`since`/`limit`
//! filters, bad and fuzzed queries, the ring buffer's bound, concurrent attempts, and the
//! `/events` page's links into the inspector.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use std::time::{Duration, Instant};

use common::*;
use samlscope_api::{Event, EventPage, Initiation, Outcome, RefusalReason, RequestProblem};
use samlscope_idp::events::{self, Attempt};
use samlscope_idp::form::form_encode;

const ALICE: (&str, &str) = ("alice@acmecorp.com", "alice-password");
const MALLORY: (&str, &str) = ("mallory@acmecorp.com", "mallory-password");
const AVOMA_ACS: &str = "https://prod-api.avoma.com/saml2/acs";

async fn events(idp: &samlscope_idp::RunningIdp, query: &str) -> EventPage {
    let r = get(idp.addr(), &format!("/api/events{query}")).await;
    assert_eq!(r.status, 200, "{query}: {}", r.body);
    assert!(
        r.header("content-type")
            .unwrap_or_default()
            .starts_with("application/json")
    );
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.body))
}

async fn last_event(idp: &samlscope_idp::RunningIdp) -> Event {
    events(idp, "").await.events.pop().expect("an event")
}

/// Login page → the form submitted with credentials → the IdP's answer.
async fn sign_in(idp: &samlscope_idp::RunningIdp, login_page: &Resp, who: (&str, &str)) -> Resp {
    assert_eq!(login_page.status, 200, "{}", login_page.body);
    let mut f = form(&login_page.body).expect("login form");
    f.set("email", who.0);
    f.set("password", who.1);
    post_form(idp.addr(), &f.action, &f.pairs()).await
}

/// The root element's `ID` (the Response's: the first element of the document).
fn root_id(xml: &str) -> &str {
    let i = xml.find(" ID=\"").unwrap() + 5;
    &xml[i..i + xml[i..].find('"').unwrap()]
}

fn refusal(e: &Event) -> (RefusalReason, &str) {
    match &e.outcome {
        Outcome::Refused { reason, message } => (*reason, message.as_str()),
        o => panic!("not a refusal: {o:?}"),
    }
}

#[tokio::test]
async fn an_issued_response_is_logged_with_its_id_and_body() {
    let idp = start().await;
    // SP-initiated (Redirect binding).
    let req = authn_request("_req_ev", "https://app.avoma.com", Some(AVOMA_ACS));
    let q = form_encode(&[("SAMLRequest", &deflate_b64(&req))]);
    let page = get(idp.addr(), &format!("/saml2/avoma?{q}")).await;
    // Showing the login page is not an outcome yet.
    assert!(events(&idp, "").await.events.is_empty());
    let done = sign_in(&idp, &page, ALICE).await;
    assert_eq!(done.status, 200, "{}", done.body);
    let posted = form(&done.body).unwrap();
    let b64 = posted.get("SAMLResponse").unwrap();
    let xml = common::b64(b64);
    let e = last_event(&idp).await;
    assert_eq!(e.seq, 1);
    assert_eq!(e.app, "avoma");
    assert_eq!(e.user.as_deref(), Some(ALICE.0));
    assert_eq!(e.initiation, Initiation::Sp);
    assert_eq!(e.request_id.as_deref(), Some("_req_ev"));
    assert_eq!(e.scenario, None);
    match &e.outcome {
        Outcome::Success {
            response_id,
            acs_url,
            saml_response,
        } => {
            assert_eq!(response_id, root_id(&xml));
            assert!(xml.contains("InResponseTo=\"_req_ev\""));
            assert_eq!(acs_url, AVOMA_ACS);
            assert_eq!(saml_response.as_deref(), Some(b64));
        }
        o => panic!("{o:?}"),
    }
    let t = time::OffsetDateTime::parse(&e.time, &time::format_description::well_known::Rfc3339)
        .unwrap();
    assert!((time::OffsetDateTime::now_utc() - t).abs() < time::Duration::minutes(1));
    assert!(e.time.ends_with('Z'), "{}", e.time);

    // IdP-initiated with a scenario: no request ID, the scenario named.
    let page = get(idp.addr(), "/saml2/avoma").await;
    let mut f = form(&page.body).unwrap();
    f.set("email", ALICE.0);
    f.set("password", ALICE.1);
    f.set("scenario", "xsw1");
    let done = post_form(idp.addr(), &f.action, &f.pairs()).await;
    let xml = common::b64(form(&done.body).unwrap().get("SAMLResponse").unwrap());
    let e = last_event(&idp).await;
    assert_eq!((e.seq, e.initiation), (2, Initiation::Idp));
    assert_eq!(e.request_id, None);
    assert_eq!(e.scenario.as_deref(), Some("xsw1"));
    match &e.outcome {
        Outcome::Success { response_id, .. } => assert_eq!(response_id, root_id(&xml)),
        o => panic!("{o:?}"),
    }

    // The scenario API's responses are logged too, as initiation `api`.
    let r = get(
        idp.addr(),
        "/api/apps/avoma/responses/valid-both?user=alice%40acmecorp.com&in_response_to=_api1",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let issued: samlscope_api::ScenarioResponse = serde_json::from_str(&r.body).unwrap();
    let e = last_event(&idp).await;
    assert_eq!(e.initiation, Initiation::Api);
    assert_eq!(e.scenario.as_deref(), Some("valid-both"));
    assert_eq!(e.request_id.as_deref(), Some("_api1"));
    match &e.outcome {
        Outcome::Success {
            response_id,
            saml_response,
            ..
        } => {
            assert_eq!(response_id, root_id(&issued.xml));
            assert_eq!(
                saml_response.as_deref(),
                Some(issued.saml_response.as_str())
            );
        }
        o => panic!("{o:?}"),
    }
    // An API call refused before a response was made is not an SSO attempt: nothing logged.
    let r = get(
        idp.addr(),
        "/api/apps/avoma/responses/valid-both?user=alice%40acmecorp.com&format=pdf",
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(events(&idp, "").await.next_seq, 4);
}

/// A Redirect-binding request for avoma.
fn redirect(xml: &str) -> String {
    format!(
        "/saml2/avoma?{}",
        form_encode(&[("SAMLRequest", &deflate_b64(xml))])
    )
}

#[tokio::test]
async fn each_refusal_is_logged_with_its_reason() {
    use RefusalReason as R;
    use RequestProblem as P;
    let sp_key = samlscope_idp::keys::KeyMaterial::generate("avoma sp").unwrap();
    let other = samlscope_idp::keys::KeyMaterial::generate("someone else").unwrap();
    let mut cfg = samlscope_idp::Config::bundled().unwrap();
    cfg.apps[0].sp_certificate = Some(sp_key.cert_pem.clone());
    let idp = samlscope_idp::start(cfg).await.unwrap();
    let signed_by_other = {
        let req = authn_request("_sig", "https://app.avoma.com", None);
        let xml =
            samlscope_forge::sign::sign_enveloped(&req, "_sig", &other.signer, &Default::default())
                .unwrap();
        b64_plain(&xml)
    };
    let not_post = authn_request("_bind", "https://app.avoma.com", None)
        .replace("bindings:HTTP-POST", "bindings:HTTP-Artifact");
    // (what is sent: a GET target, or a POST target and its form; status, reason, request ID
    // logged, a phrase of the page the user saw)
    type Sent = (String, Option<Vec<(&'static str, String)>>);
    let cases: Vec<(Sent, u16, R, Option<&str>, &str)> = vec![
        (
            ("/saml2/nope".into(), None),
            404,
            R::UnknownApp,
            None,
            "no application",
        ),
        (
            ("/saml2/avoma?scenario=nope".into(), None),
            400,
            R::UnknownScenario,
            None,
            "no scenario",
        ),
        (
            ("/saml2/avoma?SAMLRequest=".into(), None),
            400,
            R::RequestRefused(P::Undecodable),
            None,
            "is empty",
        ),
        (
            ("/saml2/avoma?SAMLRequest=%25%25%25".into(), None),
            400,
            R::RequestRefused(P::Undecodable),
            None,
            "SAMLRequest",
        ),
        (
            (redirect("<x/>"), None),
            400,
            R::RequestRefused(P::NotAnAuthnRequest),
            None,
            "not a usable AuthnRequest",
        ),
        (
            (
                redirect(
                    "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_noiss\" Version=\"2.0\" IssueInstant=\"2026-01-01T00:00:00Z\"/>",
                ),
                None,
            ),
            400,
            R::RequestRefused(P::NoIssuer),
            Some("_noiss"),
            "no <Issuer>",
        ),
        (
            (
                redirect(&authn_request("_iss", "https://app.avoma.com/", None)),
                None,
            ),
            400,
            R::RequestRefused(P::IssuerMismatch),
            Some("_iss"),
            "does not match",
        ),
        (
            (
                redirect(&authn_request(
                    "_acs",
                    "https://app.avoma.com",
                    Some("https://evil.example.com/acs"),
                )),
                None,
            ),
            400,
            R::RequestRefused(P::AcsNotListed),
            Some("_acs"),
            "AssertionConsumerServiceURL",
        ),
        (
            (redirect(&not_post), None),
            400,
            R::RequestRefused(P::UnsupportedBinding),
            Some("_bind"),
            "ProtocolBinding",
        ),
        (
            (
                "/saml2/avoma".into(),
                Some(vec![("SAMLRequest", signed_by_other)]),
            ),
            400,
            R::RequestRefused(P::BadSignature),
            Some("_sig"),
            "signature was refused",
        ),
    ];
    let mut seq = 0;
    for ((target, body), status, reason, request_id, phrase) in cases {
        let r = match &body {
            None => get(idp.addr(), &target).await,
            Some(pairs) => {
                let pairs: Vec<(&str, &str)> =
                    pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
                post_form(idp.addr(), &target, &pairs).await
            }
        };
        assert_eq!(r.status, status, "{target}: {}", r.body);
        assert!(unescape(&r.body).contains(phrase), "{target}: {}", r.body);
        let e = last_event(&idp).await;
        seq += 1;
        assert_eq!(e.seq, seq, "{target}: one event per attempt");
        let (got, message) = refusal(&e);
        assert_eq!(got, reason, "{target}");
        assert!(message.contains(phrase), "{target}: {message}");
        assert_eq!(e.request_id.as_deref(), request_id, "{target}");
        assert_eq!(e.user, None, "{target}: nobody signed in");
        let sp = target.contains("SAMLRequest") || body.is_some();
        assert_eq!(
            e.initiation,
            if sp { Initiation::Sp } else { Initiation::Idp },
            "{target}"
        );
    }
    assert_eq!(last_event(&idp).await.app, "avoma");
    assert_eq!(events(&idp, "?app=nope").await.events.len(), 1);

    // At sign-in: a wrong password (the email as typed), an unassigned user, and a request
    // that came back altered through the login form's hidden fields.
    let page = get(idp.addr(), "/saml2/avoma").await;
    let r = sign_in(&idp, &page, (ALICE.0, "wrong")).await;
    assert_eq!(r.status, 401);
    let e = last_event(&idp).await;
    assert_eq!(refusal(&e).0, R::BadCredentials);
    assert_eq!(e.user.as_deref(), Some(ALICE.0));
    let r = sign_in(&idp, &page, MALLORY).await;
    assert_eq!(r.status, 403);
    let e = last_event(&idp).await;
    assert_eq!(
        refusal(&e),
        (
            R::NotAssigned,
            "mallory@acmecorp.com is not assigned to Avoma"
        )
    );
    assert_eq!(e.user.as_deref(), Some(MALLORY.0));
    let r = post_form(
        idp.addr(),
        "/saml2/avoma/login",
        &[
            ("email", ALICE.0),
            ("password", ALICE.1),
            (
                "SAMLRequest",
                &b64_plain(&authn_request("_hidden", "https://evil.example.com", None)),
            ),
        ],
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    let e = last_event(&idp).await;
    assert_eq!(refusal(&e).0, R::RequestRefused(P::IssuerMismatch));
    assert_eq!(
        (e.initiation, e.request_id.as_deref()),
        (Initiation::Sp, Some("_hidden"))
    );
    let r = post_form(
        idp.addr(),
        "/saml2/ghost/login",
        &[("email", ALICE.0), ("password", ALICE.1)],
    )
    .await;
    assert_eq!(r.status, 404);
    assert_eq!(refusal(&last_event(&idp).await).0, R::UnknownApp);
}

/// The IdP fails to make the response (here: encryption for an SP certificate whose key is not
/// RSA): the attempt is logged as `issue_failed`, not lost.
#[tokio::test]
async fn a_response_the_idp_cannot_make_is_logged() {
    let ec = rcgen::generate_simple_self_signed(vec!["sp.example".into()]).unwrap();
    let mut cfg = samlscope_idp::Config::bundled().unwrap();
    cfg.apps[0].sp_certificate = Some(ec.cert.pem());
    cfg.apps[0].encrypt_assertion = true;
    let idp = samlscope_idp::start(cfg).await.unwrap();
    let page = get(idp.addr(), "/saml2/avoma").await;
    let r = sign_in(&idp, &page, ALICE).await;
    assert_eq!(r.status, 500, "{}", r.body);
    let e = last_event(&idp).await;
    assert_eq!(refusal(&e).0, RefusalReason::IssueFailed);
    assert_eq!(e.user.as_deref(), Some(ALICE.0));
}

#[tokio::test]
async fn filters_by_app_user_since_and_limit() {
    let idp = start().await;
    let issue = |user: &'static str| {
        let addr = idp.addr();
        async move {
            let q = form_encode(&[("user", user)]);
            let r = get(addr, &format!("/api/apps/avoma/responses/valid-both?{q}")).await;
            assert_eq!(r.status, 200, "{}", r.body);
        }
    };
    issue("alice@acmecorp.com").await; // 1
    issue("bob@acmecorp.com").await; // 2
    get(idp.addr(), "/saml2/other").await; // 3: unknown app, no user
    issue("alice@acmecorp.com").await; // 4
    let seqs = |p: EventPage| p.events.iter().map(|e| e.seq).collect::<Vec<_>>();
    assert_eq!(
        seqs(events(&idp, "").await),
        vec![1, 2, 3, 4],
        "oldest first"
    );
    assert_eq!(seqs(events(&idp, "?app=avoma").await), vec![1, 2, 4]);
    assert_eq!(seqs(events(&idp, "?app=other").await), vec![3]);
    assert_eq!(
        seqs(events(&idp, "?app=avom").await),
        Vec::<u64>::new(),
        "exact label"
    );
    assert_eq!(
        seqs(events(&idp, "?user=ALICE%40acmecorp.com").await),
        vec![1, 4]
    );
    assert_eq!(
        seqs(events(&idp, "?user=bob%40acmecorp.com&app=avoma").await),
        vec![2]
    );
    assert_eq!(seqs(events(&idp, "?since=2").await), vec![3, 4]);
    assert_eq!(seqs(events(&idp, "?since=4").await), Vec::<u64>::new());
    assert_eq!(seqs(events(&idp, "?limit=2").await), vec![1, 2]);
    assert_eq!(seqs(events(&idp, "?since=1&limit=2").await), vec![2, 3]);
    assert_eq!(
        seqs(events(&idp, "?app=&user=&since=").await),
        vec![1, 2, 3, 4]
    );
    // By time: everything is after the epoch, nothing after tomorrow.
    assert_eq!(
        seqs(events(&idp, "?since=1970-01-01T00:00:00Z").await).len(),
        4
    );
    let tomorrow = (time::OffsetDateTime::now_utc() + time::Duration::days(1))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let q = form_encode(&[("since", &tomorrow)]);
    assert_eq!(
        seqs(events(&idp, &format!("?{q}")).await),
        Vec::<u64>::new()
    );
    // The third event's own time includes it (at or after).
    let third = events(&idp, "?since=2&limit=1").await.events[0]
        .time
        .clone();
    let q = form_encode(&[("since", &third)]);
    assert!(seqs(events(&idp, &format!("?{q}")).await).contains(&3));
    let page = events(&idp, "?app=nothing").await;
    assert_eq!(
        (page.capacity, page.oldest_seq, page.next_seq),
        (events::CAPACITY, Some(1), 5)
    );
    // `samlscope serve` names the page and the endpoint.
    let banner = samlscope_idp::urls(
        &idp,
        std::path::Path::new("/tmp/state"),
        &samlscope_idp::WebPage::Missing,
    );
    assert!(
        banner.contains(&format!("{}/api/events", idp.base_url())),
        "{banner}"
    );
    // The library sees the same log.
    assert_eq!(
        idp.events().list(&events::Filter::default()),
        events(&idp, "").await
    );
}

#[tokio::test]
async fn bad_queries_are_a_clear_400() {
    let idp = start().await;
    for (q, phrase) in [
        ("since=yesterday", "since"),
        ("since=-3", "since"),
        ("since=2026-02-30T00:00:00Z", "RFC 3339"),
        ("since=1&since=2", "more than once"),
        ("limit=0", "limit"),
        ("limit=100000", "limit"),
        ("app=avoma&colour=red", "unknown query parameter \"colour\""),
    ] {
        let r = get(idp.addr(), &format!("/api/events?{q}")).await;
        assert_eq!(r.status, 400, "{q}: {}", r.body);
        let err: samlscope_api::ApiError = serde_json::from_str(&r.body).unwrap();
        assert!(err.error.contains(phrase), "{q}: {}", err.error);
        let r = get(idp.addr(), &format!("/events?{q}")).await;
        assert_eq!(r.status, 400, "{q}: {}", r.body);
        assert!(unescape(&r.body).contains(phrase), "{q}: {}", r.body);
    }
}

#[tokio::test]
async fn the_log_keeps_the_newest_events_up_to_its_capacity() {
    let idp = start().await;
    let extra = 25u64;
    let total = events::CAPACITY as u64 + extra;
    for i in 0..total {
        idp.events().refused(
            Attempt::new(&format!("app{i}"), Initiation::Idp),
            RefusalReason::UnknownApp,
            "no such app",
        );
    }
    let page = events(&idp, "").await;
    assert_eq!(page.events.len(), events::CAPACITY);
    assert_eq!(page.oldest_seq, Some(extra + 1));
    assert_eq!(page.next_seq, total + 1);
    assert_eq!(page.events.first().unwrap().seq, extra + 1);
    assert_eq!(page.events.last().unwrap().seq, total);
    assert_eq!(page.events.first().unwrap().app, format!("app{extra}"));
    // A client that last saw event 3 can tell it missed some: the oldest held is above 4.
    let page = events(&idp, "?since=3&limit=1").await;
    assert!(page.oldest_seq.unwrap() > 3 + 1);
    assert_eq!(page.events[0].seq, extra + 1);
    // The next real attempt numbers on.
    get(idp.addr(), "/saml2/nope").await;
    assert_eq!(last_event(&idp).await.seq, total + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_attempts_are_all_logged() {
    let idp = start().await;
    let addr = idp.addr();
    const TASKS: usize = 8;
    const EACH: usize = 6;
    let deadline = Duration::from_secs(60);
    let started = Instant::now();
    let mut handles = Vec::new();
    for t in 0..TASKS {
        handles.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for i in 0..EACH {
                // Every other attempt with a wrong password: refusals interleave with successes.
                let password = if (t + i) % 2 == 0 { ALICE.1 } else { "wrong" };
                let r = post_form(
                    addr,
                    "/saml2/avoma/login",
                    &[("email", ALICE.0), ("password", password)],
                )
                .await;
                if password == ALICE.1 {
                    assert_eq!(r.status, 200, "{}", r.body);
                    let xml = common::b64(form(&r.body).unwrap().get("SAMLResponse").unwrap());
                    ids.push(root_id(&xml).to_owned());
                } else {
                    assert_eq!(r.status, 401);
                }
            }
            ids
        }));
    }
    let mut issued = Vec::new();
    for h in handles {
        issued.extend(tokio::time::timeout(deadline, h).await.unwrap().unwrap());
    }
    assert!(started.elapsed() < deadline);
    let page = events(&idp, "").await;
    assert_eq!(page.events.len(), TASKS * EACH);
    let seqs: Vec<u64> = page.events.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=(TASKS * EACH) as u64).collect::<Vec<_>>());
    let mut logged: Vec<String> = page
        .events
        .iter()
        .filter_map(|e| match &e.outcome {
            Outcome::Success { response_id, .. } => Some(response_id.clone()),
            Outcome::Refused { .. } => None,
        })
        .collect();
    logged.sort();
    issued.sort();
    assert_eq!(logged, issued);
    assert_eq!(issued.len(), TASKS * EACH / 2);
}

/// xorshift64*: a fixed sequence of bytes, so that a failure can be replayed.
struct Bytes(u64);

impl Bytes {
    fn next(&mut self) -> u8 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
    }
}

#[tokio::test]
async fn fuzzed_queries_never_fail_the_server() {
    let idp = start().await;
    get(idp.addr(), "/saml2/nope").await;
    let mut rng = Bytes(0x5eed_0fe7_e775);
    let alphabet = b"appusersincelimit=&%+;#?/:.-_0123456789TZabcxyz\xc3\xa9\x00 \t\xff";
    let started = Instant::now();
    let mut statuses = std::collections::BTreeMap::new();
    for round in 0..400 {
        assert!(started.elapsed() < Duration::from_secs(60), "round {round}");
        let len = usize::from(rng.next()) % 96;
        let query: Vec<u8> = (0..len)
            .map(|_| {
                let b = rng.next();
                if b < 200 {
                    alphabet[usize::from(b) % alphabet.len()]
                } else {
                    b
                }
            })
            .collect();
        let path = if round % 4 == 0 {
            "/events"
        } else {
            "/api/events"
        };
        let mut target = format!("{path}?").into_bytes();
        target.extend_from_slice(&query);
        // Raw bytes on the request line: hyper refuses some before routing (400), which is fine.
        let r = raw_target(idp.addr(), &target).await;
        assert!(
            r < 500,
            "round {round}: {r} for {:?}",
            String::from_utf8_lossy(&target)
        );
        *statuses.entry(r).or_insert(0) += 1;
    }
    eprintln!("fuzzed /api/events and /events: statuses {statuses:?}");
    assert!(statuses.contains_key(&200) && statuses.contains_key(&400));
    assert_eq!(events(&idp, "").await.events.len(), 1, "still serving");
}

/// Sends `GET <target>` with the target's bytes as they are; the status, or 400 when the
/// server closed without answering a request line it could not parse.
async fn raw_target(addr: std::net::SocketAddr, target: &[u8]) -> u16 {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut req = b"GET ".to_vec();
    req.extend_from_slice(target);
    req.extend_from_slice(
        format!(" HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    let _ = s.write_all(&req).await;
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut buf)).await;
    let head = String::from_utf8_lossy(&buf[..buf.len().min(32)]).into_owned();
    head.split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(400)
}

#[tokio::test]
async fn the_events_page_links_each_response_into_the_inspector() {
    let idp = start().await;
    let req = authn_request("_page", "https://app.avoma.com", None);
    let page = post_form(
        idp.addr(),
        "/saml2/avoma",
        &[("SAMLRequest", &b64_plain(&req))],
    )
    .await;
    let done = sign_in(&idp, &page, ALICE).await;
    let b64 = form(&done.body)
        .unwrap()
        .get("SAMLResponse")
        .unwrap()
        .to_owned();
    // Values that would be markup if not escaped: an app label and a typed email.
    get(idp.addr(), "/saml2/%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    let login = get(idp.addr(), "/saml2/avoma").await;
    sign_in(&idp, &login, ("\"><img src=x onerror=alert(1)>", "x")).await;

    let html = get(idp.addr(), "/events").await;
    assert_eq!(html.status, 200);
    let body = &html.body;
    assert!(!body.contains("<script>alert"), "{body}");
    assert!(!body.contains("<img src=x"), "{body}");
    assert!(
        body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{body}"
    );
    // Newest first.
    let rows: Vec<usize> = ["data-seq=\"3\"", "data-seq=\"2\"", "data-seq=\"1\""]
        .iter()
        .map(|r| body.find(r).unwrap())
        .collect();
    assert!(rows.windows(2).all(|w| w[0] < w[1]), "{rows:?}");
    // The success row links to the inspector with the response in the fragment.
    let i = body.find("data-testid=\"open-1\" href=\"").unwrap()
        + "data-testid=\"open-1\" href=\"".len();
    let href = unescape(&body[i..i + body[i..].find('"').unwrap()]);
    let fragment = href
        .strip_prefix("/#")
        .expect("a fragment link to the page");
    let pairs = samlscope_idp::form::parse_form(fragment.as_bytes());
    let get_pair = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get_pair("SAMLResponse"), Some(b64.as_str()));
    assert_eq!(get_pair("app"), Some("avoma"));
    assert_eq!(get_pair("acs_url"), Some(AVOMA_ACS));
    assert_eq!(get_pair("request_id"), Some("_page"));
    assert!(!fragment.contains('+'), "a + would read as a space");
    // Refusals have no link; a filter narrows the page.
    assert_eq!(body.matches("class=\"open\"").count(), 1);
    let only = get(idp.addr(), "/events?user=alice%40acmecorp.com").await;
    assert!(only.body.contains("data-seq=\"1\"") && !only.body.contains("data-seq=\"2\""));
}

/// Sessions, IsPassive and TOTP: the attempts they decide are logged like the others.
#[tokio::test]
async fn session_passive_and_mfa_attempts_are_logged() {
    use common::browser::Browser;
    use samlscope_idp::totp::{STEP_SECONDS, TotpSecret};
    const SECRET: &str = "JBSWY3DPEHPK3PXP";
    let config = samlscope_idp::Config::from_toml(concat!(
        "org = \"testorg\"\n",
        "[[apps]]\nlabel = \"one\"\nidp_entity_id = \"idp-one\"\nsp_entity_id = \"https://one.example.com/sp\"\n",
        "acs_urls = [\"https://one.example.com/acs\"]\nuser_groups = [\"staff\"]\n",
        "[[users]]\nemail = \"mia@testorg.com\"\npassword = \"mia-pw\"\ntotp_secret = \"JBSWY3DPEHPK3PXP\"\n",
        "[[users]]\nemail = \"nobody@testorg.com\"\npassword = \"nobody-pw\"\n",
        "[[groups]]\nname = \"staff\"\nmembers = [\"mia@testorg.com\"]\n",
        "[[groups]]\nname = \"lonely\"\nmembers = [\"nobody@testorg.com\"]\n",
    ))
    .unwrap();
    let idp = samlscope_idp::start(config).await.unwrap();
    let passive = authn_request("_passive", "https://one.example.com/sp", None)
        .replace(" Version=", " IsPassive=\"true\" Version=");
    let mut b = Browser::new(idp.addr());

    // IsPassive without a session: NoPassive to the SP, logged as refused with its ID.
    let r = b
        .get(&format!(
            "/saml2/one?{}",
            form_encode(&[("SAMLRequest", &deflate_b64(&passive))])
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let xml = common::b64(form(&r.body).unwrap().get("SAMLResponse").unwrap());
    assert!(xml.contains("NoPassive"));
    let e = last_event(&idp).await;
    let (reason, message) = refusal(&e);
    assert_eq!(reason, RefusalReason::NoPassive);
    assert!(message.contains(root_id(&xml)), "{message}");
    assert_eq!(
        (e.initiation, e.request_id.as_deref(), e.user.as_deref()),
        (Initiation::Sp, Some("_passive"), None)
    );

    // TOTP: no code, a wrong code, the right one, then the same code replayed elsewhere.
    let secret = TotpSecret::from_base32(SECRET).unwrap();
    let now = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap();
    let live: Vec<String> = [-1, 0, 1, 2]
        .iter()
        .map(|k| secret.code_at(now + k * STEP_SECONDS))
        .collect();
    let wrong = (0..1000)
        .map(|n| format!("{:06}", n * 7919 % 1_000_000))
        .find(|c| !live.contains(c))
        .unwrap();
    let right = secret.code_at(now);
    let mia = |otp: Option<&str>| {
        let mut pairs = vec![("email", "mia@testorg.com"), ("password", "mia-pw")];
        if let Some(c) = otp {
            pairs.push(("otp", c));
        }
        pairs
            .into_iter()
            .map(|(k, v)| (k, v.to_owned()))
            .collect::<Vec<_>>()
    };
    for (otp, status, reason) in [
        (None, 401, Some(RefusalReason::MfaRequired)),
        (Some(wrong.as_str()), 401, Some(RefusalReason::MfaFailed)),
        (Some(right.as_str()), 200, None),
    ] {
        let pairs = mia(otp);
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = b.post_form("/saml2/one/login", &pairs).await;
        assert_eq!(r.status, status, "{otp:?}: {}", r.body);
        let e = last_event(&idp).await;
        assert_eq!(e.user.as_deref(), Some("mia@testorg.com"));
        match reason {
            Some(want) => assert_eq!(refusal(&e).0, want, "{otp:?}"),
            None => assert!(matches!(e.outcome, Outcome::Success { .. }), "{e:?}"),
        }
    }
    let mut thief = Browser::new(idp.addr());
    let pairs = mia(Some(&right));
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        thief.post_form("/saml2/one/login", &pairs).await.status,
        401
    );
    assert_eq!(
        refusal(&last_event(&idp).await).0,
        RefusalReason::MfaReplayed
    );

    // The session answers the next SSO without a login: logged as the session's user.
    let r = b.get("/saml2/one").await;
    let xml = common::b64(form(&r.body).unwrap().get("SAMLResponse").unwrap());
    let e = last_event(&idp).await;
    assert_eq!(
        (e.initiation, e.user.as_deref()),
        (Initiation::Idp, Some("mia@testorg.com"))
    );
    match &e.outcome {
        Outcome::Success { response_id, .. } => assert_eq!(response_id, root_id(&xml)),
        o => panic!("{o:?}"),
    }

    // A user with no bound group.
    let r = post_form(
        idp.addr(),
        "/saml2/one/login",
        &[("email", "nobody@testorg.com"), ("password", "nobody-pw")],
    )
    .await;
    assert_eq!(r.status, 403);
    let e = last_event(&idp).await;
    assert_eq!(refusal(&e).0, RefusalReason::NotAssigned);
    assert_eq!(e.user.as_deref(), Some("nobody@testorg.com"));
}
