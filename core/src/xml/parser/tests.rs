//! Parser tests: one per refusal, the facts later steps rely on, and the hostile inputs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::xml::ns;
use std::time::{Duration, Instant};

fn ok(s: &str) -> Document {
    match parse(s.as_bytes()) {
        Ok(d) => d,
        Err(e) => panic!("{s:?} failed: {e}"),
    }
}

fn err(s: &str) -> XmlError {
    match parse(s.as_bytes()) {
        Ok(_) => panic!("{s:?} parsed but should fail"),
        Err(e) => e,
    }
}

fn kind(s: &str) -> XmlErrorKind {
    err(s).kind
}

fn is_malformed(s: &str) -> bool {
    matches!(kind(s), XmlErrorKind::Malformed(_))
}

fn root_el(d: &Document) -> &Element {
    d.element(d.root()).unwrap()
}

fn first_child(d: &Document, id: NodeId) -> NodeId {
    d.children(id)[0]
}

// ---------------------------------------------------------------- input level

#[test]
fn too_large_is_refused_first_and_fast() {
    let input = vec![b' '; 100 << 20];
    let t = Instant::now();
    let e = parse(&input).unwrap_err();
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    assert_eq!(
        e.kind,
        XmlErrorKind::TooLarge {
            size: 100 << 20,
            limit: 1 << 20
        }
    );
    // Even invalid UTF-8 is not looked at when too large.
    let limits = Limits {
        max_bytes: 4,
        ..Limits::default()
    };
    let e = parse_with_limits(b"<a>\xFF</a>", limits).unwrap_err();
    assert!(matches!(
        e.kind,
        XmlErrorKind::TooLarge { size: 8, limit: 4 }
    ));
}

#[test]
fn not_utf8() {
    let e = parse(b"<a>\xC3\x28</a>").unwrap_err();
    assert_eq!(e.kind, XmlErrorKind::NotUtf8);
    assert_eq!(e.position.offset, 3);
    assert_eq!(
        parse(b"\xFF\xFE<\0a\0/\0>\0").unwrap_err().kind,
        XmlErrorKind::NotUtf8
    );
}

#[test]
fn bom_is_stripped_and_offsets_are_after_it() {
    let d = parse(b"\xEF\xBB\xBF<a>x</a>").unwrap();
    assert_eq!(d.source(), "<a>x</a>");
    assert_eq!(d.span(d.root()), Span::new(0, 8));
    // A second BOM is a character before the root.
    let e = parse(b"\xEF\xBB\xBF\xEF\xBB\xBF<a/>").unwrap_err();
    assert_eq!(e.kind, XmlErrorKind::TextOutsideRoot);
    // Errors count from after the BOM.
    let e = parse(b"\xEF\xBB\xBF<a>&x;</a>").unwrap_err();
    assert_eq!(e.position.offset, 3);
    assert_eq!((e.position.line, e.position.column), (1, 4));
}

#[test]
fn invalid_chars() {
    assert_eq!(kind("<a>\u{0}</a>"), XmlErrorKind::InvalidChar(0));
    assert_eq!(kind("<a x='\u{1b}'/>"), XmlErrorKind::InvalidChar(0x1b));
    assert_eq!(kind("<a>\u{FFFE}</a>"), XmlErrorKind::InvalidChar(0xFFFE));
    assert_eq!(kind("<a>\u{FFFF}</a>"), XmlErrorKind::InvalidChar(0xFFFF));
    // Even inside comments and CDATA.
    assert_eq!(kind("<a><!-- \u{7} --></a>"), XmlErrorKind::InvalidChar(7));
    assert_eq!(
        kind("<a><![CDATA[\u{8}]]></a>"),
        XmlErrorKind::InvalidChar(8)
    );
    let e = err("<a>\n  \u{c}</a>");
    assert_eq!(
        (e.position.line, e.position.column, e.position.offset),
        (2, 3, 6)
    );
}

/// The screen works in 64-byte blocks with a byte-by-byte tail: a forbidden character is found
/// at its exact offset wherever it falls (inside a block, across a block edge, in the tail),
/// and a legal character sharing the lead byte (U+FFFD) is never mistaken for one.
#[test]
fn invalid_chars_at_every_offset_around_block_edges() {
    for len in [
        0, 1, 59, 60, 61, 62, 63, 64, 65, 120, 125, 126, 127, 128, 190,
    ] {
        for at in 0..=len {
            for (bad, code) in [("\u{1}", 1), ("\u{FFFE}", 0xFFFE), ("\u{FFFF}", 0xFFFF)] {
                let text = format!("{}{bad}{}", "x".repeat(at), "y".repeat(len - at));
                let e = err(&format!("<a>{text}</a>"));
                assert_eq!(
                    e.kind,
                    XmlErrorKind::InvalidChar(code),
                    "{len} {at} {code:x}"
                );
                assert_eq!(e.position.offset, 3 + at, "{len} {at} {code:x}");
            }
            let fine = format!("<a>{}\u{FFFD}{}</a>", "x".repeat(at), "y".repeat(len - at));
            assert!(parse(fine.as_bytes()).is_ok(), "{len} {at}");
        }
    }
}

// ---------------------------------------------------------------- prolog

#[test]
fn declaration() {
    ok("<?xml version=\"1.0\"?><a/>");
    ok("<?xml version='1.0' encoding='utf-8' standalone='yes'?>\n<a/>");
    ok("\u{FEFF}<?xml version=\"1.0\" encoding=\"UTF-8\"?><a/>");
    assert_eq!(
        kind("<?xml version=\"1.1\"?><a/>"),
        XmlErrorKind::UnsupportedVersion("1.1".into())
    );
    assert_eq!(
        kind("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>"),
        XmlErrorKind::UnsupportedEncoding("ISO-8859-1".into())
    );
    assert_eq!(
        kind("<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>"),
        XmlErrorKind::UnsupportedEncoding("UTF-16".into())
    );
    assert_eq!(
        kind(" <?xml version=\"1.0\"?><a/>"),
        XmlErrorKind::MisplacedDeclaration
    );
    assert_eq!(
        kind("<a><?xml version=\"1.0\"?></a>"),
        XmlErrorKind::MisplacedDeclaration
    );
    assert!(is_malformed("<?xml?><a/>"));
    assert!(is_malformed("<?xml encoding='UTF-8'?><a/>"));
    assert!(is_malformed("<?xml version='1.0' foo='x'?><a/>"));
    assert!(is_malformed("<?xml version='1.0'encoding='UTF-8'?><a/>"));
}

#[test]
fn processing_instructions() {
    assert_eq!(
        kind("<?xml-stylesheet href='x.xsl'?><a/>"),
        XmlErrorKind::ProcessingInstruction("xml-stylesheet".into())
    );
    assert_eq!(
        kind("<a><?php echo 1 ?></a>"),
        XmlErrorKind::ProcessingInstruction("php".into())
    );
    assert_eq!(
        kind("<a/><?foo?>"),
        XmlErrorKind::ProcessingInstruction("foo".into())
    );
}

#[test]
fn doctype() {
    assert_eq!(kind("<!DOCTYPE a><a/>"), XmlErrorKind::Doctype);
    assert_eq!(kind("<!doctype a><a/>"), XmlErrorKind::Doctype);
    assert_eq!(kind("<a><!DOCTYPE a></a>"), XmlErrorKind::Doctype);
    assert_eq!(kind("<!DOCTYPE"), XmlErrorKind::Doctype);
    assert_eq!(kind("<!DOCTYPE a [ <!ENTITY x 'y'>"), XmlErrorKind::Doctype);
    let xxe =
        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>";
    let e = err(xxe);
    assert_eq!(e.kind, XmlErrorKind::Doctype);
    assert_eq!(e.position.offset, 21);
}

#[test]
fn billion_laughs_fails_immediately() {
    let mut s = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
    s.push_str(" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n");
    for i in 2..10 {
        let p = i - 1;
        s.push_str(&format!(
            " <!ENTITY lol{i} \"{}\">\n",
            format!("&lol{p};").repeat(10)
        ));
    }
    s.push_str("]>\n<lolz>&lol9;</lolz>");
    let t = Instant::now();
    let e = err(&s);
    assert!(t.elapsed() < Duration::from_secs(2));
    assert_eq!(e.kind, XmlErrorKind::Doctype);
    assert_eq!((e.position.line, e.position.column), (2, 1));
}

#[test]
fn root_rules() {
    assert_eq!(kind(""), XmlErrorKind::NoRoot);
    assert_eq!(kind("  \n"), XmlErrorKind::NoRoot);
    assert_eq!(kind("<!-- only a comment -->"), XmlErrorKind::NoRoot);
    assert_eq!(kind("<?xml version='1.0'?>"), XmlErrorKind::NoRoot);
    assert_eq!(kind("<a/><b/>"), XmlErrorKind::MultipleRoots);
    let e = err("<a></a>\n<a></a>");
    assert_eq!(e.kind, XmlErrorKind::MultipleRoots);
    assert_eq!((e.position.line, e.position.column), (2, 1));
    assert_eq!(kind("x<a/>"), XmlErrorKind::TextOutsideRoot);
    assert_eq!(kind("<a/>x"), XmlErrorKind::TextOutsideRoot);
    assert_eq!(kind("<a/>&amp;"), XmlErrorKind::TextOutsideRoot);
    assert_eq!(kind("<a/>\u{A0}"), XmlErrorKind::TextOutsideRoot);
    assert_eq!(kind("<![CDATA[x]]><a/>"), XmlErrorKind::TextOutsideRoot);
    let e = err("<a/>\n  junk");
    assert_eq!((e.position.line, e.position.column), (2, 3));
    // Whitespace and comments around the root are fine; the comments are dropped.
    let d = ok("\n<!-- before -->\n<a>x</a>\n<!-- after -->\n");
    assert_eq!(d.len(), 2);
}

// ---------------------------------------------------------------- tags and names

#[test]
fn end_tags() {
    let e = err("<a><b></a></b>");
    assert_eq!(
        e.kind,
        XmlErrorKind::MismatchedEndTag {
            expected: "b".into(),
            found: "a".into()
        }
    );
    assert_eq!(e.position.offset, 6);
    assert!(matches!(
        kind("<p:a xmlns:p='urn:x'></a>"),
        XmlErrorKind::MismatchedEndTag { .. }
    ));
    ok("<a></a \n>");
    assert!(is_malformed("<a></a x='1'>"));
    assert!(is_malformed("<a/></a>"));
    assert!(is_malformed("</a>"));
}

#[test]
fn unexpected_eof() {
    for s in [
        "<a>",
        "<a><b></b>",
        "<a>text",
        "<a",
        "<a x='1",
        "<a><!-- x",
        "<a><![CDATA[x",
        "<a><?p",
    ] {
        assert_eq!(kind(s), XmlErrorKind::UnexpectedEof, "{s:?}");
    }
    let e = err("<a>\n<b>");
    assert_eq!(e.position.offset, 7);
}

#[test]
fn names() {
    assert_eq!(kind("<1a/>"), XmlErrorKind::InvalidName("1a".into()));
    assert_eq!(kind("<a:b:c/>"), XmlErrorKind::InvalidName("a:b:c".into()));
    assert_eq!(kind("<:a/>"), XmlErrorKind::InvalidName(":a".into()));
    assert_eq!(kind("<a: />"), XmlErrorKind::InvalidName("a:".into()));
    assert_eq!(kind("< a/>"), XmlErrorKind::InvalidName("".into()));
    assert_eq!(kind("<a 1x='1'/>"), XmlErrorKind::InvalidName("1x".into()));
    assert_eq!(kind("<a\"b/>"), XmlErrorKind::UnexpectedEof);
    assert!(matches!(kind("<a\"b\"/>"), XmlErrorKind::InvalidName(_)));
    ok("<é.x-1><_y·/></é.x-1>");
}

#[test]
fn attribute_syntax() {
    assert!(is_malformed("<a x=\"1\"y=\"2\"/>"));
    assert!(is_malformed("<a x=1/>"));
    assert!(is_malformed("<a x/>"));
    assert!(is_malformed("<a x='1' / >"));
    assert_eq!(kind("<a x='<'/>"), XmlErrorKind::LtInAttributeValue);
    let e = err("<a x='ab<'/>");
    assert_eq!(e.position.offset, 8);
    ok("<a x = '1'\n y=\"'\" z='\"'/>");
    ok("<a x='>'/>");
}

#[test]
fn duplicate_attributes() {
    assert_eq!(
        kind("<a x='1' x='2'/>"),
        XmlErrorKind::DuplicateAttribute("x".into())
    );
    assert_eq!(
        kind("<a xmlns:p='urn:1' xmlns:q='urn:1' p:x='1' q:x='2'/>"),
        XmlErrorKind::DuplicateAttribute("q:x".into())
    );
    assert_eq!(
        kind("<a xmlns:p='urn:1' xmlns:p='urn:2'/>"),
        XmlErrorKind::DuplicateAttribute("xmlns:p".into())
    );
    assert_eq!(
        kind("<a xmlns='urn:1' xmlns='urn:1'/>"),
        XmlErrorKind::DuplicateAttribute("xmlns".into())
    );
    assert_eq!(
        kind("<a xml:lang='en' xml:lang='fr'/>"),
        XmlErrorKind::DuplicateAttribute("xml:lang".into())
    );
    // Same local name, different namespaces (or none): distinct attributes.
    let d = ok("<a xmlns:p='urn:1' xmlns:q='urn:2' x='0' p:x='1' q:x='2'/>");
    assert_eq!(root_el(&d).attributes.len(), 3);
}

#[test]
fn comments_and_cdata_syntax() {
    assert!(is_malformed("<a><!-- a -- b --></a>"));
    assert!(is_malformed("<a><!-- a ---></a>"));
    assert!(is_malformed("<a><!-x --></a>"));
    assert!(is_malformed("<a><![cdata[x]]></a>"));
    assert!(is_malformed("<a><!ELEMENT a ANY></a>"));
    assert_eq!(kind("<a>x]]>y</a>"), XmlErrorKind::CdataEndInText);
    let e = err("<a>\nx]]>y</a>");
    assert_eq!((e.position.line, e.position.column), (2, 2));
}

// ---------------------------------------------------------------- references

#[test]
fn references() {
    assert_eq!(
        kind("<a>&nbsp;</a>"),
        XmlErrorKind::UnknownEntity("nbsp".into())
    );
    assert_eq!(
        kind("<a x='&foo;'/>"),
        XmlErrorKind::UnknownEntity("foo".into())
    );
    assert_eq!(
        kind("<a>&#0;</a>"),
        XmlErrorKind::InvalidCharRef("#0".into())
    );
    assert_eq!(
        kind("<a>&#xFFFF;</a>"),
        XmlErrorKind::InvalidCharRef("#xFFFF".into())
    );
    assert_eq!(
        kind("<a x='&#x1;'/>"),
        XmlErrorKind::InvalidCharRef("#x1".into())
    );
    assert_eq!(
        kind("<a>&#xD800;</a>"),
        XmlErrorKind::InvalidCharRef("#xD800".into())
    );
    assert!(is_malformed("<a>AT&T</a>"));
    assert!(is_malformed("<a>a & b</a>"));
    assert!(is_malformed("<a x='a & b'/>"));
    let d = ok("<a>&lt;&gt;&amp;&apos;&quot;&#65;&#x42;&#x1F600;</a>");
    assert_eq!(d.text(d.root()), "<>&'\"AB😀");
}

// ---------------------------------------------------------------- namespaces

#[test]
fn namespace_errors() {
    assert_eq!(
        kind("<a xmlns:xml='http://www.w3.org/XML/1998/namespace'/>"),
        XmlErrorKind::ReservedPrefix("xml".into())
    );
    assert_eq!(
        kind("<a xmlns:xmlns='http://www.w3.org/2000/xmlns/'/>"),
        XmlErrorKind::ReservedPrefix("xmlns".into())
    );
    assert_eq!(
        kind("<a xmlns:xml='urn:other'/>"),
        XmlErrorKind::ReservedPrefix("xml".into())
    );
    assert_eq!(
        kind("<xmlns:a/>"),
        XmlErrorKind::ReservedPrefix("xmlns".into())
    );
    assert_eq!(
        kind("<a xmlns:p='http://www.w3.org/XML/1998/namespace'/>"),
        XmlErrorKind::ReservedNamespace(ns::XML.into())
    );
    assert_eq!(
        kind("<a xmlns='http://www.w3.org/2000/xmlns/'/>"),
        XmlErrorKind::ReservedNamespace(ns::XMLNS.into())
    );
    assert_eq!(
        kind("<a xmlns:p=''/>"),
        XmlErrorKind::EmptyPrefixBinding("p".into())
    );
    assert_eq!(
        kind("<a xmlns='foo'/>"),
        XmlErrorKind::RelativeNamespace("foo".into())
    );
    assert_eq!(
        kind("<a xmlns:p='../x'/>"),
        XmlErrorKind::RelativeNamespace("../x".into())
    );
    // Common names that are no namespace URI are checked like any other, in both quote styles,
    // also after a valid common URI was declared (which skips its own check).
    for doc in [
        "<a xmlns='Response'/>",
        "<a xmlns:p=\"Assertion\"/>",
        "<a xmlns:p=\"urn:oasis:names:tc:SAML:2.0:assertion\"><b xmlns:q=\"ID\"/></a>",
        "<a xmlns:p=\"xs\"><b xmlns:q=\"xs\"/></a>",
    ] {
        assert!(
            matches!(kind(doc), XmlErrorKind::RelativeNamespace(_)),
            "{doc}"
        );
    }
    assert!(parse(
        b"<a xmlns:p=\"urn:oasis:names:tc:SAML:2.0:assertion\" xmlns=\"http://www.w3.org/2001/XMLSchema\"/>"
    )
    .is_ok());
    let e = err("<a>\n <p:b/></a>");
    assert_eq!(e.kind, XmlErrorKind::UndeclaredPrefix("p".into()));
    assert_eq!((e.position.line, e.position.column), (2, 3));
    assert_eq!(
        kind("<a p:x='1'/>"),
        XmlErrorKind::UndeclaredPrefix("p".into())
    );
    // Scope ends with the element.
    assert_eq!(
        kind("<a><b xmlns:p='urn:p'/><p:c/></a>"),
        XmlErrorKind::UndeclaredPrefix("p".into())
    );
    assert_eq!(kind("<a xml:xmlns='x'/>"), XmlErrorKind::XmlXmlnsAttribute);
}

#[test]
fn namespaces_resolved() {
    let d = ok(concat!(
        "<r xmlns='urn:default' xmlns:p='urn:p' a='1' p:b='2' xml:lang='en'>",
        "<p:c xmlns:p='urn:p2'/><d xmlns=''><e/></d><f/></r>"
    ));
    let r = root_el(&d);
    assert_eq!(r.ns.as_deref(), Some("urn:default"));
    assert_eq!(
        r.ns_decls,
        vec![
            NsDecl {
                prefix: None,
                uri: "urn:default".into()
            },
            NsDecl {
                prefix: Some("p".into()),
                uri: "urn:p".into()
            },
        ]
    );
    assert_eq!(r.attributes.len(), 3);
    assert_eq!(r.attribute(None, "a").unwrap().value.as_ref(), "1");
    assert_eq!(r.attribute(Some("urn:p"), "b").unwrap().value.as_ref(), "2");
    assert_eq!(
        r.attribute(Some(ns::XML), "lang").unwrap().value.as_ref(),
        "en"
    );
    assert!(
        r.attributes
            .iter()
            .all(|a| &*a.local != "xmlns" && a.prefix.as_deref() != Some("xmlns"))
    );

    let kids: Vec<_> = d.child_elements(d.root()).collect();
    let c = d.element(kids[0]).unwrap();
    assert!(c.is("urn:p2", "c"));
    assert_eq!(c.qname(), "p:c");
    let de = d.element(kids[1]).unwrap();
    assert_eq!(de.ns, None);
    assert_eq!(
        de.ns_decls,
        vec![NsDecl {
            prefix: None,
            uri: "".into()
        }]
    );
    let e = d.element(first_child(&d, kids[1])).unwrap();
    assert_eq!(e.ns, None);
    assert!(d.is(kids[2], "urn:default", "f"));
    assert_eq!(d.in_scope_namespaces(kids[0]).len(), 2);

    // No default namespace at all: ns None; xml: elements resolve to the XML namespace.
    let d = ok("<a><xml:b/></a>");
    assert_eq!(root_el(&d).ns, None);
    assert!(d.is(first_child(&d, d.root()), ns::XML, "b"));
    // Entities in namespace URIs are expanded before use.
    let d = ok("<a xmlns='urn:a?x=1&amp;y=2'/>");
    assert_eq!(root_el(&d).ns.as_deref(), Some("urn:a?x=1&y=2"));
}

// ---------------------------------------------------------------- tree facts

#[test]
fn attribute_value_normalization() {
    let d = ok("<a x='a\r\nb\tc\nd\re' y='&#10;&#9;&#13;&#xD;&#xA;' z='&lt;&amp;'/>");
    let r = root_el(&d);
    assert_eq!(r.attr("x"), Some("a b c d e"));
    assert_eq!(r.attr("y"), Some("\n\t\r\r\n"));
    assert_eq!(r.attr("z"), Some("<&"));
}

#[test]
fn text_normalization_and_merging() {
    let d = ok("<a>one\r\ntwo\rthree&#13;&amp;four&#10;</a>");
    let kids = d.children(d.root());
    assert_eq!(kids.len(), 1, "adjacent text and references are one node");
    assert_eq!(
        d.node(kids[0]).kind,
        NodeKind::Text("one\ntwo\nthree\r&four\n".into())
    );
    assert_eq!(
        d.slice(d.span(kids[0])),
        "one\r\ntwo\rthree&#13;&amp;four&#10;"
    );
    // Whitespace-only text inside elements is kept.
    let d = ok("<a>\n  <b/>\n</a>");
    let kids = d.children(d.root());
    assert_eq!(kids.len(), 3);
    assert_eq!(d.node(kids[0]).kind, NodeKind::Text("\n  ".into()));
    assert_eq!(d.node(kids[2]).kind, NodeKind::Text("\n".into()));
}

#[test]
fn cdata_and_comments_are_nodes() {
    let d = ok("<a>x<!--c1\r\n-->y<![CDATA[<&>\r\n]]]>z<!---->&amp;</a>");
    let kinds: Vec<_> = d
        .children(d.root())
        .iter()
        .map(|&c| d.node(c).kind.clone())
        .collect();
    assert_eq!(
        kinds,
        vec![
            NodeKind::Text("x".into()),
            NodeKind::Comment("c1\n".into()),
            NodeKind::Text("y".into()),
            NodeKind::CData("<&>\n]".into()),
            NodeKind::Text("z".into()),
            NodeKind::Comment("".into()),
            NodeKind::Text("&".into()),
        ]
    );
    let spans: Vec<_> = d
        .children(d.root())
        .iter()
        .map(|&c| d.slice(d.span(c)))
        .collect();
    assert_eq!(spans[1], "<!--c1\r\n-->");
    assert_eq!(spans[3], "<![CDATA[<&>\r\n]]]>");
    assert_eq!(spans[6], "&amp;");
    // The comment does not terminate the value (VU#475445): text() skips it.
    let d = ok("<NameID>user@evil.com<!---->.attacker.com</NameID>");
    assert_eq!(d.text(d.root()), "user@evil.com.attacker.com");
    assert!(d.has_comment_child(d.root()));
}

#[test]
fn spans_slice_back_to_source() {
    let src = "<?xml version=\"1.0\"?>\n<r xmlns:p=\"urn:p\">\n  <p:a  x = 'v'\n p:y=\"w\"/>\n  <b>t</b >\n</r>";
    let d = ok(src);
    let r = d.root();
    assert_eq!(d.slice(d.span(r)), &src[22..]);
    assert_eq!(d.slice(root_el(&d).start_tag), "<r xmlns:p=\"urn:p\">");
    let kids: Vec<_> = d.child_elements(r).collect();
    let a = d.element(kids[0]).unwrap();
    assert_eq!(d.slice(d.span(kids[0])), "<p:a  x = 'v'\n p:y=\"w\"/>");
    assert_eq!(a.start_tag, d.span(kids[0]));
    assert_eq!(d.slice(a.attributes[0].span), "x = 'v'");
    assert_eq!(d.slice(a.attributes[1].span), "p:y=\"w\"");
    let b = d.element(kids[1]).unwrap();
    assert_eq!(d.slice(d.span(kids[1])), "<b>t</b >");
    assert_eq!(d.slice(b.start_tag), "<b>");
    let t = first_child(&d, kids[1]);
    assert_eq!(d.slice(d.span(t)), "t");
    assert_eq!(d.parent(t), Some(kids[1]));
    assert_eq!(d.parent(kids[1]), Some(r));
    assert_eq!(d.parent(r), None);
    // Multi-byte characters: spans are byte offsets.
    let d = ok("<é a='ü'>ß</é>");
    let e = root_el(&d);
    assert_eq!(d.slice(e.attributes[0].span), "a='ü'");
    assert_eq!(d.slice(d.span(first_child(&d, d.root()))), "ß");
}

#[test]
fn arena_is_in_document_order() {
    let d = ok("<a><b><c/>t</b><!--x--><d/></a>");
    let order: Vec<usize> = d.descendants(d.root()).map(NodeId::index).collect();
    assert_eq!(order, (0..d.len()).collect::<Vec<_>>());
    assert_eq!(d.len(), 6);
}

// ---------------------------------------------------------------- limits

#[test]
fn deep_nesting_fails_fast() {
    let s = "<a>".repeat(10_000);
    let t = Instant::now();
    let e = err(&s);
    assert!(t.elapsed() < Duration::from_secs(2));
    assert_eq!(e.kind, XmlErrorKind::TooDeep { limit: 64 });
    assert_eq!(e.position.offset, 64 * 3);
    // Exactly at the limit is fine.
    let s = format!("{}{}", "<a>".repeat(64), "</a>".repeat(64));
    ok(&s);
}

#[test]
fn node_limit() {
    let limits = Limits {
        max_nodes: 10,
        ..Limits::default()
    };
    let s = format!("<r>{}</r>", "<a/>".repeat(9));
    assert!(parse_with_limits(s.as_bytes(), limits).is_ok());
    let s = format!("<r>{}</r>", "<a/>".repeat(10));
    let e = parse_with_limits(s.as_bytes(), limits).unwrap_err();
    assert_eq!(e.kind, XmlErrorKind::TooManyNodes { limit: 10 });
    assert_eq!(e.position.offset, 3 + 9 * 4);
    // Text and comments count too.
    let s = format!("<r>{}</r>", "x<!---->".repeat(5));
    let e = parse_with_limits(s.as_bytes(), limits).unwrap_err();
    assert_eq!(e.kind, XmlErrorKind::TooManyNodes { limit: 10 });
    // A million empty elements under the default limit stop early.
    let s = format!("<r>{}</r>", "<a/>".repeat(200_000));
    let t = Instant::now();
    let e = parse_with_limits(
        s.as_bytes(),
        Limits {
            max_bytes: 1 << 30,
            ..Limits::default()
        },
    )
    .unwrap_err();
    assert_eq!(e.kind, XmlErrorKind::TooManyNodes { limit: 100_000 });
    assert!(t.elapsed() < Duration::from_secs(2));
}

#[test]
fn many_attributes() {
    let attrs = |n: usize| (0..n).map(|i| format!(" a{i}='{i}'")).collect::<String>();
    let d = ok(&format!("<r{}/>", attrs(64)));
    assert_eq!(root_el(&d).attributes.len(), 64);
    assert_eq!(
        kind(&format!("<r{}/>", attrs(65))),
        XmlErrorKind::TooManyAttributes { limit: 64 }
    );
    // Namespace declarations count.
    assert_eq!(
        kind(&format!("<r xmlns='urn:x'{}/>", attrs(64))),
        XmlErrorKind::TooManyAttributes { limit: 64 }
    );
    // A huge attribute list is refused without quadratic work.
    let big = format!("<r{}/>", attrs(50_000));
    let t = Instant::now();
    assert_eq!(kind(&big), XmlErrorKind::TooManyAttributes { limit: 64 });
    assert!(t.elapsed() < Duration::from_secs(2));
}

// ---------------------------------------------------------------- realistic input

const SAML: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<saml2p:Response xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol" Destination="https://sp.example.com/acs" ID="_r1" InResponseTo="_req1" IssueInstant="2025-01-01T00:00:00.000Z" Version="2.0">
  <saml2:Issuer xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion">JumpCloud</saml2:Issuer>
  <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
    <ds:SignedInfo>
      <ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
      <ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>
      <ds:Reference URI="#_r1">
        <ds:Transforms>
          <ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>
          <ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#">
            <ec:InclusiveNamespaces xmlns:ec="http://www.w3.org/2001/10/xml-exc-c14n#" PrefixList="xs"/>
          </ds:Transform>
        </ds:Transforms>
        <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
        <ds:DigestValue>q1ZbYoRbeUPTVpBtmWsZwAZ0y5D3mKNd4yg9Tr0f0RQ=</ds:DigestValue>
      </ds:Reference>
    </ds:SignedInfo>
    <ds:SignatureValue>YWJjZGVm&#13;
Z2hpamts</ds:SignatureValue>
    <ds:KeyInfo><ds:X509Data><ds:X509Certificate>MIIC</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
  </ds:Signature>
  <saml2p:Status><saml2p:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></saml2p:Status>
  <saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xs="http://www.w3.org/2001/XMLSchema" ID="_a1" IssueInstant="2025-01-01T00:00:00.000Z" Version="2.0">
    <saml2:Issuer>JumpCloud</saml2:Issuer>
    <saml2:Subject>
      <saml2:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">user@example.com</saml2:NameID>
      <saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
        <saml2:SubjectConfirmationData InResponseTo="_req1" NotOnOrAfter="2025-01-01T00:05:00.000Z" Recipient="https://sp.example.com/acs"/>
      </saml2:SubjectConfirmation>
    </saml2:Subject>
    <saml2:Conditions NotBefore="2024-12-31T23:55:00.000Z" NotOnOrAfter="2025-01-01T00:05:00.000Z">
      <saml2:AudienceRestriction><saml2:Audience>https://sp.example.com</saml2:Audience></saml2:AudienceRestriction>
    </saml2:Conditions>
    <saml2:AttributeStatement>
      <saml2:Attribute Name="email"><saml2:AttributeValue xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xs:string">user@example.com</saml2:AttributeValue></saml2:Attribute>
    </saml2:AttributeStatement>
  </saml2:Assertion>
</saml2p:Response>
"##;

const DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";
const PROTOCOL: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
const ASSERTION: &str = "urn:oasis:names:tc:SAML:2.0:assertion";

#[test]
fn saml_response_with_signature() {
    let d = ok(SAML);
    let r = d.root();
    assert!(d.is(r, PROTOCOL, "Response"));
    assert_eq!(d.element(r).unwrap().attr("ID"), Some("_r1"));
    let sig = d.children_named(r, DSIG, "Signature").next().unwrap();
    let si = d.children_named(sig, DSIG, "SignedInfo").next().unwrap();
    assert!(d.slice(d.span(si)).starts_with("<ds:SignedInfo>"));
    assert!(d.slice(d.span(si)).ends_with("</ds:SignedInfo>"));
    let sv = d
        .children_named(sig, DSIG, "SignatureValue")
        .next()
        .unwrap();
    assert_eq!(d.text(sv), "YWJjZGVm\r\nZ2hpamts");
    let a = d.children_named(r, ASSERTION, "Assertion").next().unwrap();
    assert_eq!(d.element(a).unwrap().attr("ID"), Some("_a1"));
    let name_id = d
        .descendants(a)
        .find(|&n| d.is(n, ASSERTION, "NameID"))
        .unwrap();
    assert_eq!(d.text(name_id), "user@example.com");
    let av = d
        .descendants(a)
        .find(|&n| d.is(n, ASSERTION, "AttributeValue"))
        .unwrap();
    let t = d
        .element(av)
        .unwrap()
        .attribute(Some("http://www.w3.org/2001/XMLSchema-instance"), "type")
        .unwrap();
    assert_eq!(&*t.value, "xs:string");
    // Every element span is a well-formed slice of the source.
    for id in d.elements() {
        let s = d.slice(d.span(id));
        let e = d.element(id).unwrap();
        assert!(s.starts_with(&format!("<{}", e.qname())));
        assert!(s.ends_with("/>") || s.ends_with(&format!("</{}>", e.qname())));
        assert!(d.span(id).contains(e.start_tag));
    }
}

#[test]
fn saml_response_parses_quickly() {
    // Not a benchmark: a guard against accidental quadratic behaviour.
    let d = ok(SAML);
    let n = 200;
    let t = Instant::now();
    for _ in 0..n {
        assert_eq!(parse(SAML.as_bytes()).unwrap().len(), d.len());
    }
    let per = t.elapsed() / n;
    eprintln!("{} bytes, {} nodes: {per:?} per parse", SAML.len(), d.len());
    assert!(per < Duration::from_millis(50), "{per:?} per parse");
}

/// [`SAML`] with one to three random bytes replaced, inserted or removed, drawn from markup
/// characters, letters, digits and pieces of multi-byte UTF-8.
fn mutated(rng: &mut rand_chacha::ChaCha8Rng) -> Vec<u8> {
    use rand::Rng;
    let alphabet = b"<>/&;#x'\"=:! -[]?\r\n\tabAZ09\xC3\xA9\xEF\xBF";
    let mut input = SAML.as_bytes().to_vec();
    for _ in 0..rng.random_range(1..4) {
        let at = rng.random_range(0..input.len());
        let b = alphabet[rng.random_range(0..alphabet.len())];
        match rng.random_range(0..3) {
            0 => input[at] = b,
            1 => input.insert(at, b),
            _ => {
                input.remove(at);
            }
        }
    }
    input
}

/// Random byte edits of a real response: the parser must never panic, and whatever it accepts
/// must have spans that slice the source on character boundaries, nested in their parents.
#[test]
fn mutated_inputs_never_panic() {
    use rand::SeedableRng;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut accepted = 0;
    for _ in 0..3000 {
        let input = mutated(&mut rng);
        let Ok(d) = parse(&input) else { continue };
        accepted += 1;
        descendants_are_the_walk(&d);
        for i in 0..d.len() {
            let id = NodeId(i as u32);
            let span = d.span(id);
            assert!(d.source().get(span.start..span.end).is_some());
            if let Some(p) = d.parent(id) {
                assert!(d.span(p).contains(span));
            }
        }
    }
    // Many edits land in text or attribute values and keep the document well-formed.
    assert!(accepted > 100, "{accepted}");
}

/// The one-pass reader of common start tags and the general path build the same document, or
/// fail with the same error at the same place, on random edits of a real response and on tags
/// at the edge of the common form.
#[test]
fn one_pass_tags_read_as_the_general_path_reads_them() {
    use rand::SeedableRng;
    let same = |input: &[u8]| {
        let limits = Limits {
            max_attributes: 6,
            ..Limits::default()
        };
        for limits in [Limits::default(), limits] {
            let fast = parse_tags(input, limits, true);
            let general = parse_tags(input, limits, false);
            assert_eq!(fast, general, "{:?}", String::from_utf8_lossy(input));
        }
        parse_tags(input, Limits::default(), true).is_ok()
    };
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    let mut accepted = 0;
    for _ in 0..4000 {
        let input = mutated(&mut rng);
        accepted += usize::from(same(&input));
    }
    assert!(accepted > 100, "{accepted}");
    for tag in [
        "<a>",
        "<a/>",
        "<a x='1'/>",
        "<a x=\"1\" y='2'>",
        "<p:a xmlns:p='urn:x' p:x='1'>",
        "<a x = '1'>",
        "<a x='1'y='2'>",
        "<a\tx='1'\n/>",
        "<a x='>'>",
        "<a x='a&amp;b' y='\t'>",
        "<a x='<'>",
        "<a x='1' x='2'>",
        "<a xml:xmlns='1'>",
        "<a:b:c>",
        "<a:1>",
        "<é x='1'>",
        "<a é='1'>",
        "<a/ >",
        "<a x='1' / >",
        "<a x='1' y>",
        "<a x=1>",
        "<a x='1>",
        "<a \"x\"='1'>",
        "<a x='1' b='2' c='3' d='4' e='5' f='6' g='7'>",
    ] {
        let empty = tag.ends_with("/>");
        let doc = if empty {
            format!("<r>{tag}</r>")
        } else {
            let name = tag[1..].split([' ', '\t', '>', '/']).next().unwrap_or("a");
            format!("<r>{tag}t</{name}></r>")
        };
        same(doc.as_bytes());
        same(tag.as_bytes());
    }
}

#[test]
fn unchanged_values_share_the_source_and_decoded_ones_are_copies() {
    let d = ok(
        "<r a='plain' b='x &amp; y' c='two\nlines'>text<![CDATA[cd]]><!--note-->a&lt;b\r\nc</r>",
    );
    let r = root_el(&d);
    let a = &r.attribute(None, "a").unwrap().value;
    assert_eq!(&**a, "plain");
    assert!(a.is_shared());
    let b = &r.attribute(None, "b").unwrap().value;
    assert_eq!(&**b, "x & y");
    assert!(!b.is_shared());
    let c = &r.attribute(None, "c").unwrap().value;
    assert_eq!(&**c, "two lines");
    assert!(!c.is_shared());
    let kinds: Vec<(String, bool)> = d
        .children(d.root())
        .iter()
        .map(|&k| match &d.node(k).kind {
            NodeKind::Text(t) | NodeKind::CData(t) | NodeKind::Comment(t) => {
                (t.to_string(), t.is_shared())
            }
            NodeKind::Element(_) => panic!("no element children here"),
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("text".to_owned(), true),
            ("cd".to_owned(), true),
            ("note".to_owned(), true),
            ("a<b\nc".to_owned(), false),
        ]
    );
    // A clone of the document keeps reading the same values.
    let copy = d.clone();
    drop(d);
    assert_eq!(
        &*root_el(&copy).attribute(None, "a").unwrap().value,
        "plain"
    );
}

/// `Document::elements` scans the arena; that is document order only because the parser
/// appends nodes as it reads them. The pre-order walk is the reference.
#[test]
fn arena_order_is_document_order() {
    let d = ok("<a><b>t<c/><!--x--></b><d><e>u</e><f/></d>v<g/></a>");
    let walked: Vec<NodeId> = walk(&d, d.root())
        .into_iter()
        .filter(|&n| d.element(n).is_some())
        .collect();
    let scanned: Vec<NodeId> = d.elements().collect();
    assert_eq!(scanned, walked);
    assert_eq!(scanned.len(), 7);
    descendants_are_the_walk(&d);
    descendants_are_the_walk(&ok(SAML));
}

/// Pre-order walk through the child lists: the reference the arena scans are checked against.
fn walk(d: &Document, n: NodeId) -> Vec<NodeId> {
    let mut out = vec![n];
    for &c in d.children(n) {
        out.extend(walk(d, c));
    }
    out
}

/// `descendants` (a scan of the arena bounded by the node's span) yields, for every node,
/// exactly the pre-order walk of its subtree.
fn descendants_are_the_walk(d: &Document) {
    for i in 0..d.len() {
        let id = NodeId(i as u32);
        assert_eq!(
            d.descendants(id).collect::<Vec<_>>(),
            walk(d, id),
            "node {i}"
        );
    }
}

#[test]
fn interner_comparison_is_string_equality() {
    for len in 0..80 {
        let a: String = (0..len)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        assert!(crate::xml::bytes::same_text(&a, &a.clone()));
        assert!(!crate::xml::bytes::same_text(&a, &format!("{a}x")));
        for at in 0..len {
            let mut b = a.clone().into_bytes();
            b[at] = b'Z';
            let b = String::from_utf8(b).unwrap();
            assert!(!crate::xml::bytes::same_text(&a, &b), "{len} {at}");
        }
    }
}

#[test]
fn text_order_is_string_order() {
    use crate::xml::bytes::order_text;
    let words = [
        "",
        "a",
        "ID",
        "Id",
        "id",
        "IssueInstant",
        "Issuer",
        "IssueInstantX",
        "InResponseTo",
        "Version",
        "Destination",
        "NotBefore",
        "NotOnOrAfter",
        "abcdefgh",
        "abcdefghi",
        "abcdefgha",
        "abcdefg",
        "abcdefgz",
        "é",
        "e",
        "\u{7f}",
        "NameFormat",
        "Name",
    ];
    for a in words {
        for b in words {
            assert_eq!(order_text(a, b), a.cmp(b), "{a:?} {b:?}");
        }
    }
}
