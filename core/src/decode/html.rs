//! A tolerant, linear scanner for the IdP's auto-posting HTML form.
//!
//! HTML is not XML (unquoted attributes, `<br>`, entities the XML parser does not know), so the
//! strict XML parser is not used here. This scanner only looks at `<form …>` and `<input …>` tags,
//! skips comments, `<script>` and `<style>` bodies, and never backtracks: every loop advances.

/// One `<input>` found in the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub name: String,
    /// The value with HTML character references decoded.
    pub value: String,
    /// Whether decoding character references changed the value.
    pub entities: bool,
    /// The `action` of the enclosing `<form>`, if any.
    pub form_action: Option<String>,
}

/// Every `<input>` with a `name` attribute, in document order.
pub fn inputs(html: &str) -> Vec<Input> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut action: Option<String> = None;
    let mut i = 0;
    while let Some(lt) = find(b, i, b"<") {
        i = lt + 1;
        let rest = &b[i..];
        if rest.starts_with(b"!--") {
            i = find(b, i + 3, b"-->").map_or(b.len(), |e| e + 3);
            continue;
        }
        let name_len = rest
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        if name_len == 0 {
            // `</form>`, `<!DOCTYPE`, or a `<` in text: nothing to collect.
            continue;
        }
        let tag = rest[..name_len].to_ascii_lowercase();
        let (attrs, end) = attributes(b, i + name_len);
        i = end;
        match tag.as_slice() {
            b"form" => action = attr(&attrs, "action").map(|(v, _)| v),
            b"input" => {
                if let Some((name, _)) = attr(&attrs, "name") {
                    let (value, entities) = attr(&attrs, "value").unwrap_or_default();
                    out.push(Input {
                        name,
                        value,
                        entities,
                        form_action: action.clone(),
                    });
                }
            }
            b"script" | b"style" => {
                let close: &[u8] = if tag == b"script" {
                    b"</script"
                } else {
                    b"</style"
                };
                i = find_ci(b, i, close).unwrap_or(b.len());
            }
            _ => {}
        }
    }
    out
}

fn attr(attrs: &[(String, String)], name: &str) -> Option<(String, bool)> {
    attrs
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| {
            let decoded = decode_entities(v);
            let changed = decoded != *v;
            (decoded, changed)
        })
}

/// Parses attributes from `start` up to the closing `>`; returns them and the index after `>`.
fn attributes(b: &[u8], start: usize) -> (Vec<(String, String)>, usize) {
    let mut attrs = Vec::new();
    let mut i = start;
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            return (attrs, b.len());
        }
        if b[i] == b'>' {
            return (attrs, i + 1);
        }
        let name_start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = String::from_utf8_lossy(&b[name_start..i]).into_owned();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let v_start = i + 1;
                let v_end = b[v_start..]
                    .iter()
                    .position(|&c| c == q)
                    .map_or(b.len(), |p| v_start + p);
                value = String::from_utf8_lossy(&b[v_start..v_end]).into_owned();
                i = (v_end + 1).min(b.len());
            } else {
                let v_start = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
                value = String::from_utf8_lossy(&b[v_start..i]).into_owned();
            }
        }
        if name.is_empty() {
            // A stray character (e.g. `"`): skip it so the loop always advances.
            i += 1;
        } else {
            attrs.push((name, value));
        }
    }
}

/// Decodes `&amp; &lt; &gt; &quot; &apos; &nbsp; &#NN; &#xHH;` (and the HTML5 names for `+`, `=`,
/// `/` that some template engines emit). Anything else is left as written.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let semi = rest.get(1..).and_then(|r| r.find(';')).map(|p| p + 1);
        let decoded = semi
            .filter(|&p| p <= 12)
            .and_then(|p| entity(&rest[1..p]).map(|c| (c, p)));
        match decoded {
            Some((c, p)) => {
                out.push(c);
                rest = &rest[p + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "plus" => '+',
        "equals" => '=',
        "sol" => '/',
        "NewLine" => '\n',
        _ => return None,
    })
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn find_ci(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| p + from)
}

/// Whether markup text is an HTML page rather than an XML document: a `<!DOCTYPE html>` or a
/// first element that is an HTML element (`html`, `head`, `body`, `form`, …, XHTML included).
pub fn is_html(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(lt) = find(b, i, b"<") {
        let rest = &b[lt..];
        if rest.starts_with(b"<?") {
            i = find(b, lt, b"?>").map_or(b.len(), |e| e + 2);
        } else if rest.starts_with(b"<!--") {
            i = find(b, lt, b"-->").map_or(b.len(), |e| e + 3);
        } else if rest.len() >= 9 && rest[..9].eq_ignore_ascii_case(b"<!doctype") {
            let word: Vec<u8> = rest[9..]
                .iter()
                .skip_while(|c| c.is_ascii_whitespace())
                .take_while(|c| c.is_ascii_alphanumeric())
                .copied()
                .collect();
            return word.eq_ignore_ascii_case(b"html");
        } else {
            let name: Vec<u8> = rest[1..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b':')
                .copied()
                .collect();
            let local = name
                .rsplit(|c| *c == b':')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            const HTML: &[&[u8]] = &[
                b"html",
                b"head",
                b"body",
                b"form",
                b"meta",
                b"title",
                b"script",
                b"div",
                b"p",
                b"input",
                b"link",
                b"style",
                b"noscript",
                b"table",
                b"span",
                b"a",
                b"h1",
                b"h2",
                b"iframe",
                b"center",
            ];
            return HTML.contains(&local.as_slice());
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::{decode_entities, inputs, is_html};

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities("a&#x2b;b&#43;c&amp;d&plus;&lt;&bogus;&#xZZ;&"),
            "a+b+c&d+<&bogus;&#xZZ;&"
        );
        assert_eq!(decode_entities("&#1114112;"), "&#1114112;");
    }

    #[test]
    fn inputs_with_varied_quoting_and_stray_characters() {
        let page = r#"<form action='/acs'><input  value = "v1" name=SAMLResponse ><input name='RelayState' value=r"s><input "x" name=n/>"#;
        let found = inputs(page);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(
            (found[0].name.as_str(), found[0].value.as_str()),
            ("SAMLResponse", "v1")
        );
        assert_eq!(found[0].form_action.as_deref(), Some("/acs"));
        assert_eq!(found[1].value, "r\"s");
        // HTML: an unquoted value runs up to whitespace or `>`, so `n/>` names the input "n/".
        assert_eq!(found[2].name, "n/");
    }

    #[test]
    fn unterminated_markup_does_not_loop_or_panic() {
        for s in [
            "<",
            "<input",
            "<input name=\"SAMLResponse",
            "<!--",
            "<script>",
            "<input name=a value='",
        ] {
            let _ = inputs(s);
            let _ = is_html(s);
        }
    }

    #[test]
    fn html_or_xml() {
        assert!(is_html("<!DOCTYPE html><html>"));
        assert!(is_html("<!-- x --><HTML lang=en>"));
        assert!(is_html(
            "<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'/>"
        ));
        assert!(!is_html("<samlp:Response/>"));
        assert!(!is_html(
            "<?xml version='1.0'?><!DOCTYPE Response [<!ENTITY x 'y'>]><Response/>"
        ));
    }
}
