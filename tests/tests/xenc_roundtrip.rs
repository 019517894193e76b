//! XML Encryption of SAML assertions: every algorithm pair round-trips; every cryptographic
//! failure is the one uniform error; refused algorithms and structures get specific errors;
//! the Response's namespace context reaches the standalone plaintext.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod xenc_support;

use base64::Engine as _;
use samlscope_core::xenc::{
    DataEncryption, DecryptionKey, KeyTransport, OaepDigest, XencError, XencRules,
    decrypt_assertion,
};
use samlscope_core::xml::{Limits, parse, parse_with_limits};
use samlscope_forge::encrypt::{EncryptError, encrypt_assertion};
use xenc_support::*;

// Inside `mod xenc` so that `cargo test -p samlscope-tests xenc` selects these tests.
mod xenc {
    use super::*;

    const TRANSPORTS: [KeyTransport; 5] = [
        KeyTransport::RSA_OAEP_MGF1P,
        KeyTransport::RsaOaepMgf1p {
            digest: OaepDigest::Sha256,
        },
        KeyTransport::RsaOaep {
            digest: OaepDigest::Sha1,
            mgf: OaepDigest::Sha1,
        },
        KeyTransport::RSA_OAEP_SHA256,
        KeyTransport::RsaOaep {
            digest: OaepDigest::Sha512,
            mgf: OaepDigest::Sha384,
        },
    ];

    fn encrypt(data: DataEncryption, transport: KeyTransport) -> String {
        response_with(
            &encrypt_assertion(ASSERTION, &sp_spki(), data, transport, &randomness(1)).unwrap(),
        )
    }

    fn decrypt_with(
        xml: &str,
        key: &DecryptionKey,
        policy: &XencRules,
    ) -> Result<samlscope_core::xenc::Decrypted, XencError> {
        // Room for the over-sized CipherValue case: the xenc limit must be the one that refuses it.
        let limits = Limits {
            max_bytes: 4 << 20,
            ..Limits::default()
        };
        let doc = parse_with_limits(xml.as_bytes(), limits).unwrap();
        decrypt_assertion(&doc, encrypted_assertion(&doc), key, policy)
    }

    fn decrypt(xml: &str) -> Result<samlscope_core::xenc::Decrypted, XencError> {
        decrypt_with(xml, &sp_key(), &XencRules::default())
    }

    /// The plaintext as decrypted in the Response: the assertion plus the Response's `samlp`
    /// binding (its own `saml2` declaration wins over the inherited one).
    fn expected_plaintext() -> String {
        ASSERTION.replacen(
            "<saml2:Assertion ",
            "<saml2:Assertion xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ",
            1,
        )
    }

    #[test]
    fn every_data_encryption_and_key_transport_round_trips() {
        let key = sp_key();
        let mut pairs = 0;
        for data in DataEncryption::ALL {
            for transport in TRANSPORTS {
                let xml = encrypt(data, transport);
                assert!(!xml.contains("ann@example.com"), "plaintext leaked");
                let out = decrypt_with(&xml, &key, &XencRules::default())
                    .unwrap_or_else(|e| panic!("{data:?} {transport:?}: {e}"));
                assert_eq!(out.xml, expected_plaintext(), "{data:?} {transport:?}");
                assert_eq!(out.data_algorithm, data);
                assert_eq!(out.key_transport, transport);
                assert_eq!(out.weak.len(), usize::from(data.is_cbc()), "{:?}", out.weak);
                if data.is_cbc() {
                    assert!(out.weak[0].contains("Jager & Somorovsky"));
                }
                // The plaintext stands alone: it parses and its root is the Assertion.
                let doc = parse(out.xml.as_bytes()).unwrap();
                assert!(doc.is(doc.root(), SAML, "Assertion"));
                assert_eq!(doc.element(doc.root()).unwrap().attr("ID"), Some("_a7f3"));
                pairs += 1;
            }
        }
        assert_eq!(pairs, 20);
    }

    #[test]
    fn output_is_deterministic_in_the_callers_randomness() {
        let spki = sp_spki();
        let run = |r: &[u8]| {
            encrypt_assertion(
                ASSERTION,
                &spki,
                DataEncryption::Aes256Gcm,
                KeyTransport::RSA_OAEP_MGF1P,
                r,
            )
            .unwrap()
        };
        assert_eq!(run(&randomness(5)), run(&randomness(5)));
        assert_ne!(run(&randomness(5)), run(&randomness(6)));
        assert_eq!(
            encrypt_assertion(
                ASSERTION,
                &spki,
                DataEncryption::Aes256Gcm,
                KeyTransport::RSA_OAEP_MGF1P,
                &[0; 31]
            ),
            Err(EncryptError::NotEnoughRandomness(31))
        );
    }

    #[test]
    fn the_wrong_private_key_gets_the_uniform_error() {
        let other = DecryptionKey::from_pem(OTHER_KEY).unwrap();
        for data in DataEncryption::ALL {
            for transport in TRANSPORTS {
                let xml = encrypt(data, transport);
                assert_eq!(
                    decrypt_with(&xml, &other, &XencRules::default()),
                    Err(XencError::DecryptionFailed),
                    "{data:?} {transport:?}"
                );
            }
        }
    }

    /// Replaces the `n`th CipherValue (0 = the EncryptedKey's, 1 = the content) after `f` edits
    /// its decoded bytes.
    fn edit_cipher_value(xml: &str, n: usize, f: impl FnOnce(&mut Vec<u8>)) -> String {
        let open = "<xenc:CipherValue>";
        let start = xml.match_indices(open).nth(n).unwrap().0 + open.len();
        let end = start + xml[start..].find("</xenc:CipherValue>").unwrap();
        let b64 = base64::engine::general_purpose::STANDARD;
        let mut bytes = b64.decode(&xml[start..end]).unwrap();
        f(&mut bytes);
        format!("{}{}{}", &xml[..start], b64.encode(bytes), &xml[end..])
    }

    #[test]
    fn every_tampering_gets_the_same_error_and_message() {
        let message = XencError::DecryptionFailed.to_string();
        let mut cases = 0;
        for data in DataEncryption::ALL {
            let xml = encrypt(data, KeyTransport::RSA_OAEP_SHA256);
            let tampered: Vec<(&str, String)> = vec![
                ("content: IV", edit_cipher_value(&xml, 1, |b| b[0] ^= 0x01)),
                (
                    "content: middle",
                    edit_cipher_value(&xml, 1, |b| {
                        let m = b.len() / 2;
                        b[m] ^= 0x80;
                    }),
                ),
                (
                    "content: last byte (tag / padding)",
                    edit_cipher_value(&xml, 1, |b| {
                        *b.last_mut().unwrap() ^= 0x01;
                    }),
                ),
                (
                    "content: truncated",
                    edit_cipher_value(&xml, 1, |b| b.truncate(20)),
                ),
                (
                    "content: one block short",
                    edit_cipher_value(&xml, 1, |b| b.truncate(b.len() - 16)),
                ),
                ("content: empty", edit_cipher_value(&xml, 1, Vec::clear)),
                (
                    "key: flipped bit",
                    edit_cipher_value(&xml, 0, |b| b[10] ^= 0x04),
                ),
                (
                    "key: truncated",
                    edit_cipher_value(&xml, 0, |b| b.truncate(255)),
                ),
                (
                    "key: zero",
                    edit_cipher_value(&xml, 0, |b| b.iter_mut().for_each(|x| *x = 0)),
                ),
                ("key: empty", edit_cipher_value(&xml, 0, Vec::clear)),
            ];
            for (what, bad) in tampered {
                let err = decrypt(&bad).expect_err(what);
                assert_eq!(err, XencError::DecryptionFailed, "{data:?} {what}");
                assert_eq!(err.to_string(), message, "{data:?} {what}");
                cases += 1;
            }
        }
        assert_eq!(cases, 40);
    }

    #[test]
    fn a_content_key_of_the_wrong_size_is_the_uniform_error() {
        // An AES-128 key under an aes256-gcm EncryptionMethod: unwraps fine, then must fail alike.
        let xml = encrypt(DataEncryption::Aes128Gcm, KeyTransport::RSA_OAEP_MGF1P).replace(
            DataEncryption::Aes128Gcm.as_uri(),
            DataEncryption::Aes256Gcm.as_uri(),
        );
        assert_eq!(decrypt(&xml), Err(XencError::DecryptionFailed));
    }

    #[test]
    fn rsa_pkcs1_v15_key_transport_is_refused() {
        let xml = encrypt(DataEncryption::Aes256Gcm, KeyTransport::RSA_OAEP_MGF1P).replace(
            KeyTransport::RSA_OAEP_MGF1P.as_uri(),
            "http://www.w3.org/2001/04/xmlenc#rsa-1_5",
        );
        let err = decrypt(&xml).unwrap_err();
        assert!(
            matches!(&err, XencError::Refused { uri, .. } if uri.ends_with("#rsa-1_5")),
            "{err:?}"
        );
        assert!(err.to_string().contains("Bleichenbacher"), "{err}");
    }

    #[test]
    fn unknown_algorithms_are_typed_errors() {
        let xml = encrypt(DataEncryption::Aes256Gcm, KeyTransport::RSA_OAEP_MGF1P);
        let cases = [
            (
                DataEncryption::Aes256Gcm.as_uri(),
                "http://www.w3.org/2001/04/xmlenc#tripledes-cbc",
            ),
            (
                DataEncryption::Aes256Gcm.as_uri(),
                "http://www.w3.org/2009/xmlenc11#aes192-gcm",
            ),
            (
                KeyTransport::RSA_OAEP_MGF1P.as_uri(),
                "http://www.w3.org/2001/04/xmlenc#kw-aes256",
            ),
            (
                "http://www.w3.org/2000/09/xmldsig#sha1",
                "http://www.w3.org/2001/04/xmldsig-more#md5",
            ),
        ];
        for (from, to) in cases {
            let err = decrypt(&xml.replace(from, to)).unwrap_err();
            assert!(
                matches!(&err, XencError::Refused { uri, .. } | XencError::Unsupported { uri, .. } if uri == to),
                "{to}: {err:?}"
            );
        }
    }

    #[test]
    fn cbc_is_refused_when_the_policy_disallows_it() {
        let strict = XencRules { allow_cbc: false };
        for data in DataEncryption::ALL {
            let xml = encrypt(data, KeyTransport::RSA_OAEP_MGF1P);
            let out = decrypt_with(&xml, &sp_key(), &strict);
            if data.is_cbc() {
                let err = out.unwrap_err();
                assert!(matches!(err, XencError::Refused { .. }), "{err:?}");
                assert!(err.to_string().contains("padding oracle"), "{err}");
            } else {
                assert!(out.unwrap().weak.is_empty());
            }
        }
    }

    #[test]
    fn namespaces_of_the_response_reach_the_standalone_plaintext() {
        // The EncryptedAssertion sits in a context with a default namespace and extra prefixes;
        // decrypted in place the Assertion would see them all, so the standalone text carries them.
        // (Plaintext that *needs* them to parse — undeclared prefixes — is covered by the xmlsec1
        // interop test and the unit tests in xenc::decrypt.)
        let scope = r#"xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#;
        let encrypted = encrypt_assertion(
            ASSERTION,
            &sp_spki(),
            DataEncryption::Aes128Gcm,
            KeyTransport::RSA_OAEP_MGF1P,
            &randomness(9),
        )
        .unwrap();
        let xml = format!(
            r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" {scope} xmlns="urn:example:default" ID="_r"><x:Wrapper xmlns:x="urn:x">{encrypted}</x:Wrapper></samlp:Response>"#
        );
        let out = decrypt(&xml).unwrap();
        let doc = parse(out.xml.as_bytes()).unwrap();
        let root = doc.element(doc.root()).unwrap();
        // Every binding in scope at EncryptedAssertion is on the plaintext root now.
        let declared: Vec<(Option<&str>, &str)> = root
            .ns_decls
            .iter()
            .map(|d| (d.prefix.as_deref(), &*d.uri))
            .collect();
        for want in [
            (Some("samlp"), "urn:oasis:names:tc:SAML:2.0:protocol"),
            (Some("x"), "urn:x"),
            (None, "urn:example:default"),
            (Some("saml2"), "urn:oasis:names:tc:SAML:2.0:assertion"),
            (Some("xs"), "http://www.w3.org/2001/XMLSchema"),
        ] {
            assert!(declared.contains(&want), "{want:?} not in {declared:?}");
        }
        // Declared once each (the root's own declarations are not duplicated).
        assert_eq!(out.xml.matches("xmlns:saml2=").count(), 1, "{}", out.xml);
    }

    #[test]
    fn structure_errors_are_specific() {
        let good = encrypt_assertion(
            ASSERTION,
            &sp_spki(),
            DataEncryption::Aes256Gcm,
            KeyTransport::RSA_OAEP_MGF1P,
            &randomness(3),
        )
        .unwrap();
        let data_start = good.find("<xenc:EncryptedData").unwrap();
        let data_end = good.find("</saml2:EncryptedAssertion>").unwrap();
        let encrypted_data = &good[data_start..data_end];

        // Two EncryptedData.
        let two = good.replace(encrypted_data, &format!("{encrypted_data}{encrypted_data}"));
        assert_eq!(
            decrypt(&response_with(&two)),
            Err(XencError::Duplicate("EncryptedData"))
        );

        // No EncryptedData at all.
        let none = good.replace(encrypted_data, "");
        assert!(matches!(
            decrypt(&response_with(&none)),
            Err(XencError::Missing {
                missing: "EncryptedData",
                ..
            })
        ));

        // A Type other than Element (e.g. Content).
        let content = good.replace("xmlenc#Element", "xmlenc#Content");
        assert!(matches!(
            decrypt(&response_with(&content)),
            Err(XencError::WrongType(_))
        ));

        // No EncryptedKey anywhere.
        let ks = good.find("<ds:KeyInfo").unwrap();
        let ke = good.find("</ds:KeyInfo>").unwrap() + "</ds:KeyInfo>".len();
        let keyless = format!("{}{}", &good[..ks], &good[ke..]);
        assert!(matches!(
            decrypt(&response_with(&keyless)),
            Err(XencError::Missing {
                missing: "EncryptedKey",
                ..
            })
        ));

        // CipherReference instead of CipherValue: refused (no fetching).
        let reference = good.replacen(
        "<xenc:CipherData><xenc:CipherValue>",
        "<xenc:CipherData><xenc:CipherReference URI=\"https://evil.example/k\"/><xenc:CipherValue>",
        1,
    );
        assert!(matches!(
            decrypt(&response_with(&reference)),
            Err(XencError::Refused { .. })
        ));

        // Not base64.
        let junk = edit_raw_cipher_value(&good, "!!!!");
        assert_eq!(
            decrypt(&response_with(&junk)),
            Err(XencError::Base64("CipherValue"))
        );

        // Over the size limit (decoded > 1 MiB) — refused before decoding.
        let huge = edit_raw_cipher_value(&good, &"A".repeat(1_400_000 + 8));
        assert!(matches!(
            decrypt(&response_with(&huge)),
            Err(XencError::TooLarge {
                element: "CipherValue",
                ..
            })
        ));

        // Called on something other than an EncryptedAssertion.
        let xml = response_with(&good);
        let doc = parse(xml.as_bytes()).unwrap();
        assert!(matches!(
            decrypt_assertion(&doc, doc.root(), &sp_key(), &XencRules::default()),
            Err(XencError::WrongElement { .. })
        ));
    }

    /// Replaces the text of the last CipherValue (the content).
    fn edit_raw_cipher_value(xml: &str, text: &str) -> String {
        let open = "<xenc:CipherValue>";
        let start = xml.rfind(open).unwrap() + open.len();
        let end = start + xml[start..].find("</xenc:CipherValue>").unwrap();
        format!("{}{}{}", &xml[..start], text, &xml[end..])
    }

    #[test]
    fn encrypted_key_as_a_sibling_of_encrypted_data_works() {
        // Shibboleth-style: EncryptedKey after EncryptedData, referenced by a RetrievalMethod.
        let good = encrypt_assertion(
            ASSERTION,
            &sp_spki(),
            DataEncryption::Aes256Gcm,
            KeyTransport::RSA_OAEP_SHA256,
            &randomness(4),
        )
        .unwrap();
        let ks = good.find("<xenc:EncryptedKey>").unwrap();
        let ke = good.find("</xenc:EncryptedKey>").unwrap() + "</xenc:EncryptedKey>".len();
        let key = &good[ks..ke];
        let moved = format!(
        "{}<ds:RetrievalMethod Type=\"http://www.w3.org/2001/04/xmlenc#EncryptedKey\" URI=\"#_k\"/>{}",
        &good[..ks],
        &good[ke..]
    )
    .replace(
        "</xenc:EncryptedData>",
        &format!(
            "</xenc:EncryptedData>{}",
            key.replace(
                "<xenc:EncryptedKey>",
                "<xenc:EncryptedKey xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\" Id=\"_k\">"
            )
            .replace(
                "<ds:DigestMethod",
                "<ds:DigestMethod xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\""
            )
        ),
    );
        let out = decrypt(&response_with(&moved)).unwrap();
        assert_eq!(out.xml, expected_plaintext());
    }

    #[test]
    fn keys_load_from_pem_and_der_and_bad_keys_are_errors() {
        let pem = sp_key();
        let der = base64::engine::general_purpose::STANDARD
            .decode(
                SP_KEY
                    .lines()
                    .filter(|l| !l.starts_with("-----"))
                    .collect::<String>(),
            )
            .unwrap();
        let from_der = DecryptionKey::from_der(&der).unwrap();
        assert_eq!(format!("{pem:?}"), format!("{from_der:?}"));
        assert!(
            !format!("{pem:?}").contains("MII"),
            "Debug must not print key material"
        );
        assert!(matches!(
            DecryptionKey::from_pem("not a key"),
            Err(XencError::Key(_))
        ));
        assert!(matches!(
            DecryptionKey::from_der(&[0x30, 0x00]),
            Err(XencError::Key(_))
        ));
        assert!(matches!(
            encrypt_assertion(
                ASSERTION,
                &[1, 2, 3],
                DataEncryption::Aes256Gcm,
                KeyTransport::RSA_OAEP_MGF1P,
                &randomness(1)
            ),
            Err(EncryptError::Key(_))
        ));
        assert!(matches!(
            encrypt_assertion(
                "<saml2:Response xmlns:saml2=\"urn:x\"/>",
                &sp_spki(),
                DataEncryption::Aes256Gcm,
                KeyTransport::RSA_OAEP_MGF1P,
                &randomness(1)
            ),
            Err(EncryptError::Plaintext(_))
        ));
    }

    #[test]
    fn mangled_input_never_panics() {
        // Deterministic mutations all over the EncryptedAssertion text: delete a byte, duplicate
        // a byte, swap in a special character. Whatever still parses must give a result, not
        // a panic; whatever decrypts must still be the genuine assertion.
        let good = encrypt_assertion(
            ASSERTION,
            &sp_spki(),
            DataEncryption::Aes128Cbc,
            KeyTransport::RSA_OAEP_MGF1P,
            &randomness(8),
        )
        .unwrap();
        let bytes = good.as_bytes();
        let mut parsed = 0;
        for (i, pos) in (0..bytes.len()).step_by(7).enumerate() {
            let mut m = bytes.to_vec();
            match i % 3 {
                0 => {
                    m.remove(pos);
                }
                1 => m.insert(pos, bytes[pos]),
                _ => m[pos] = b"<>\"=/ A+"[i % 8],
            }
            let Ok(text) = String::from_utf8(m) else {
                continue;
            };
            let xml = response_with(&text);
            let Ok(doc) = parse(xml.as_bytes()) else {
                continue;
            };
            let Some(ea) = doc
                .elements()
                .find(|&n| doc.is(n, SAML, "EncryptedAssertion"))
            else {
                continue;
            };
            parsed += 1;
            if let Ok(out) = decrypt_assertion(&doc, ea, &sp_key(), &XencRules::default()) {
                assert!(out.xml.contains("ann@example.com"), "{}", out.xml);
            }
        }
        assert!(parsed > 50, "{parsed}");
    }
}
