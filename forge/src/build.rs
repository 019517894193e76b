//! Building SAML Responses and IdP metadata as an IdP emits them. IDs and times come from the
//! caller, so the same spec always gives the same bytes.

use samlscope_core::xml::ns::{SAML, SAMLP};
use samlscope_core::xml::{escape_attr, escape_text};

pub const STATUS_SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
pub const NAMEID_EMAIL: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
pub const CM_BEARER: &str = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
pub const ATTRNAME_BASIC: &str = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic";
pub const AC_PASSWORD_PROTECTED: &str =
    "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport";
/// Top-level status: the error was the IdP's side (SAML core §3.2.2.2).
pub const STATUS_RESPONDER: &str = "urn:oasis:names:tc:SAML:2.0:status:Responder";
/// Second-level status: the IdP cannot authenticate without interacting, as an
/// `IsPassive="true"` request demanded (SAML core §3.2.2.2, §3.4.1).
pub const STATUS_NO_PASSIVE: &str = "urn:oasis:names:tc:SAML:2.0:status:NoPassive";

/// Everything that goes into a Web-Browser-SSO Response. Times are xs:dateTime strings
/// (`2026-11-28T12:00:00Z`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseSpec {
    pub response_id: String,
    pub assertion_id: String,
    pub issue_instant: String,
    pub not_before: String,
    pub not_on_or_after: String,
    pub session_not_on_or_after: Option<String>,
    pub idp_entity_id: String,
    pub sp_entity_id: String,
    pub acs_url: String,
    pub in_response_to: Option<String>,
    pub name_id: String,
    pub name_id_format: String,
    pub session_index: String,
    /// `(name, values)`; an attribute with several values (groups) has several AttributeValues.
    pub attributes: Vec<(String, Vec<String>)>,
    /// Top-level status code URI (Success unless testing failures).
    pub status: String,
    /// A second-level status code nested in the top-level one (SAML core §3.2.2.2), e.g.
    /// [`STATUS_NO_PASSIVE`] under [`STATUS_RESPONDER`].
    pub sub_status: Option<String>,
    /// When the user authenticated (the AuthnStatement's AuthnInstant); `None` = the
    /// IssueInstant, as for a response made right at login.
    pub authn_instant: Option<String>,
    /// The AuthnContextClassRef: how the user authenticated.
    pub authn_context_class_ref: String,
}

impl ResponseSpec {
    /// The setup guide's JumpCloud app (org `acmecorp`, app `avoma`, user alice), issued
    /// 2026-11-28T12:00:00Z for five minutes. One definition for tests, benches, examples and
    /// the fuzz corpus, which then change only what they are about.
    pub fn example() -> Self {
        Self {
            response_id: "_r1f0c2d9e8b7a6".into(),
            assertion_id: "_a5e4d3c2b1a09".into(),
            issue_instant: "2026-11-28T12:00:00Z".into(),
            not_before: "2026-11-28T11:55:00Z".into(),
            not_on_or_after: "2026-11-28T12:05:00Z".into(),
            session_not_on_or_after: Some("2026-11-29T12:00:00Z".into()),
            idp_entity_id: "jumpcloud-acmecorp".into(),
            sp_entity_id: "https://app.avoma.com".into(),
            acs_url: "https://prod-api.avoma.com/saml2/acs".into(),
            in_response_to: Some("_req42".into()),
            name_id: "alice@acmecorp.com".into(),
            name_id_format: NAMEID_EMAIL.into(),
            session_index: "_sess1".into(),
            attributes: vec![
                ("email".into(), vec!["alice@acmecorp.com".into()]),
                ("firstname".into(), vec!["Alice".into()]),
                (
                    "groups".into(),
                    vec!["engineering".into(), "sso-admins".into()],
                ),
            ],
            status: STATUS_SUCCESS.into(),
            sub_status: None,
            authn_instant: None,
            authn_context_class_ref: AC_PASSWORD_PROTECTED.into(),
        }
    }
}

/// The assertion element alone (namespaces declared on it, so it can also stand alone).
pub fn assertion_xml(spec: &ResponseSpec) -> String {
    let irt = spec
        .in_response_to
        .as_deref()
        .map(|v| format!(" InResponseTo=\"{}\"", escape_attr(v)))
        .unwrap_or_default();
    let session_end = spec
        .session_not_on_or_after
        .as_deref()
        .map(|v| format!(" SessionNotOnOrAfter=\"{}\"", escape_attr(v)))
        .unwrap_or_default();
    let mut attrs = String::new();
    if !spec.attributes.is_empty() {
        attrs.push_str("<saml2:AttributeStatement>");
        for (name, values) in &spec.attributes {
            attrs.push_str(&format!(
                "<saml2:Attribute Name=\"{}\" NameFormat=\"{ATTRNAME_BASIC}\">",
                escape_attr(name)
            ));
            for v in values {
                attrs.push_str(&format!(
                    "<saml2:AttributeValue xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"xs:string\">{}</saml2:AttributeValue>",
                    escape_text(v)
                ));
            }
            attrs.push_str("</saml2:Attribute>");
        }
        attrs.push_str("</saml2:AttributeStatement>");
    }
    format!(
        concat!(
            "<saml2:Assertion xmlns:saml2=\"{saml}\" ID=\"{aid}\" IssueInstant=\"{ii}\" Version=\"2.0\">",
            "<saml2:Issuer>{idp}</saml2:Issuer>",
            "<saml2:Subject><saml2:NameID Format=\"{nf}\">{nameid}</saml2:NameID>",
            "<saml2:SubjectConfirmation Method=\"{bearer}\">",
            "<saml2:SubjectConfirmationData{irt} NotOnOrAfter=\"{noa}\" Recipient=\"{acs}\"/>",
            "</saml2:SubjectConfirmation></saml2:Subject>",
            "<saml2:Conditions NotBefore=\"{nb}\" NotOnOrAfter=\"{noa}\">",
            "<saml2:AudienceRestriction><saml2:Audience>{aud}</saml2:Audience></saml2:AudienceRestriction>",
            "</saml2:Conditions>",
            "<saml2:AuthnStatement AuthnInstant=\"{ai}\" SessionIndex=\"{si}\"{send}>",
            "<saml2:AuthnContext><saml2:AuthnContextClassRef>{acc}</saml2:AuthnContextClassRef></saml2:AuthnContext>",
            "</saml2:AuthnStatement>{attrs}</saml2:Assertion>"
        ),
        saml = SAML,
        aid = escape_attr(&spec.assertion_id),
        ii = escape_attr(&spec.issue_instant),
        idp = escape_text(&spec.idp_entity_id),
        nf = escape_attr(&spec.name_id_format),
        nameid = escape_text(&spec.name_id),
        bearer = CM_BEARER,
        irt = irt,
        noa = escape_attr(&spec.not_on_or_after),
        acs = escape_attr(&spec.acs_url),
        nb = escape_attr(&spec.not_before),
        aud = escape_text(&spec.sp_entity_id),
        ai = escape_attr(spec.authn_instant.as_deref().unwrap_or(&spec.issue_instant)),
        si = escape_attr(&spec.session_index),
        send = session_end,
        acc = escape_text(&spec.authn_context_class_ref),
        attrs = attrs,
    )
}

/// A complete, unsigned `samlp:Response` carrying one assertion (none for a non-success status).
pub fn response_xml(spec: &ResponseSpec) -> String {
    let irt = spec
        .in_response_to
        .as_deref()
        .map(|v| format!(" InResponseTo=\"{}\"", escape_attr(v)))
        .unwrap_or_default();
    let assertion = if spec.status == STATUS_SUCCESS {
        assertion_xml(spec)
    } else {
        String::new()
    };
    let status = match spec.sub_status.as_deref() {
        None => format!(
            "<saml2p:StatusCode Value=\"{}\"/>",
            escape_attr(&spec.status)
        ),
        Some(sub) => format!(
            "<saml2p:StatusCode Value=\"{}\"><saml2p:StatusCode Value=\"{}\"/></saml2p:StatusCode>",
            escape_attr(&spec.status),
            escape_attr(sub)
        ),
    };
    format!(
        concat!(
            "<saml2p:Response xmlns:saml2p=\"{samlp}\" Destination=\"{acs}\" ID=\"{rid}\"{irt} IssueInstant=\"{ii}\" Version=\"2.0\">",
            "<saml2:Issuer xmlns:saml2=\"{saml}\">{idp}</saml2:Issuer>",
            "<saml2p:Status>{status}</saml2p:Status>",
            "{assertion}</saml2p:Response>"
        ),
        samlp = SAMLP,
        saml = SAML,
        acs = escape_attr(&spec.acs_url),
        rid = escape_attr(&spec.response_id),
        irt = irt,
        ii = escape_attr(&spec.issue_instant),
        idp = escape_text(&spec.idp_entity_id),
        status = status,
        assertion = assertion,
    )
}

/// IdP metadata shaped like JumpCloud's Metadata URL: `md:` prefix, WantAuthnRequestsSigned
/// false, one signing certificate, HTTP-Redirect (only when declared) before HTTP-POST, no SLO.
pub fn idp_metadata_xml(
    entity_id: &str,
    sso_url: &str,
    certificate_base64: &str,
    declare_redirect: bool,
    name_id_format: &str,
) -> String {
    let redirect = if declare_redirect {
        format!(
            "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"{}\"/>",
            escape_attr(sso_url)
        )
    } else {
        String::new()
    };
    format!(
        concat!(
            "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"{eid}\">",
            "<md:IDPSSODescriptor WantAuthnRequestsSigned=\"false\" protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">",
            "<md:KeyDescriptor use=\"signing\"><ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>",
            "<md:NameIDFormat>{nf}</md:NameIDFormat>",
            "{redirect}<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"{sso}\"/>",
            "</md:IDPSSODescriptor></md:EntityDescriptor>"
        ),
        eid = escape_attr(entity_id),
        cert = certificate_base64,
        nf = escape_text(name_id_format),
        redirect = redirect,
        sso = escape_attr(sso_url),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
    use super::*;
    use sha2::Digest as _;

    #[test]
    fn the_example_keeps_its_bytes() {
        // SHA-256 of `response_xml(&ResponseSpec::example())` before the session fields
        // (sub_status, authn_instant, authn_context_class_ref) existed: their defaults must not
        // move a byte, as tests, benches and the fuzz corpus compare against it.
        let xml = response_xml(&ResponseSpec::example());
        assert_eq!(xml.len(), 2634);
        let digest = sha2::Sha256::digest(xml.as_bytes());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "d15a748fe34a5b5e70411e18e579cf6aedc1443d0b73579f0e340e03cd2048aa"
        );
    }

    #[test]
    fn authn_statement_follows_the_session() {
        let spec = ResponseSpec {
            authn_instant: Some("2026-11-28T11:00:00Z".into()),
            authn_context_class_ref: "https://refeds.org/profile/mfa".into(),
            ..ResponseSpec::example()
        };
        let xml = response_xml(&spec);
        assert!(xml.contains(
            "<saml2:AuthnStatement AuthnInstant=\"2026-11-28T11:00:00Z\" SessionIndex=\"_sess1\" SessionNotOnOrAfter=\"2026-11-29T12:00:00Z\"><saml2:AuthnContext><saml2:AuthnContextClassRef>https://refeds.org/profile/mfa</saml2:AuthnContextClassRef>"
        ));
        assert!(xml.contains("IssueInstant=\"2026-11-28T12:00:00Z\""));
    }

    #[test]
    fn a_second_level_status_nests_and_drops_the_assertion() {
        let spec = ResponseSpec {
            status: STATUS_RESPONDER.into(),
            sub_status: Some(STATUS_NO_PASSIVE.into()),
            ..ResponseSpec::example()
        };
        let xml = response_xml(&spec);
        assert!(xml.contains(
            "<saml2p:Status><saml2p:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Responder\"><saml2p:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:NoPassive\"/></saml2p:StatusCode></saml2p:Status>"
        ));
        assert!(!xml.contains("Assertion"));
        assert!(xml.contains("InResponseTo=\"_req42\""));
    }
}
