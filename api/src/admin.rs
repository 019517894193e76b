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

/// One user of the directory. The password and the TOTP secret are write-only: never serialized,
/// and a PUT without one keeps the user's current one.
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
    /// The TOTP secret of the user's authenticator app (base32, at least 80 bits): with one, a
    /// login needs the current code as well as the password. Write-only, like the password.
    #[serde(default, skip_serializing)]
    pub totp_secret: Option<String>,
    /// Whether the user has TOTP MFA: what a read shows in place of the secret. On a write,
    /// absent or `true` keeps the current secret (`true` for a user without one is refused),
    /// `false` removes it; a PATCH may also remove it with `"totpSecret": null`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa: Option<bool>,
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
    /// Group-inherited custom attributes (name → value): every member has them as user
    /// properties for the applications the group is assigned to. When several such groups
    /// define a name, the one the user was most recently added to wins.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// When each member was added (member email → RFC 3339 time). A member without an entry
    /// came with the configuration, before any timed membership; one added without a time is
    /// added at that moment.
    #[serde(default)]
    pub added: BTreeMap<String, String>,
}

/// The optional body of adding a member (`PUT …/groups/{name}/members/{email}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Membership {
    /// When the user was added (RFC 3339); absent: now. Given for a member already there, it
    /// replaces their time.
    #[serde(default)]
    pub added: Option<String>,
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
    fn a_password_and_a_totp_secret_are_read_but_never_written() {
        let u: User = serde_json::from_str(
            r#"{"email":"a@x.com","password":"secret","totpSecret":"JBSWY3DPEHPK3PXP","mfa":true}"#,
        )
        .unwrap();
        assert_eq!(u.password.as_deref(), Some("secret"));
        assert_eq!(u.totp_secret.as_deref(), Some("JBSWY3DPEHPK3PXP"));
        let json = serde_json::to_string(&u).unwrap();
        assert!(
            !json.contains("secret") && !json.contains("password"),
            "{json}"
        );
        assert!(
            !json.contains("JBSWY3DPEHPK3PXP") && !json.contains("totpSecret"),
            "{json}"
        );
        assert!(json.contains(r#""mfa":true"#), "{json}");
    }
}
