//! Fix hints in the IdP admin's words. For a JumpCloud-issued message the hint names the field
//! of the application's SSO tab in the JumpCloud admin console; otherwise it names the setting
//! generically. Written so an admin can act without knowing SAML.

use crate::checks::CheckId;

/// Whether the message or the configuration says JumpCloud (its IdP Entity IDs are
/// `jumpcloud-<org>` by default; its endpoints live on sso.jumpcloud.com).
pub fn is_jumpcloud(issuer: Option<&str>, idp_entity_id: Option<&str>) -> bool {
    [issuer, idp_entity_id]
        .into_iter()
        .flatten()
        .any(|v| v.to_ascii_lowercase().contains("jumpcloud"))
}

/// The hint for a signature canonicalized with inclusive C14N: valid, but not what SAML core
/// §5.4.3 recommends (it signs the ancestors' namespace context too).
pub const INCLUSIVE_C14N: &str = "Nothing to fix for this login: the signature is valid. If the IdP lets you choose, set its canonicalization to exclusive C14N (http://www.w3.org/2001/10/xml-exc-c14n#), which SAML recommends; inclusive C14N also signs the namespaces declared around the signed element, so an intermediary that re-wraps the message breaks the signature.";

/// The hint for a failed (or warned) check. `expected` is what the SP wants, when known.
pub fn fix(id: CheckId, jumpcloud: bool, expected: Option<&str>) -> Option<String> {
    use CheckId as C;
    let want = |what: &str| match expected {
        Some(v) => format!("{what} must be exactly {v}"),
        None => format!("{what} must match the service provider's setting"),
    };
    let s = match (id, jumpcloud) {
        (C::ConditionsAudience, true) => format!(
            "In JumpCloud, open the application's SSO tab: {} — it is sent as the Audience. Copy it from the service provider's SAML settings (often labelled Entity ID or Audience URI); a trailing slash or http vs https counts.",
            want("SP Entity ID")
        ),
        (C::ConditionsAudience, false) => format!(
            "In the IdP's application settings, {} (the Audience / SP Entity ID the service provider expects).",
            want("the SP Entity ID")
        ),
        (C::ResponseDestination | C::SubjectRecipient, true) => format!(
            "In JumpCloud, open the application's SSO tab: under ACS URLs, {}. It is sent as Destination and Recipient; copy it from the service provider (Assertion Consumer Service / Reply URL).",
            want("the default ACS URL")
        ),
        (C::ResponseDestination | C::SubjectRecipient, false) => format!(
            "In the IdP's application settings, {} (the Assertion Consumer Service URL).",
            want("the ACS URL")
        ),
        (C::ResponseIssuer | C::AssertionIssuer, true) => format!(
            "The IdP Entity ID on JumpCloud's SSO tab and the IdP Entity ID configured in the service provider differ: {}. Change one of them so both say the same (then re-download the metadata if the SP imported it).",
            want("the Issuer")
        ),
        (C::ResponseIssuer | C::AssertionIssuer, false) => format!(
            "The IdP's entity ID and the one configured in the service provider differ: {}.",
            want("the Issuer")
        ),
        (C::SignaturePresent, true) => "In JumpCloud's SSO tab, set Sign to what the service provider requires (Assertion, Response, or Assertion and Response) — \"Assertion and Response\" satisfies every SP.".to_owned(),
        (C::SignaturePresent, false) => "Configure the IdP to sign the Assertion and/or the Response as the service provider requires.".to_owned(),
        (C::SignatureTrusted, true) => "The message is not signed by a certificate the service provider trusts. If the IdP certificate was regenerated in JumpCloud (IDP Certificate on the SSO tab), download the new certificate or metadata and upload it to the service provider; otherwise make sure the SP has this application's certificate, not another app's.".to_owned(),
        (C::SignatureTrusted, false) => "The message is not signed by a certificate the service provider trusts: upload the IdP's current signing certificate (or its metadata) to the service provider.".to_owned(),
        (C::SignatureAlgorithms, true) => "In JumpCloud's SSO tab, set Signature Algorithm to RSA-SHA256.".to_owned(),
        (C::SignatureAlgorithms, false) => "Configure the IdP to sign with RSA-SHA256 and SHA-256 digests.".to_owned(),
        (C::SubjectNameId, true) => "In JumpCloud's SSO tab, check SAMLSubject NameID (usually Email) and that the user has a value in that field.".to_owned(),
        (C::SubjectNameId, false) => "Configure which user field the IdP sends as NameID, and make sure the user has a value in it.".to_owned(),
        (C::SubjectNameIdFormat, true) => "In JumpCloud's SSO tab, set SAMLSubject NameID Format to a standard value (urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress for email) matching what the service provider asks for.".to_owned(),
        (C::SubjectNameIdFormat, false) => "Use a standard NameID format matching what the service provider asks for.".to_owned(),
        (C::SubjectInResponseTo | C::ResponseInResponseTo, true) => "The response answers a different login request. Start the login again from the service provider; if users start from the JumpCloud User Portal tile, either allow IdP-initiated login in the SP or set Login URL in JumpCloud so the tile starts an SP-initiated login.".to_owned(),
        (C::SubjectInResponseTo | C::ResponseInResponseTo, false) => "The response answers a different login request: start the login again from the service provider.".to_owned(),
        (C::ConditionsWindow | C::SubjectConfirmation | C::TimeIssueInstant, _) => "The response is outside its validity window. Check the clocks of the IdP and the service provider (NTP), and that the response is used at once, not saved and replayed.".to_owned(),
        (C::ResponseStatus, true) => "JumpCloud reported an error instead of logging the user in. Check that the user is bound to the application (User Groups on the application) and that the request's settings match the SSO tab.".to_owned(),
        (C::ResponseStatus, false) => "The IdP reported an error instead of logging the user in; its status message says why.".to_owned(),
        (C::MetadataValidUntil, _) => "The metadata's validUntil (or cacheDuration) is past or unreadable: download the metadata again from whoever publishes it (JumpCloud: Export Metadata on the application's SSO tab) and load the fresh copy where the old one was.".to_owned(),
        (C::InputDecode, _) => "Paste what the browser sent to the ACS URL: the SAMLResponse form value (base64, from the browser's network tab or SAML-tracer), the whole XML, or a HAR or SAML-tracer export. A value cut off while copying does not decode.".to_owned(),
        (C::AssertionEncrypted, _) => "The assertion is encrypted: provide the service provider's private key to inspect it.".to_owned(),
        (C::CertificateValidity, true) => "The IdP certificate is expired or about to expire: regenerate it in JumpCloud (IDP Certificate on the SSO tab) and upload the new certificate or metadata to the service provider at the same time.".to_owned(),
        (C::CertificateValidity, false) => "The IdP certificate is expired or about to expire: roll it over at the IdP and the service provider together.".to_owned(),
        (C::AuthnSession, _) => "The IdP's login session for this user has already ended (SessionNotOnOrAfter). Log in again; if it fails right after a fresh login, the clocks of the IdP and the service provider disagree (NTP).".to_owned(),
        (C::ConditionsUnknown, true) => "JumpCloud sends no conditions beyond the audience: this message was not produced by the application as configured (or was altered). Do not accept it; start a new login.".to_owned(),
        (C::ConditionsUnknown, false) => "The assertion carries a condition the service provider cannot evaluate, which makes it invalid (SAML core §2.5.1). Configure the IdP not to add custom conditions to this application's assertions.".to_owned(),
        (C::XmlWellFormed | C::XmlNamespaces, _) => "This is not the XML the IdP sent: it was cut off or changed while copying, or written by hand. Copy the SAMLResponse value again, whole (from the browser's network tab or SAML-tracer), and paste that.".to_owned(),
        (C::XmlDoctype, _) => "No IdP puts a DOCTYPE in a SAML message; one is the mark of an XML attack (external entities, entity expansion). Do not accept this message.".to_owned(),
        (C::XmlProcessingInstruction, _) => "No IdP puts a processing instruction in a SAML message. samlscope refuses them by policy; canonicalization keeps them, so one added after signing also breaks the signature. Do not accept this message.".to_owned(),
        (C::XmlLimits, _) => "The message is far beyond the size or nesting of any real SAML message: treat it as an attack or a wrong file, not as a login.".to_owned(),
        (C::AuthnStatement, _) => "The assertion carries no authentication statement; the IdP must send a normal login response.".to_owned(),
        (C::ValueComments, _) => "A comment inside a signed value is a known attack (comment injection); the message must not be trusted.".to_owned(),
        (C::StructureHiddenAssertion, _) => "An assertion sits where the SAML login profile never reads one; a service provider that takes the first assertion in the document would log in whoever it names. No IdP sends this: do not accept the message, and make sure the service provider reads only the Response's own assertion.".to_owned(),
        (C::StructureMessage | C::StructureAssertionCount | C::StructureSchema | C::StructureSignaturePosition | C::StructureUniqueIds | C::SignatureStructure | C::SignatureReference | C::SignatureTransforms | C::SignatureDigest, _) => "This message was altered after the IdP produced it (or built to attack an SP). Do not accept it; no IdP setting fixes it.".to_owned(),
        _ => return None,
    };
    Some(s)
}
