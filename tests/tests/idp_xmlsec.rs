//! Every `valid-*` scenario of the mock IdP verifies in libxmlsec1 (`xmlsec1 --verify`) with the
//! certificate taken from the served metadata — an oracle from outside the project. Under
//! `CI=true` a missing xmlsec1 fails; otherwise the test prints SKIPPED.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::net::SocketAddr;

use samlscope_idp::Config;
use samlscope_idp::scenarios::Category;
use samlscope_tests::{scratch, xmlsec1_available, xmlsec1_verify};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// One HTTP/1.0 GET (so the body is never chunked); (status, body).
async fn get(addr: SocketAddr, target: &str) -> (u16, String) {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {target} HTTP/1.0\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    s.write_all(request.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.unwrap();
    let text = String::from_utf8(buf).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap();
    (status, body.to_owned())
}

/// Removes the Response's own Signature (the first one, right after its Issuer) so xmlsec1,
/// which verifies the first signature it finds, checks the Assertion's.
fn without_response_signature(xml: &str) -> String {
    let start = xml.find("<ds:Signature ").unwrap();
    let end = xml[start..].find("</ds:Signature>").unwrap() + start + "</ds:Signature>".len();
    let out = format!("{}{}", &xml[..start], &xml[end..]);
    assert!(
        out.contains("<ds:Signature "),
        "the assertion's signature must remain"
    );
    out
}

#[tokio::test]
async fn valid_scenarios_verify_in_xmlsec1_with_the_metadata_certificate() {
    if !xmlsec1_available() {
        return;
    }
    let idp = samlscope_idp::start(Config::bundled().unwrap())
        .await
        .unwrap();
    let dir = scratch("idp-xmlsec");
    let valid: Vec<_> = samlscope_idp::scenarios()
        .iter()
        .filter(|s| s.category == Category::Valid)
        .collect();
    assert_eq!(valid.len(), 3);
    for app in ["avoma", "demo-sp"] {
        let (status, md) = get(idp.addr(), &format!("/saml2/{app}/metadata")).await;
        assert_eq!(status, 200);
        let i = md.find("<ds:X509Certificate>").unwrap() + "<ds:X509Certificate>".len();
        let j = md.find("</ds:X509Certificate>").unwrap();
        let b64 = &md[i..j];
        let pem = format!(
            "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
            b64.as_bytes()
                .chunks(64)
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect::<Vec<_>>()
                .join("\n")
        );
        let cert = dir.join(format!("{app}.crt.pem"));
        std::fs::write(&cert, pem).unwrap();
        for s in &valid {
            let (status, body) = get(idp.addr(), &format!("/api/apps/{app}/responses/{}?user=alice%40acmecorp.com&in_response_to=_q&format=xml", s.name)).await;
            assert_eq!(status, 200);
            let name = format!("{app}-{}", s.name);
            xmlsec1_verify(&body, &cert, &name).unwrap_or_else(|e| panic!("{name}: {e}\n{body}"));
            if s.name == "valid-both" {
                let inner = without_response_signature(&body);
                xmlsec1_verify(&inner, &cert, &format!("{name}-assertion"))
                    .unwrap_or_else(|e| panic!("{name} (assertion signature): {e}"));
            }
            // The oracle can fail: a tampered copy must not verify.
            let tampered = body.replacen("alice@acmecorp.com", "admin@acmecorp.com", 1);
            assert!(
                xmlsec1_verify(&tampered, &cert, &format!("{name}-tampered")).is_err(),
                "{name}: tampered copy verified"
            );
        }
    }
}
