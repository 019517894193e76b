//! Negative tests: every refusal is a typed error with the facts, fast, without panics.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::io::Write;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use flate2::Compression;
use flate2::write::{DeflateEncoder, ZlibEncoder};
use samlscope_core::decode::{
    BudgetScope, DecodeError, DecodeLimits, Finding, InflateBudget, InflateFormat, Origin,
    Parameter, PeelError, decode, decode_all, decode_within,
};

const RESPONSE: &str = include_str!("data/decode/response.xml");

fn limits() -> DecodeLimits {
    DecodeLimits::default()
}

fn peel_error(input: &[u8]) -> PeelError {
    match decode(input, &limits()) {
        Err(DecodeError::Peel { source, .. }) => source,
        other => panic!("expected a peel error, got {other:?}"),
    }
}

/// 100 MB of zeros, streamed through the encoder (compressed size ≈ 100 KB).
fn zero_bomb<W: Write>(mut enc: W) -> W {
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..100 {
        enc.write_all(&chunk).unwrap();
    }
    enc
}

#[test]
fn decode_deflate_bomb_in_redirect_url_is_refused_fast() {
    let bomb = zero_bomb(DeflateEncoder::new(Vec::new(), Compression::best()))
        .finish()
        .unwrap();
    assert!(bomb.len() < 200_000, "{}", bomb.len());
    let b64 = STANDARD.encode(&bomb);
    let url = format!(
        "https://idp.example.com/sso?SAMLRequest={}",
        b64.replace('+', "%2B").replace('/', "%2F")
    );
    let t = Instant::now();
    let err = decode(url.as_bytes(), &limits()).unwrap_err();
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "took {:?}",
        t.elapsed()
    );
    match err {
        DecodeError::Peel {
            at,
            source:
                PeelError::InflateLimit {
                    format: InflateFormat::Raw,
                    limit,
                },
        } => {
            assert_eq!(limit, 1 << 20);
            assert_eq!(at.parameter, Some(Parameter::SamlRequest));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn decode_zlib_bomb_in_post_body_is_refused() {
    let bomb = zero_bomb(ZlibEncoder::new(Vec::new(), Compression::best()))
        .finish()
        .unwrap();
    let body = format!("SAMLResponse={}", STANDARD.encode(&bomb));
    let t = Instant::now();
    let err = peel_error(body.as_bytes());
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "took {:?}",
        t.elapsed()
    );
    assert_eq!(
        err,
        PeelError::InflateLimit {
            format: InflateFormat::Zlib,
            limit: 1 << 20
        }
    );
}

#[test]
fn decode_small_inflate_limit_is_respected_exactly() {
    let mut enc = DeflateEncoder::new(Vec::new(), Compression::best());
    enc.write_all(RESPONSE.as_bytes()).unwrap();
    let b64 = STANDARD.encode(enc.finish().unwrap());
    let tight = DecodeLimits {
        max_inflate: RESPONSE.len() - 1,
        ..limits()
    };
    assert!(matches!(
        decode(b64.as_bytes(), &tight),
        Err(DecodeError::Peel {
            source: PeelError::InflateLimit { .. },
            ..
        })
    ));
    let exact = DecodeLimits {
        max_inflate: RESPONSE.len(),
        ..limits()
    };
    assert_eq!(decode(b64.as_bytes(), &exact).unwrap()[0].xml, RESPONSE);
}

#[test]
fn decode_truncated_base64_is_reported_as_truncated() {
    let b64 = STANDARD.encode(RESPONSE);
    let cut = &b64[..b64.len() - 3];
    assert_eq!(
        peel_error(cut.as_bytes()),
        PeelError::Base64Truncated { len: cut.len() }
    );
    // Cut on a 4-character boundary: the base64 is fine but the XML stops mid-document.
    let cut4 = &b64[..b64.len() / 2 / 4 * 4];
    assert!(matches!(
        peel_error(cut4.as_bytes()),
        PeelError::TruncatedXml {
            after: "base64",
            ..
        }
    ));
}

#[test]
fn decode_truncated_deflate_stream_is_an_inflate_error() {
    let mut enc = DeflateEncoder::new(Vec::new(), Compression::best());
    enc.write_all(RESPONSE.as_bytes()).unwrap();
    let data = enc.finish().unwrap();
    let b64 = STANDARD.encode(&data[..data.len() / 2]);
    let url = format!(
        "https://idp/sso?SAMLRequest={}",
        b64.replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D")
    );
    let err = peel_error(url.as_bytes());
    assert!(
        matches!(
            err,
            PeelError::Inflate {
                format: InflateFormat::Raw,
                ..
            } | PeelError::TruncatedXml { .. }
        ),
        "{err:?}"
    );
}

#[test]
fn decode_misplaced_padding_and_bad_characters_have_offsets() {
    assert_eq!(
        peel_error(b"PHNh=bWxw"),
        PeelError::Base64Padding { offset: 5 }
    );
    assert_eq!(
        peel_error(b"hello world!"),
        PeelError::Base64InvalidChar {
            offset: 11,
            found: '!'
        }
    );
    assert_eq!(
        peel_error("PHNh\u{e9}".as_bytes()),
        PeelError::Base64InvalidChar {
            offset: 4,
            found: '\u{e9}'
        }
    );
}

#[test]
fn decode_input_above_max_input_is_refused_before_looking_at_it() {
    let big = vec![b'A'; 100 << 20];
    let t = Instant::now();
    let err = decode(&big, &limits()).unwrap_err();
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "took {:?}",
        t.elapsed()
    );
    assert_eq!(
        err,
        DecodeError::InputTooLarge {
            size: 100 << 20,
            limit: 64 << 20
        }
    );
}

#[test]
fn decode_base64_larger_than_message_limit_is_refused_before_decoding() {
    let small = DecodeLimits {
        max_message: 1000,
        max_inflate: 1000,
        ..limits()
    };
    let b64 = STANDARD.encode(RESPONSE);
    assert!(matches!(
        decode(b64.as_bytes(), &small),
        Err(DecodeError::Peel {
            source: PeelError::Base64TooLarge { limit: 1000, .. },
            ..
        })
    ));
}

#[test]
fn decode_garbage_bytes_and_empty_input() {
    assert_eq!(decode(b"", &limits()), Err(DecodeError::Empty));
    assert_eq!(decode(b" \r\n\t ", &limits()), Err(DecodeError::Empty));
    assert_eq!(decode(b"\xEF\xBB\xBF", &limits()), Err(DecodeError::Empty));
    assert!(matches!(
        decode(b"\x00\x9f\x92\x96garbage\xff", &limits()),
        Err(DecodeError::Unrecognised { .. })
    ));
    // Valid base64 of random bytes: neither XML nor deflate.
    let err = peel_error(
        STANDARD
            .encode([0x13u8, 0x37, 0xde, 0xad, 0xbe, 0xef, 0, 1, 2])
            .as_bytes(),
    );
    assert!(
        matches!(
            err,
            PeelError::NotXml {
                after: "base64",
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn decode_invalid_utf8_in_decoded_xml() {
    let b64 = STANDARD.encode(b"<a>caf\xe9</a>");
    assert_eq!(
        peel_error(b64.as_bytes()),
        PeelError::InvalidUtf8 {
            after: "base64",
            offset: 6
        }
    );
    let utf16: Vec<u8> = "\u{feff}<a/>"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    assert!(matches!(
        peel_error(STANDARD.encode(utf16).as_bytes()),
        PeelError::Utf16 { .. }
    ));
}

#[test]
fn decode_har_without_saml() {
    let err = decode(include_bytes!("data/decode/no_saml.har"), &limits()).unwrap_err();
    assert_eq!(
        err,
        DecodeError::NoSaml {
            what: "HAR file with 2 entries".into()
        }
    );
}

#[test]
fn decode_redacted_har_values_are_reported_as_redacted() {
    let har = include_bytes!("data/decode/redacted.har");
    match decode(har, &limits()).unwrap_err() {
        DecodeError::Redacted { at, placeholder } => {
            assert_eq!(placeholder, "[REDACTED]");
            assert_eq!(at.parameter, Some(Parameter::SamlRequest));
            assert!(matches!(at.origin, Origin::Har { entry: 0, .. }));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn decode_redaction_next_to_a_real_message_is_a_finding() {
    let body = format!(
        r#"{{"log":{{"entries":[
        {{"request":{{"method":"POST","url":"https://sp/acs","postData":{{"text":"SAMLResponse=%7Bhash%3Aabc%7D"}}}}}},
        {{"request":{{"method":"POST","url":"https://sp/acs","postData":{{"text":"SAMLResponse={}"}}}}}}]}}}}"#,
        STANDARD.encode(RESPONSE).replace('+', "%2B")
    );
    let out = decode_all(body.as_bytes(), &limits()).unwrap();
    assert_eq!(out.messages.len(), 1);
    assert!(
        matches!(&out.findings[..], [Finding::Redacted { placeholder, .. }] if placeholder == "{hash:abc}")
    );
}

#[test]
fn decode_html_page_without_saml_fields() {
    let page = b"<!doctype html><html><body><form action=/login><input name=user><input type=password name=pass></form></body></html>";
    assert_eq!(
        decode(page, &limits()),
        Err(DecodeError::HtmlWithoutSaml { inputs: 2 })
    );
}

#[test]
fn decode_url_without_saml_and_unknown_json_and_broken_json() {
    assert_eq!(
        decode(b"https://sp.example.com/acs?x=1", &limits()),
        Err(DecodeError::UrlWithoutSaml)
    );
    assert_eq!(
        decode(br#"{"hello": 1}"#, &limits()),
        Err(DecodeError::UnknownJson)
    );
    assert!(matches!(
        decode(b"{\"log\": {\"entries\": [\n  {\"request\": ", &limits()),
        Err(DecodeError::Json { line: 2, .. })
    ));
}

#[test]
fn decode_refuses_an_input_with_more_messages_than_the_limit_naming_the_count() {
    let v = STANDARD.encode(RESPONSE);
    let page = |n: usize| {
        format!(
            "<html><form>{}</form></html>",
            format!("<input name=SAMLResponse value=\"{v}\">").repeat(n)
        )
    };
    let two = DecodeLimits {
        max_messages: 2,
        ..limits()
    };
    assert_eq!(
        decode_all(page(2).as_bytes(), &two).unwrap().messages.len(),
        2
    );
    // Checking the first two and dropping the rest would let a forged third one through.
    assert_eq!(
        decode_all(page(5).as_bytes(), &two).unwrap_err(),
        DecodeError::TooManyMessages { found: 5, limit: 2 }
    );
    let err = decode_all(page(65).as_bytes(), &limits()).unwrap_err();
    assert_eq!(
        err,
        DecodeError::TooManyMessages {
            found: 65,
            limit: 64
        }
    );
    assert!(err.to_string().contains("65") && err.to_string().contains("64"));
}

/// `n` copies of the response as DEFLATEd Redirect URLs in one HAR.
fn har_of_deflated(n: usize, xml: &str) -> String {
    let mut enc = DeflateEncoder::new(Vec::new(), Compression::best());
    enc.write_all(xml.as_bytes()).unwrap();
    let v = STANDARD
        .encode(enc.finish().unwrap())
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D");
    let entry = format!(
        "{{\"request\":{{\"method\":\"GET\",\"url\":\"https://idp.example/sso?SAMLResponse={v}\"}}}}"
    );
    format!("{{\"log\":{{\"entries\":[{}]}}}}", vec![entry; n].join(","))
}

#[test]
fn decode_bounds_the_inflated_total_of_one_input() {
    let tight = DecodeLimits {
        max_inflated_total: 3 * RESPONSE.len() + 10,
        ..limits()
    };
    let ok = decode_all(har_of_deflated(3, RESPONSE).as_bytes(), &tight).unwrap();
    assert_eq!(ok.messages.len(), 3);
    assert_eq!(
        decode_all(har_of_deflated(4, RESPONSE).as_bytes(), &tight).unwrap_err(),
        DecodeError::InflateBudget {
            limit: tight.max_inflated_total,
            scope: BudgetScope::Input
        }
    );
}

#[test]
fn decode_of_many_compressed_messages_is_refused_fast() {
    // 64 messages of 1 MB that DEFLATE to ~1 KB each: 64 MB of XML from a ~100 KB input.
    let big = format!(
        "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"><!--{}--></samlp:Response>",
        "a".repeat(1_000_000)
    );
    let input = har_of_deflated(64, &big);
    assert!(input.len() < 200_000, "{}", input.len());
    let t = Instant::now();
    let err = decode_all(input.as_bytes(), &limits()).unwrap_err();
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "took {:?}",
        t.elapsed()
    );
    assert!(matches!(
        err,
        DecodeError::InflateBudget {
            scope: BudgetScope::Input,
            ..
        }
    ));
}

#[test]
fn a_stream_of_inputs_shares_one_inflate_budget() {
    let one = har_of_deflated(1, RESPONSE);
    // Room for three messages in the whole stream, whatever each input may hold.
    let mut budget = InflateBudget::new(3 * RESPONSE.len() + 10);
    for _ in 0..3 {
        assert_eq!(
            decode_within(one.as_bytes(), &limits(), &mut budget)
                .unwrap()
                .messages
                .len(),
            1
        );
    }
    assert!(matches!(
        decode_within(one.as_bytes(), &limits(), &mut budget),
        Err(DecodeError::InflateBudget {
            scope: BudgetScope::Stream,
            ..
        })
    ));
    // Granting more (as a caller does per byte read) lets the stream go on.
    budget.grant(RESPONSE.len());
    assert!(decode_within(one.as_bytes(), &limits(), &mut budget).is_ok());
}

#[test]
fn undecodable_and_redacted_values_are_findings_a_judge_must_count() {
    let v = STANDARD.encode(RESPONSE);
    let body = format!(
        "SAMLResponse={}&SAMLResponse=%21%21%21&SAMLResponse=[REDACTED]",
        v.replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D")
    );
    let out = decode_all(body.as_bytes(), &limits()).unwrap();
    assert_eq!(out.messages.len(), 1);
    let unread: Vec<&Finding> = out
        .findings
        .iter()
        .filter(|f| f.is_unread_message())
        .collect();
    assert_eq!(unread.len(), 2, "{:#?}", out.findings);
}

#[test]
fn decode_error_messages_name_the_place_and_the_layer() {
    let err = decode(b"SAMLResponse=PHNh&RelayState=x", &limits()).unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("SAMLResponse in POST body: "), "{msg}");
    assert!(msg.contains("base64"), "{msg}");
    assert!(!msg.contains('\n'));
}

/// Cheap deterministic fuzzing: mutated valid inputs of every form never panic or hang.
#[test]
fn decode_mutated_inputs_never_panic() {
    let b64 = STANDARD.encode(RESPONSE);
    let seeds: Vec<Vec<u8>> = vec![
        RESPONSE.as_bytes().to_vec(),
        b64.clone().into_bytes(),
        format!("SAMLResponse={b64}&RelayState=x").into_bytes(),
        format!("https://i/s?SAMLRequest={b64}&SigAlg=a&Signature=b").into_bytes(),
        format!("<html><form action='x'><input name=\"SAMLResponse\" value='{b64}'></form></html>")
            .into_bytes(),
        include_bytes!("data/decode/synthetic.har").to_vec(),
        include_bytes!("data/decode/saml-tracer-export.json").to_vec(),
        format!(
            "# two\nhttps://i/s?SAMLRequest={b64}&amp;RelayState=x\n\n{b64}\n{}\nGET /s?SAMLResponse={b64} HTTP/1.1\n{RESPONSE}{RESPONSE}",
            b64.as_bytes()
                .chunks(76)
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect::<Vec<_>>()
                .join("\n")
        )
        .into_bytes(),
    ];
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let t = Instant::now();
    for seed in &seeds {
        for _ in 0..150 {
            let mut m = seed.clone();
            for _ in 0..(next() % 8 + 1) {
                let len = m.len().max(1) as u64;
                match next() % 4 {
                    0 if !m.is_empty() => {
                        let i = (next() % len) as usize % m.len();
                        m[i] = next() as u8;
                    }
                    1 if !m.is_empty() => {
                        let i = (next() % len) as usize % m.len();
                        m.truncate(i);
                    }
                    2 => {
                        let i = (next() % (len + 1)) as usize % (m.len() + 1);
                        m.insert(i, b"<>&=%+\"'{}[]"[(next() % 12) as usize]);
                    }
                    _ => {
                        let i = (next() % len) as usize % m.len().max(1);
                        if i < m.len() {
                            m.remove(i);
                        }
                    }
                }
            }
            let _ = decode_all(&m, &limits());
        }
    }
    assert!(
        t.elapsed() < Duration::from_secs(20),
        "took {:?}",
        t.elapsed()
    );
}

/// The control-character screen (a branch-free block scan) refuses exactly the bytes that are
/// `is_ascii_control() && !is_ascii_whitespace()`, wherever they sit around its 32-byte
/// blocks; every other ASCII byte in that spot leads to some other outcome.
#[test]
fn control_characters_are_refused_in_every_position() {
    let value = STANDARD.encode(RESPONSE.as_bytes());
    let value = &value[..100];
    for at in [1, 2, 30, 31, 32, 33, 63, 64, 65, 90] {
        for b in 0u8..0x80 {
            let mut text = value.as_bytes().to_vec();
            text.insert(at, b);
            let refused = matches!(
                decode(&text, &limits()),
                Err(DecodeError::Unrecognised { ref reason }) if reason.contains("control characters")
            );
            let control = b.is_ascii_control() && !b.is_ascii_whitespace();
            assert_eq!(refused, control, "byte {b:#04x} at {at}");
        }
    }
}

fn deflated_url(xml: &str) -> String {
    let mut enc = DeflateEncoder::new(Vec::new(), Compression::best());
    enc.write_all(xml.as_bytes()).unwrap();
    let b64 = STANDARD.encode(enc.finish().unwrap());
    format!(
        "https://idp.example.com/sso?SAMLRequest={}",
        b64.replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D")
    )
}

const REQUEST: &str = include_str!("data/decode/authnrequest.xml");

/// In a paste of several lines, a line that holds a SAML parameter but cannot be read is a
/// message not checked (a finding a judge counts), never noise; the other lines still decode.
#[test]
fn a_broken_saml_line_among_others_is_an_undecodable_finding() {
    let paste = format!(
        "{}\nhttps://idp.example.com/sso?SAMLRequest=%21%21%21\nParameters: {{\"SAMLResponse=\"=>\"[FILTERED]\"}}\nSAMLresponse= see the attachment\n# notes: none\n",
        deflated_url(REQUEST)
    );
    let out = decode_all(paste.as_bytes(), &limits()).unwrap();
    assert_eq!(out.messages.len(), 1);
    assert_eq!(out.findings.len(), 3, "{:#?}", out.findings);
    assert!(out.findings.iter().all(Finding::is_unread_message));
    match &out.findings[0] {
        Finding::Undecodable { at, error } => {
            assert!(matches!(at.origin, Origin::Line { line: 2, .. }), "{at:?}");
            assert!(
                matches!(error, PeelError::Base64InvalidChar { .. }),
                "{error:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        &out.findings[1],
        Finding::Undecodable {
            error: PeelError::UnreadLine {
                parameter: Parameter::SamlResponse
            },
            ..
        }
    ));
    assert!(
        out.findings[2]
            .to_string()
            .starts_with("SAMLResponse in line 4: "),
        "{}",
        out.findings[2]
    );
    // Nothing readable at all: the first of them is the error.
    let err = decode(b"note\nhttps://idp/sso?SAMLRequest=%21%21\n", &limits()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("SAMLRequest in line 2: redirect URL https://idp/sso: base64"),
        "{err}"
    );
}

#[test]
fn sixty_five_urls_on_sixty_five_lines_are_refused_naming_the_count() {
    let lines: Vec<String> = (0..65)
        .map(|i| deflated_url(&REQUEST.replace("_req4a7e1f0c", &format!("_r{i}"))))
        .collect();
    assert_eq!(
        decode_all(lines.join("\n").as_bytes(), &limits()).unwrap_err(),
        DecodeError::TooManyMessages {
            found: 65,
            limit: 64
        }
    );
    assert_eq!(
        decode_all(lines[..64].join("\n").as_bytes(), &limits())
            .unwrap()
            .messages
            .len(),
        64
    );
}

/// A wrapped value cut short is one broken value, reported once with what is wrong with it,
/// not a line-by-line list of base64 errors (nor refused as dozens of messages).
#[test]
fn a_wrapped_value_cut_short_is_reported_once_as_truncated() {
    let big = RESPONSE.replace(
        "<saml2p:Status>",
        &format!(
            "<saml2p:Extensions>{}</saml2p:Extensions><saml2p:Status>",
            "x".repeat(8000)
        ),
    );
    let b64 = STANDARD.encode(&big);
    let cut = &b64[..b64.len() / 2 / 4 * 4];
    let wrapped: Vec<&str> = cut
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    assert!(wrapped.len() > 64);
    let err = decode_all(wrapped.join("\n").as_bytes(), &limits()).unwrap_err();
    match err {
        DecodeError::Peel { at, source } => {
            assert_eq!(at.origin, Origin::Pasted);
            assert!(
                matches!(source, PeelError::TruncatedXml { .. }),
                "{source:?}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_long_line_that_looks_encoded_but_does_not_decode_is_reported_not_noise() {
    let v = STANDARD.encode(RESPONSE);
    // One stray character, or the URL-safe alphabet: a lenient SP may still read it.
    let stray = format!("{}!{}", &v[..100], &v[101..]);
    let url_safe = v.replace('+', "-").replace('/', "_");
    assert_ne!(url_safe, v);
    for other in [stray, url_safe] {
        let paste = format!("{v}\n{other}\n");
        let out = decode_all(paste.as_bytes(), &limits()).unwrap();
        assert_eq!(out.messages.len(), 1, "{other:.40}");
        assert!(
            out.findings.iter().any(Finding::is_unread_message),
            "{:#?}",
            out.findings
        );
    }
    // A short heading made of the same letters stays noise.
    let paste = format!("Response from the IdP\n{v}\n");
    let out = decode_all(paste.as_bytes(), &limits()).unwrap();
    assert_eq!(out.messages.len(), 1);
    assert!(out.findings.is_empty(), "{:#?}", out.findings);
}
