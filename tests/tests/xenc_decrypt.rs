//! Decryption of what the forge encrypted: namespaces carried from the Response, a plaintext that
//! is not one element described only once AES-GCM authenticated it, each wrapper taking only
//! its own kind of element.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use samlscope_core::xenc::{
    DataEncryption, Decrypted, DecryptionKey, EncryptedElement, KeyTransport, PlaintextProblem,
    XencError, XencRules, decrypt_assertion, decrypt_element, ns,
};
use samlscope_core::xml::parse;
use samlscope_forge::PrivateKey;
use samlscope_forge::encrypt::{EncryptError, encrypt_in_place, encrypt_unchecked};

const KEY: &str = include_str!("../../core/tests/data/keys/idp.key.pem");

fn in_response(plaintext: &[u8], data: DataEncryption) -> (String, DecryptionKey) {
    in_response_as(EncryptedElement::Assertion, plaintext, data)
}

fn in_response_as(
    kind: EncryptedElement,
    plaintext: &[u8],
    data: DataEncryption,
) -> (String, DecryptionKey) {
    let key = DecryptionKey::from_pem(KEY).unwrap();
    let spki = PrivateKey::from_pem(KEY)
        .unwrap()
        .public_key_spki_der()
        .unwrap();
    let ea = encrypt_unchecked(
        kind,
        plaintext,
        &spki,
        data,
        KeyTransport::RSA_OAEP_MGF1P,
        &[7; 32],
    )
    .unwrap();
    let xml = format!(
        r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{ea}</samlp:Response>"#
    );
    (xml, key)
}

fn run(plaintext: &[u8], data: DataEncryption) -> Result<Decrypted, XencError> {
    let (xml, key) = in_response(plaintext, data);
    let doc = parse(xml.as_bytes()).unwrap();
    let ea = doc
        .elements()
        .find(|&n| doc.is(n, ns::SAML, "EncryptedAssertion"))
        .unwrap();
    decrypt_assertion(&doc, ea, &key, &XencRules::default())
}

#[test]
fn undeclared_prefixes_are_bound_from_the_response() {
    let bare = r#"<saml:Assertion ID="_a"><saml:AttributeStatement><saml:Attribute Name="n"><saml:AttributeValue xsi:type="xs:string">v</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion>"#;
    assert!(parse(bare.as_bytes()).is_err());
    for data in DataEncryption::ALL {
        let out = run(bare.as_bytes(), data).unwrap();
        let doc = parse(out.xml.as_bytes()).unwrap();
        assert!(doc.is(doc.root(), ns::SAML, "Assertion"));
        let scope = doc.in_scope_namespaces(doc.root());
        assert!(scope.contains(&(Some("xs"), "http://www.w3.org/2001/XMLSchema")));
        assert!(scope.contains(&(Some("samlp"), "urn:oasis:names:tc:SAML:2.0:protocol")));
    }
}

/// Plaintexts that are not one saml:Assertion element, and what may be said of each once
/// AES-GCM authenticated it.
#[allow(clippy::type_complexity)]
fn malformed() -> Vec<(&'static [u8], fn(&PlaintextProblem) -> bool)> {
    use PlaintextProblem as P;
    vec![
        // A DTD that arrives encrypted is refused like one in the clear (never expanded).
        (
            b"<!DOCTYPE a [<!ENTITY e \"x\">]><saml:Assertion ID=\"a\">&e;</saml:Assertion>",
            |p| *p == P::Doctype,
        ),
        (
            b"<!DOCTYPE saml:Assertion SYSTEM \"file:///etc/passwd\"><saml:Assertion ID=\"a\"/>",
            |p| *p == P::Doctype,
        ),
        (
            b"<saml:Assertion ID=\"a\"/><saml:Assertion ID=\"b\"/>",
            |p| *p == P::MultipleRoots,
        ),
        (
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><saml:Assertion ID=\"a\"/>",
            |p| *p == P::XmlDeclaration,
        ),
        (b"not xml at all", |p| *p == P::NotAnElement),
        (
            b"<saml:Assertion ID=\"a\">",
            |p| matches!(p, P::NotWellFormed(m) if m.contains("ends inside an element")),
        ),
        (b"<saml:Response ID=\"x\"/>", |p| {
            *p == P::WrongRoot("saml:Response".into())
        }),
        (b"<other:Assertion xmlns:other=\"urn:other\"/>", |p| {
            *p == P::WrongRoot("other:Assertion".into())
        }),
        (b"<saml:Assertion ID=\"\xe9\"/>", |p| *p == P::NotUtf8),
    ]
}

#[test]
fn a_gcm_authenticated_plaintext_is_described_when_it_is_not_one_element() {
    for (bad, expected) in malformed() {
        let shown = String::from_utf8_lossy(bad);
        for data in [DataEncryption::Aes128Gcm, DataEncryption::Aes256Gcm] {
            let err = run(bad, data).expect_err(&shown);
            let XencError::MalformedPlaintext { kind, problem } = &err else {
                panic!("{shown} ({data:?}): {err:?}");
            };
            assert_eq!(*kind, EncryptedElement::Assertion);
            assert!(expected(problem), "{shown} ({data:?}): {problem:?}");
            let message = err.to_string();
            assert!(
                message.contains("the decrypted plaintext is not a single XML element")
                    && message.ends_with(&problem.to_string())
                    && !message.contains("could not be decrypted"),
                "{message}"
            );
        }
    }
    assert!(run(b"<saml:Assertion ID=\"a\"/>", DataEncryption::Aes128Gcm).is_ok());
}

#[test]
fn a_cbc_plaintext_that_is_not_one_element_is_the_uniform_error() {
    // Unauthenticated: whoever flipped the bits learns nothing from the answer.
    let uniform = XencError::DecryptionFailed.to_string();
    for (bad, _) in malformed() {
        for data in [DataEncryption::Aes128Cbc, DataEncryption::Aes256Cbc] {
            let err = run(bad, data).expect_err(&String::from_utf8_lossy(bad));
            assert_eq!(err, XencError::DecryptionFailed, "{data:?}");
            assert_eq!(err.to_string(), uniform);
        }
    }
    assert!(run(b"<saml:Assertion ID=\"a\"/>", DataEncryption::Aes128Cbc).is_ok());
}

#[test]
fn each_wrapper_takes_only_its_own_plaintext() {
    use EncryptedElement as K;
    let name_id = "<saml:NameID>alice@acmecorp.com</saml:NameID>";
    let attribute = "<saml:Attribute Name=\"groups\"><saml:AttributeValue>g</saml:AttributeValue></saml:Attribute>";
    let assertion = "<saml:Assertion ID=\"a\"/>";
    for (kind, good, wrong) in [
        (K::NameId, name_id, attribute),
        (K::Attribute, attribute, name_id),
        (K::Assertion, assertion, name_id),
    ] {
        let run_with = |plaintext: &str, as_kind: K, data| {
            let (xml, key) = in_response_as(kind, plaintext.as_bytes(), data);
            let doc = parse(xml.as_bytes()).unwrap();
            let wrapper = doc
                .elements()
                .find(|&n| doc.is(n, ns::SAML, kind.wrapper()))
                .unwrap();
            decrypt_element(&doc, wrapper, as_kind, &key, &XencRules::default())
        };
        let run =
            |plaintext: &str, as_kind: K| run_with(plaintext, as_kind, DataEncryption::Aes128Gcm);
        let out = run(good, kind).unwrap();
        let doc = parse(out.xml.as_bytes()).unwrap();
        assert!(doc.is(doc.root(), ns::SAML, kind.plaintext()), "{kind:?}");
        // Another kind of element inside: said under GCM (authenticated), the uniform
        // error under CBC, as for any bad plaintext.
        let err = run(wrong, kind).unwrap_err();
        assert!(
            matches!(
                &err,
                XencError::MalformedPlaintext { kind: k, problem: PlaintextProblem::WrongRoot(_) } if *k == kind
            ),
            "{kind:?}: {err:?}"
        );
        assert!(
            err.to_string()
                .starts_with(&format!("the {} was decrypted", kind.wrapper()))
        );
        assert_eq!(
            run_with(wrong, kind, DataEncryption::Aes256Cbc),
            Err(XencError::DecryptionFailed),
            "{kind:?}"
        );
        // The wrapper is checked before anything is decrypted.
        let other = if kind == K::NameId {
            K::Attribute
        } else {
            K::NameId
        };
        assert!(
            matches!(run(good, other), Err(XencError::WrongElement { .. })),
            "{kind:?}"
        );
    }
}

#[test]
fn encrypt_in_place_carries_the_namespaces_and_finds_only_what_is_picked() {
    let key = DecryptionKey::from_pem(KEY).unwrap();
    let spki = PrivateKey::from_pem(KEY)
        .unwrap()
        .public_key_spki_der()
        .unwrap();
    let xml = r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="a"><saml:Subject><saml:NameID>ann</saml:NameID></saml:Subject><saml:AttributeStatement><saml:Attribute Name="a"/><saml:Attribute Name="b"/></saml:AttributeStatement></saml:Assertion>"#;
    let run = |kind, name: Option<&str>| {
        encrypt_in_place(
            kind,
            xml,
            |d, n| name.is_none() || d.element(n).and_then(|e| e.attr("Name")) == name,
            &spki,
            DataEncryption::Aes128Gcm,
            KeyTransport::RSA_OAEP_MGF1P,
            &[9; 32],
        )
    };
    let out = run(EncryptedElement::Attribute, Some("b")).unwrap();
    // Only attribute b was replaced, in place.
    assert!(
        out.contains(r#"<saml:Attribute Name="a"/><saml2:EncryptedAttribute"#),
        "{out}"
    );
    assert!(!out.contains(r#"Name="b""#), "{out}");
    let doc = parse(out.as_bytes()).unwrap();
    let wrapper = doc
        .elements()
        .find(|&n| doc.is(n, ns::SAML, "EncryptedAttribute"))
        .unwrap();
    let plain = decrypt_element(
        &doc,
        wrapper,
        EncryptedElement::Attribute,
        &key,
        &XencRules::default(),
    )
    .unwrap();
    // `saml` was declared on the Assertion only: carried onto the encrypted element.
    let standalone = parse(plain.xml.as_bytes()).unwrap();
    assert!(standalone.is(standalone.root(), ns::SAML, "Attribute"));
    assert_eq!(
        standalone.element(standalone.root()).unwrap().attr("Name"),
        Some("b")
    );
    assert!(matches!(
        run(EncryptedElement::Attribute, Some("c")),
        Err(EncryptError::Plaintext(_))
    ));
    assert!(
        run(EncryptedElement::NameId, None)
            .unwrap()
            .contains("<saml2:EncryptedID")
    );
}
