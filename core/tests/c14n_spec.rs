//! Examples from the W3C Exclusive XML Canonicalization 1.0 Recommendation (§2.2 and §2.4) and
//! the Canonical XML 1.0 escaping rules. Expected outputs are the spec's (and equal libxml2's).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use samlscope_core::c14n::{C14nOptions, canonicalize};
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
