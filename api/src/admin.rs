//! The admin API's JSON (`/api/admin/…`): SSO applications, users, user groups, membership and
//! group ↔ application assignments, as a test suite writes and reads them.
//!
//! Field names are JumpCloud's own `applications.config` keys where they are known
//! (`ssoUrl`, `idpEntityId`, `spEntityId`, `acsUrl`, `spCertificate`, `signAssertion`,
//! `signResponse`, `signatureAlgorithm`, `declareRedirectEndpoint`, `databaseAttributes`,
//! `constantAttributes`, `includeGroups`, `groupsAttributeName`, …) and camelCase otherwise; the
//! full table is in `mock-idp/README.md`. Every type refuses unknown fields, so a typo is a 400
//! that names the field instead of a setting silently left at its default. What the server
//! returns is exactly what it accepts: a body read with GET can be sent back with PUT.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One SSO application (a JumpCloud "Custom SAML App" with its SSO-tab fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct App {
    /// The IDP URL label: the app answers at `/saml2/{ssoUrl}`. Like JumpCloud's, it cannot
    /// change after creation.
    pub sso_url: String,
    #[serde(default)]
    pub display_label: Option<String>,
    pub idp_entity_id: String,
    pub sp_entity_id: String,
    /// The ACS URLs (JumpCloud allows several under this one key); the first is the default.
    pub acs_url: Vec<String>,
    /// PEM of the SP's certificate: verifies signed AuthnRequests, and what an encrypted
    /// assertion is encrypted for.
    #[serde(default)]
    pub sp_certificate: Option<String>,
    #[serde(default)]
    pub require_signed_requests: bool,
    #[serde(default)]
    pub allow_sha1_requests: bool,
    #[serde(default)]
    pub encrypt_assertion: bool,
    /// SAMLSubject NameID: the user property put into NameID (default `email`).
    #[serde(default)]
    pub subject_field: Option<String>,
    /// SAMLSubject NameID Format (default `…:1.1:nameid-format:emailAddress`).
    #[serde(default)]
    pub override_name_id_format: Option<String>,
    /// JumpCloud's template default: the assertion is signed.
    #[serde(default = "yes")]
    pub sign_assertion: bool,
    #[serde(default)]
    pub sign_response: bool,
    #[serde(default)]
    pub signature_algorithm: SignatureAlgorithm,
    #[serde(default)]
    pub default_relay_state: Option<String>,
    /// Where the User Portal tile sends the user (forces SP-initiated login when set).
    #[serde(default)]
    pub login_url: Option<String>,
    #[serde(default)]
    pub declare_redirect_endpoint: bool,
    /// User attribute mappings: SAML attribute `name` ← JumpCloud user property `value`.
    #[serde(default)]
    pub database_attributes: Vec<AttributeRow>,
    #[serde(default)]
    pub constant_attributes: Vec<AttributeRow>,
    #[serde(default)]
    pub include_groups: bool,
    #[serde(default)]
    pub groups_attribute_name: Option<String>,
    /// The user groups bound to the app (its "User Groups" tab); everyone else is refused.
    #[serde(default)]
    pub user_groups: Vec<String>,
}

fn yes() -> bool {
    true
}

/// The SSO tab's "Signature Algorithm" dropdown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignatureAlgorithm {
    #[default]
    #[serde(rename = "RSA-SHA256")]
    RsaSha256,
    #[serde(rename = "RSA-SHA1")]
    RsaSha1,
}

/// One attribute row: SAML attribute `name`, and the user property (`databaseAttributes`) or
/// the fixed value (`constantAttributes`) it carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeRow {
    pub name: String,
    pub value: String,
}

/// One user of the directory. The password is write-only: it is never serialized, and a PUT
/// without one keeps the user's current password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct User {
    pub email: String,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub firstname: Option<String>,
    #[serde(default)]
    pub lastname: Option<String>,
    #[serde(default)]
    pub displayname: Option<String>,
    #[serde(default, skip_serializing)]
    pub password: Option<String>,
    /// Custom user attributes, usable in `databaseAttributes` and `subjectField` by name.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

/// One user group and its members (emails).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Group {
    pub name: String,
    #[serde(default)]
    pub members: Vec<String>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code

    use super::*;

    #[test]
    fn an_app_takes_jumpcloud_keys_and_defaults_like_jumpcloud() {
        let a: App = serde_json::from_str(
            r#"{"ssoUrl":"x","idpEntityId":"i","spEntityId":"s","acsUrl":["https://sp/acs"]}"#,
        )
        .unwrap();
        assert!(a.sign_assertion && !a.sign_response);
        assert_eq!(a.signature_algorithm, SignatureAlgorithm::RsaSha256);
        let back: App = serde_json::from_value(serde_json::to_value(&a).unwrap()).unwrap();
        assert_eq!(back, a);
        let err = serde_json::from_str::<App>(
            r#"{"ssoUrl":"x","idpEntityId":"i","spEntityId":"s","acsUrls":["https://sp/acs"]}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("unknown field `acsUrls`"), "{err}");
    }

    #[test]
    fn a_password_is_read_but_never_written() {
        let u: User = serde_json::from_str(r#"{"email":"a@x.com","password":"secret"}"#).unwrap();
        assert_eq!(u.password.as_deref(), Some("secret"));
        let json = serde_json::to_string(&u).unwrap();
        assert!(
            !json.contains("secret") && !json.contains("password"),
            "{json}"
        );
    }
}
