//! The catalogue itself: each attack's id, title, family, the check that must reject it, and
//! the generator that builds it (in `generators`).

use super::generators::*;
use super::{Attack, Expected, Family};
use samlscope_core::checks::CheckId as C;

const fn reject(check: C) -> Expected {
    Expected::Reject { check }
}

macro_rules! attack {
    ($id:literal, $title:literal, $family:ident, $expected:expr, $build:expr) => {
        Attack {
            id: $id,
            title: $title,
            family: Family::$family,
            expected: $expected,
            build: $build,
        }
    };
}

pub(super) static CATALOGUE: &[Attack] = &[
    // 1.1 Signature wrapping (SAML Raider's XSWHelpers numbering).
    attack!(
        "xsw1",
        "XSW1: evil Response outside, signed original hidden inside its Signature",
        Tampered,
        reject(C::StructureUniqueIds),
        xsw1
    ),
    attack!(
        "xsw2",
        "XSW2: evil Response, signed original as a sibling before the Signature",
        Tampered,
        reject(C::StructureSchema),
        xsw2
    ),
    attack!(
        "xsw3",
        "XSW3: unsigned evil Assertion before the signed one",
        Tampered,
        reject(C::StructureAssertionCount),
        xsw3
    ),
    attack!(
        "xsw4",
        "XSW4: signed Assertion moved inside an unsigned evil Assertion",
        Tampered,
        reject(C::StructureSchema),
        xsw4
    ),
    attack!(
        "xsw5",
        "XSW5: evil Assertion keeps the Signature; unsigned original appended",
        Tampered,
        reject(C::StructureAssertionCount),
        xsw5
    ),
    attack!(
        "xsw6",
        "XSW6: evil Assertion keeps the Signature; original hidden inside it",
        Tampered,
        reject(C::StructureHiddenAssertion),
        xsw6
    ),
    attack!(
        "xsw7",
        "XSW7: evil copy with the same ID inside an Extensions element",
        Tampered,
        reject(C::StructureSchema),
        xsw7
    ),
    attack!(
        "xsw8",
        "XSW8: evil Assertion in place; original in a ds:Object of its Signature",
        Tampered,
        reject(C::StructureUniqueIds),
        xsw8
    ),
    // 1.2 Presence, scope and reference binding.
    attack!(
        "sig-strip-all",
        "All signatures removed",
        Tampered,
        reject(C::SignaturePresent),
        strip_all
    ),
    attack!(
        "sig-empty-value",
        "Empty SignatureValue",
        Tampered,
        reject(C::SignatureStructure),
        empty_value
    ),
    attack!(
        "sig-corrupt-digest",
        "One character of DigestValue changed",
        Tampered,
        reject(C::SignatureTrusted),
        corrupt_digest
    ),
    attack!(
        "tamper-nameid",
        "NameID changed after signing",
        Tampered,
        reject(C::SignatureDigest),
        tamper_nameid
    ),
    attack!(
        "sig-wrong-position",
        "Assertion Signature moved to the end of the Assertion",
        Tampered,
        reject(C::StructureSchema),
        wrong_position
    ),
    attack!(
        "sig-in-extension-point",
        "Donor Signature placed in samlp:Extensions",
        Tampered,
        reject(C::StructureSignaturePosition),
        sig_in_extensions
    ),
    attack!(
        "sig-ref-empty",
        "Reference URI=\"\" (whole document), re-signed",
        SignedMalformed,
        reject(C::SignatureReference),
        ref_empty
    ),
    attack!(
        "sig-ref-xpointer",
        "Reference URI=\"#xpointer(id('…'))\", re-signed",
        SignedMalformed,
        reject(C::SignatureReference),
        ref_xpointer
    ),
    attack!(
        "ref-external",
        "Reference to an external URI, re-signed",
        SignedMalformed,
        reject(C::SignatureReference),
        ref_external
    ),
    attack!(
        "sig-multi-reference",
        "Two References in SignedInfo, re-signed",
        SignedMalformed,
        reject(C::SignatureStructure),
        multi_reference
    ),
    attack!(
        "sig-multi-signedinfo",
        "Second SignedInfo in the Signature (CVE-2025-29774)",
        Tampered,
        reject(C::SignatureStructure),
        multi_signedinfo
    ),
    attack!(
        "sig-wrapped-signedinfo",
        "Foreign wrapper holding a SignedInfo inside the Signature",
        Tampered,
        reject(C::SignatureStructure),
        wrapped_signedinfo
    ),
    attack!(
        "digest-comment",
        "Comment inside DigestValue (CVE-2025-29775)",
        Tampered,
        reject(C::SignatureStructure),
        digest_comment
    ),
    attack!(
        "missing-id",
        "Signed Assertion without an ID",
        Tampered,
        reject(C::StructureMessage),
        missing_id
    ),
    // 1.3 Keys.
    attack!(
        "keyinfo-cert-trust",
        "Re-signed with an attacker key, attacker certificate in KeyInfo",
        AttackerKey,
        reject(C::SignatureTrusted),
        keyinfo_cert_trust
    ),
    attack!(
        "self-signed-swap",
        "Re-signed with a cloned-subject certificate (same subject and serial)",
        AttackerKey,
        reject(C::SignatureTrusted),
        self_signed_swap
    ),
    // 1.4 Algorithms.
    attack!(
        "hmac-key-confusion",
        "SignatureMethod HMAC-SHA256 keyed with the IdP's public key",
        SignedMalformed,
        reject(C::SignatureAlgorithms),
        hmac_key_confusion
    ),
    attack!(
        "alg-sha1",
        "Signed with RSA-SHA1 and a SHA-1 digest (refused unless policy allows)",
        SignedMalformed,
        reject(C::SignatureAlgorithms),
        alg_sha1
    ),
    attack!(
        "alg-md5",
        "DigestMethod MD5",
        SignedMalformed,
        reject(C::SignatureAlgorithms),
        alg_md5
    ),
    // 1.5 Transforms.
    attack!(
        "xf-xslt",
        "XSLT transform added",
        SignedMalformed,
        reject(C::SignatureTransforms),
        xf_xslt
    ),
    attack!(
        "xf-xpath",
        "XPath transform added",
        SignedMalformed,
        reject(C::SignatureTransforms),
        xf_xpath
    ),
    attack!(
        "xf-too-many",
        "A third transform",
        SignedMalformed,
        reject(C::SignatureTransforms),
        xf_too_many
    ),
    attack!(
        "xf-missing-enveloped",
        "Enveloped-signature transform removed",
        SignedMalformed,
        reject(C::SignatureTransforms),
        xf_missing_enveloped
    ),
    // 1.6 Parsing.
    attack!(
        "xxe",
        "DOCTYPE with an external entity",
        Parser,
        reject(C::XmlDoctype),
        xxe
    ),
    attack!(
        "billion-laughs",
        "DOCTYPE with nested entities",
        Parser,
        reject(C::XmlDoctype),
        billion_laughs
    ),
    attack!(
        "dtd-attlist",
        "DOCTYPE with ATTLIST defaults (CVE-2025-25291)",
        Parser,
        reject(C::XmlDoctype),
        dtd_attlist
    ),
    attack!(
        "comment-nameid",
        "Comment injected into a signed NameID (VU#475445)",
        Tampered,
        Expected::AcceptFullNameId,
        comment_nameid
    ),
    attack!(
        "cdata-nameid",
        "NameID characters changed through a CDATA section",
        Tampered,
        reject(C::SignatureDigest),
        cdata_nameid
    ),
    attack!(
        "multi-root",
        "Second root element after the Response",
        Parser,
        reject(C::XmlWellFormed),
        multi_root
    ),
    attack!(
        "pi-injection",
        "Processing instruction inside the NameID",
        Parser,
        reject(C::XmlWellFormed),
        pi_injection
    ),
    // 1.7 IDs.
    attack!(
        "dup-id",
        "A second element carrying the Assertion's ID",
        Tampered,
        reject(C::StructureUniqueIds),
        dup_id
    ),
    attack!(
        "attr-pollution",
        "Namespaced samlp:ID next to ID on the Response",
        Tampered,
        reject(C::StructureUniqueIds),
        attr_pollution
    ),
    // 1.8 Namespaces.
    attack!(
        "ns-xml-xmlns",
        "xml:xmlns attribute on the Signature (CVE-2025-66567)",
        Parser,
        reject(C::XmlNamespaces),
        ns_xml_xmlns
    ),
    attack!(
        "ns-redefine-prefix",
        "ds prefix re-bound to another namespace on the Signature",
        Tampered,
        reject(C::StructureSchema),
        ns_redefine_prefix
    ),
    attack!(
        "void-c14n",
        "Relative namespace URI (void canonicalization, CVE-2025-66568)",
        Parser,
        reject(C::XmlNamespaces),
        void_c14n
    ),
    // 1.9 Multiplicity.
    attack!(
        "multi-assertion",
        "Second, unsigned Assertion appended (CVE-2022-41912)",
        Tampered,
        reject(C::StructureAssertionCount),
        multi_assertion
    ),
];
