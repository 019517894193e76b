//! The inspector page. Built for wasm32 by `cargo xtask web` into `dist/`; the same code compiles
//! natively so `cargo test --workspace` covers it.
//!
//! For now the page shows what the core can say about a paste before any trust is configured:
//! its size, whether it is XML, and which SAML messages `decode` finds in it.

use samlscope_core::decode::{self, DecodeLimits};
use samlscope_core::xml;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// One message `decode` found, named by its root element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// `raw XML`, `HTTP-POST` or `HTTP-Redirect`.
    pub binding: &'static str,
    /// `SAMLResponse` / `SAMLRequest` when a form or query carried it.
    pub parameter: Option<&'static str>,
    /// The root element as written (`saml2p:Response`), or why the strict parser refused it.
    pub root: Result<String, String>,
}

/// What the page shows for one paste.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub bytes: usize,
    pub looks_like_xml: bool,
    /// `None` for an empty paste; otherwise the messages, or why none could be decoded.
    pub messages: Option<Result<Vec<Message>, String>>,
}

/// Sans-IO summary of a paste: the page renders exactly this.
pub fn summarize(input: &str) -> Summary {
    let bytes = input.as_bytes();
    let messages = if input.trim().is_empty() {
        None
    } else {
        Some(
            decode::decode(bytes, &DecodeLimits::default())
                .map(|found| {
                    found
                        .iter()
                        .map(|m| Message {
                            binding: m.binding.as_str(),
                            parameter: m.parameter.map(|p| p.as_str()),
                            root: root_name(&m.xml),
                        })
                        .collect()
                })
                .map_err(|e| e.to_string()),
        )
    };
    Summary {
        bytes: bytes.len(),
        looks_like_xml: decode::looks_like_xml(bytes),
        messages,
    }
}

fn root_name(xml_text: &str) -> Result<String, String> {
    let doc = xml::parse(xml_text.as_bytes()).map_err(|e| e.to_string())?;
    doc.element(doc.root())
        .map(|e| e.qname())
        .ok_or_else(|| "the document has no root element".to_owned())
}

/// The page.
#[function_component(App)]
pub fn app() -> Html {
    let input = use_state(String::new);
    let oninput = {
        let input = input.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            input.set(area.value());
        })
    };
    let summary = summarize(&input);
    html! {
        <main>
            <h1>{ "samlscope" }</h1>
            <p class="lead">
                { "Paste a SAMLResponse, AuthnRequest or metadata: raw XML, base64, a POST body, \
                   a Redirect URL, the IdP's auto-post page, a HAR or a SAML-tracer export. \
                   Nothing leaves this page." }
            </p>
            <textarea
                data-testid="input"
                rows="12"
                spellcheck="false"
                placeholder="Paste here"
                value={(*input).clone()}
                {oninput}
            />
            { view_summary(&summary) }
        </main>
    }
}

fn view_summary(s: &Summary) -> Html {
    let messages = match &s.messages {
        None => html! { <p data-testid="decoded">{ "Nothing pasted yet." }</p> },
        Some(Err(why)) => html! {
            <p data-testid="decoded" class="error">{ format!("Not decoded: {why}") }</p>
        },
        Some(Ok(found)) => html! {
            <ul data-testid="decoded">
                { for found.iter().map(view_message) }
            </ul>
        },
    };
    html! {
        <section data-testid="output" class="output">
            <p>
                <span data-testid="bytes">{ format!("{} bytes", s.bytes) }</span>
                { " · " }
                <span data-testid="looks-like-xml">
                    { if s.looks_like_xml { "looks like XML" } else { "not XML as pasted" } }
                </span>
            </p>
            { messages }
        </section>
    }
}

fn view_message(m: &Message) -> Html {
    let carried = match m.parameter {
        Some(p) => format!("{} ({p})", m.binding),
        None => m.binding.to_owned(),
    };
    let root = match &m.root {
        Ok(name) => html! { <code>{ name.clone() }</code> },
        Err(why) => {
            html! { <span class="error">{ format!("refused by the parser: {why}") }</span> }
        }
    };
    html! { <li>{ root }{ format!(" — {carried}") }</li> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_paste_decodes_nothing() {
        let s = summarize("  \n");
        assert_eq!(s.bytes, 3);
        assert!(!s.looks_like_xml);
        assert_eq!(s.messages, None);
    }

    #[test]
    fn raw_xml_is_named_by_its_root() {
        let s = summarize(
            "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"a\"/>",
        );
        assert!(s.looks_like_xml);
        let found = s.messages.and_then(Result::ok).unwrap_or_default();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].binding, "raw XML");
        assert_eq!(found[0].root.as_deref(), Ok("samlp:AuthnRequest"));
    }

    #[test]
    fn bundled_base64_response_is_found() {
        let b64 = include_str!("../../examples/jumpcloud/response.b64");
        let s = summarize(b64);
        assert!(!s.looks_like_xml);
        let found = s.messages.and_then(Result::ok).unwrap_or_default();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].binding, "HTTP-POST");
        assert_eq!(found[0].root.as_deref(), Ok("saml2p:Response"));
    }

    #[test]
    fn garbage_says_why() {
        let s = summarize("hello, world");
        assert!(matches!(s.messages, Some(Err(ref why)) if !why.is_empty()));
    }
}
