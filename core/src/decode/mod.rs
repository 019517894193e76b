//! decode — turn anything an admin pastes into a list of SAML messages.
//!
//! Accepted forms, tried in this order (the first that matches decides; nothing is guessed twice):
//! 1. JSON: a HAR 1.2 file (`log.entries`) or a SAML-tracer export (`requests`).
//! 2. Markup: an HTML page (the IdP's auto-posting form) or raw XML.
//! 3. A URL (`https://…?SAMLRequest=…`): the Redirect binding.
//! 4. An access-log line: the request (`GET /sso?SAMLRequest=… HTTP/1.1`, alone or quoted in a
//!    common/combined log format line) and any other URL with a query on it (the referer).
//! 5. A form body or bare query (`SAMLResponse=…&RelayState=…`): POST, or Redirect when the value
//!    turns out to be DEFLATEd / `SigAlg` is present.
//! 6. A bare value: base64 (line breaks allowed), optionally URL-encoded, optionally DEFLATEd.
//!
//! A query copied from HTML source (`&amp;` between its parameters) is read with `&` and noted
//! ([`Finding::HtmlEscapedQuery`]).
//!
//! # Several messages in one paste
//!
//! A plain paste (not JSON or an HTML page) of several lines is cut into pieces (`split`):
//! XML documents one after another, lines, and runs of base64 lines. Each piece is read as
//! above, on its own: a query never runs across a line break. A run of base64 lines is one
//! value when the lines decode together to one XML document using every byte (a wrapped value,
//! such as `base64` output at 76 columns); when they do not, it is still one value if it is
//! shaped like a wrapped one (every line but the last of one length, the last no longer) and its
//! first line is no message on its own (a wrapped value cut short is reported once); otherwise
//! each line is a value of its own. A paste made only of base64 lines and blank lines is first
//! tried whole, the same way. Blank lines separate values.
//!
//! A line that is none of the forms above is ignored as noise (a heading, a comment, a log line
//! without SAML) unless it holds `SAMLRequest=` or `SAMLResponse=` (in any letter case): then it
//! is a message that could not be read ([`Finding::Undecodable`]), never dropped. Likewise a
//! piece that looks like a message but does not decode, and a line of 100 or more characters
//! that looks encoded (`split::looks_like_value`: one stray character, or the URL-safe
//! alphabet, is what a lenient SP may still read). Each message of such a paste names the
//! line it starts on ([`Origin::Line`]); a paste of one piece reads as it always did.
//!
//! The message kind is not decided here: the strict XML parser decides later from the root
//! element. Sans-IO: bytes in, values out. Limits are checked before every expansion.

mod collector;
mod error;
mod form;
mod har;
mod html;
mod limits;
mod message;
mod payload;
mod sniff;
mod split;
mod tracer;

use std::borrow::Cow;

pub use error::{BudgetScope, DecodeError, InflateFormat, PeelError, Where};
pub use form::looks_like_url;
pub use limits::{DecodeLimits, InflateBudget};
pub use message::{
    Binding, Decoded, Decoding, Finding, HarPart, Layer, Origin, Parameter, TracerField,
};
pub use sniff::looks_like_xml;

use collector::Collector;
use collector::{Candidate, Peeled, Whole};
use payload::Expect;

/// Decodes every SAML message in `input`. Fails when none can be decoded, with the reason.
pub fn decode(input: &[u8], limits: &DecodeLimits) -> Result<Vec<Decoded>, DecodeError> {
    decode_all(input, limits).map(|d| d.messages)
}

/// Like [`decode`], but also returns the findings (redacted values, skipped values, …). When no
/// message at all could be decoded this is an error: the first redaction, else the first
/// decoding failure, else "no SAML found". Above an aggregate limit of [`DecodeLimits`] the
/// input is refused whole.
pub fn decode_all(input: &[u8], limits: &DecodeLimits) -> Result<Decoding, DecodeError> {
    decode_within(
        input,
        limits,
        &mut InflateBudget::new(limits.max_inflated_total),
    )
}

/// [`decode_all`] for one input of several: what it inflates is also taken from `budget`.
pub fn decode_within(
    input: &[u8],
    limits: &DecodeLimits,
    budget: &mut InflateBudget,
) -> Result<Decoding, DecodeError> {
    // The tighter of the two bounds is the one a refusal names.
    let input_bound = limits.max_inflated_total <= budget.remaining();
    let inflate_left = budget.remaining().min(limits.max_inflated_total);
    let mut c = Collector {
        limits,
        out: Decoding::default(),
        seen: 0,
        inflate_left,
        over_budget: false,
    };
    let result = scan(&mut c, input);
    budget.spend(inflate_left - c.inflate_left);
    if c.over_budget {
        let (limit, scope) = if input_bound {
            (limits.max_inflated_total, BudgetScope::Input)
        } else {
            (budget.granted(), BudgetScope::Stream)
        };
        return Err(DecodeError::InflateBudget { limit, scope });
    }
    if c.seen > limits.max_messages {
        return Err(DecodeError::TooManyMessages {
            found: c.seen,
            limit: limits.max_messages,
        });
    }
    let what = result?;
    c.finish(|| what)
}

/// Scans the input for messages; returns a description of it for "no SAML found".
fn scan(c: &mut Collector<'_>, input: &[u8]) -> Result<String, DecodeError> {
    let limits = c.limits;
    if input.len() > limits.max_input {
        return Err(DecodeError::InputTooLarge {
            size: input.len(),
            limit: limits.max_input,
        });
    }
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let start = input.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = start else {
        return Err(DecodeError::Empty);
    };
    let trimmed = input.get(start..).unwrap_or_default();

    match trimmed.first() {
        Some(b'{') => {
            return json(c, trimmed);
        }
        Some(b'<') => {
            let text = core::str::from_utf8(trimmed).map_err(|e| DecodeError::Peel {
                at: Where {
                    origin: Origin::Pasted,
                    parameter: None,
                },
                source: PeelError::InvalidUtf8 {
                    after: "input",
                    offset: e.valid_up_to() + start,
                },
            })?;
            if html::is_html(text) {
                let n = html_page(c, text, &[], |action| Origin::HtmlForm { action });
                if c.out.messages.is_empty() && c.out.findings.is_empty() {
                    return Err(DecodeError::HtmlWithoutSaml { inputs: n });
                }
                return Ok("HTML page".into());
            }
            let mut items = split::Items::new(text);
            if items.nth(1).is_some() {
                return Ok(pieces(c, text));
            }
            let mut layers = Vec::new();
            let xml = payload::xml_text(trimmed.to_vec(), "input", limits, &mut layers).map_err(
                |source| DecodeError::Peel {
                    at: Where {
                        origin: Origin::Pasted,
                        parameter: None,
                    },
                    source,
                },
            )?;
            c.push(raw(xml, Origin::Pasted, layers));
            return Ok("pasted XML".into());
        }
        _ => {}
    }

    let Ok(text) = core::str::from_utf8(trimmed) else {
        return Err(DecodeError::Unrecognised {
            reason: "the input is binary, not text".into(),
        });
    };
    let text = text.trim_end();
    // `is_ascii_control() && !is_ascii_whitespace()` without short-circuits, through the shared
    // vectorizing screen (a paste can be megabytes).
    let control = |b: u8| {
        ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != 0x0c) & (b != b'\r')) | (b == 0x7f)
    };
    if crate::xml::screen::first::<32>(text.as_bytes(), control).is_some() {
        return Err(DecodeError::Unrecognised {
            reason: "the input contains control characters".into(),
        });
    }

    if split::has_break(text) {
        let mut items = split::Items::new(text);
        match (items.next(), items.next()) {
            (Some(split::Item::Values { text: run, .. }), None) => {
                values(c, run, None);
                return Ok("pasted value".into());
            }
            (Some(split::Item::Line { .. }), None) => {}
            _ => return Ok(pieces(c, text)),
        }
    }
    one_line(c, text)
}

/// A paste of one line (or one line with blank lines around it), read as it always was: a
/// form it does not fit is an error, not noise.
fn one_line(c: &mut Collector<'_>, text: &str) -> Result<String, DecodeError> {
    if form::looks_like_url(text) {
        let (_, query) = form::split_url(text);
        let found = query_pairs(
            c,
            query.unwrap_or(""),
            Origin::RedirectUrl {
                url: text.to_string(),
            },
            Some(Binding::Redirect),
        );
        if !found {
            return Err(DecodeError::UrlWithoutSaml);
        }
        return Ok("URL".into());
    }
    if log_line(c, text, |o| o) {
        return Ok("log line".into());
    }

    let query = text.strip_prefix('?').unwrap_or(text);
    let is_form = form::pairs(query)
        .iter()
        .any(|p| Parameter::from_name(&p.name).is_some());
    if is_form {
        query_pairs(c, query, Origin::PostBody, None);
        return Ok("form body".into());
    }

    // A bare value: (URL-encoded) base64, DEFLATEd or not.
    c.take(bare(text, Origin::Pasted));
    Ok("pasted value".into())
}

/// The SAML-bearing request targets of an access-log line. Returns whether there was one.
fn log_line(c: &mut Collector<'_>, text: &str, origin: impl Fn(Origin) -> Origin) -> bool {
    let mut found = false;
    for t in split::log_targets(text) {
        let (_, query) = form::split_url(t.target);
        found |= query_pairs(
            c,
            query.unwrap_or(""),
            origin(Origin::LogLine {
                method: t.method.map(str::to_owned),
                target: t.target.to_owned(),
            }),
            Some(Binding::Redirect),
        );
    }
    found
}

/// A bare base64 value found at `origin`.
fn bare(text: &str, origin: Origin) -> Candidate<'_> {
    let (value, url_decoded) = form::base64_param(text);
    Candidate {
        at: Where {
            origin,
            parameter: None,
        },
        binding: None,
        value,
        layers: if url_decoded {
            vec![Layer::UrlDecoded]
        } else {
            Vec::new()
        },
        expect: Expect::Plain,
        relay_state: None,
        sig_alg: None,
        signature: None,
        signed_query: None,
    }
}

/// A pasted XML document.
fn raw(xml: String, origin: Origin, layers: Vec<Layer>) -> Decoded {
    Decoded {
        xml,
        binding: Binding::Raw,
        parameter: None,
        relay_state: None,
        sig_alg: None,
        signature: None,
        signed_query: None,
        origin,
        layers,
        duplicate_of: None,
    }
}

fn at_line(line: usize, within: Origin) -> Origin {
    Origin::Line {
        line,
        within: Box::new(within),
    }
}

/// A paste of several pieces ([`split`]): each is read on its own and names its line.
fn pieces(c: &mut Collector<'_>, text: &str) -> String {
    let all_values = split::Items::new(text).all(|i| matches!(i, split::Item::Values { .. }));
    if all_values && c.whole(text, Origin::Pasted) {
        return "pasted value".into();
    }
    for item in split::Items::new(text) {
        match item {
            split::Item::Xml { line, text } if html::is_html(text) => {
                html_page(c, text, &[], |action| {
                    at_line(line, Origin::HtmlForm { action })
                });
            }
            split::Item::Xml { line, text } => c.xml(text, at_line(line, Origin::Pasted)),
            split::Item::Values { line, text } => values(c, text, Some(line)),
            split::Item::Line { line, text } => {
                let origin = |o| at_line(line, o);
                let found = if form::looks_like_url(text) {
                    let (_, query) = form::split_url(text);
                    query_pairs(
                        c,
                        query.unwrap_or(""),
                        origin(Origin::RedirectUrl {
                            url: text.to_string(),
                        }),
                        Some(Binding::Redirect),
                    )
                } else if log_line(c, text, origin) {
                    true
                } else {
                    let query = text.strip_prefix('?').unwrap_or(text);
                    let is_form = form::pairs(query)
                        .iter()
                        .any(|p| Parameter::from_name(&p.name).is_some());
                    is_form && query_pairs(c, query, origin(Origin::PostBody), None)
                };
                if !found && let Some(parameter) = split::saml_marker(text) {
                    c.unread(
                        Where {
                            origin: origin(Origin::Pasted),
                            parameter: Some(parameter),
                        },
                        PeelError::UnreadLine { parameter },
                    );
                } else if !found && split::looks_like_value(text) {
                    c.take(bare(text, origin(Origin::Pasted)));
                }
            }
        }
    }
    format!(
        "pasted text of {} lines",
        split::breaks(text.as_bytes()) + 1
    )
}

/// A run of base64 lines ([`split::Item::Values`]) starting on `line` (`None`: the whole paste):
/// one value or one per line, as the module documentation says.
fn values(c: &mut Collector<'_>, text: &str, line: Option<usize>) {
    let one = || line.map_or(Origin::Pasted, |l| at_line(l, Origin::Pasted));
    let each = |offset: usize| at_line(line.unwrap_or(1) + offset, Origin::Pasted);
    if !split::has_break(text) {
        c.take(bare(text, one()));
        return;
    }
    if c.full() {
        // Refused already: counted, not decoded (the count is then a lower bound).
        c.seen += 1;
        return;
    }
    let (value, url_decoded) = form::base64_param(text);
    let mut layers = if url_decoded {
        vec![Layer::UrlDecoded]
    } else {
        Vec::new()
    };
    let whole = c.peel(&value, Expect::Plain, &mut layers, Whole::Required);
    if matches!(whole, Peeled::Xml(_) | Peeled::OverBudget) {
        c.seen += 1;
        c.record(bare(text, one()), layers, whole);
        return;
    }
    let mut lines = split::run_lines(text);
    let Some((_, first)) = lines.next() else {
        return;
    };
    let (first_value, first_decoded) = form::base64_param(first);
    let mut first_layers = if first_decoded {
        vec![Layer::UrlDecoded]
    } else {
        Vec::new()
    };
    let alone = c.peel(
        &first_value,
        Expect::Plain,
        &mut first_layers,
        Whole::Lenient,
    );
    match alone {
        Peeled::OverBudget => {}
        Peeled::Failed(_) if split::wrapped_shape(text) => {
            // A wrapped value, broken: one message, with the error of the value as a whole.
            c.seen += 1;
            c.record(bare(text, one()), layers, whole);
        }
        alone => {
            c.seen += 1;
            c.record(bare(first, each(0)), first_layers, alone);
            for (offset, l) in lines {
                c.take(bare(l, each(offset)));
            }
        }
    }
}

/// Handles the SAML parameters of a query string or form body. Returns whether any was present.
fn query_pairs(
    c: &mut Collector<'_>,
    query: &str,
    origin: Origin,
    binding: Option<Binding>,
) -> bool {
    // `&amp;` only ever stands for a separator: inside a value `&` is `%26`, and no parameter
    // is named `amp;…`.
    let query: Cow<'_, str> = if memchr::memmem::find(query.as_bytes(), b"&amp;").is_some() {
        Cow::Owned(query.replace("&amp;", "&"))
    } else {
        Cow::Borrowed(query)
    };
    let pairs = form::pairs(&query);
    let find = |n: &str| pairs.iter().find(|p| p.name == n);
    let relay_state = find("RelayState").map(|p| form::form_decode(p.raw_value));
    let sig_alg = find("SigAlg").map(|p| form::form_decode(p.raw_value));
    let signature = find("Signature").map(|p| {
        let (v, _) = form::base64_param(p.raw_value);
        String::from_utf8_lossy(&v)
            .split_whitespace()
            .collect::<String>()
    });
    let expect = if binding == Some(Binding::Redirect) || sig_alg.is_some() {
        Expect::Deflated
    } else {
        Expect::Plain
    };
    // SAML Bindings §3.4.4.1 signs one value of each parameter: when one repeats, which value
    // was signed is up to whoever reads the query, so no signed octets are given (and the
    // signature check refuses rather than pick).
    let repeated = [
        "SAMLRequest",
        "SAMLResponse",
        "RelayState",
        "SigAlg",
        "Signature",
    ]
    .iter()
    .any(|n| pairs.iter().filter(|p| p.name == *n).count() > 1);
    let mut found = false;
    for p in pairs.iter() {
        let Some(parameter) = Parameter::from_name(&p.name) else {
            continue;
        };
        found = true;
        // SAML Bindings §3.4.4.1: the signature covers the parameters as they were encoded.
        let signed_query = signature.as_ref().filter(|_| !repeated).map(|_| {
            let mut q = format!("{}={}", p.raw_name, p.raw_value);
            for name in ["RelayState", "SigAlg"] {
                if let Some(x) = find(name) {
                    q.push_str(&format!("&{}={}", x.raw_name, x.raw_value));
                }
            }
            q
        });
        let (value, url_decoded) = form::base64_param(p.raw_value);
        c.take(Candidate {
            at: Where {
                origin: origin.clone(),
                parameter: Some(parameter),
            },
            binding,
            value,
            layers: if url_decoded {
                vec![Layer::UrlDecoded]
            } else {
                Vec::new()
            },
            expect,
            relay_state: relay_state.clone(),
            sig_alg: sig_alg.clone(),
            signature: signature.clone(),
            signed_query,
        });
    }
    if found && matches!(query, Cow::Owned(_)) && !c.full() {
        c.out.findings.push(Finding::HtmlEscapedQuery {
            at: Where {
                origin,
                parameter: None,
            },
        });
    }
    found
}

/// Scans an HTML page for SAML form fields. Returns the number of `<input>`s seen.
fn html_page(
    c: &mut Collector<'_>,
    text: &str,
    pre: &[Layer],
    origin: impl Fn(Option<String>) -> Origin,
) -> usize {
    let inputs = html::inputs(text);
    let relay_state = inputs
        .iter()
        .find(|i| i.name == "RelayState")
        .map(|i| i.value.clone());
    for input in &inputs {
        let Some(parameter) = Parameter::from_name(&input.name) else {
            continue;
        };
        // Some templates also URL-encode the value; base64 never contains `%`.
        let (value, url_decoded) = form::base64_param(&input.value);
        let mut layers = pre.to_vec();
        if input.entities {
            layers.push(Layer::HtmlEntities);
        }
        if url_decoded {
            layers.push(Layer::UrlDecoded);
        }
        c.take(Candidate {
            at: Where {
                origin: origin(input.form_action.clone()),
                parameter: Some(parameter),
            },
            binding: Some(Binding::Post),
            value: Cow::Owned(value.into_owned()),
            layers,
            expect: Expect::Plain,
            relay_state: relay_state.clone(),
            sig_alg: None,
            signature: None,
            signed_query: None,
        });
    }
    inputs.len()
}

/// HAR or SAML-tracer. Returns a description of the container for "no SAML found".
fn json(c: &mut Collector<'_>, bytes: &[u8]) -> Result<String, DecodeError> {
    #[derive(serde::Deserialize)]
    struct Probe {
        log: Option<serde::de::IgnoredAny>,
        requests: Option<serde::de::IgnoredAny>,
    }
    let probe: Probe = serde_json::from_slice(bytes).map_err(|e| json_error("JSON", &e))?;
    if probe.log.is_some() {
        har::scan(c, bytes)
    } else if probe.requests.is_some() {
        tracer::scan(c, bytes)
    } else {
        Err(DecodeError::UnknownJson)
    }
}

fn json_error(kind: &'static str, e: &serde_json::Error) -> DecodeError {
    let reason = e.to_string();
    // serde_json appends " at line L column C"; keep the reason short.
    let reason = reason
        .split(" at line ")
        .next()
        .unwrap_or_default()
        .to_string();
    DecodeError::Json {
        kind,
        line: e.line(),
        column: e.column(),
        reason,
    }
}
