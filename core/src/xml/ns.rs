//! Namespace URIs. Elements are matched by these, never by prefix: the prefix is the sender's
//! choice (Namespaces in XML 1.0 §3).

/// Bound to the `xml` prefix by definition (Namespaces in XML 1.0 §3).
pub const XML: &str = "http://www.w3.org/XML/1998/namespace";
/// Reserved for namespace declarations; never bound to a prefix.
pub const XMLNS: &str = "http://www.w3.org/2000/xmlns/";

pub const SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
pub const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
/// SAML 1.0 and 1.1 assertions share this namespace (saml-core 1.1 §1.2). Only ever looked for
/// to refuse one.
pub const SAML1: &str = "urn:oasis:names:tc:SAML:1.0:assertion";
pub const MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
pub const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
pub const XENC: &str = "http://www.w3.org/2001/04/xmlenc#";
pub const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
