//! Opening a response from a link: `/#SAMLResponse=<percent-encoded base64>[&app=<label>]
//! [&acs_url=<url>][&request_id=<id>]`, as the mock IdP's `/events` page writes it. The message
//! is in the URL fragment, which a browser keeps to itself: opening the link sends the server
//! the page's path and nothing of the message. `app` names the mock IdP app whose metadata
//! (trust) and SP Entity ID the page then fetches from the server that served it, as "Load
//! example" does; `acs_url` and `request_id` are what the IdP answered, for the Destination,
//! Recipient and InResponseTo checks.

/// Fragments above this are refused with a message (the mock IdP keeps responses up to 64 KiB
/// of base64, well under it; browsers accept URLs of about 2 MB).
pub const MAX_FRAGMENT: usize = 256 * 1024;

/// A response opened from the fragment, with what the link says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Linked {
    pub saml_response: String,
    pub app: Option<String>,
    pub acs_url: Option<String>,
    pub request_id: Option<String>,
}

/// The linked response in `hash` (`location.hash`, with or without its `#`): `None` when the
/// fragment carries no `SAMLResponse` (an ordinary anchor is none of the page's business),
/// an error when it is too large or not decodable.
pub fn parse(hash: &str) -> Option<Result<Linked, String>> {
    let hash = hash.strip_prefix('#').unwrap_or(hash);
    let has = |k: &str| hash.split('&').any(|p| p.starts_with(k));
    if !has("SAMLResponse=") {
        return None;
    }
    if hash.len() > MAX_FRAGMENT {
        return Some(Err(format!(
            "The link carries {} KiB, above the {} KiB a link may carry: paste the response instead.",
            hash.len() / 1024,
            MAX_FRAGMENT / 1024
        )));
    }
    let mut linked = Linked {
        saml_response: String::new(),
        app: None,
        acs_url: None,
        request_id: None,
    };
    for part in hash.split('&') {
        let (key, value) = part.split_once('=').unwrap_or((part, ""));
        let slot = match key {
            "SAMLResponse" => None,
            "app" => Some(&mut linked.app),
            "acs_url" => Some(&mut linked.acs_url),
            "request_id" => Some(&mut linked.request_id),
            _ => continue,
        };
        let Some(value) = percent_decode(value) else {
            return Some(Err(format!(
                "The link's {key} is not percent-encoded UTF-8; it was not opened."
            )));
        };
        match slot {
            None => linked.saml_response = value,
            Some(s) => *s = Some(value).filter(|v| !v.is_empty()),
        }
    }
    if linked.saml_response.is_empty() {
        return Some(Err("The link's SAMLResponse is empty.".into()));
    }
    Some(Ok(linked))
}

/// `%XX` escapes to bytes, everything else as it is (a `+` stays a `+`: base64 uses it).
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The current `location.hash`.
pub fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Takes the fragment out of the address bar (and of this history entry), keeping the path.
/// The response in it is a bearer credential for minutes: left there it would be copied with
/// the URL, restored with the tab, and opened again on reload over whatever was pasted since.
pub fn clear_hash() {
    let Some(w) = web_sys::window() else { return };
    let loc = w.location();
    let url = format!(
        "{}{}",
        loc.pathname().unwrap_or_default(),
        loc.search().unwrap_or_default()
    );
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code

    use super::*;

    #[test]
    fn a_link_gives_the_response_and_its_settings() {
        let l = parse("#SAMLResponse=PD94%2Bbw%3D%3D&app=avoma&acs_url=https%3A%2F%2Fsp%2Facs&request_id=_r1&other=x")
            .unwrap()
            .unwrap();
        assert_eq!(
            l,
            Linked {
                saml_response: "PD94+bw==".into(),
                app: Some("avoma".into()),
                acs_url: Some("https://sp/acs".into()),
                request_id: Some("_r1".into()),
            }
        );
        // A raw `+` is base64, not a space.
        let l = parse("SAMLResponse=PD9+4").unwrap().unwrap();
        assert_eq!(l.saml_response, "PD9+4");
        assert_eq!(l.app, None);
    }

    #[test]
    fn other_fragments_are_left_alone_and_bad_links_refused() {
        assert_eq!(parse(""), None);
        assert_eq!(parse("#top"), None);
        assert_eq!(parse("#xSAMLResponse=1"), None);
        for bad in [
            "#SAMLResponse=",
            "#SAMLResponse=%zz",
            "#SAMLResponse=%C3",
            "#SAMLResponse=a%4",
        ] {
            assert!(parse(bad).unwrap().is_err(), "{bad}");
        }
        let big = format!("#SAMLResponse={}", "A".repeat(MAX_FRAGMENT));
        let e = parse(&big).unwrap().unwrap_err();
        assert!(e.contains("256 KiB"), "{e}");
    }
}
