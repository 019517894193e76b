//! The admin API's JSON (`samlscope_api::admin`) ↔ the configuration: JumpCloud's key names
//! and defaults on one side, the TOML model on the other. Reading never shows a password or a
//! TOTP secret.

use samlscope_api::admin as wire;
use samlscope_core::saml::time::Instant;

use crate::admin_error::AdminError;
use crate::config::{
    self, App, AttributeMapping, Group, Sign, SignatureAlgorithm, User, default_name_id_field,
    default_name_id_format,
};
use crate::totp::TotpSecret;

pub fn app_to_wire(a: &App) -> wire::App {
    let rows = |v: &[AttributeMapping]| {
        v.iter()
            .map(|m| wire::AttributeRow {
                name: m.name.clone(),
                value: m.value.clone(),
            })
            .collect()
    };
    wire::App {
        sso_url: a.label.clone(),
        display_label: a.display_label.clone(),
        idp_entity_id: a.idp_entity_id.clone(),
        sp_entity_id: a.sp_entity_id.clone(),
        acs_url: a.acs_urls.clone(),
        sp_certificate: a.sp_certificate.clone(),
        require_signed_requests: a.require_signed_requests,
        allow_sha1_requests: a.allow_sha1_requests,
        encrypt_assertion: a.encrypt_assertion,
        subject_field: Some(a.name_id_field.clone()),
        override_name_id_format: Some(a.name_id_format.clone()),
        sign_assertion: matches!(a.sign, Sign::Assertion | Sign::Both),
        sign_response: matches!(a.sign, Sign::Response | Sign::Both),
        signature_algorithm: match a.signature_algorithm {
            SignatureAlgorithm::RsaSha256 => wire::SignatureAlgorithm::RsaSha256,
            SignatureAlgorithm::RsaSha1 => wire::SignatureAlgorithm::RsaSha1,
        },
        default_relay_state: a.default_relay_state.clone(),
        login_url: a.login_url.clone(),
        declare_redirect_endpoint: a.declare_redirect_endpoint,
        database_attributes: rows(&a.attributes),
        constant_attributes: rows(&a.constant_attributes),
        include_groups: a.include_group_attribute,
        groups_attribute_name: a.group_attribute_name.clone(),
        user_groups: a.user_groups.clone(),
    }
}

pub fn app_from_wire(a: wire::App) -> Result<App, AdminError> {
    let sign = match (a.sign_assertion, a.sign_response) {
        (true, false) => Sign::Assertion,
        (false, true) => Sign::Response,
        (true, true) => Sign::Both,
        // JumpCloud always signs something; an unsigned response is a scenario, not a setting.
        (false, false) => {
            return Err(AdminError::Invalid(
                "signAssertion and signResponse cannot both be false".into(),
            ));
        }
    };
    let rows = |v: Vec<wire::AttributeRow>| {
        v.into_iter()
            .map(|r| AttributeMapping {
                name: r.name,
                value: r.value,
            })
            .collect()
    };
    Ok(App {
        label: a.sso_url,
        display_label: a.display_label,
        idp_entity_id: a.idp_entity_id,
        sp_entity_id: a.sp_entity_id,
        acs_urls: a.acs_url,
        sp_certificate: a.sp_certificate,
        require_signed_requests: a.require_signed_requests,
        allow_sha1_requests: a.allow_sha1_requests,
        encrypt_assertion: a.encrypt_assertion,
        name_id_field: a.subject_field.unwrap_or_else(default_name_id_field),
        name_id_format: a
            .override_name_id_format
            .unwrap_or_else(default_name_id_format),
        sign,
        signature_algorithm: match a.signature_algorithm {
            wire::SignatureAlgorithm::RsaSha256 => SignatureAlgorithm::RsaSha256,
            wire::SignatureAlgorithm::RsaSha1 => SignatureAlgorithm::RsaSha1,
        },
        default_relay_state: a.default_relay_state,
        login_url: a.login_url,
        declare_redirect_endpoint: a.declare_redirect_endpoint,
        attributes: rows(a.database_attributes),
        constant_attributes: rows(a.constant_attributes),
        include_group_attribute: a.include_groups,
        group_attribute_name: a.groups_attribute_name,
        user_groups: a.user_groups,
    })
}

pub fn user_to_wire(u: &User) -> wire::User {
    wire::User {
        email: u.email.clone(),
        username: u.username.clone(),
        firstname: u.firstname.clone(),
        lastname: u.lastname.clone(),
        displayname: u.displayname.clone(),
        password: None,
        totp_secret: None,
        mfa: Some(u.totp_secret.is_some()),
        attributes: u.attributes.clone(),
    }
}

/// `u` as a user; without a password it keeps `current`'s (a new user must bring one).
pub fn user_from_wire(u: wire::User, current: Option<&User>) -> Result<User, AdminError> {
    let password = match (u.password, current) {
        (Some(p), _) if p.is_empty() => {
            return Err(AdminError::Invalid("password must not be empty".into()));
        }
        (Some(p), _) => p,
        (None, Some(c)) => c.password.clone(),
        (None, None) => {
            return Err(AdminError::Invalid(
                "password is required for a new user".into(),
            ));
        }
    };
    let totp_secret = totp_from_wire(u.totp_secret, u.mfa, current)?;
    Ok(User {
        email: u.email,
        username: u.username,
        firstname: u.firstname,
        lastname: u.lastname,
        displayname: u.displayname,
        password,
        attributes: u.attributes,
        totp_secret,
    })
}

/// The TOTP secret a write leaves the user with. A secret given is set (checked as the
/// configuration checks it, so a bad one is refused here rather than at the next login), whatever
/// `mfa` says: a read's `"mfa": false` sent back with a new secret turns MFA on. Without one,
/// `"mfa": false` removes the current secret and anything else keeps it, as a missing password
/// keeps the password; `"mfa": true` for a user without a secret is refused, since nothing
/// could make it true.
fn totp_from_wire(
    secret: Option<String>,
    mfa: Option<bool>,
    current: Option<&User>,
) -> Result<Option<String>, AdminError> {
    if let Some(s) = secret {
        TotpSecret::from_base32(&s).map_err(|e| AdminError::Invalid(format!("totpSecret {e}")))?;
        return Ok(Some(s));
    }
    if mfa == Some(false) {
        return Ok(None);
    }
    let kept = current.and_then(|c| c.totp_secret.clone());
    if mfa == Some(true) && kept.is_none() {
        return Err(AdminError::Invalid(
            "\"mfa\": true needs a totpSecret (the user has none to keep)".into(),
        ));
    }
    Ok(kept)
}

pub fn group_to_wire(g: &Group) -> wire::Group {
    wire::Group {
        name: g.name.clone(),
        members: g.members.clone(),
        attributes: g.attributes.clone(),
        added: g.added.clone(),
    }
}

/// An `added` time as the API takes it: RFC 3339, kept in UTC.
pub fn added_time(text: &str) -> Result<Instant, AdminError> {
    Instant::parse(text).map(|(t, _)| t).map_err(|_| {
        AdminError::Invalid(format!(
            "added time {text:?} is not an RFC 3339 time (e.g. 2026-01-31T09:00:00Z)"
        ))
    })
}

/// `g` as a user group. Each member's added time is the one `g.added` gives, else the time
/// `current` recorded (a membership's time is a fact, changed only by giving another), else
/// `now` for a member new to the group: that order decides which group's attribute wins. A
/// member `current` had without a time (from the configuration) stays without one.
pub fn group_from_wire(
    g: wire::Group,
    current: Option<&config::Group>,
    now: Instant,
) -> Result<config::Group, AdminError> {
    let mut given = Vec::with_capacity(g.added.len());
    for (m, t) in &g.added {
        if !g.members.iter().any(|x| x.eq_ignore_ascii_case(m)) {
            return Err(AdminError::Invalid(format!(
                "added names {m:?}, who is not in members"
            )));
        }
        given.push((m, added_time(t)?));
    }
    let mut group = config::Group {
        name: g.name,
        members: Vec::new(),
        attributes: g.attributes,
        added: Default::default(),
    };
    for m in g.members {
        if group.has_member(&m) {
            continue;
        }
        let explicit = given
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(&m))
            .map(|(_, t)| *t);
        match (explicit, current.filter(|c| c.has_member(&m))) {
            (Some(t), _) => group.add_member(&m, t),
            (None, Some(c)) => {
                if let Some((_, t)) = c.added.iter().find(|(k, _)| k.eq_ignore_ascii_case(&m)) {
                    group.added.insert(m.clone(), t.clone());
                }
                group.members.push(m);
            }
            (None, None) => group.add_member(&m, now),
        }
    }
    Ok(group)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
    use std::collections::BTreeMap;

    use super::*;

    fn group(members: &[&str], added: &[(&str, &str)]) -> wire::Group {
        wire::Group {
            name: "g".into(),
            members: members.iter().map(|m| (*m).to_owned()).collect(),
            attributes: BTreeMap::from([("team".to_owned(), "A".to_owned())]),
            added: added
                .iter()
                .map(|(m, t)| ((*m).to_owned(), (*t).to_owned()))
                .collect(),
        }
    }

    #[test]
    fn a_members_time_is_the_one_given_else_the_one_recorded_else_now() {
        let now = Instant::from_unix_seconds(2_000_000_000);
        let mut current = group_from_wire(group(&["old@x.com"], &[]), None, now).unwrap();
        current.members.push("untimed@x.com".into());
        let g = group_from_wire(
            group(
                &["old@x.com", "untimed@x.com", "given@x.com", "new@x.com"],
                &[("GIVEN@x.com", "2026-01-31T10:00:00+01:00")],
            ),
            Some(&current),
            Instant::from_unix_seconds(2_100_000_000),
        )
        .unwrap();
        assert_eq!(g.added["old@x.com"], now.to_rfc3339());
        assert!(!g.added.contains_key("untimed@x.com"));
        assert_eq!(g.added["given@x.com"], "2026-01-31T09:00:00Z");
        assert_eq!(
            g.added["new@x.com"],
            Instant::from_unix_seconds(2_100_000_000).to_rfc3339()
        );
        assert_eq!(g.attributes["team"], "A");
        let back = group_to_wire(&g);
        assert_eq!(back.added.len(), 3);
    }

    #[test]
    fn a_time_for_a_non_member_or_not_a_time_is_refused_naming_added() {
        let now = Instant::from_unix_seconds(0);
        for (body, needle) in [
            (
                group(&["a@x.com"], &[("b@x.com", "2026-01-01T00:00:00Z")]),
                "added names \"b@x.com\", who is not in members",
            ),
            (
                group(&["a@x.com"], &[("a@x.com", "yesterday")]),
                "added time \"yesterday\" is not an RFC 3339 time",
            ),
        ] {
            let err = group_from_wire(body, None, now).unwrap_err().to_string();
            assert!(err.contains(needle), "{err}");
        }
    }

    fn user(secret: Option<&str>, mfa: Option<bool>) -> wire::User {
        serde_json::from_value(serde_json::json!({
            "email": "m@x.com", "password": "p", "totpSecret": secret, "mfa": mfa
        }))
        .unwrap()
    }

    #[test]
    fn a_totp_secret_is_checked_kept_or_removed_and_never_read_back() {
        let u = user_from_wire(user(Some("JBSWY3DPEHPK3PXP"), None), None).unwrap();
        assert_eq!(u.totp_secret.as_deref(), Some("JBSWY3DPEHPK3PXP"));
        assert_eq!(user_to_wire(&u).mfa, Some(true));
        assert_eq!(user_to_wire(&u).totp_secret, None);
        // Kept without one, or with `mfa: true`; removed with `mfa: false`.
        for keep in [None, Some(true)] {
            let kept = user_from_wire(user(None, keep), Some(&u)).unwrap();
            assert_eq!(kept.totp_secret, u.totp_secret);
        }
        let off = user_from_wire(user(None, Some(false)), Some(&u)).unwrap();
        assert_eq!(off.totp_secret, None);
        assert_eq!(user_to_wire(&off).mfa, Some(false));
        // A secret given wins over a read's `mfa: false` sent back.
        let on = user_from_wire(user(Some("GEZDGNBVGY3TQOJQ"), Some(false)), Some(&off)).unwrap();
        assert_eq!(on.totp_secret.as_deref(), Some("GEZDGNBVGY3TQOJQ"));
        for (secret, mfa, needle) in [
            (Some("JBSWY3DP"), None, "totpSecret is 40 bits long"),
            (Some("JBSWY3DPEHPK3PX!"), None, "totpSecret is not base32"),
            (Some(""), None, "totpSecret is 0 bits long"),
            (None, Some(true), "\"mfa\": true needs a totpSecret"),
        ] {
            let err = user_from_wire(user(secret, mfa), Some(&off))
                .unwrap_err()
                .to_string();
            assert!(err.contains(needle), "{secret:?} {mfa:?}: {err}");
        }
    }
}
