//! The admin API's JSON (`samlscope_api::admin`) ↔ the configuration: JumpCloud's key names
//! and defaults on one side, the TOML model on the other. Reading never shows a password.

use samlscope_api::admin as wire;

use crate::config::{
    self, App, AttributeMapping, Group, Sign, SignatureAlgorithm, User, default_name_id_field,
    default_name_id_format,
};
use crate::directory_ops::AdminError;

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
    Ok(User {
        email: u.email,
        username: u.username,
        firstname: u.firstname,
        lastname: u.lastname,
        displayname: u.displayname,
        password,
        attributes: u.attributes,
        // Not in the wire type: an edit keeps the user's MFA as it keeps the password.
        totp_secret: current.and_then(|c| c.totp_secret.clone()),
    })
}

pub fn group_to_wire(g: &Group) -> wire::Group {
    wire::Group {
        name: g.name.clone(),
        members: g.members.clone(),
    }
}

/// `g` as a user group. Not in the wire type, kept from `current`: the group-inherited
/// attributes, and when each member still there was added; a member new to the group is added
/// `now` (the order that decides which group's attribute wins).
pub fn group_from_wire(
    g: wire::Group,
    current: Option<&config::Group>,
    now: samlscope_core::saml::time::Instant,
) -> config::Group {
    let mut group = config::Group {
        name: g.name,
        members: Vec::new(),
        attributes: current.map(|c| c.attributes.clone()).unwrap_or_default(),
        added: Default::default(),
    };
    for m in g.members {
        match current.filter(|c| c.has_member(&m)) {
            Some(c) => {
                if let Some((_, t)) = c.added.iter().find(|(k, _)| k.eq_ignore_ascii_case(&m)) {
                    group.added.insert(m.clone(), t.clone());
                }
                if !group.has_member(&m) {
                    group.members.push(m);
                }
            }
            None => group.add_member(&m, now),
        }
    }
    group
}
