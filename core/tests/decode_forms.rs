//! Each paste form decodes a real (small, hand-written, JumpCloud-shaped) SAML message.
//! The encoded forms are built here from tests/data/decode/{response,authnrequest}.xml; the HAR
//! and SAML-tracer files are synthetic, made by tests/data/decode/make_fixtures.py.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::io::Write;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use flate2::Compression;
use flate2::write::{DeflateEncoder, ZlibEncoder};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use samlscope_core::decode::{
    Binding, DecodeLimits, Decoded, Finding, HarPart, Layer, Origin, Parameter, TracerField,
    decode, decode_all, looks_like_xml,
};

const RESPONSE: &str = include_str!("data/decode/response.xml");
const AUTHN_REQUEST: &str = include_str!("data/decode/authnrequest.xml");
const SIGALG: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

fn deflate(b: &[u8]) -> Vec<u8> {
    let mut e = DeflateEncoder::new(Vec::new(), Compression::best());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

fn zlib(b: &[u8]) -> Vec<u8> {
    let mut e = ZlibEncoder::new(Vec::new(), Compression::default());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

fn b64(b: &[u8]) -> String {
    STANDARD.encode(b)
}

fn pct(s: &str) -> String {
    utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
}

fn one(input: &[u8]) -> Decoded {
    let mut all = decode(input, &DecodeLimits::default()).unwrap();
    assert_eq!(all.len(), 1, "{all:#?}");
    all.remove(0)
}

#[test]
fn decode_fixture_has_plus_in_base64_so_plus_handling_is_exercised() {
    assert!(b64(RESPONSE.as_bytes()).contains('+'));
}

#[test]
fn decode_raw_xml() {
    let d = one(RESPONSE.as_bytes());
    assert_eq!(d.xml, RESPONSE);
    assert_eq!(d.binding, Binding::Raw);
    assert_eq!(d.origin, Origin::Pasted);
    assert_eq!(d.parameter, None);
    assert!(d.layers.is_empty());
}

#[test]
fn decode_raw_xml_with_bom_and_surrounding_whitespace() {
    let input = format!("\u{feff}\n  {AUTHN_REQUEST}\n\n");
    let d = one(input.as_bytes());
    assert_eq!(d.xml.trim_end(), AUTHN_REQUEST);
    assert_eq!(d.binding, Binding::Raw);
}

#[test]
fn decode_base64_single_line() {
    let d = one(b64(RESPONSE.as_bytes()).as_bytes());
    assert_eq!(d.xml, RESPONSE);
    assert_eq!(d.binding, Binding::Post);
    assert_eq!(d.layers, vec![Layer::Base64]);
}

#[test]
fn decode_base64_with_line_breaks_and_indentation() {
    let wrapped: Vec<String> = b64(RESPONSE.as_bytes())
        .as_bytes()
        .chunks(76)
        .map(|c| format!("    {}", std::str::from_utf8(c).unwrap()))
        .collect();
    let d = one(wrapped.join("\r\n").as_bytes());
    assert_eq!(d.xml, RESPONSE);
}

#[test]
fn decode_base64_of_xml_with_bom_strips_it() {
    let d = one(b64(format!("\u{feff}{RESPONSE}").as_bytes()).as_bytes());
    assert_eq!(d.xml, RESPONSE);
    assert_eq!(d.layers, vec![Layer::Base64, Layer::BomStripped]);
}

#[test]
fn decode_url_encoded_base64() {
    let encoded = pct(&b64(RESPONSE.as_bytes()));
    assert!(encoded.contains("%2B") && encoded.contains("%3D"));
    let d = one(encoded.as_bytes());
    assert_eq!(d.xml, RESPONSE);
    assert_eq!(d.layers, vec![Layer::UrlDecoded, Layer::Base64]);
}

#[test]
fn decode_url_encoded_base64_with_plus_as_space_and_percent_2b() {
    // A form encoder that wrote `%2B` for `+` and `+` for the spaces of wrapped lines.
    let wrapped = b64(RESPONSE.as_bytes())
        .replace('+', "%2B")
        .replace('=', "%3D");
    let (a, b) = wrapped.split_at(40);
    let d = one(format!("{a}+{b}").as_bytes());
    assert_eq!(d.xml, RESPONSE);
}

#[test]
fn decode_post_body_properly_encoded() {
    let body = format!(
        "SAMLResponse={}&RelayState={}",
        pct(&b64(RESPONSE.as_bytes())),
        "https%3A%2F%2Fsp.example.com%2Fapp%3Fx%3D1+2"
    );
    let d = one(body.as_bytes());
    assert_eq!(d.xml, RESPONSE);
    assert_eq!(d.binding, Binding::Post);
    assert_eq!(d.parameter, Some(Parameter::SamlResponse));
    assert_eq!(d.origin, Origin::PostBody);
    assert_eq!(
        d.relay_state.as_deref(),
        Some("https://sp.example.com/app?x=1 2")
    );
    assert_eq!(d.layers, vec![Layer::UrlDecoded, Layer::Base64]);
}

#[test]
fn decode_post_body_hand_assembled_with_literal_plus() {
    let body = format!("RelayState=abc&SAMLResponse={}", b64(RESPONSE.as_bytes()));
    let d = one(body.as_bytes());
    assert_eq!(d.xml, RESPONSE);
    assert_eq!(d.relay_state.as_deref(), Some("abc"));
}

#[test]
fn decode_post_body_with_deflated_response_from_broken_idp() {
    let body = format!("SAMLResponse={}", pct(&b64(&deflate(RESPONSE.as_bytes()))));
    let d = one(body.as_bytes());
    assert_eq!(d.xml, RESPONSE);
    assert_eq!(
        d.layers,
        vec![Layer::UrlDecoded, Layer::Base64, Layer::Inflated]
    );
}

#[test]
fn decode_base64_of_zlib_data() {
    let d = one(b64(&zlib(RESPONSE.as_bytes())).as_bytes());
    assert_eq!(d.xml, RESPONSE);
    assert_eq!(d.layers, vec![Layer::Base64, Layer::ZlibInflated]);
}

fn redirect_query() -> (String, String, String, String) {
    let req = pct(&b64(&deflate(AUTHN_REQUEST.as_bytes())));
    let relay = pct("https://sp.example.com/app?tab=1");
    let sigalg = pct(SIGALG);
    let sig = b64(&[7u8; 64]);
    (req, relay, sigalg, sig)
}

#[test]
fn decode_redirect_url_with_signature_facts() {
    let (req, relay, sigalg, sig) = redirect_query();
    let url = format!(
        "https://sso.jumpcloud.com/saml2/example?SAMLRequest={req}&RelayState={relay}&SigAlg={sigalg}&Signature={}#frag",
        pct(&sig)
    );
    let d = one(url.as_bytes());
    assert_eq!(d.xml, AUTHN_REQUEST);
    assert_eq!(d.binding, Binding::Redirect);
    assert_eq!(d.parameter, Some(Parameter::SamlRequest));
    assert_eq!(
        d.relay_state.as_deref(),
        Some("https://sp.example.com/app?tab=1")
    );
    assert_eq!(d.sig_alg.as_deref(), Some(SIGALG));
    assert_eq!(d.signature.as_deref(), Some(sig.as_str()));
    assert_eq!(
        d.signed_query.as_deref(),
        Some(format!("SAMLRequest={req}&RelayState={relay}&SigAlg={sigalg}").as_str())
    );
    assert_eq!(d.origin, Origin::RedirectUrl { url: url.clone() });
    assert_eq!(
        d.layers,
        vec![Layer::UrlDecoded, Layer::Base64, Layer::Inflated]
    );
}

#[test]
fn decode_bare_query_string_is_recognised_as_redirect_by_its_deflate() {
    let (req, relay, _, _) = redirect_query();
    let d = one(format!("?SAMLRequest={req}&RelayState={relay}").as_bytes());
    assert_eq!(d.xml, AUTHN_REQUEST);
    assert_eq!(d.binding, Binding::Redirect);
    assert_eq!(d.signed_query, None);
}

#[test]
fn decode_bare_deflated_base64_value() {
    let d = one(b64(&deflate(AUTHN_REQUEST.as_bytes())).as_bytes());
    assert_eq!(d.xml, AUTHN_REQUEST);
    assert_eq!(d.binding, Binding::Redirect);
    assert_eq!(d.layers, vec![Layer::Base64, Layer::Inflated]);
}

#[test]
fn decode_html_auto_post_form_with_entities_and_odd_quoting() {
    let value = b64(RESPONSE.as_bytes())
        .replacen('+', "&#x2b;", 3)
        .replacen('+', "&#43;", 3);
    let page = format!(
        r#"<!DOCTYPE html>
<html><head><script>var s = "<input name='SAMLResponse' value='nope'>";</script></head>
<body onload="document.forms[0].submit()">
<!-- <input name="SAMLResponse" value="commented out"> -->
<FORM METHOD=POST ACTION="https://sp.example.com/saml/acs?a=1&amp;b=2">
<INPUT value='{value}' TYPE=hidden NAME="SAMLResponse"/>
<input name=RelayState type="hidden" value="https://sp.example.com/app?a=1&amp;b=2">
</FORM></body></html>"#
    );
    let d = one(page.as_bytes());
    assert_eq!(d.xml, RESPONSE);
    assert_eq!(d.binding, Binding::Post);
    assert_eq!(d.parameter, Some(Parameter::SamlResponse));
    assert_eq!(
        d.relay_state.as_deref(),
        Some("https://sp.example.com/app?a=1&b=2")
    );
    assert_eq!(
        d.origin,
        Origin::HtmlForm {
            action: Some("https://sp.example.com/saml/acs?a=1&b=2".into())
        }
    );
    assert_eq!(d.layers, vec![Layer::HtmlEntities, Layer::Base64]);
}

#[test]
fn decode_xhtml_page_is_html_not_xml() {
    let page = format!(
        r#"<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body><form action="https://sp/acs"><input type="hidden" name="SAMLRequest" value="{}"/></form></body></html>"#,
        b64(AUTHN_REQUEST.as_bytes())
    );
    let d = one(page.as_bytes());
    assert_eq!(d.xml, AUTHN_REQUEST);
    assert_eq!(d.parameter, Some(Parameter::SamlRequest));
}

#[test]
fn decode_har_file_requests_and_response_forms() {
    let har = include_bytes!("data/decode/synthetic.har");
    let out = decode_all(har, &DecodeLimits::default()).unwrap();
    assert!(out.findings.is_empty(), "{:#?}", out.findings);
    let m = &out.messages;
    // The POST body's `text` and its `params` are both read: a copy is marked a duplicate.
    assert_eq!(m.len(), 4, "{m:#?}");

    assert_eq!(m[0].xml, AUTHN_REQUEST);
    assert_eq!(m[0].binding, Binding::Redirect);
    assert!(
        matches!(&m[0].origin, Origin::Har { entry: 1, part: HarPart::RequestQuery, method, .. } if method == "GET")
    );
    assert_eq!(m[0].sig_alg.as_deref(), Some(SIGALG));
    assert_eq!(
        m[0].relay_state.as_deref(),
        Some("https://sp.example.com/app?tab=1&x=y z")
    );
    assert!(
        m[0].signed_query
            .as_deref()
            .unwrap()
            .starts_with("SAMLRequest=")
    );

    assert_eq!(m[1].xml, RESPONSE);
    assert_eq!(m[1].binding, Binding::Post);
    assert!(matches!(
        m[1].origin,
        Origin::Har {
            entry: 2,
            part: HarPart::ResponseBody,
            ..
        }
    ));
    assert_eq!(
        m[1].layers,
        vec![Layer::HarContentBase64, Layer::HtmlEntities, Layer::Base64]
    );
    assert_eq!(
        m[1].relay_state.as_deref(),
        Some("https://sp.example.com/app?tab=1&x=y z")
    );
    assert_eq!(m[1].duplicate_of, None);

    assert_eq!(m[2].xml, RESPONSE);
    assert!(matches!(
        m[2].origin,
        Origin::Har {
            entry: 3,
            part: HarPart::RequestBody,
            ..
        }
    ));
    assert_eq!(m[2].parameter, Some(Parameter::SamlResponse));
    assert_eq!(m[2].duplicate_of, Some(1));
    assert_eq!(m[3].xml, RESPONSE);
    assert_eq!(m[3].duplicate_of, Some(1));
}

#[test]
fn decode_har_reads_post_params_as_well_as_text_when_they_differ() {
    // A writer that fills both: the SP read one of them, so each is a message to judge.
    let other = RESPONSE.replace("_5f1c0c1d", "_0ther0c1d");
    assert_ne!(other, RESPONSE);
    let har = serde_json::json!({"log": {"entries": [{"request": {"method": "POST",
        "url": "https://sp.example.com/acs",
        "postData": {"text": format!("SAMLResponse={}", pct(&b64(RESPONSE.as_bytes()))),
                     "params": [{"name": "SAMLResponse", "value": b64(other.as_bytes())}]}}}]}});
    let out = decode_all(har.to_string().as_bytes(), &DecodeLimits::default()).unwrap();
    let xml: Vec<&str> = out.messages.iter().map(|m| m.xml.as_str()).collect();
    assert_eq!(xml, [RESPONSE, other.as_str()]);
    assert!(out.messages.iter().all(|m| m.duplicate_of.is_none()));
}

#[test]
fn decode_har_params_only_values_are_accepted_encoded_or_not() {
    for value in [b64(RESPONSE.as_bytes()), pct(&b64(RESPONSE.as_bytes()))] {
        let har = serde_json::json!({"log": {"entries": [{"request": {"method": "POST",
            "url": "https://sp.example.com/acs",
            "postData": {"params": [{"name": "SAMLResponse", "value": value}]}}}]}});
        let d = one(har.to_string().as_bytes());
        assert_eq!(d.xml, RESPONSE);
    }
}

#[test]
fn decode_saml_tracer_export_prefers_raw_params_and_falls_back_to_decoded() {
    let json = include_bytes!("data/decode/saml-tracer-export.json");
    let out = decode_all(json, &DecodeLimits::default()).unwrap();
    let m = &out.messages;
    assert_eq!(m.len(), 2, "{m:#?}");

    assert_eq!(m[0].xml, AUTHN_REQUEST);
    assert_eq!(m[0].binding, Binding::Redirect);
    assert!(matches!(
        m[0].origin,
        Origin::SamlTracer {
            index: 0,
            field: TracerField::Url,
            ..
        }
    ));
    assert_eq!(m[0].sig_alg.as_deref(), Some(SIGALG));
    assert!(m[0].layers.contains(&Layer::Inflated));

    // The `post` value was hashed by the export filter: the decoded `saml` field is used.
    assert_eq!(m[1].xml, RESPONSE);
    assert_eq!(m[1].binding, Binding::Post);
    assert_eq!(m[1].parameter, Some(Parameter::SamlResponse));
    assert!(matches!(
        m[1].origin,
        Origin::SamlTracer {
            index: 1,
            field: TracerField::Saml,
            ..
        }
    ));
    assert_eq!(m[1].layers, vec![Layer::TracerDecoded]);
    assert_eq!(out.findings.len(), 1, "{:#?}", out.findings);
    assert!(matches!(out.findings[0], Finding::TracerFallback { .. }));
}

#[test]
fn decode_saml_tracer_get_pairs_when_url_has_no_query() {
    let req = b64(&deflate(AUTHN_REQUEST.as_bytes()));
    let json = serde_json::json!({"requests": [{"method": "GET", "url": "https://idp/sso",
        "get": [["SAMLRequest", req], ["RelayState", "r"]]}]});
    let d = one(json.to_string().as_bytes());
    assert_eq!(d.xml, AUTHN_REQUEST);
    assert!(matches!(
        d.origin,
        Origin::SamlTracer {
            field: TracerField::Get,
            ..
        }
    ));
    assert_eq!(d.relay_state.as_deref(), Some("r"));
}

#[test]
fn decode_looks_like_xml_is_a_cheap_sniff() {
    assert!(looks_like_xml(b"\xEF\xBB\xBF  <samlp:Response/>"));
    assert!(looks_like_xml(b"<?xml version='1.0'?><a/>"));
    assert!(!looks_like_xml(b"PHNhbWxwOlJlc3BvbnNl"));
    assert!(!looks_like_xml(b"< not xml"));
    assert!(!looks_like_xml(b""));
}

#[test]
fn decoded_serialises_to_json_with_the_documented_fields() {
    let d = one(b64(RESPONSE.as_bytes()).as_bytes());
    let v = serde_json::to_value(&d).unwrap();
    assert_eq!(v["binding"], "post");
    assert_eq!(v["origin"]["kind"], "pasted");
    assert_eq!(v["layers"][0], "base64");
    assert_eq!(v["xml"], RESPONSE);
}

// Several messages in one paste (core/src/decode/mod.rs, "Several messages in one paste").

/// The AuthnRequest with another ID, so two of them are two messages, not a copy.
fn request_with_id(id: &str) -> String {
    AUTHN_REQUEST.replace("_req4a7e1f0c", id)
}

fn redirect_url(xml: &str, tail: &str) -> String {
    format!(
        "https://sso.jumpcloud.com/saml2/example?SAMLRequest={}{tail}",
        pct(&b64(&deflate(xml.as_bytes())))
    )
}

fn all(input: &str) -> samlscope_core::decode::Decoding {
    decode_all(input.as_bytes(), &DecodeLimits::default()).unwrap()
}

fn line_origin(m: &Decoded) -> (usize, &Origin) {
    match &m.origin {
        Origin::Line { line, within } => (*line, &**within),
        other => panic!("not a line of a paste: {other:?}"),
    }
}

#[test]
fn two_redirect_urls_on_two_lines_are_two_messages_and_keep_their_own_relay_state() {
    let second = request_with_id("_second");
    let relay = pct("https://sp.example.com/app?tab=1");
    let with_relay = format!(
        "{}\n{}\n",
        redirect_url(AUTHN_REQUEST, &format!("&RelayState={relay}")),
        redirect_url(&second, "")
    );
    let without = format!(
        "{}\r\n{}",
        redirect_url(AUTHN_REQUEST, ""),
        redirect_url(&second, "")
    );
    for paste in [with_relay.as_str(), without.as_str()] {
        let out = all(paste);
        assert!(out.findings.is_empty(), "{:#?}", out.findings);
        let m = &out.messages;
        assert_eq!(m.len(), 2, "{m:#?}");
        assert_eq!(m[0].xml, AUTHN_REQUEST);
        assert_eq!(m[1].xml, second);
        assert_eq!(m[1].relay_state, None);
        for (i, d) in m.iter().enumerate() {
            assert_eq!(d.binding, Binding::Redirect);
            let (line, within) = line_origin(d);
            assert_eq!(line, i + 1);
            assert!(matches!(within, Origin::RedirectUrl { url } if !url.contains('\n')));
        }
    }
    assert_eq!(
        all(&with_relay).messages[0].relay_state.as_deref(),
        Some("https://sp.example.com/app?tab=1")
    );
}

#[test]
fn a_signed_redirect_url_signs_only_its_own_line() {
    let (req, relay, sigalg, sig) = redirect_query();
    let first = format!(
        "https://idp/sso?SAMLRequest={req}&RelayState={relay}&SigAlg={sigalg}&Signature={}",
        pct(&sig)
    );
    let paste = format!("{first}\n{}", redirect_url(&request_with_id("_second"), ""));
    let m = all(&paste).messages;
    assert_eq!(m.len(), 2);
    assert_eq!(m[0].signature.as_deref(), Some(sig.as_str()));
    assert_eq!(
        m[0].signed_query.as_deref(),
        Some(format!("SAMLRequest={req}&RelayState={relay}&SigAlg={sigalg}").as_str())
    );
    assert_eq!(m[1].signature, None);
}

#[test]
fn two_post_bodies_on_two_lines() {
    let other = RESPONSE.replace("_5f1c0c1d", "_0ther0c1d");
    let paste = format!(
        "SAMLResponse={}&RelayState=%2Fa\nSAMLResponse={}&RelayState=%2Fb\n",
        pct(&b64(RESPONSE.as_bytes())),
        pct(&b64(other.as_bytes()))
    );
    let m = all(&paste).messages;
    assert_eq!(m.len(), 2, "{m:#?}");
    assert_eq!(
        (m[0].xml.as_str(), m[0].relay_state.as_deref()),
        (RESPONSE, Some("/a"))
    );
    assert_eq!(
        (m[1].xml.as_str(), m[1].relay_state.as_deref()),
        (other.as_str(), Some("/b"))
    );
    assert!(matches!(line_origin(&m[1]), (2, Origin::PostBody)));
}

#[test]
fn base64_values_on_separate_lines_or_blocks() {
    let other = RESPONSE.replace("_5f1c0c1d", "_0ther0c1d");
    let deflated = b64(&deflate(AUTHN_REQUEST.as_bytes()));
    let plain = format!("{}\n{deflated}\n", b64(RESPONSE.as_bytes()));
    let m = all(&plain).messages;
    assert_eq!(m.len(), 2, "{m:#?}");
    assert_eq!(m[0].xml, RESPONSE);
    assert_eq!(m[1].xml, AUTHN_REQUEST);
    assert_eq!(m[1].binding, Binding::Redirect);
    assert!(matches!(line_origin(&m[1]), (2, Origin::Pasted)));

    // Two wrapped values, separated by a blank line.
    let wrap = |s: String| {
        s.as_bytes()
            .chunks(76)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let blocks = format!(
        "{}\n\n{}\n",
        wrap(b64(RESPONSE.as_bytes())),
        wrap(b64(other.as_bytes()))
    );
    let m = all(&blocks).messages;
    assert_eq!(m.len(), 2, "{m:#?}");
    assert_eq!(
        (m[0].xml.as_str(), m[1].xml.as_str()),
        (RESPONSE, other.as_str())
    );
    assert_eq!(
        line_origin(&m[1]).0,
        wrap(b64(RESPONSE.as_bytes())).lines().count() + 2
    );
}

/// Lines whose values have no `=` padding join into valid base64: read together, two plain
/// values are two documents and two DEFLATE streams one stream with data after it, which a
/// lenient read would take as the first message alone. Each must still be a message.
#[test]
fn unpadded_values_on_consecutive_lines_are_not_read_as_one() {
    let plain: String = (0..3)
        .map(|i| RESPONSE.replace("_5f1c0c1d", &format!("_{}", "x".repeat(i))))
        .find(|x| x.len() % 3 == 0)
        .unwrap();
    let deflated: Vec<u8> = (0..64)
        .map(|i| deflate(request_with_id(&format!("_r{}", "x".repeat(i))).as_bytes()))
        .find(|d| d.len() % 3 == 0)
        .unwrap();
    for value in [b64(plain.as_bytes()), b64(&deflated)] {
        assert!(!value.ends_with('='));
        let paste = format!("{value}\n{value}");
        let m = all(&paste).messages;
        assert_eq!(m.len(), 2, "{m:#?}");
        assert_eq!(m[1].duplicate_of, Some(0));
        assert_eq!((line_origin(&m[0]).0, line_origin(&m[1]).0), (1, 2));
    }
}

#[test]
fn one_value_wrapped_at_76_columns_is_still_one_message() {
    for (xml, value) in [
        (RESPONSE.to_string(), b64(RESPONSE.as_bytes())),
        (
            AUTHN_REQUEST.to_string(),
            b64(&deflate(AUTHN_REQUEST.as_bytes())),
        ),
        (RESPONSE.to_string(), pct(&b64(RESPONSE.as_bytes()))),
    ] {
        let wrapped: Vec<&str> = value
            .as_bytes()
            .chunks(76)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        assert!(wrapped.len() > 2);
        let d = one(format!("{}\n", wrapped.join("\n")).as_bytes());
        assert_eq!(d.xml, xml);
        assert_eq!(d.origin, Origin::Pasted);
    }
}

#[test]
fn access_log_lines_plain_and_combined() {
    let q = |xml: &str| pct(&b64(&deflate(xml.as_bytes())));
    let second = request_with_id("_second");
    let plain = format!(
        "GET /sso?SAMLRequest={}&RelayState=r1 HTTP/1.1",
        q(AUTHN_REQUEST)
    );
    let d = one(plain.as_bytes());
    assert_eq!(d.xml, AUTHN_REQUEST);
    assert_eq!(d.binding, Binding::Redirect);
    assert_eq!(d.relay_state.as_deref(), Some("r1"));
    assert!(
        matches!(&d.origin, Origin::LogLine { method: Some(m), target } if m == "GET" && target.starts_with("/sso?SAMLRequest="))
    );

    let combined = format!(
        "127.0.0.1 - - [07/Dec/2026:10:00:00 +0000] \"GET /saml2/app?SAMLRequest={}&RelayState=r1 HTTP/1.1\" 302 0\n\
         127.0.0.1 - - [07/Dec/2026:10:00:05 +0000] \"GET /saml2/app?RelayState=r2&SAMLRequest={} HTTP/1.1\" 302 0 \"https://sp.example.com/\" \"Mozilla/5.0\"\n",
        q(AUTHN_REQUEST),
        q(&second)
    );
    let out = all(&combined);
    assert!(out.findings.is_empty(), "{:#?}", out.findings);
    let m = &out.messages;
    assert_eq!(m.len(), 2, "{m:#?}");
    assert_eq!(m[0].xml, AUTHN_REQUEST);
    assert_eq!(m[1].xml, second);
    assert_eq!(m[0].relay_state.as_deref(), Some("r1"));
    assert_eq!(m[1].relay_state.as_deref(), Some("r2"));
    assert!(matches!(
        line_origin(&m[1]),
        (
            2,
            Origin::LogLine {
                method: Some(_),
                ..
            }
        )
    ));
}

#[test]
fn xml_documents_one_after_another() {
    let bare = RESPONSE
        .trim_end()
        .strip_prefix(r#"<?xml version="1.0" encoding="UTF-8"?>"#)
        .unwrap();
    let with_declarations = format!("{RESPONSE}\n{RESPONSE}");
    let without = format!("{bare}{}\n\n{bare}", AUTHN_REQUEST.trim_end());
    let m = all(&with_declarations).messages;
    assert_eq!(m.len(), 2, "{m:#?}");
    assert_eq!(m[0].xml, RESPONSE.trim_end());
    assert_eq!(m[1].duplicate_of, Some(0));
    assert!(matches!(line_origin(&m[1]), (2, Origin::Pasted)));
    assert_eq!(m[1].binding, Binding::Raw);

    let m = all(&without).messages;
    let xml: Vec<&str> = m.iter().map(|d| d.xml.as_str()).collect();
    assert_eq!(xml, [bare, AUTHN_REQUEST.trim_end(), bare]);

    // Text after a root on its line stays with that document: not read as XML, and counted.
    let out = all(&format!("{bare}\n{bare} trailing text\n"));
    assert_eq!(out.messages.len(), 1);
    assert!(
        matches!(&out.findings[..], [f @ Finding::Undecodable { at, .. }]
            if f.is_unread_message() && matches!(at.origin, Origin::Line { line: 2, .. })),
        "{:#?}",
        out.findings
    );
}

#[test]
fn noise_lines_without_saml_are_ignored() {
    let paste = format!(
        "Request\n# from the browser's address bar, 10:00\n{}\n\nResponse:\n{}\n-- end --\n",
        redirect_url(AUTHN_REQUEST, ""),
        b64(RESPONSE.as_bytes())
    );
    let out = all(&paste);
    assert!(out.findings.is_empty(), "{:#?}", out.findings);
    let lines: Vec<usize> = out.messages.iter().map(|m| line_origin(m).0).collect();
    assert_eq!(lines, [3, 6]);
}

#[test]
fn html_escaped_query_is_read_with_ampersands_and_noted() {
    let (req, relay, sigalg, sig) = redirect_query();
    let signed = format!("SAMLRequest={req}&RelayState={relay}&SigAlg={sigalg}");
    let url = format!(
        "https://idp/sso?{}&amp;Signature={}",
        signed.replace('&', "&amp;"),
        pct(&sig)
    );
    let out = all(&url);
    let d = &out.messages[0];
    assert_eq!(out.messages.len(), 1);
    assert_eq!(
        d.relay_state.as_deref(),
        Some("https://sp.example.com/app?tab=1")
    );
    assert_eq!(d.sig_alg.as_deref(), Some(SIGALG));
    assert_eq!(d.signature.as_deref(), Some(sig.as_str()));
    assert_eq!(d.signed_query.as_deref(), Some(signed.as_str()));
    assert!(
        matches!(&out.findings[..], [Finding::HtmlEscapedQuery { .. }]),
        "{:#?}",
        out.findings
    );
    assert!(out.findings[0].to_string().contains("`&amp;`"));
    assert!(!out.findings[0].is_unread_message());
}

#[test]
fn har_location_headers_and_redirect_urls_are_searched() {
    let to_idp = redirect_url(AUTHN_REQUEST, "&RelayState=r");
    let other = request_with_id("_other");
    let entry = |location: &str, redirect: &str| {
        serde_json::json!({"request": {"method": "GET", "url": "https://sp.example.com/login"},
            "response": {"status": 302, "redirectURL": redirect,
                "headers": [{"name": "content-length", "value": "0"},
                            {"name": "location", "value": location}]}})
    };
    let har = serde_json::json!({"log": {"entries": [
        entry(&to_idp, &to_idp),
        entry("/home", &redirect_url(&other, "")),
    ]}});
    let out = all(&har.to_string());
    assert!(out.findings.is_empty(), "{:#?}", out.findings);
    let m = &out.messages;
    assert_eq!(m.len(), 2, "{m:#?}");
    assert_eq!(m[0].xml, AUTHN_REQUEST);
    assert_eq!(m[0].relay_state.as_deref(), Some("r"));
    assert_eq!(m[0].binding, Binding::Redirect);
    assert!(matches!(
        m[0].origin,
        Origin::Har {
            entry: 0,
            part: HarPart::ResponseLocation,
            ..
        }
    ));
    assert_eq!(m[1].xml, other);
    assert!(matches!(
        m[1].origin,
        Origin::Har {
            entry: 1,
            part: HarPart::ResponseRedirectUrl,
            ..
        }
    ));
}

#[test]
fn saml_tracer_location_headers_are_searched() {
    let to_idp = redirect_url(AUTHN_REQUEST, "");
    let other = request_with_id("_other");
    let json = serde_json::json!({"requests": [
        {"method": "GET", "url": "https://sp.example.com/login", "requestId": "1",
         "responseHeaders": [{"name": "Location", "value": to_idp}]},
        {"method": "GET", "url": "https://sp.example.com/login2", "id": "2",
         "responseHeaders": [["Location", redirect_url(&other, "")]]}]});
    let m = all(&json.to_string()).messages;
    assert_eq!(m.len(), 2, "{m:#?}");
    assert_eq!(m[0].xml, AUTHN_REQUEST);
    assert_eq!(m[1].xml, other);
    assert!(matches!(
        m[0].origin,
        Origin::SamlTracer {
            index: 0,
            field: TracerField::ResponseLocation,
            ..
        }
    ));
}
