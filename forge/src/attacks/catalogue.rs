//! The catalogue itself: each attack's id, title, family, the check that must reject it, and
//! the generator that builds it (in `generators`).

use super::generators::*;
use super::{Acceptable, Attack, Expected, Family, Impact, SignedName};
use samlscope_core::checks::CheckId as C;

const fn reject(check: C) -> Expected {
    Expected::Reject { check }
}

macro_rules! attack {
    ($id:literal, $title:literal, $family:ident, $expected:expr, $build:expr,
     $impact:ident, $rule:expr, [$($reference:expr),*]) => {
        Attack {
            id: $id,
            title: $title,
            family: Family::$family,
            expected: $expected,
            impact: Impact::$impact,
            rule: $rule,
            references: &[$($reference),*],
            acceptable: Acceptable::Never,
            signed_name: SignedName::User,
            build: $build,
        }
    };
}

// Rules several attacks break.
const WRAPPING: &str =
    "SAML Core §5.4.2 and XML-DSig §8.1.3: consume only what the verified Reference points to";
const ONE_REFERENCE: &str =
    "SAML Core §5.4.2: one Reference, URI=\"#ID\" of the element the Signature is on";
const SIGNATURE_VALUE: &str = "XML-DSig §3.2.2: the SignatureValue verifies over the SignedInfo";
const SIGNATURE_SHAPE: &str =
    "XML-DSig §4.1–4.4: a Signature has exactly one SignedInfo, its first child";
const PINNED_KEY: &str = "SAML Metadata §2.4.1.1: the key comes from the IdP's configuration, never from the message's KeyInfo";
const TRANSFORMS: &str =
    "SAML Core §5.4.4: only the enveloped-signature and exclusive C14N transforms";
const NO_DTD: &str =
    "W3C XML Signature Best Practices §2.1.3: refuse a DOCTYPE; SAML messages carry none";

pub(super) static CATALOGUE: &[Attack] = &[
    // 1.1 Signature wrapping (SAML Raider's XSWHelpers numbering).
    attack!(
        "xsw1",
        "XSW1: evil Response outside, signed original hidden inside its Signature",
        Tampered,
        reject(C::StructureUniqueIds),
        xsw1,
        Takeover,
        WRAPPING,
        ["Somorovsky et al., On Breaking SAML: Be Whoever You Want to Be (USENIX Security 2012)"]
    ),
    attack!(
        "xsw2",
        "XSW2: evil Response, signed original as a sibling before the Signature",
        Tampered,
        reject(C::StructureSchema),
        xsw2,
        Takeover,
        WRAPPING,
        ["Somorovsky et al., On Breaking SAML: Be Whoever You Want to Be (USENIX Security 2012)"]
    ),
    attack!(
        "xsw3",
        "XSW3: unsigned evil Assertion before the signed one",
        Tampered,
        reject(C::StructureAssertionCount),
        xsw3,
        Takeover,
        WRAPPING,
        ["Somorovsky et al., On Breaking SAML: Be Whoever You Want to Be (USENIX Security 2012)"]
    ),
    attack!(
        "xsw4",
        "XSW4: signed Assertion moved inside an unsigned evil Assertion",
        Tampered,
        reject(C::StructureSchema),
        xsw4,
        Takeover,
        WRAPPING,
        ["Somorovsky et al., On Breaking SAML: Be Whoever You Want to Be (USENIX Security 2012)"]
    ),
    attack!(
        "xsw5",
        "XSW5: evil Assertion keeps the Signature; unsigned original appended",
        Tampered,
        reject(C::StructureAssertionCount),
        xsw5,
        Takeover,
        WRAPPING,
        ["Somorovsky et al., On Breaking SAML: Be Whoever You Want to Be (USENIX Security 2012)"]
    ),
    attack!(
        "xsw6",
        "XSW6: evil Assertion keeps the Signature; original hidden inside it",
        Tampered,
        reject(C::StructureHiddenAssertion),
        xsw6,
        Takeover,
        WRAPPING,
        ["Somorovsky et al., On Breaking SAML: Be Whoever You Want to Be (USENIX Security 2012)"]
    ),
    attack!(
        "xsw7",
        "XSW7: evil copy with the same ID inside an Extensions element",
        Tampered,
        reject(C::StructureSchema),
        xsw7,
        Takeover,
        WRAPPING,
        ["Somorovsky et al., On Breaking SAML: Be Whoever You Want to Be (USENIX Security 2012)"]
    ),
    attack!(
        "xsw8",
        "XSW8: evil Assertion in place; original in a ds:Object of its Signature",
        Tampered,
        reject(C::StructureUniqueIds),
        xsw8,
        Takeover,
        WRAPPING,
        ["Somorovsky et al., On Breaking SAML: Be Whoever You Want to Be (USENIX Security 2012)"]
    ),
    // 1.2 Presence, scope and reference binding.
    attack!(
        "sig-strip-all",
        "All signatures removed, NameID changed",
        Tampered,
        reject(C::SignaturePresent),
        strip_all,
        Takeover,
        "SAML Profiles §4.1.3.5: an assertion sent over HTTP-POST is signed",
        []
    ),
    attack!(
        "sig-empty-value",
        "Empty SignatureValue, NameID changed",
        Tampered,
        reject(C::SignatureStructure),
        empty_value,
        Takeover,
        SIGNATURE_VALUE,
        []
    ),
    attack!(
        "sig-corrupt-digest",
        "NameID changed and its DigestValue recomputed; SignatureValue unchanged",
        Tampered,
        reject(C::SignatureTrusted),
        corrupt_digest,
        Takeover,
        SIGNATURE_VALUE,
        []
    ),
    attack!(
        "tamper-nameid",
        "NameID changed after signing",
        Tampered,
        reject(C::SignatureDigest),
        tamper_nameid,
        Takeover,
        "XML-DSig §3.2.1: reference validation (the digest of the signed element)",
        []
    ),
    attack!(
        "sig-wrong-position",
        "Assertion Signature moved to the end of the Assertion",
        Tampered,
        reject(C::StructureSchema),
        wrong_position,
        Lenient,
        "SAML Core §5.4.1 and schema: an Assertion's Signature follows its Issuer",
        []
    ),
    attack!(
        "sig-in-extension-point",
        "Donor Signature placed in samlp:Extensions of an unsigned Response, NameID changed",
        Tampered,
        reject(C::StructureSignaturePosition),
        sig_in_extensions,
        Takeover,
        "SAML Core §5.4.1: a Signature signs the element it is a child of",
        ["PortSwigger Research, The Fragile Lock (2025)"]
    ),
    attack!(
        "sig-ref-empty",
        "Reference URI=\"\" (whole document), re-signed",
        SignedMalformed,
        reject(C::SignatureReference),
        ref_empty,
        Lenient,
        ONE_REFERENCE,
        []
    ),
    attack!(
        "sig-ref-xpointer",
        "Reference URI=\"#xpointer(id('…'))\", re-signed",
        SignedMalformed,
        reject(C::SignatureReference),
        ref_xpointer,
        Lenient,
        ONE_REFERENCE,
        []
    ),
    attack!(
        "ref-external",
        "Reference to an external URI, re-signed",
        SignedMalformed,
        reject(C::SignatureReference),
        ref_external,
        Tamper,
        ONE_REFERENCE,
        []
    ),
    attack!(
        "sig-multi-reference",
        "Two References in SignedInfo, re-signed",
        SignedMalformed,
        reject(C::SignatureStructure),
        multi_reference,
        Lenient,
        ONE_REFERENCE,
        []
    ),
    attack!(
        "sig-multi-signedinfo",
        "Second SignedInfo carrying the tampered Assertion's digest (CVE-2025-29774)",
        Tampered,
        reject(C::SignatureStructure),
        multi_signedinfo,
        Takeover,
        SIGNATURE_SHAPE,
        [
            "CVE-2025-29774 (xml-crypto < 6.0.1)",
            "WorkOS, SAMLStorm (2025)"
        ]
    ),
    attack!(
        "sig-wrapped-signedinfo",
        "Foreign wrapper holding a SignedInfo with the tampered Assertion's digest",
        Tampered,
        reject(C::SignatureStructure),
        wrapped_signedinfo,
        Takeover,
        SIGNATURE_SHAPE,
        ["CVE-2025-29774 (xml-crypto < 6.0.1)"]
    ),
    attack!(
        "digest-comment",
        "Comment in DigestValue holding the tampered Assertion's digest (CVE-2025-29775)",
        Tampered,
        reject(C::SignatureStructure),
        digest_comment,
        Takeover,
        "XML-DSig §4.4.3.3 and Exclusive C14N: comments are not signed; DigestValue is the element's text",
        [
            "CVE-2025-29775 (xml-crypto < 6.0.1)",
            "WorkOS, SAMLStorm (2025)"
        ]
    ),
    attack!(
        "missing-id",
        "Signed Assertion without an ID, NameID changed",
        Tampered,
        reject(C::StructureMessage),
        missing_id,
        Takeover,
        "SAML Core §5.4.2: the signed element carries the ID its Reference names",
        []
    ),
    // 1.3 Keys.
    attack!(
        "keyinfo-cert-trust",
        "Re-signed with an attacker key, attacker certificate in KeyInfo",
        AttackerKey,
        reject(C::SignatureTrusted),
        keyinfo_cert_trust,
        Takeover,
        PINNED_KEY,
        ["CVE-2024-32962 (xml-crypto: KeyInfo certificate trusted by default)"]
    ),
    attack!(
        "self-signed-swap",
        "Re-signed with a cloned-subject certificate (same subject and serial)",
        AttackerKey,
        reject(C::SignatureTrusted),
        self_signed_swap,
        Takeover,
        PINNED_KEY,
        []
    ),
    // 1.4 Algorithms.
    attack!(
        "hmac-key-confusion",
        "SignatureMethod HMAC-SHA256 keyed with the IdP's public key",
        SignedMalformed,
        reject(C::SignatureAlgorithms),
        hmac_key_confusion,
        Tamper,
        "XML-DSig §6.3: HMAC needs a shared secret; an IdP's public key is none",
        [
            "CVE-2018-7644 (SimpleSAMLphp)",
            "GHSA-c27r-x354-4m68 (xml-crypto < 2.0.0)"
        ]
    ),
    Attack {
        acceptable: Acceptable::WithSha1 {
            assertion_signed: true,
            response_signed: false,
        },
        ..attack!(
            "alg-sha1",
            "Signed with RSA-SHA1 and a SHA-1 digest (refused unless policy allows)",
            SignedMalformed,
            reject(C::SignatureAlgorithms),
            alg_sha1,
            Policy,
            "NIST SP 800-131A: SHA-1 is disallowed for digital signatures",
            []
        )
    },
    attack!(
        "alg-md5",
        "DigestMethod MD5",
        SignedMalformed,
        reject(C::SignatureAlgorithms),
        alg_md5,
        Policy,
        "RFC 6151: MD5 is unfit for digital signatures",
        []
    ),
    // 1.5 Transforms.
    attack!(
        "xf-xslt",
        "XSLT transform added",
        SignedMalformed,
        reject(C::SignatureTransforms),
        xf_xslt,
        Dos,
        TRANSFORMS,
        []
    ),
    attack!(
        "xf-xpath",
        "XPath transform leaving the Subject unsigned, NameID changed",
        SignedMalformed,
        reject(C::SignatureTransforms),
        xf_xpath,
        Takeover,
        TRANSFORMS,
        []
    ),
    attack!(
        "xf-too-many",
        "A third transform",
        SignedMalformed,
        reject(C::SignatureTransforms),
        xf_too_many,
        Lenient,
        TRANSFORMS,
        []
    ),
    attack!(
        "xf-missing-enveloped",
        "Enveloped-signature transform removed",
        SignedMalformed,
        reject(C::SignatureTransforms),
        xf_missing_enveloped,
        Lenient,
        TRANSFORMS,
        []
    ),
    // 1.6 Parsing.
    attack!(
        "xxe",
        "DOCTYPE with an external entity",
        Parser,
        reject(C::XmlDoctype),
        xxe,
        Tamper,
        NO_DTD,
        ["CVE-2021-27736 (FusionAuth)"]
    ),
    attack!(
        "billion-laughs",
        "DOCTYPE with nested entities",
        Parser,
        reject(C::XmlDoctype),
        billion_laughs,
        Dos,
        NO_DTD,
        []
    ),
    attack!(
        "dtd-attlist",
        "DOCTYPE with ATTLIST defaults (CVE-2025-25291)",
        Parser,
        reject(C::XmlDoctype),
        dtd_attlist,
        Lenient,
        NO_DTD,
        ["CVE-2025-25291 (ruby-saml < 1.18.0)"]
    ),
    Attack {
        signed_name: SignedName::AttackersLookalike,
        ..attack!(
            "comment-nameid",
            "Comment splits a signed look-alike NameID (VU#475445)",
            Tampered,
            Expected::AcceptFullNameId,
            comment_nameid,
            Takeover,
            "XML-DSig §4.4.3.3: comments are not signed; a NameID is all of its text",
            [
                "CERT VU#475445",
                "CVE-2017-11427 (python-saml)",
                "CVE-2017-11428 (ruby-saml)"
            ]
        )
    },
    attack!(
        "cdata-nameid",
        "NameID characters changed through a CDATA section",
        Tampered,
        reject(C::SignatureDigest),
        cdata_nameid,
        Takeover,
        "XML-DSig §3.2.1: reference validation (the digest of the signed element)",
        []
    ),
    attack!(
        "multi-root",
        "Second root element after the Response",
        Parser,
        reject(C::XmlWellFormed),
        multi_root,
        Lenient,
        "XML 1.0 §2.1: a document has exactly one root element",
        []
    ),
    attack!(
        "pi-injection",
        "Processing instruction inside the NameID",
        Parser,
        reject(C::XmlProcessingInstruction),
        pi_injection,
        Lenient,
        "Canonical XML §2.3: processing instructions are signed content; SAML messages carry none",
        []
    ),
    // 1.7 IDs.
    attack!(
        "dup-id",
        "A second element carrying the Assertion's ID",
        Tampered,
        reject(C::StructureUniqueIds),
        dup_id,
        Lenient,
        "XML 1.0 §3.3.1 (ID validity) and SAML Core §1.3.4: IDs are unique in a document",
        []
    ),
    attack!(
        "attr-pollution",
        "Namespaced samlp:ID next to ID on the Response",
        Tampered,
        reject(C::StructureUniqueIds),
        attr_pollution,
        Lenient,
        "XML Namespaces: samlp:ID is not the ID attribute",
        ["PortSwigger Research, The Fragile Lock (2025)"]
    ),
    // 1.8 Namespaces.
    attack!(
        "ns-xml-xmlns",
        "xml:xmlns attribute on the Signature (CVE-2025-66567)",
        Parser,
        reject(C::XmlNamespaces),
        ns_xml_xmlns,
        Lenient,
        "XML Namespaces §3: the xml and xmlns prefixes cannot be re-bound",
        [
            "CVE-2025-66567 (ruby-saml < 1.18.1)",
            "PortSwigger Research, The Fragile Lock (2025)"
        ]
    ),
    attack!(
        "ns-redefine-prefix",
        "ds prefix re-bound to another namespace on the Signature",
        Tampered,
        reject(C::StructureSchema),
        ns_redefine_prefix,
        Tamper,
        "XML Namespaces: a Signature is ds:Signature in the XML-DSig namespace",
        ["CVE-2025-25292 (ruby-saml < 1.18.0)"]
    ),
    attack!(
        "void-c14n",
        "Relative namespace URI (void canonicalization, CVE-2025-66568)",
        Parser,
        reject(C::XmlNamespaces),
        void_c14n,
        Lenient,
        "XML Namespaces §2.2: a namespace name is an absolute URI reference",
        [
            "CVE-2025-66568 (ruby-saml < 1.18.1)",
            "PortSwigger Research, The Fragile Lock (2025)"
        ]
    ),
    // 1.9 Multiplicity.
    attack!(
        "multi-assertion",
        "Second, unsigned Assertion appended (CVE-2022-41912)",
        Tampered,
        reject(C::StructureAssertionCount),
        multi_assertion,
        Takeover,
        "SAML Profiles §4.1.4.2 and SAML Core §5.3: consume the one signed Assertion",
        ["CVE-2022-41912 (crewjam/saml)"]
    ),
];
