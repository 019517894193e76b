//! Metadata inspection and lints; AuthnRequest inspection; metadata as the trust source.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::jumpcloud_metadata;

use samlscope_core::checks::CheckId as C;
use samlscope_core::metadata::{
    Binding, inspect_authn_request, inspect_metadata, trust_from_metadata,
};
use samlscope_core::report::Status;
use samlscope_core::saml::time::Instant;
use samlscope_core::validate::{Policy, validate};
use samlscope_forge::build::{NAMEID_EMAIL, response_xml};

fn now() -> Instant {
    common::at(common::NOW)
}

fn lint(info: &samlscope_core::metadata::MetadataInfo, id: C) -> Vec<Status> {
    info.lints
        .iter()
        .filter(|c| c.id == id)
        .map(|c| c.status)
        .collect()
}

#[test]
fn reads_jumpcloud_metadata_and_lints_it() {
    let info = inspect_metadata(jumpcloud_metadata(false).as_bytes(), now()).unwrap();
    assert_eq!(info.entity_id, "jumpcloud-acmecorp");
    assert_eq!(info.sso_endpoints.len(), 1);
    assert_eq!(info.sso_endpoints[0].binding, Binding::HttpPost);
    assert_eq!(info.name_id_formats, vec![NAMEID_EMAIL]);
    assert_eq!(info.want_authn_requests_signed, Some(false));
    assert_eq!(info.signing_certificates.len(), 1);
    // JumpCloud's default entity ID is not a URI: a warning naming the console field.
    let e = info
        .lints
        .iter()
        .find(|c| c.id == C::MetadataEntityId)
        .unwrap();
    assert_eq!(e.status, Status::Warn);
    assert!(e.fix.as_deref().unwrap().contains("IdP Entity ID"));
    // POST only: the Declare Redirect Endpoint hint.
    let p = info
        .lints
        .iter()
        .find(|c| c.id == C::MetadataEndpoints)
        .unwrap();
    assert_eq!(p.status, Status::Warn);
    assert!(
        p.fix
            .as_deref()
            .unwrap()
            .contains("Declare Redirect Endpoint")
    );
    assert_eq!(lint(&info, C::MetadataCertificate), vec![Status::Pass]);
    assert!(!info.has_failures());

    let with_redirect = inspect_metadata(jumpcloud_metadata(true).as_bytes(), now()).unwrap();
    assert_eq!(
        lint(&with_redirect, C::MetadataEndpoints),
        vec![Status::Pass]
    );
}

#[test]
fn lints_expired_and_expiring_certificates_and_placeholders() {
    let late = Instant::parse("2124-12-20T00:00:00Z").unwrap().0;
    let info = inspect_metadata(jumpcloud_metadata(true).as_bytes(), late).unwrap();
    assert_eq!(lint(&info, C::MetadataCertificate), vec![Status::Warn]);
    let later = Instant::parse("2130-01-01T00:00:00Z").unwrap().0;
    let info = inspect_metadata(jumpcloud_metadata(true).as_bytes(), later).unwrap();
    assert_eq!(lint(&info, C::MetadataCertificate), vec![Status::Fail]);
    assert!(info.has_failures());

    let placeholder =
        jumpcloud_metadata(true).replace("jumpcloud-acmecorp", "https://example.com/your-idp");
    let info = inspect_metadata(placeholder.as_bytes(), now()).unwrap();
    assert_eq!(lint(&info, C::MetadataEntityId), vec![Status::Fail]);
    let uri = jumpcloud_metadata(true).replace(
        "jumpcloud-acmecorp",
        "https://sso.jumpcloud.com/saml2/avoma",
    );
    let info = inspect_metadata(uri.as_bytes(), now()).unwrap();
    assert_eq!(lint(&info, C::MetadataEntityId), vec![Status::Pass]);

    let start = jumpcloud_metadata(true).find("<md:KeyDescriptor").unwrap();
    let end = jumpcloud_metadata(true)
        .find("</md:KeyDescriptor>")
        .unwrap()
        + "</md:KeyDescriptor>".len();
    let mut no_key = jumpcloud_metadata(true);
    no_key.replace_range(start..end, "");
    let info = inspect_metadata(no_key.as_bytes(), now()).unwrap();
    assert_eq!(lint(&info, C::MetadataCertificate), vec![Status::Fail]);
}

#[test]
fn metadata_is_the_trust_source_for_validation() {
    let (trust, entities) = trust_from_metadata(jumpcloud_metadata(false).as_bytes()).unwrap();
    assert_eq!(entities, ["jumpcloud-acmecorp"]);
    assert_eq!(trust.certificates().len(), 1);
    let spec = common::spec();
    let xml = samlscope_forge::sign::sign_enveloped(
        &response_xml(&spec),
        &spec.assertion_id,
        &common::idp_signer(),
        &Default::default(),
    )
    .unwrap();
    let mut p = Policy::new(trust, now());
    p.idp_entity_id = entities.into_iter().next();
    p.sp_entity_id = Some("https://app.avoma.com".into());
    p.acs_url = Some("https://prod-api.avoma.com/saml2/acs".into());
    let r = validate(xml.as_bytes(), &p);
    assert_eq!(r.verdict.as_str(), "valid", "{:#?}", r.checks);
}

#[test]
fn inspects_authn_requests_and_refuses_other_roots() {
    let req = r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_req42" Version="2.0" IssueInstant="2026-11-28T12:00:00Z" Destination="https://sso.jumpcloud.com/saml2/avoma" AssertionConsumerServiceURL="https://prod-api.avoma.com/saml2/acs" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"><saml:Issuer>https://app.avoma.com</saml:Issuer><samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress" AllowCreate="true"/></samlp:AuthnRequest>"#;
    let info = inspect_authn_request(req.as_bytes()).unwrap();
    assert_eq!(info.id, "_req42");
    assert_eq!(info.issuer.as_deref(), Some("https://app.avoma.com"));
    assert_eq!(
        info.acs_url.as_deref(),
        Some("https://prod-api.avoma.com/saml2/acs")
    );
    assert_eq!(info.name_id_policy_format.as_deref(), Some(NAMEID_EMAIL));
    assert!(!info.signed);
    assert!(inspect_authn_request(jumpcloud_metadata(false).as_bytes()).is_err());
    assert!(inspect_metadata(req.as_bytes(), now()).is_err());
}

#[test]
fn lints_authn_requests() {
    let good = r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_req42" Version="2.0" IssueInstant="2026-11-28T12:00:00Z" AssertionConsumerServiceURL="https://prod-api.avoma.com/saml2/acs" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"><saml:Issuer>https://app.avoma.com</saml:Issuer></samlp:AuthnRequest>"#;
    let info = inspect_authn_request(good.as_bytes()).unwrap();
    assert!(!info.has_failures(), "{:#?}", info.lints);
    assert!(info.lints.iter().all(|c| c.status == Status::Pass));
    let statuses = |xml: &str, id: C| {
        let info = inspect_authn_request(xml.as_bytes()).unwrap();
        info.lints
            .iter()
            .filter(|c| c.id == id)
            .map(|c| c.status)
            .collect::<Vec<_>>()
    };
    let no_issuer = good.replace("<saml:Issuer>https://app.avoma.com</saml:Issuer>", "");
    assert_eq!(statuses(&no_issuer, C::RequestIssuer), vec![Status::Fail]);
    let no_id = good.replace(r#" ID="_req42""#, "");
    assert_eq!(statuses(&no_id, C::RequestId), vec![Status::Fail]);
    let digit_id = good.replace("_req42", "42req");
    assert_eq!(statuses(&digit_id, C::RequestId), vec![Status::Warn]);
    let http = good.replace("https://prod-api", "http://prod-api");
    assert_eq!(statuses(&http, C::RequestAcsUrl), vec![Status::Warn]);
    // An ACS URL no IdP can match with its configured (absolute) ones.
    for acs in [
        "/saml2/acs",
        "prod-api.avoma.com/saml2/acs",
        "https:///saml2/acs",
        "https://prod-api.avoma.com/saml2/acs x",
    ] {
        let bad = good.replace("https://prod-api.avoma.com/saml2/acs", acs);
        assert_eq!(
            statuses(&bad, C::RequestAcsUrl),
            vec![Status::Fail],
            "{acs}"
        );
    }
    let artifact = good.replace("bindings:HTTP-POST", "bindings:HTTP-Artifact");
    assert_eq!(
        statuses(&artifact, C::RequestAcsUrl),
        vec![Status::Pass, Status::Warn]
    );
}

/// An SP's metadata as SPs publish it: a default and a second HTTP-POST ACS, an Artifact one,
/// signed requests with a signing certificate, signed assertions wanted, two NameID formats.
fn sp_metadata(entity_id: &str, acs: &str) -> String {
    let cert = common::cert(common::IDP2_CERT).to_base64();
    format!(
        r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{entity_id}">
  <md:SPSSODescriptor AuthnRequestsSigned="true" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
    {acs}
  </md:SPSSODescriptor>
</md:EntityDescriptor>"#
    )
}

const ACS: &str = concat!(
    r#"<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact" Location="https://app.avoma.com/saml/artifact" index="0"/>"#,
    r#"<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://eu.avoma.com/saml2/acs" index="2"/>"#,
    r#"<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://prod-api.avoma.com/saml2/acs" index="1" isDefault="true"/>"#,
);

/// SP metadata is read into what to type on JumpCloud's SSO tab, field by field.
#[test]
fn sp_metadata_becomes_the_idp_settings() {
    use samlscope_core::metadata::{EntityInfo, inspect_entity, inspect_sp_metadata};
    let xml = sp_metadata("https://app.avoma.com", ACS);
    let info = inspect_sp_metadata(xml.as_bytes(), now()).unwrap();
    assert_eq!(info.entity_id, "https://app.avoma.com");
    assert_eq!(info.acs_endpoints.len(), 3);
    assert_eq!(
        info.default_acs().unwrap().location,
        "https://prod-api.avoma.com/saml2/acs"
    );
    assert_eq!(info.signing_certificates.len(), 1);
    assert!(info.encryption_certificates.is_empty());
    assert!(!info.has_failures(), "{:#?}", info.lints);
    let settings: Vec<(&str, Vec<&str>)> = info
        .idp_settings
        .iter()
        .map(|s| (s.field, s.values.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(
        settings,
        [
            ("SP Entity ID", vec!["https://app.avoma.com"]),
            (
                "ACS URLs",
                vec![
                    "https://prod-api.avoma.com/saml2/acs",
                    "https://eu.avoma.com/saml2/acs"
                ]
            ),
            ("SAMLSubject NameID Format", vec![NAMEID_EMAIL]),
            ("Sign", vec!["Assertion"]),
            (
                "SP Certificate",
                vec![info.signing_certificates[0].subject.as_str()]
            ),
        ]
    );
    // Either role through one entry point.
    assert!(matches!(
        inspect_entity(xml.as_bytes(), now()).unwrap(),
        EntityInfo::ServiceProvider(_)
    ));
    assert!(matches!(
        inspect_entity(jumpcloud_metadata(false).as_bytes(), now()).unwrap(),
        EntityInfo::IdentityProvider(_)
    ));
    let neither = r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="urn:x"/>"#;
    assert!(
        inspect_entity(neither.as_bytes(), now())
            .unwrap_err()
            .to_string()
            .contains("neither an identity provider")
    );
}

/// What breaks a login is a failure with the fix: no POST ACS (JumpCloud posts only), a
/// placeholder entity ID, an expired SP certificate; SP metadata where the IdP's belongs is
/// named as such.
#[test]
fn sp_metadata_lints_and_the_mix_up_with_idp_metadata() {
    use samlscope_core::metadata::inspect_sp_metadata;
    let failed = |xml: &str, at: Instant| -> Vec<(C, String)> {
        inspect_sp_metadata(xml.as_bytes(), at)
            .unwrap()
            .lints
            .into_iter()
            .filter(|c| c.status == Status::Fail)
            .map(|c| (c.id, c.message))
            .collect()
    };
    let artifact_only = r#"<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact" Location="https://app.avoma.com/saml/artifact" index="0"/>"#;
    let f = failed(&sp_metadata("https://app.avoma.com", artifact_only), now());
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, C::MetadataEndpoints);
    assert!(f[0].1.contains("HTTP-POST only"), "{}", f[0].1);
    let f = failed(&sp_metadata("https://sp.example.com", ACS), now());
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].1.contains("placeholder"), "{}", f[0].1);
    // The test certificate is valid until 2126: a century later it has expired.
    let f = failed(
        &sp_metadata("https://app.avoma.com", ACS),
        common::at("2127-01-01T00:00:00Z"),
    );
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(
        f[0].1.contains("signing certificate") && f[0].1.contains("expired"),
        "{}",
        f[0].1
    );
    let http = ACS.replace("https://eu.avoma.com", "http://eu.avoma.com");
    let info = inspect_sp_metadata(
        sp_metadata("https://app.avoma.com", &http).as_bytes(),
        now(),
    )
    .unwrap();
    assert!(
        info.lints
            .iter()
            .any(|c| c.status == Status::Warn && c.message.contains("not HTTPS"))
    );

    let err = trust_from_metadata(sp_metadata("https://app.avoma.com", ACS).as_bytes())
        .unwrap_err()
        .to_string();
    assert!(err.contains("service provider's metadata"), "{err}");
    assert!(err.contains("Export Metadata"), "{err}");
}

/// Every metadata time is parsed strictly and judged under its own check id: an unreadable
/// `validUntil` or `cacheDuration` fails naming the attribute and element, an expired one
/// fails as `metadata.valid_until` (not under the entity ID), wherever it sits — on the entity,
/// the role descriptor or an aggregate around them.
#[test]
fn metadata_times_parse_strictly_under_their_own_check() {
    let md = jumpcloud_metadata(false);
    let entity = |attrs: &str| {
        md.replacen(
            "<md:EntityDescriptor ",
            &format!("<md:EntityDescriptor {attrs} "),
            1,
        )
    };
    let checks = |xml: &str| {
        inspect_metadata(xml.as_bytes(), now())
            .unwrap()
            .lints
            .into_iter()
            .filter(|c| c.id == C::MetadataValidUntil)
            .collect::<Vec<_>>()
    };
    // No time: no lint.
    assert!(checks(&md).is_empty());
    // In the future: a pass saying until when.
    let ok = checks(&entity(
        r#"validUntil="2030-01-01T00:00:00Z" cacheDuration="PT6H""#,
    ));
    assert_eq!(ok.len(), 1, "{ok:?}");
    assert_eq!(ok[0].status, Status::Pass);
    assert!(ok[0].message.contains("2030-01-01T00:00:00Z"), "{ok:?}");
    // Unparseable: a failure naming the field and where it is.
    for (attrs, field) in [
        (r#"validUntil="next tuesday""#, "validUntil"),
        (r#"validUntil="2030-02-30T00:00:00Z""#, "validUntil"),
        (r#"cacheDuration="6 hours""#, "cacheDuration"),
    ] {
        let bad = checks(&entity(attrs));
        assert_eq!(bad.len(), 1, "{attrs}: {bad:?}");
        assert_eq!(bad[0].status, Status::Fail, "{attrs}");
        assert!(bad[0].message.contains(field), "{:?}", bad[0]);
        assert!(
            bad[0].message.contains("<md:EntityDescriptor>"),
            "{:?}",
            bad[0]
        );
        assert!(bad[0].fix.is_some());
    }
    // Expired: its own check, and the entity ID lint is not touched.
    let expired = entity(r#"validUntil="2020-01-01T00:00:00Z""#);
    let e = checks(&expired);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].status, Status::Fail);
    assert!(e[0].message.contains("expired"), "{e:?}");
    let info = inspect_metadata(expired.as_bytes(), now()).unwrap();
    assert_eq!(lint(&info, C::MetadataEntityId), vec![Status::Warn]);
    // On the role descriptor, and on an aggregate around the entity.
    let role = md.replacen(
        "<md:IDPSSODescriptor ",
        r#"<md:IDPSSODescriptor validUntil="2020-01-01T00:00:00Z" "#,
        1,
    );
    assert_eq!(checks(&role)[0].status, Status::Fail);
    let body = md.replacen(r#" xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata""#, "", 1);
    let aggregate = format!(
        r#"<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" validUntil="2020-01-01T00:00:00Z">{body}</md:EntitiesDescriptor>"#
    );
    let a = checks(&aggregate);
    assert_eq!(a.len(), 1, "{a:?}");
    assert!(a[0].message.contains("<md:EntitiesDescriptor>"), "{a:?}");
    assert_eq!(a[0].status, Status::Fail);
}

/// A signing certificate with a key SAML signatures here cannot use fails its lint, named.
#[test]
fn a_non_rsa_signing_certificate_is_named_unsupported() {
    let md = samlscope_forge::build::idp_metadata_xml(
        "https://idp.example.org",
        "https://idp.example.org/sso",
        &common::cert(common::ED25519_CERT).to_base64(),
        false,
        NAMEID_EMAIL,
    );
    let info = inspect_metadata(md.as_bytes(), now()).unwrap();
    let c = info
        .lints
        .iter()
        .find(|c| c.id == C::MetadataCertificate)
        .unwrap();
    assert_eq!(c.status, Status::Fail);
    assert!(c.message.contains("Ed25519"), "{c:?}");
    assert!(
        c.message.contains("not supported for SAML signatures"),
        "{c:?}"
    );
    assert_eq!(
        info.signing_certificates[0].key_algorithm.to_string(),
        "Ed25519"
    );
}

/// An aggregate is read whole: every IdP and SP descriptor of every entity, nested aggregates
/// included, in document order.
#[test]
fn an_aggregate_lists_every_entity_in_order() {
    use samlscope_core::metadata::{EntityInfo, inspect_entities};
    let strip = |xml: String| {
        xml.replace(r#" xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata""#, "")
            .replace(r#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#""#, "")
    };
    let idp = strip(jumpcloud_metadata(false));
    let sp = strip(sp_metadata("https://app.avoma.com", ACS));
    let other_sp = strip(sp_metadata("https://other.avoma.com", ACS));
    let xml = format!(
        r#"<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">{sp}<md:EntitiesDescriptor>{idp}</md:EntitiesDescriptor>{other_sp}</md:EntitiesDescriptor>"#
    );
    let all = inspect_entities(xml.as_bytes(), now()).unwrap();
    let ids: Vec<&str> = all
        .iter()
        .map(|e| match e {
            EntityInfo::IdentityProvider(i) => i.entity_id.as_str(),
            EntityInfo::ServiceProvider(i) => i.entity_id.as_str(),
        })
        .collect();
    assert_eq!(
        ids,
        [
            "https://app.avoma.com",
            "jumpcloud-acmecorp",
            "https://other.avoma.com"
        ]
    );
    // Neither role, or not metadata: the same refusals as for one entity.
    let neither = r#"<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"/>"#;
    assert!(inspect_entities(neither.as_bytes(), now()).is_err());
    assert!(
        inspect_entities(b"<x/>", now())
            .unwrap_err()
            .to_string()
            .contains("<x>")
    );
}
