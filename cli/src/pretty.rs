//! Faithful XML pretty-printing for the terminal, from quick-xml events.
//!
//! Only whitespace-only text between elements is re-indented. Start tags (attributes included),
//! text, CDATA, comments and references are written exactly as they appear in the input. An
//! element with any non-whitespace text child (mixed content, e.g. `<a>x<b/>y</a>`) or with
//! `xml:space="preserve"` is written verbatim, whitespace and all, so no text value changes.
//! Note: the output is for reading; signatures cover the original bytes, not this.

use quick_xml::Reader;
use quick_xml::events::Event;

const INDENT: &str = "  ";

/// The pretty-printed document, or `None` when quick-xml cannot read it (the caller then shows
/// the text as decoded).
pub fn pretty(xml: &str) -> Option<String> {
    let mut reader = Reader::from_str(xml);
    let mut events = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(e) => events.push(e),
            Err(_) => return None,
        }
    }

    // Which Start events open an element that must be written verbatim.
    let mut verbatim = vec![false; events.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        match e {
            Event::Start(s) => {
                if (s.contains("xml:space=\"preserve\"") || s.contains("xml:space='preserve'"))
                    && let Some(v) = verbatim.get_mut(i)
                {
                    *v = true;
                }
                stack.push(i);
            }
            Event::End(_) => {
                stack.pop();
            }
            Event::Text(t) if t.trim().is_empty() => {}
            Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => {
                if let Some(v) = stack.last().and_then(|&top| verbatim.get_mut(top)) {
                    *v = true;
                }
            }
            _ => {}
        }
    }

    let mut out = String::with_capacity(xml.len() + xml.len() / 4);
    let mut depth = 0usize;
    // Depth at which verbatim mode started (inside that element).
    let mut verbatim_at: Option<usize> = None;
    let mut just_opened = false;
    for (i, e) in events.iter().enumerate() {
        if verbatim_at.is_some() {
            match e {
                Event::Start(_) => depth += 1,
                Event::End(_) => {
                    if verbatim_at == Some(depth) {
                        verbatim_at = None;
                    }
                    depth = depth.saturating_sub(1);
                }
                _ => {}
            }
            write_raw(&mut out, e);
            just_opened = false;
            continue;
        }
        match e {
            Event::Text(t) if t.trim().is_empty() => continue,
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if !just_opened {
                    newline(&mut out, depth);
                }
                write_raw(&mut out, e);
                just_opened = false;
            }
            Event::Start(_) => {
                newline(&mut out, depth);
                write_raw(&mut out, e);
                depth += 1;
                just_opened = true;
                if verbatim.get(i).copied().unwrap_or(false) {
                    verbatim_at = Some(depth);
                    just_opened = false;
                }
            }
            _ => {
                newline(&mut out, depth);
                write_raw(&mut out, e);
                just_opened = false;
            }
        }
    }
    out.push('\n');
    Some(out)
}

fn newline(out: &mut String, depth: usize) {
    if !out.is_empty() {
        out.push('\n');
    }
    for _ in 0..depth {
        out.push_str(INDENT);
    }
}

/// Writes an event as it appeared in the source.
fn write_raw(out: &mut String, e: &Event<'_>) {
    match e {
        Event::Start(s) => {
            out.push('<');
            out.push_str(s);
            out.push('>');
        }
        Event::Empty(s) => {
            out.push('<');
            out.push_str(s);
            out.push_str("/>");
        }
        Event::End(s) => {
            out.push_str("</");
            out.push_str(s);
            out.push('>');
        }
        Event::Text(t) => out.push_str(t),
        Event::CData(t) => {
            out.push_str("<![CDATA[");
            out.push_str(t);
            out.push_str("]]>");
        }
        Event::Comment(t) => {
            out.push_str("<!--");
            out.push_str(t);
            out.push_str("-->");
        }
        Event::Decl(t) => {
            out.push_str("<?");
            out.push_str(t);
            out.push_str("?>");
        }
        Event::PI(t) => {
            out.push_str("<?");
            out.push_str(t);
            out.push_str("?>");
        }
        Event::DocType(t) => {
            out.push_str("<!DOCTYPE ");
            out.push_str(t);
            out.push('>');
        }
        Event::GeneralRef(r) => {
            out.push('&');
            out.push_str(r);
            out.push(';');
        }
        Event::Eof => {}
    }
}

#[cfg(test)]
mod tests {
    use super::pretty;

    /// Removes whitespace-only text between tags: what pretty-printing is allowed to change.
    fn squeeze(xml: &str) -> String {
        let mut out = String::new();
        let mut pending = String::new();
        let mut in_tag = false;
        for c in xml.chars() {
            match c {
                '<' => {
                    if !pending.trim().is_empty() {
                        out.push_str(&pending);
                    }
                    pending.clear();
                    in_tag = true;
                    out.push(c);
                }
                '>' => {
                    in_tag = false;
                    out.push(c);
                }
                _ if in_tag => out.push(c),
                _ => pending.push(c),
            }
        }
        out.push_str(pending.trim());
        out
    }

    #[test]
    fn indents_element_only_content() {
        let x = r#"<?xml version="1.0"?><a xmlns="urn:x" b='1'><c d="x &amp; y"/><e>text</e><f></f></a>"#;
        let p = pretty(x).unwrap();
        assert_eq!(
            p,
            "<?xml version=\"1.0\"?>\n<a xmlns=\"urn:x\" b='1'>\n  <c d=\"x &amp; y\"/>\n  <e>text</e>\n  <f></f>\n</a>\n"
        );
    }

    #[test]
    fn keeps_mixed_content_and_references_verbatim() {
        let x = "<a>\n <n>ada<!--c-->@x.com &amp; <b>b</b> </n>\n <cd><![CDATA[ <x> ]]></cd><p xml:space=\"preserve\">\n <q/>\n</p></a>";
        let p = pretty(x).unwrap();
        assert!(
            p.contains("<n>ada<!--c-->@x.com &amp; <b>b</b> </n>"),
            "{p}"
        );
        assert!(p.contains("<cd><![CDATA[ <x> ]]></cd>"), "{p}");
        assert!(p.contains("<p xml:space=\"preserve\">\n <q/>\n</p>"), "{p}");
        assert_eq!(squeeze(&p), squeeze(x));
    }

    #[test]
    fn only_inter_element_whitespace_changes_on_a_saml_response() {
        let x = include_str!("../../core/tests/data/decode/response.xml");
        let p = pretty(x).unwrap();
        assert!(p.lines().count() > 20);
        assert_eq!(squeeze(&p), squeeze(x));
        // Idempotent.
        assert_eq!(pretty(&p).unwrap(), p);
    }

    #[test]
    fn malformed_xml_is_not_pretty_printed() {
        assert_eq!(pretty("<a><b></a>"), None);
    }
}
