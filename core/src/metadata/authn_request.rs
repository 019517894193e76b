//! `samlp:AuthnRequest`: what the SP asks for, and the ID to use as the expected InResponseTo.

use super::InspectError;
use crate::saml::ns::{SAML, SAMLP};
use crate::xml::parse;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuthnRequestInfo {
    /// Use it as `--request-id` when checking the response.
    pub id: String,
    pub issuer: Option<String>,
    pub issue_instant: Option<String>,
    pub destination: Option<String>,
    pub acs_url: Option<String>,
    pub protocol_binding: Option<String>,
    pub name_id_policy_format: Option<String>,
    pub allow_create: Option<String>,
    pub force_authn: bool,
    pub is_passive: bool,
    pub signed: bool,
}

pub fn inspect_authn_request(xml: &[u8]) -> Result<AuthnRequestInfo, InspectError> {
    let doc = parse(xml)?;
    let root = doc.root();
    if !doc.is(root, SAMLP, "AuthnRequest") {
        return Err(InspectError::WrongRoot(
            doc.element(root).map(|e| e.qname()).unwrap_or_default(),
            "samlp:AuthnRequest",
        ));
    }
    let el = doc.element(root);
    let attr = |n: &str| el.and_then(|e| e.attr(n)).map(str::to_owned);
    let policy = doc.children_named(root, SAMLP, "NameIDPolicy").next();
    let pattr = |n: &str| {
        policy
            .and_then(|p| doc.element(p))
            .and_then(|e| e.attr(n))
            .map(str::to_owned)
    };
    Ok(AuthnRequestInfo {
        id: attr("ID").unwrap_or_default(),
        issuer: doc
            .children_named(root, SAML, "Issuer")
            .next()
            .map(|i| doc.text(i).trim().to_owned()),
        issue_instant: attr("IssueInstant"),
        destination: attr("Destination"),
        acs_url: attr("AssertionConsumerServiceURL"),
        protocol_binding: attr("ProtocolBinding"),
        name_id_policy_format: pattr("Format"),
        allow_create: pattr("AllowCreate"),
        force_authn: matches!(attr("ForceAuthn").as_deref(), Some("true" | "1")),
        is_passive: matches!(attr("IsPassive").as_deref(), Some("true" | "1")),
        signed: doc
            .children_named(root, crate::saml::ns::DS, "Signature")
            .next()
            .is_some(),
    })
}
