//! Namespace URIs of SAML 2.0 and XML-DSig. Elements are matched by these, never by prefix.

pub const SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
pub const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
pub const MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
pub const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
pub const XENC: &str = "http://www.w3.org/2001/04/xmlenc#";
pub const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
