//! Examples from the W3C Exclusive XML Canonicalization 1.0 Recommendation (§2.2 and §2.4) and
//! the Canonical XML 1.0 escaping rules. Expected outputs are the spec's (and equal libxml2's).
//! The inclusive (C14N 1.0/1.1 document subset) outputs at the end are libxml2's, read from
//! tests/oracle/c14n_oracle.py.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use samlscope_core::c14n::{C14nError, C14nOptions, Method, canonicalize};
use samlscope_core::xml::parse;

fn c14n(xml: &str, local: &str, comments: bool, prefixes: &[&str]) -> String {
    let doc = parse(xml.as_bytes()).unwrap();
    let apex = doc
        .elements()
        .find(|&n| doc.element(n).is_some_and(|e| &*e.local == local))
        .unwrap();
    let mut out = Vec::new();
    canonicalize(
        &doc,
        apex,
        &C14nOptions {
            method: Method::Exclusive,
            with_comments: comments,
            inclusive_prefixes: prefixes,
            omit: None,
        },
        &mut out,
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}

const SPEC_2_2_A: &str = "<n0:local xmlns:n0=\"foo:bar\" xmlns:n3=\"ftp://example.org\">\n   <n1:elem2 xmlns:n1=\"http://example.net\" xml:lang=\"en\">\n      <n3:stuff xmlns:n3=\"ftp://example.org\"/>\n   </n1:elem2>\n</n0:local>";
const SPEC_2_2_B: &str = "<n2:pdu xmlns:n1=\"http://example.com\" xmlns:n2=\"http://foo.example\" xml:lang=\"fr\" xml:space=\"retain\">\n   <n1:elem2 xmlns:n1=\"http://example.net\" xml:lang=\"en\">\n      <n3:stuff xmlns:n3=\"ftp://example.org\"/>\n   </n1:elem2>\n</n2:pdu>";

#[test]
fn spec_2_2_the_two_contexts_give_one_exclusive_form() {
    let expected = "<n1:elem2 xmlns:n1=\"http://example.net\" xml:lang=\"en\">\n      <n3:stuff xmlns:n3=\"ftp://example.org\"></n3:stuff>\n   </n1:elem2>";
    assert_eq!(c14n(SPEC_2_2_A, "elem2", false, &[]), expected);
    assert_eq!(c14n(SPEC_2_2_B, "elem2", false, &[]), expected);
}

#[test]
fn prefix_list_pulls_in_unused_ancestor_declarations() {
    // n3 is declared on n0:local and utilized only below; with n3 in the PrefixList it is
    // rendered on the apex (inclusive treatment), and not again on n3:stuff.
    assert_eq!(
        c14n(SPEC_2_2_A, "elem2", false, &["n3"]),
        "<n1:elem2 xmlns:n1=\"http://example.net\" xmlns:n3=\"ftp://example.org\" xml:lang=\"en\">\n      <n3:stuff></n3:stuff>\n   </n1:elem2>"
    );
}

#[test]
fn default_namespace_rules() {
    // xmlns="" only when an output ancestor rendered a non-empty default.
    let xml = "<a xmlns=\"urn:d\"><b xmlns=\"\"><c/></b></a>";
    assert_eq!(
        c14n(xml, "a", false, &[]),
        "<a xmlns=\"urn:d\"><b xmlns=\"\"><c></c></b></a>"
    );
    assert_eq!(c14n(xml, "b", false, &[]), "<b><c></c></b>");
    // #default in the PrefixList renders the in-scope default on an element not using it.
    let xml = "<x:r xmlns:x=\"urn:x\" xmlns=\"urn:d\"><x:c><d/></x:c></x:r>";
    assert_eq!(
        c14n(xml, "r", false, &[]),
        "<x:r xmlns:x=\"urn:x\"><x:c><d xmlns=\"urn:d\"></d></x:c></x:r>"
    );
    assert_eq!(
        c14n(xml, "r", false, &["#default"]),
        "<x:r xmlns=\"urn:d\" xmlns:x=\"urn:x\"><x:c><d></d></x:c></x:r>"
    );
}

#[test]
fn escaping_ordering_cdata_and_comments() {
    let xml = "<e b=\"&#9;&#10;&#13; &quot;&lt;&amp;>\" xmlns:z=\"urn:z\" z:a=\"1\" a=\"2\">x &amp; &lt; &gt; &#13;<![CDATA[ <&> ]]><!-- note --></e>";
    assert_eq!(
        c14n(xml, "e", false, &[]),
        "<e xmlns:z=\"urn:z\" a=\"2\" b=\"&#x9;&#xA;&#xD; &quot;&lt;&amp;>\" z:a=\"1\">x &amp; &lt; &gt; &#xD; &lt;&amp;&gt; </e>"
    );
    assert!(c14n(xml, "e", true, &[]).ends_with("<!-- note --></e>"));
}

/// The element named `local` canonicalized with `method`, `omit` (by local name) left out.
fn inclusive(
    xml: &str,
    local: &str,
    omit: Option<&str>,
    method: Method,
    comments: bool,
) -> Result<String, C14nError> {
    let doc = parse(xml.as_bytes()).unwrap();
    let named = |l: &str| {
        doc.elements()
            .find(|&n| doc.element(n).is_some_and(|e| &*e.local == l))
            .unwrap()
    };
    let mut out = Vec::new();
    canonicalize(
        &doc,
        named(local),
        &C14nOptions {
            method,
            with_comments: comments,
            inclusive_prefixes: &[],
            omit: omit.map(named),
        },
        &mut out,
    )?;
    Ok(String::from_utf8(out).unwrap())
}

const CONTEXT: &str = "<r xmlns=\"urn:d\" xmlns:u=\"urn:u\" xml:lang=\"en\" xml:id=\"r\"><x:a xmlns:x=\"urn:x\"><!--c--><b xmlns=\"\"><c xmlns=\"urn:d\" xmlns:u=\"urn:u\"/></b><u:c xml:space=\"preserve\"/></x:a></r>";

#[test]
fn inclusive_apex_renders_the_context_it_was_cut_from() {
    // C14N 1.0: every namespace in scope (used or not) and every xml:* attribute of the
    // ancestors; below the apex only declarations that change what the parent has in scope.
    assert_eq!(
        inclusive(CONTEXT, "a", None, Method::Inclusive10, true).unwrap(),
        "<x:a xmlns=\"urn:d\" xmlns:u=\"urn:u\" xmlns:x=\"urn:x\" xml:id=\"r\" xml:lang=\"en\"><!--c--><b xmlns=\"\"><c xmlns=\"urn:d\"></c></b><u:c xml:space=\"preserve\"></u:c></x:a>"
    );
    // C14N 1.1 §2.4: xml:id is not inherited.
    assert_eq!(
        inclusive(CONTEXT, "a", None, Method::Inclusive11, false).unwrap(),
        "<x:a xmlns=\"urn:d\" xmlns:u=\"urn:u\" xmlns:x=\"urn:x\" xml:lang=\"en\"><b xmlns=\"\"><c xmlns=\"urn:d\"></c></b><u:c xml:space=\"preserve\"></u:c></x:a>"
    );
    // The enveloped-signature subset: the omitted element goes, its ancestors' context stays.
    assert_eq!(
        inclusive(CONTEXT, "a", Some("b"), Method::Inclusive10, false).unwrap(),
        "<x:a xmlns=\"urn:d\" xmlns:u=\"urn:u\" xmlns:x=\"urn:x\" xml:id=\"r\" xml:lang=\"en\"><u:c xml:space=\"preserve\"></u:c></x:a>"
    );
    // Exclusive C14N of the same subset takes none of that context.
    assert_eq!(
        inclusive(CONTEXT, "a", Some("b"), Method::Exclusive, false).unwrap(),
        "<x:a xmlns:x=\"urn:x\"><u:c xmlns:u=\"urn:u\" xml:space=\"preserve\"></u:c></x:a>"
    );
}

#[test]
fn inclusive_refuses_what_it_cannot_reproduce() {
    // The PrefixList is an exclusive-only parameter.
    let doc = parse(CONTEXT.as_bytes()).unwrap();
    let opts = C14nOptions {
        method: Method::Inclusive10,
        with_comments: false,
        inclusive_prefixes: &["u"],
        omit: None,
    };
    assert_eq!(
        canonicalize(&doc, doc.root(), &opts, &mut Vec::new()),
        Err(C14nError::PrefixListWithInclusive)
    );
    // C14N 1.1's xml:base fixup: an inherited xml:base is joined per RFC 3986, an empty one
    // dropped; neither is guessed. C14N 1.0 inherits xml:base like any xml:* attribute.
    let based = "<r xml:base=\"http://a/b/\"><a><b xml:base=\"\"/></a></r>";
    assert!(matches!(
        inclusive(based, "a", None, Method::Inclusive11, false),
        Err(C14nError::InheritedXmlBase { value }) if value == "http://a/b/"
    ));
    assert_eq!(
        inclusive(based, "b", None, Method::Inclusive11, false),
        Err(C14nError::InheritedXmlBase {
            value: "http://a/b/".into()
        })
    );
    assert_eq!(
        inclusive(based, "r", None, Method::Inclusive11, false),
        Err(C14nError::EmptyXmlBase)
    );
    assert_eq!(
        inclusive(based, "r", Some("b"), Method::Inclusive11, false).unwrap(),
        "<r xml:base=\"http://a/b/\"><a></a></r>"
    );
    assert_eq!(
        inclusive(based, "a", None, Method::Inclusive10, false).unwrap(),
        "<a xml:base=\"http://a/b/\"><b xml:base=\"\"></b></a>"
    );
}
