//! `samlp:AuthnRequest`: what the SP asks for, and the ID to use as the expected InResponseTo.

use super::{Binding, InspectError};
use crate::checks::CheckId;
use crate::report::{Check, SignedRegion, Status};
use crate::trust::TrustStore;
use crate::xml::ns::{SAML, SAMLP};
use crate::xml::{Document, parse};

use super::request_signature::{self, RedirectSignature, RequestPolicy};

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
    /// An enveloped XML signature (POST binding). A Redirect-binding signature travels in the
    /// query string, not the XML: see `decode::Decoded::signature`.
    pub signed: bool,
    /// What the verified request signature covers (set by [`verify_authn_request`] when
    /// `request.signature` verified; `None` otherwise, and always from
    /// [`inspect_authn_request`], which verifies nothing).
    pub signed_region: Option<SignedRegion>,
    /// Lints, each a pass, warn or fail with a hint.
    pub lints: Vec<Check>,
}

impl AuthnRequestInfo {
    /// Whether any lint failed.
    pub fn has_failures(&self) -> bool {
        self.lints.iter().any(|c| c.status == Status::Fail)
    }
}

pub fn inspect_authn_request(xml: &[u8]) -> Result<AuthnRequestInfo, InspectError> {
    read(&parse(xml)?)
}

/// [`inspect_authn_request`] plus the `request.signature` check (last in `lints`): the request's
/// signature, the query string's (`redirect`) or else its XML signature, verified as the IdP
/// would (JumpCloud: the SP Certificate field) with the keys of `sp_trust` that belong to the
/// SP named by the request's `Issuer` (or to no SP in particular), under `policy`.
pub fn verify_authn_request(
    xml: &[u8],
    redirect: Option<RedirectSignature<'_>>,
    sp_trust: &TrustStore,
    policy: &RequestPolicy,
) -> Result<AuthnRequestInfo, InspectError> {
    let doc = parse(xml)?;
    let mut info = read(&doc)?;
    let issuer = info.issuer.as_deref().filter(|i| !i.is_empty());
    let (check, region) =
        request_signature::check(&doc, doc.root(), issuer, redirect, sp_trust, policy);
    info.lints.push(check);
    info.signed_region = region;
    Ok(info)
}

fn read(doc: &Document) -> Result<AuthnRequestInfo, InspectError> {
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
    let mut info = AuthnRequestInfo {
        id: attr("ID").unwrap_or_default(),
        issuer: doc
            .children_named(root, SAML, "Issuer")
            .next()
            .map(|i| doc.text_cow(i).trim().to_owned()),
        issue_instant: attr("IssueInstant"),
        destination: attr("Destination"),
        acs_url: attr("AssertionConsumerServiceURL"),
        protocol_binding: attr("ProtocolBinding"),
        name_id_policy_format: pattr("Format"),
        allow_create: pattr("AllowCreate"),
        force_authn: matches!(attr("ForceAuthn").as_deref(), Some("true" | "1")),
        is_passive: matches!(attr("IsPassive").as_deref(), Some("true" | "1")),
        signed: doc
            .children_named(root, crate::xml::ns::DS, "Signature")
            .next()
            .is_some(),
        signed_region: None,
        lints: Vec::new(),
    };
    info.lints = lint(&info);
    Ok(info)
}

/// `http://` or `https://`, a host, and no whitespace.
fn is_absolute_http_url(u: &str) -> bool {
    let rest = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty() && !u.contains(|c: char| c.is_whitespace())
    })
}

fn lint(info: &AuthnRequestInfo) -> Vec<Check> {
    let mut out = Vec::new();
    // The response's InResponseTo must echo this ID (SAML core §3.2.2); without one the SP
    // cannot tie a response to its request, and an xs:ID may not start with a digit.
    let id = info.id.trim();
    out.push(if id.is_empty() {
        Check::fail(CheckId::RequestId, "the AuthnRequest has no ID")
            .fix("The service provider must send a unique ID with every request; check its SAML library settings.")
    } else if !id.starts_with(|c: char| c.is_alphabetic() || c == '_') {
        Check::warn(
            CheckId::RequestId,
            format!("the ID {id:?} is not a valid xs:ID (it must not start with a digit or symbol); strict IdPs refuse it"),
        )
        .found(id)
    } else {
        Check::pass(CheckId::RequestId, "use this ID as --request-id when checking the response").found(id)
    });
    // Web Browser SSO profile §4.1.4.1: the Issuer is required; it is how the IdP finds the app.
    out.push(match info.issuer.as_deref() {
        None | Some("") => Check::fail(CheckId::RequestIssuer, "the AuthnRequest has no Issuer: the IdP cannot tell which application asks")
            .fix("Set the SP entity ID in the service provider; it must equal the SP Entity ID configured at the IdP."),
        Some(i) => Check::pass(CheckId::RequestIssuer, "must equal the SP Entity ID configured at the IdP (JumpCloud: SP Entity ID on the SSO tab)").found(i),
    });
    match info.acs_url.as_deref() {
        None => out.push(Check::pass(
            CheckId::RequestAcsUrl,
            "no ACS URL in the request: the IdP uses the one configured for the application",
        )),
        // An IdP matches the requested ACS URL against the absolute URLs it has configured:
        // anything else (relative, no scheme, spaces) matches none of them.
        Some(u) if !is_absolute_http_url(u) => out.push(
            Check::fail(
                CheckId::RequestAcsUrl,
                "the ACS URL is not an absolute http(s) URL: the IdP cannot match it with the ACS URLs configured for the application and refuses the request",
            )
            .expected("https://<the service provider's host>/<its ACS path>")
            .found(u)
            .fix("Set the ACS URL in the service provider's SAML settings to its full https:// address, the same one configured at the IdP (JumpCloud: ACS URLs on the SSO tab)."),
        ),
        Some(u) if !u.starts_with("https://") => out.push(
            Check::warn(CheckId::RequestAcsUrl, "the ACS URL is not HTTPS: the assertion would travel in clear text")
                .found(u),
        ),
        Some(u) => out.push(
            Check::pass(CheckId::RequestAcsUrl, "must be one of the ACS URLs configured at the IdP (JumpCloud: ACS URLs on the SSO tab)")
                .found(u),
        ),
    }
    if let Some(b) = info.protocol_binding.as_deref()
        && Binding::from_uri(b) != Binding::HttpPost
    {
        out.push(
            Check::warn(
                CheckId::RequestAcsUrl,
                format!("the request asks for the response via {b}; most IdPs (JumpCloud included) only answer with HTTP-POST"),
            )
            .expected(Binding::POST)
            .found(b)
            .fix("Configure the service provider to receive responses with the HTTP-POST binding."),
        );
    }
    out
}
