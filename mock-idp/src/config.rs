//! The IdP's configuration: JumpCloud's data model as an admin sees it in the console — SSO
//! applications with their SSO-tab fields, users, user groups and group ↔ application bindings
//! (reference/jumpcloud.md §1.1). Read from TOML and validated once at start, so a typo is a clear
//! error naming the field instead of a strange response later.

use std::collections::{BTreeMap, HashSet};

use samlscope_core::saml::time::Instant;
use serde::{Deserialize, Serialize};

use crate::totp::{SecretError, TotpSecret};

/// The configuration bundled with the binary: the Avoma setup guide plus the demo SP app.
pub const DEFAULT_TOML: &str = include_str!("default.toml");

/// Placeholder replaced by the server's own URL at start (the demo app's ACS lives there).
pub const BASE_URL_PLACEHOLDER: &str = "{base_url}";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The JumpCloud organisation (informational; shows in pages).
    pub org: String,
    /// Overrides the URL the IdP advertises (metadata, demo SP) when it sits behind a proxy.
    #[serde(default)]
    pub public_url: Option<String>,
    /// Conditions window half-width: NotBefore = now − this, NotOnOrAfter = now + this.
    #[serde(default = "default_window")]
    pub assertion_lifetime_seconds: i64,
    /// How long an IdP session lasts after the user's last authentication: the session cookie's
    /// life and the AuthnStatement's SessionNotOnOrAfter.
    #[serde(default = "default_session")]
    pub session_lifetime_seconds: i64,
    #[serde(default)]
    pub apps: Vec<App>,
    #[serde(default)]
    pub users: Vec<User>,
    #[serde(default)]
    pub groups: Vec<Group>,
    /// The admin API's token (`Authorization: Bearer …` or `x-api-key: …`). Unset: one is
    /// generated at first start and kept in the state directory (`admin-token`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_token: Option<String>,
    /// Accept admin API requests from peers other than loopback. Off: the token alone would
    /// otherwise be all that stands between the network and the directory's passwords.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_remote_admin: bool,
}

/// An admin token's length bounds: below the minimum it can be guessed (16 characters of a
/// random token are ≥ 64 bits); the maximum keeps a header small.
pub const ADMIN_TOKEN_LEN: std::ops::RangeInclusive<usize> = 16..=256;

/// Whether `token` may be an admin token: long enough, and printable ASCII without spaces so it
/// travels unchanged in an HTTP header.
pub fn admin_token_problem(token: &str) -> Option<String> {
    if !ADMIN_TOKEN_LEN.contains(&token.len()) {
        return Some(format!(
            "admin_token must be {} to {} characters long (it has {})",
            ADMIN_TOKEN_LEN.start(),
            ADMIN_TOKEN_LEN.end(),
            token.len()
        ));
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Some("admin_token must be printable ASCII without spaces".into());
    }
    None
}

fn default_window() -> i64 {
    300
}
fn default_session() -> i64 {
    8 * 3600
}

/// Where the enveloped signature goes (the SSO tab's "Sign" radio).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sign {
    Assertion,
    Response,
    Both,
}

impl Sign {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Assertion => "assertion",
            Self::Response => "response",
            Self::Both => "both",
        }
    }
}

/// The SSO tab's "Signature Algorithm" dropdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignatureAlgorithm {
    #[serde(rename = "RSA-SHA256")]
    RsaSha256,
    #[serde(rename = "RSA-SHA1")]
    RsaSha1,
}

/// One "user attribute mapping" row: SAML attribute `name` ← JumpCloud user property `value`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AttributeMapping {
    pub name: String,
    pub value: String,
}

/// One SSO application (a JumpCloud "Custom SAML App").
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct App {
    /// IDP URL label: the app answers at `/saml2/{label}`.
    pub label: String,
    #[serde(default)]
    pub display_label: Option<String>,
    pub idp_entity_id: String,
    pub sp_entity_id: String,
    pub acs_urls: Vec<String>,
    /// PEM of the SP's certificate (JumpCloud: SP Certificate): verifies signed AuthnRequests
    /// (the Redirect query string's signature or the POSTed XML signature) as the key of
    /// `sp_entity_id` only, and is what `encrypt_assertion` encrypts for. With it, a
    /// half-stripped Redirect signature (SigAlg without Signature or the reverse) and a signed
    /// element wrapped in a request are always refused.
    #[serde(default)]
    pub sp_certificate: Option<String>,
    /// Refuse unsigned AuthnRequests (needs `sp_certificate`). Off by default, as JumpCloud's
    /// metadata says `WantAuthnRequestsSigned="false"`; on, a request whose signature was
    /// removed on the way cannot pass for one the SP never signed.
    #[serde(default)]
    pub require_signed_requests: bool,
    /// Accept RSA-SHA1 request signatures. Off by default: SHA-1 signatures can be forged with
    /// chosen-prefix collisions, and `samlscope request` refuses them without `--allow-sha1`.
    #[serde(default)]
    pub allow_sha1_requests: bool,
    /// Send the assertion encrypted for `sp_certificate` (EncryptedAssertion: AES-256-GCM
    /// content, RSA-OAEP key transport), after signing it as `sign` says; a Response signature
    /// then covers the EncryptedAssertion. The demo SP's app needs no `sp_certificate`: the
    /// demo SP has its own key pair.
    #[serde(default)]
    pub encrypt_assertion: bool,
    /// SAMLSubject NameID: the user property put into NameID.
    #[serde(default = "default_name_id_field")]
    pub name_id_field: String,
    /// SAMLSubject NameID Format.
    #[serde(default = "default_name_id_format")]
    pub name_id_format: String,
    #[serde(default = "default_sign")]
    pub sign: Sign,
    #[serde(default = "default_alg")]
    pub signature_algorithm: SignatureAlgorithm,
    #[serde(default)]
    pub default_relay_state: Option<String>,
    /// Where the User Portal tile sends the user (forces SP-initiated login when set).
    #[serde(default)]
    pub login_url: Option<String>,
    #[serde(default)]
    pub declare_redirect_endpoint: bool,
    #[serde(default)]
    pub attributes: Vec<AttributeMapping>,
    #[serde(default)]
    pub constant_attributes: Vec<AttributeMapping>,
    #[serde(default)]
    pub include_group_attribute: bool,
    #[serde(default)]
    pub group_attribute_name: Option<String>,
    /// User groups bound to the app (the "User Groups" tab); everyone else is refused.
    #[serde(default)]
    pub user_groups: Vec<String>,
}

impl App {
    /// How this app's AuthnRequest signatures are judged: the same policy type `samlscope
    /// request` builds from `--allow-unsigned` and `--allow-sha1`.
    pub fn request_policy(&self) -> samlscope_core::metadata::RequestPolicy {
        samlscope_core::metadata::RequestPolicy::new(
            self.require_signed_requests,
            self.allow_sha1_requests,
        )
    }

    /// Whether this app's ACS is this server's demo SP, as the configuration writes it
    /// (`{base_url}/sp/acs`, before the placeholder is replaced).
    pub fn is_demo_sp(&self) -> bool {
        self.acs_urls
            .iter()
            .any(|u| u == &format!("{BASE_URL_PLACEHOLDER}/sp/acs"))
    }
}

pub(crate) fn default_name_id_field() -> String {
    "email".into()
}
pub(crate) fn default_name_id_format() -> String {
    samlscope_forge::build::NAMEID_EMAIL.into()
}
pub(crate) fn default_sign() -> Sign {
    Sign::Assertion
}
pub(crate) fn default_alg() -> SignatureAlgorithm {
    SignatureAlgorithm::RsaSha256
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
    pub password: String,
    /// Custom attributes (JumpCloud "User Attributes"), usable in mappings by name. One set
    /// here beats a group-inherited attribute of the same name (see [`Config::property`]).
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// The TOTP secret (base32, RFC 4648) of the user's authenticator app: with one, a login
    /// needs the current 6-digit code as well as the password (JumpCloud's TOTP MFA).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp_secret: Option<String>,
}

/// The built-in lower-case JumpCloud user properties a mapping may name.
pub const USER_PROPERTIES: &[&str] = &["email", "username", "firstname", "lastname", "displayname"];

impl User {
    /// The value of a JumpCloud user property (built-in or custom); `None` if unset.
    pub fn property(&self, name: &str) -> Option<String> {
        match name {
            "email" => Some(self.email.clone()),
            "username" => self.username.clone(),
            "firstname" => self.firstname.clone(),
            "lastname" => self.lastname.clone(),
            "displayname" => {
                self.displayname
                    .clone()
                    .or_else(|| match (&self.firstname, &self.lastname) {
                        (Some(f), Some(l)) => Some(format!("{f} {l}")),
                        (Some(f), None) => Some(f.clone()),
                        (None, Some(l)) => Some(l.clone()),
                        (None, None) => None,
                    })
            }
            other => self.attributes.get(other).cloned(),
        }
    }

    /// The decoded TOTP secret, if the user has MFA (checked at load, so an error here means the
    /// configuration changed without validation).
    pub fn totp(&self) -> Result<Option<TotpSecret>, SecretError> {
        self.totp_secret
            .as_deref()
            .map(TotpSecret::from_base32)
            .transpose()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub name: String,
    #[serde(default)]
    pub members: Vec<String>,
    /// Group-inherited custom attributes (JumpCloud "Group Inherited User Attributes"): every
    /// member has them as user properties, usable in mappings by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    /// When each member was added to the group (RFC 3339), by member email: decides which
    /// group's attribute wins when several define one name. A member without an entry counts
    /// as added at the configuration's start, before any timed membership (see
    /// [`Config::property`]); set it with [`Group::add_member`].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub added: BTreeMap<String, String>,
}

impl Group {
    pub fn has_member(&self, email: &str) -> bool {
        self.members.iter().any(|m| m.eq_ignore_ascii_case(email))
    }

    /// Adds `email` as added at `when` (what an admin's assignment does "now"); a member
    /// already there keeps their place and time.
    pub fn add_member(&mut self, email: &str, when: Instant) {
        if !self.has_member(email) {
            self.members.push(email.to_owned());
            self.added.insert(email.to_owned(), when.to_rfc3339());
        }
    }

    /// Records `when` as the time `email`, a member, was added, in place of any earlier time
    /// (the key spelled as in `members`).
    pub fn set_added(&mut self, email: &str, when: Instant) {
        let Some(member) = self
            .members
            .iter()
            .find(|m| m.eq_ignore_ascii_case(email))
            .cloned()
        else {
            return;
        };
        self.added.retain(|m, _| !m.eq_ignore_ascii_case(email));
        self.added.insert(member, when.to_rfc3339());
    }

    /// Removes `email` and their added time.
    pub fn remove_member(&mut self, email: &str) {
        self.members.retain(|m| !m.eq_ignore_ascii_case(email));
        self.added.retain(|m, _| !m.eq_ignore_ascii_case(email));
    }

    /// When `email` was added, when recorded.
    fn added_at(&self, email: &str) -> Option<Instant> {
        self.added
            .iter()
            .find(|(m, _)| m.eq_ignore_ascii_case(email))
            .and_then(|(_, t)| Instant::parse(t).ok())
            .map(|(t, _)| t)
    }
}

/// Why a configuration was refused. Each names the place and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration is not valid TOML or has an unknown/missing field: {0}")]
    Parse(String),
    #[error("configuration: {0}")]
    Invalid(String),
}

impl Config {
    /// The bundled default (never fails: it is tested).
    pub fn bundled() -> Result<Self, ConfigError> {
        Self::from_toml(DEFAULT_TOML)
    }

    /// Parses and validates.
    pub fn from_toml(text: &str) -> Result<Self, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError::Parse(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    pub fn app(&self, label: &str) -> Option<&App> {
        self.apps.iter().find(|a| a.label == label)
    }

    pub fn user(&self, email: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|u| u.email.eq_ignore_ascii_case(email))
    }

    /// The names of the user groups `email` belongs to, in configuration order.
    pub fn groups_of(&self, email: &str) -> Vec<String> {
        self.groups
            .iter()
            .filter(|g| g.has_member(email))
            .map(|g| g.name.clone())
            .collect()
    }

    /// A user property as `app`'s mappings see it: built-in, the user's own custom attribute, or
    /// one inherited from a group. JumpCloud: "if there are custom attributes set on two or more
    /// groups that connect a user to an app, the most recently added group attribute will be
    /// applied" (jumpcloud.com/support/group-inherited-user-attributes): so only groups bound to
    /// `app` count, and among those defining `name` the one the user was most recently added to
    /// wins. Added order: a membership with an `added` time is more recent than one without
    /// (those came with the configuration, before any change); among timed ones the later time
    /// wins, and between equal or untimed ones the group later in the configuration. The user's
    /// own custom attribute beats an inherited one, as an attribute set on the person is the
    /// more specific (JumpCloud does not document this case; an assumption).
    pub fn property(&self, user: &User, app: &App, name: &str) -> Option<String> {
        if let Some(v) = user.property(name) {
            return Some(v);
        }
        self.groups
            .iter()
            .enumerate()
            .filter(|(_, g)| app.user_groups.contains(&g.name) && g.has_member(&user.email))
            .filter_map(|(i, g)| {
                g.attributes
                    .get(name)
                    .map(|v| ((g.added_at(&user.email), i), v))
            })
            .max_by(|(a, _), (b, _)| a.cmp(b))
            .map(|(_, v)| v.clone())
    }

    /// JumpCloud denies by default: a user gets a response only through a bound group.
    pub fn is_assigned(&self, app: &App, email: &str) -> bool {
        self.groups_of(email)
            .iter()
            .any(|g| app.user_groups.contains(g))
    }

    /// Replaces `{base_url}` everywhere it may appear (URLs of the demo app).
    pub fn with_base_url(mut self, base_url: &str) -> Self {
        let sub = |s: &mut String| {
            if s.contains(BASE_URL_PLACEHOLDER) {
                *s = s.replace(BASE_URL_PLACEHOLDER, base_url);
            }
        };
        for app in &mut self.apps {
            sub(&mut app.idp_entity_id);
            sub(&mut app.sp_entity_id);
            app.acs_urls.iter_mut().for_each(sub);
            if let Some(v) = app.default_relay_state.as_mut() {
                sub(v);
            }
            if let Some(v) = app.login_url.as_mut() {
                sub(v);
            }
        }
        self
    }

    /// Every rule an admin could break, checked once.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let bad = |m: String| Err(ConfigError::Invalid(m));
        if self.assertion_lifetime_seconds <= 0 || self.session_lifetime_seconds <= 0 {
            return bad(
                "assertion_lifetime_seconds and session_lifetime_seconds must be > 0".into(),
            );
        }
        if let Some(url) = &self.public_url
            && !is_http_url(url)
        {
            return bad(format!(
                "public_url {url:?} must start with http:// or https://"
            ));
        }
        if let Some(problem) = self.admin_token.as_deref().and_then(admin_token_problem) {
            return bad(problem);
        }
        let mut emails = HashSet::new();
        for u in &self.users {
            let e = u.email.to_ascii_lowercase();
            if !e.contains('@') {
                return bad(format!("user email {:?} is not an email address", u.email));
            }
            if !emails.insert(e) {
                return bad(format!("user {:?} is defined twice", u.email));
            }
            if let Err(e) = u.totp() {
                return bad(format!("user {:?}: totp_secret {e}", u.email));
            }
        }
        let mut groups = HashSet::new();
        for g in &self.groups {
            if g.name.trim().is_empty() {
                return bad("a user group has an empty name".into());
            }
            if !groups.insert(g.name.as_str()) {
                return bad(format!("user group {:?} is defined twice", g.name));
            }
            for m in &g.members {
                if !emails.contains(&m.to_ascii_lowercase()) {
                    return bad(format!(
                        "user group {:?} lists member {m:?}, who is not in [[users]]",
                        g.name
                    ));
                }
            }
            for (m, t) in &g.added {
                if !g.has_member(m) {
                    return bad(format!(
                        "user group {:?}: added names {m:?}, who is not in its members",
                        g.name
                    ));
                }
                if Instant::parse(t).is_err() {
                    return bad(format!(
                        "user group {:?}: added time {t:?} of {m:?} is not an RFC 3339 time (e.g. 2026-01-31T09:00:00Z)",
                        g.name
                    ));
                }
            }
            if g.attributes.keys().any(|k| k.trim().is_empty()) {
                return bad(format!(
                    "user group {:?} has an attribute with an empty name",
                    g.name
                ));
            }
        }
        // A mapping may name a property that only groups define (group-inherited attributes).
        let known_property = |p: &str| {
            USER_PROPERTIES.contains(&p)
                || self.users.iter().any(|u| u.attributes.contains_key(p))
                || self.groups.iter().any(|g| g.attributes.contains_key(p))
        };
        let mut labels = HashSet::new();
        for app in &self.apps {
            let l = &app.label;
            let where_ = format!("app {l:?}");
            if l.is_empty()
                || !l
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            {
                return bad(format!(
                    "{where_}: label (the IDP URL label) must be non-empty and use only letters, digits, '-', '_', '.'"
                ));
            }
            if !labels.insert(l.as_str()) {
                return bad(format!("{where_} is defined twice"));
            }
            if app.idp_entity_id.trim().is_empty() {
                return bad(format!("{where_}: idp_entity_id (IdP Entity ID) is empty"));
            }
            if app.sp_entity_id.trim().is_empty() {
                return bad(format!("{where_}: sp_entity_id (SP Entity ID) is empty"));
            }
            if app.acs_urls.is_empty() {
                return bad(format!(
                    "{where_}: acs_urls (ACS URLs) needs at least one URL"
                ));
            }
            for acs in &app.acs_urls {
                if !is_http_url(acs) && !acs.contains(BASE_URL_PLACEHOLDER) {
                    return bad(format!(
                        "{where_}: ACS URL {acs:?} must start with http:// or https://"
                    ));
                }
            }
            if !known_property(&app.name_id_field) {
                return bad(format!(
                    "{where_}: name_id_field {:?} is not a user property (one of {} or a custom user attribute)",
                    app.name_id_field,
                    USER_PROPERTIES.join(", ")
                ));
            }
            if !app.name_id_format.starts_with("urn:") {
                return bad(format!(
                    "{where_}: name_id_format {:?} is not a URN",
                    app.name_id_format
                ));
            }
            for m in &app.attributes {
                if m.name.trim().is_empty() {
                    return bad(format!("{where_}: an attribute mapping has an empty name"));
                }
                if !known_property(&m.value) {
                    return bad(format!(
                        "{where_}: attribute {:?} maps user property {:?}, which no user or group has (built-in: {})",
                        m.name,
                        m.value,
                        USER_PROPERTIES.join(", ")
                    ));
                }
            }
            if app
                .constant_attributes
                .iter()
                .any(|m| m.name.trim().is_empty())
            {
                return bad(format!("{where_}: a constant attribute has an empty name"));
            }
            if app.include_group_attribute
                && app
                    .group_attribute_name
                    .as_deref()
                    .is_none_or(|n| n.trim().is_empty())
            {
                return bad(format!(
                    "{where_}: include_group_attribute is set but group_attribute_name is empty"
                ));
            }
            for g in &app.user_groups {
                if !groups.contains(g.as_str()) {
                    return bad(format!(
                        "{where_}: bound user group {g:?} is not in [[groups]]"
                    ));
                }
            }
            if let Some(pem) = &app.sp_certificate
                && samlscope_core::trust::Certificate::all_from_pem(pem)
                    .map(|v| v.is_empty())
                    .unwrap_or(true)
            {
                return bad(format!("{where_}: sp_certificate is not a PEM certificate"));
            }
            if app.require_signed_requests && app.sp_certificate.is_none() {
                return bad(format!(
                    "{where_}: require_signed_requests needs sp_certificate (the certificate the SP's requests are verified with)"
                ));
            }
            if app.encrypt_assertion && app.sp_certificate.is_none() && !app.is_demo_sp() {
                return bad(format!(
                    "{where_}: encrypt_assertion needs sp_certificate (the certificate to encrypt for)"
                ));
            }
        }
        Ok(())
    }
}

fn is_http_url(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
    use super::*;

    #[test]
    fn bundled_config_reproduces_the_setup_guide() {
        let c = Config::bundled().unwrap();
        assert_eq!(c.org, "acmecorp");
        let a = c.app("avoma").unwrap();
        assert_eq!(a.idp_entity_id, "jumpcloud-acmecorp");
        assert_eq!(a.sp_entity_id, "https://app.avoma.com");
        assert_eq!(a.acs_urls, vec!["https://prod-api.avoma.com/saml2/acs"]);
        assert_eq!(a.sign, Sign::Both);
        assert!(a.declare_redirect_endpoint);
        assert!(c.is_assigned(a, "alice@acmecorp.com"));
        assert!(!c.is_assigned(a, "mallory@acmecorp.com"));
        let c = c.with_base_url("http://127.0.0.1:1");
        assert_eq!(
            c.app("demo-sp").unwrap().acs_urls,
            vec!["http://127.0.0.1:1/sp/acs"]
        );
    }

    #[test]
    fn invalid_configs_are_clear_errors() {
        let cases = [
            ("org = 1", "not valid TOML"),
            ("org = \"x\"\nbogus = 1", "unknown field"),
            (
                "org='x'\n[[apps]]\nlabel='a b'\nidp_entity_id='i'\nsp_entity_id='s'\nacs_urls=['https://x']",
                "label",
            ),
            (
                "org='x'\n[[apps]]\nlabel='a'\nidp_entity_id='i'\nsp_entity_id='s'\nacs_urls=[]",
                "ACS URLs",
            ),
            (
                "org='x'\n[[apps]]\nlabel='a'\nidp_entity_id='i'\nsp_entity_id='s'\nacs_urls=['ftp://x']",
                "must start with http",
            ),
            (
                "org='x'\n[[apps]]\nlabel='a'\nidp_entity_id='i'\nsp_entity_id='s'\nacs_urls=['https://x']\nsign='nope'",
                "unknown variant",
            ),
            (
                "org='x'\n[[apps]]\nlabel='a'\nidp_entity_id='i'\nsp_entity_id='s'\nacs_urls=['https://x']\nuser_groups=['g']",
                "not in [[groups]]",
            ),
            (
                "org='x'\n[[apps]]\nlabel='a'\nidp_entity_id='i'\nsp_entity_id='s'\nacs_urls=['https://x']\nattributes=[{name='n',value='shoesize'}]",
                "shoesize",
            ),
            (
                "org='x'\n[[groups]]\nname='g'\nmembers=['nobody@x.com']",
                "not in [[users]]",
            ),
            (
                "org='x'\n[[apps]]\nlabel='a'\nidp_entity_id='i'\nsp_entity_id='s'\nacs_urls=['https://x']\nencrypt_assertion=true",
                "encrypt_assertion needs sp_certificate",
            ),
            (
                "org='x'\n[[apps]]\nlabel='a'\nidp_entity_id='i'\nsp_entity_id='s'\nacs_urls=['https://x']\nrequire_signed_requests=true",
                "require_signed_requests needs sp_certificate",
            ),
        ];
        let user = "org='x'\n[[users]]\nemail='m@x.com'\npassword='p'\n";
        let more = [
            (
                format!("{user}totp_secret='JBSWY3DP'"),
                "user \"m@x.com\": totp_secret is 40 bits long",
            ),
            (
                format!("{user}totp_secret='JBSWY3DPEHPK3PX!'"),
                "user \"m@x.com\": totp_secret is not base32",
            ),
            (
                format!(
                    "{user}[[groups]]\nname='g'\nmembers=['m@x.com']\nadded={{'o@x.com'='2026-01-01T00:00:00Z'}}"
                ),
                "added names \"o@x.com\", who is not in its members",
            ),
            (
                format!(
                    "{user}[[groups]]\nname='g'\nmembers=['m@x.com']\nadded={{'m@x.com'='yesterday'}}"
                ),
                "is not an RFC 3339 time",
            ),
        ];
        for (text, needle) in more {
            let err = Config::from_toml(&text).unwrap_err().to_string();
            assert!(err.contains(needle), "{text:?}: {err}");
        }
        // The demo SP's app needs none: the demo SP has its own key pair.
        let demo = "org='x'\n[[apps]]\nlabel='a'\nidp_entity_id='i'\nsp_entity_id='s'\nacs_urls=['{base_url}/sp/acs']\nencrypt_assertion=true";
        assert!(Config::from_toml(demo).is_ok());
        for (text, needle) in cases {
            let err = Config::from_toml(text).unwrap_err().to_string();
            assert!(err.contains(needle), "{text:?}: {err}");
        }
    }

    /// Groups `a`, `b`, `c` (in that order) all define `team`; `c` is not bound to the app.
    fn inherited(added_a: Option<&str>, added_b: Option<&str>, own: bool) -> Config {
        let added = |t: Option<&str>| {
            t.map(|t| format!("added = {{ 'u@x.com' = '{t}' }}\n"))
                .unwrap_or_default()
        };
        let own = if own {
            "attributes = { team = 'mine' }\n"
        } else {
            ""
        };
        Config::from_toml(&format!(
            "org='x'\n[[apps]]\nlabel='app'\nidp_entity_id='i'\nsp_entity_id='s'\nacs_urls=['https://x']\nuser_groups=['a','b']\nattributes=[{{name='team',value='team'}}]\n\
             [[users]]\nemail='u@x.com'\npassword='p'\n{own}\
             [[groups]]\nname='a'\nmembers=['u@x.com']\nattributes={{team='A'}}\n{}\
             [[groups]]\nname='b'\nmembers=['u@x.com']\nattributes={{team='B'}}\n{}\
             [[groups]]\nname='c'\nmembers=['u@x.com']\nattributes={{team='C', only_c='c'}}\nadded={{'u@x.com'='2030-01-01T00:00:00Z'}}\n",
            added(added_a),
            added(added_b),
        ))
        .unwrap()
    }

    #[test]
    fn the_most_recently_added_bound_group_defines_an_inherited_attribute() {
        let team = |c: &Config| {
            let app = c.app("app").unwrap();
            c.property(c.user("u@x.com").unwrap(), app, "team")
        };
        // No times: configuration order, later = more recent (`c` is not bound to the app,
        // however recent).
        assert_eq!(team(&inherited(None, None, false)).as_deref(), Some("B"));
        // A timed membership is more recent than one from the configuration's start.
        let t = Some("2026-01-01T00:00:00Z");
        assert_eq!(team(&inherited(t, None, false)).as_deref(), Some("A"));
        assert_eq!(team(&inherited(None, t, false)).as_deref(), Some("B"));
        // Between times, the later; an offset is a time like any other.
        let later = Some("2026-01-01T01:30:00+01:00");
        assert_eq!(team(&inherited(later, t, false)).as_deref(), Some("A"));
        assert_eq!(team(&inherited(t, later, false)).as_deref(), Some("B"));
        // The user's own attribute beats every group's.
        assert_eq!(team(&inherited(t, None, true)).as_deref(), Some("mine"));
        // A group not bound to the app gives nothing to it.
        let c = inherited(None, None, false);
        let app = c.app("app").unwrap();
        assert_eq!(c.property(c.user("u@x.com").unwrap(), app, "only_c"), None);
    }

    #[test]
    fn group_membership_changes_keep_the_added_time() {
        let mut g = Group {
            name: "g".into(),
            members: vec!["a@x.com".into()],
            attributes: BTreeMap::new(),
            added: BTreeMap::new(),
        };
        let t = Instant::from_unix_seconds(1_800_000_000);
        g.add_member("b@x.com", t);
        g.add_member("A@x.com", t);
        assert_eq!(g.members, vec!["a@x.com", "b@x.com"]);
        assert_eq!(g.added_at("B@X.COM"), Some(t));
        assert_eq!(g.added_at("a@x.com"), None);
        g.remove_member("B@x.com");
        assert!(!g.has_member("b@x.com") && g.added.is_empty());
    }
}
