//! Interop with libxmlsec1 (the `xmlsec1` command, Debian package `xmlsec1`): what xmlsec1
//! encrypts we decrypt, and what we encrypt xmlsec1 decrypts. Without xmlsec1 the tests print
//! SKIPPED, except under CI=true where they fail.
//!
//! xmlsec1 1.2.x (OpenSSL) knows `rsa-oaep-mgf1p` with SHA-1 only; the `xenc11#rsa-oaep`
//! variants are exercised when the installed xmlsec1 is 1.3 or newer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod xenc_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use samlscope_core::xenc::{
    DataEncryption, EncryptedElement, KeyTransport, OaepDigest, XencRules, decrypt_assertion,
    decrypt_element,
};
use samlscope_core::xml::{Document, NodeId, parse};
use samlscope_forge::encrypt::encrypt_assertion;
use xenc_support::*;

const PROTOCOL: &str = "urn:oasis:names:tc:SAML:2.0:protocol";

/// `Some((major, minor))` of the installed xmlsec1, or `None` (then SKIPPED, or a failure
/// under CI=true).
fn xmlsec1() -> Option<(u32, u32)> {
    let version = Command::new("xmlsec1")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    let Some(version) = version else {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "xmlsec1 (the libxmlsec1 oracle) is missing under CI=true: apt-get install xmlsec1"
        );
        eprintln!("SKIPPED: xmlsec1 is not installed (Debian: apt-get install xmlsec1)");
        return None;
    };
    // "xmlsec1 1.2.37 (openssl)"
    let number = version.split_whitespace().nth(1).unwrap_or("0.0");
    let mut parts = number.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    Some((parts.next().unwrap_or(0), parts.next().unwrap_or(0)))
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("samlscope-xenc-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn key(name: &str) -> PathBuf {
    Path::new(KEY_DIR).join(name)
}

/// The assertion as it sits inside a Response: it uses `saml`, `xs` and `xsi` declared only on
/// the Response, so its serialized text does not stand alone.
const BARE_ASSERTION: &str = concat!(
    r#"<saml:Assertion ID="_a1" Version="2.0" IssueInstant="2026-11-28T12:00:00Z">"#,
    r#"<saml:Issuer>https://sso.jumpcloud.com/saml2/example</saml:Issuer>"#,
    r#"<saml:Subject><saml:NameID>ann@example.com</saml:NameID></saml:Subject>"#,
    r#"<saml:AttributeStatement><saml:Attribute Name="groups">"#,
    r#"<saml:AttributeValue xsi:type="xs:string">admins &amp; ops</saml:AttributeValue>"#,
    r#"</saml:Attribute></saml:AttributeStatement></saml:Assertion>"#
);

const RESPONSE_DECLS: &str = concat!(
    r#"xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" "#,
    r#"xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" "#,
    r#"xmlns:xs="http://www.w3.org/2001/XMLSchema" "#,
    r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#
);

fn xmlsec_template(data: DataEncryption, transport: Option<KeyTransport>) -> String {
    let key_method = match transport {
        // No DigestMethod child: the SHA-1 default.
        None => format!(
            r#"<xenc:EncryptionMethod Algorithm="{}"/>"#,
            KeyTransport::RSA_OAEP_MGF1P.as_uri()
        ),
        Some(t) => {
            let mut params = format!(
                r#"<ds:DigestMethod Algorithm="{}"/>"#,
                t.digest().as_digest_uri()
            );
            if let KeyTransport::RsaOaep { mgf, .. } = t {
                params.push_str(&format!(
                    r#"<xenc11:MGF xmlns:xenc11="http://www.w3.org/2009/xmlenc11#" Algorithm="{}"/>"#,
                    mgf.as_mgf_uri()
                ));
            }
            format!(
                r#"<xenc:EncryptionMethod Algorithm="{}">{params}</xenc:EncryptionMethod>"#,
                t.as_uri()
            )
        }
    };
    format!(
        concat!(
            r#"<xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Type="http://www.w3.org/2001/04/xmlenc#Element">"#,
            r#"<xenc:EncryptionMethod Algorithm="{}"/>"#,
            r#"<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><xenc:EncryptedKey>{}"#,
            r#"<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>"#,
            r#"<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedData>"#
        ),
        data.as_uri(),
        key_method
    )
}

fn session_key(data: DataEncryption) -> &'static str {
    if data.key_len() == 16 {
        "aes-128"
    } else {
        "aes-256"
    }
}

fn transports(version: (u32, u32)) -> Vec<Option<KeyTransport>> {
    let mut t = vec![None, Some(KeyTransport::RSA_OAEP_MGF1P)];
    if version >= (1, 3) {
        t.push(Some(KeyTransport::RSA_OAEP_SHA256));
        t.push(Some(KeyTransport::RsaOaep {
            digest: OaepDigest::Sha1,
            mgf: OaepDigest::Sha1,
        }));
    }
    t
}

/// `xmlsec1 --encrypt` of the (first) element named `local` in the file `data_xml`, for the
/// SP certificate, with the template of `data` and `transport`: the whole output document.
fn xmlsec1_encrypt(
    dir: &TempDir,
    data_xml: &Path,
    local: &str,
    data: DataEncryption,
    transport: Option<KeyTransport>,
) -> String {
    let template = dir.write("template.xml", &xmlsec_template(data, transport));
    let out = dir.0.join("encrypted.xml");
    let (ok, log) = run(Command::new("xmlsec1")
        .arg("--encrypt")
        .arg("--pubkey-cert-pem")
        .arg(key("idp.crt.pem"))
        .args(["--session-key", session_key(data)])
        .arg("--xml-data")
        .arg(data_xml)
        .args(["--node-xpath", &format!("//*[local-name()='{local}']")])
        .arg("--output")
        .arg(&out)
        .arg(&template));
    assert!(
        ok,
        "xmlsec1 --encrypt {local} {data:?} {transport:?}: {log}"
    );
    std::fs::read_to_string(&out).unwrap()
}

fn first(doc: &Document, ns: &str, local: &str) -> NodeId {
    doc.elements()
        .find(|&n| doc.is(n, ns, local))
        .unwrap_or_else(|| panic!("no {local}"))
}

#[test]
fn xenc_what_xmlsec1_encrypts_we_decrypt() {
    let Some(version) = xmlsec1() else { return };
    let dir = TempDir::new("from-xmlsec");
    let data_xml = dir.write(
        "data.xml",
        &format!(
            r#"<samlp:Response {RESPONSE_DECLS} ID="_r1" Version="2.0"><saml:Issuer>https://sso.jumpcloud.com/saml2/example</saml:Issuer><saml:EncryptedAssertion>{BARE_ASSERTION}</saml:EncryptedAssertion></samlp:Response>"#
        ),
    );
    // Decrypted in place, the assertion sees the Response's bindings: we put them on its root.
    let expected = BARE_ASSERTION.replacen(
        "<saml:Assertion ",
        &format!("<saml:Assertion {RESPONSE_DECLS} "),
        1,
    );
    let mut cases = 0;
    for data in DataEncryption::ALL {
        for transport in transports(version) {
            let what = format!("{data:?} {transport:?}");
            let encrypted = xmlsec1_encrypt(&dir, &data_xml, "Assertion", data, transport);
            assert!(
                !encrypted.contains("ann@example.com"),
                "{what}: not encrypted"
            );

            let doc = parse(encrypted.as_bytes()).unwrap();
            let ea = first(&doc, SAML, "EncryptedAssertion");
            let got = decrypt_assertion(&doc, ea, &sp_key(), &XencRules::default())
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(got.xml, expected, "{what}");
            assert_eq!(got.data_algorithm, data, "{what}");
            assert_eq!(
                got.key_transport,
                transport.unwrap_or(KeyTransport::RSA_OAEP_MGF1P),
                "{what}"
            );
            let standalone = parse(got.xml.as_bytes()).unwrap();
            assert_eq!(
                standalone.text(first(&standalone, SAML, "NameID")),
                "ann@example.com"
            );
            cases += 1;
        }
    }
    assert!(cases >= 8, "{cases}");
    eprintln!("xmlsec1 {version:?} → samlscope: {cases} EncryptedAssertions decrypted");
}

/// An EncryptedID and an EncryptedAttribute made by xmlsec1 in place, inside an assertion:
/// each decrypts to its own NameID or Attribute, with the namespaces in scope carried over.
#[test]
fn xenc_encrypted_ids_and_attributes_from_xmlsec1_decrypt() {
    let Some(version) = xmlsec1() else { return };
    let dir = TempDir::new("parts-from-xmlsec");
    let assertion = BARE_ASSERTION
        .replace(
            "<saml:NameID>ann@example.com</saml:NameID>",
            "<saml:EncryptedID><saml:NameID>ann@example.com</saml:NameID></saml:EncryptedID>",
        )
        .replace(
            "<saml:Attribute ",
            "<saml:EncryptedAttribute><saml:Attribute ",
        )
        .replace(
            "</saml:Attribute>",
            "</saml:Attribute></saml:EncryptedAttribute>",
        );
    let mut cases = 0;
    for data in DataEncryption::ALL {
        let what = format!("{data:?}");
        let mut xml = format!(
            r#"<samlp:Response {RESPONSE_DECLS} ID="_r1" Version="2.0">{assertion}</samlp:Response>"#
        );
        for target in ["NameID", "Attribute"] {
            let input = dir.write("data.xml", &xml);
            xml = xmlsec1_encrypt(&dir, &input, target, data, None);
        }
        assert!(
            !xml.contains("ann@example.com") && !xml.contains("admins"),
            "{what}: not encrypted: {xml}"
        );
        let doc = parse(xml.as_bytes()).unwrap();
        let decrypt = |kind: EncryptedElement| {
            let wrapper = first(&doc, SAML, kind.wrapper());
            let got = decrypt_element(&doc, wrapper, kind, &sp_key(), &XencRules::default())
                .unwrap_or_else(|e| panic!("{what} {kind:?}: {e}"));
            assert_eq!(got.data_algorithm, data, "{what}");
            parse(got.xml.as_bytes()).unwrap()
        };
        let name_id = decrypt(EncryptedElement::NameId);
        assert!(name_id.is(name_id.root(), SAML, "NameID"), "{what}");
        assert_eq!(name_id.text(name_id.root()), "ann@example.com", "{what}");
        let attribute = decrypt(EncryptedElement::Attribute);
        let root = attribute.root();
        assert_eq!(
            attribute.element(root).unwrap().attr("Name"),
            Some("groups")
        );
        let value = first(&attribute, SAML, "AttributeValue");
        assert_eq!(attribute.text(value), "admins & ops", "{what}");
        // xsi:type="xs:string" still resolves: the Response's bindings were carried over.
        let scope = attribute.in_scope_namespaces(value);
        assert!(scope.contains(&(Some("xs"), "http://www.w3.org/2001/XMLSchema")));
        cases += 1;
    }
    assert!(cases >= 4, "{cases}");
    eprintln!(
        "xmlsec1 {version:?} → samlscope: {cases} EncryptedID + EncryptedAttribute pairs decrypted"
    );
}

#[test]
fn xenc_what_we_encrypt_xmlsec1_decrypts() {
    let Some(version) = xmlsec1() else { return };
    let dir = TempDir::new("to-xmlsec");
    let spki = sp_spki();
    let mut cases = 0;
    for data in DataEncryption::ALL {
        for transport in transports(version).into_iter().flatten() {
            let what = format!("{data:?} {transport:?}");
            let ea =
                encrypt_assertion(ASSERTION, &spki, data, transport, &randomness(cases)).unwrap();
            let input = dir.write("encrypted.xml", &response_with(&ea));
            let out = dir.0.join("decrypted.xml");
            let (ok, log) = run(Command::new("xmlsec1")
                .arg("--decrypt")
                .arg("--privkey-pem")
                .arg(key("idp.key.pem"))
                .arg("--output")
                .arg(&out)
                .arg(&input));
            assert!(ok, "xmlsec1 --decrypt {what}: {log}");

            // xmlsec1 put the Assertion in place of EncryptedData; compare what it read.
            let decrypted = std::fs::read_to_string(&out).unwrap();
            let doc = parse(decrypted.as_bytes()).unwrap();
            assert!(doc.is(doc.root(), PROTOCOL, "Response"));
            let assertion = first(&doc, SAML, "Assertion");
            assert!(doc.is(doc.parent(assertion).unwrap(), SAML, "EncryptedAssertion"));
            assert_eq!(doc.element(assertion).unwrap().attr("ID"), Some("_a7f3"));
            assert_eq!(doc.text(first(&doc, SAML, "NameID")), "ann@example.com");
            assert_eq!(
                doc.text(first(&doc, SAML, "AttributeValue")),
                "admins & ops — ünïcödé",
                "{what}"
            );

            // And with the wrong private key xmlsec1 must fail (the oracle can say no).
            let (ok, _) = run(Command::new("xmlsec1")
                .arg("--decrypt")
                .arg("--privkey-pem")
                .arg(key("attacker.key.pem"))
                .arg(&input));
            assert!(!ok, "{what}: xmlsec1 decrypted with the wrong key");
            cases += 1;
        }
    }
    assert!(cases >= 4, "{cases}");
    eprintln!("samlscope → xmlsec1 {version:?}: {cases} EncryptedAssertions decrypted");
}
