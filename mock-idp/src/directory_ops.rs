//! The admin operations on the directory: create, read, update and delete applications, users
//! and user groups, membership and group ↔ application assignments. The HTTP handlers
//! (`admin.rs`) and Rust tests call these same methods.
//!
//! Every write is one [`Idp::change`]: the whole new directory is validated, saved and swapped
//! in at once, or nothing changes. Deleting what others refer to takes the references with it
//! (a user leaves their groups, a group its app assignments), as JumpCloud does, so a delete
//! never leaves a directory that validation would refuse and that would wedge every later
//! change.

use samlscope_api::admin as wire;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::admin_error::{AdminError, Kind, Missing};
use crate::config::Group;
use crate::idp::Idp;
use crate::wire::{
    added_time, app_from_wire, app_to_wire, group_from_wire, group_to_wire, user_from_wire,
    user_to_wire,
};

/// How many of each the directory holds at most: every change copies, validates and saves the
/// whole directory, so its size bounds the cost of a write.
pub const MAX_APPS: usize = 1_000;
pub const MAX_USERS: usize = 10_000;
pub const MAX_GROUPS: usize = 1_000;

/// RFC 7386 JSON merge patch of `current` with `patch` (an object: fields present replace,
/// `null` resets a field to its default), read back with the type's own rules, so an unknown
/// field in a patch is refused like one in a full body.
pub fn merge_patch<T: Serialize + DeserializeOwned>(
    current: &T,
    patch: &serde_json::Value,
) -> Result<T, AdminError> {
    if !patch.is_object() {
        return Err(AdminError::Invalid(
            "a PATCH body is a JSON object of the fields to change (JSON merge patch, RFC 7386)"
                .into(),
        ));
    }
    let mut doc = serde_json::to_value(current).map_err(|e| AdminError::Invalid(e.to_string()))?;
    merge(&mut doc, patch);
    serde_json::from_value(doc).map_err(|e| AdminError::Invalid(e.to_string()))
}

fn merge(target: &mut serde_json::Value, patch: &serde_json::Value) {
    use serde_json::Value;
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(serde_json::Map::new());
    }
    if let Value::Object(t) = target {
        for (k, v) in p {
            if v.is_null() {
                t.remove(k);
            } else {
                merge(t.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
    }
}

fn same_email(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

impl Idp {
    // -- applications ----------------------------------------------------------------------

    /// Every application, as written (`{base_url}` kept).
    pub fn list_apps(&self) -> Vec<wire::App> {
        self.source().apps.iter().map(app_to_wire).collect()
    }

    pub fn get_app(&self, label: &str) -> Result<wire::App, AdminError> {
        self.source()
            .app(label)
            .map(app_to_wire)
            .ok_or_else(|| AdminError::NotFound(Missing::App(label.to_owned())))
    }

    /// A new application: served (metadata, SSO) from the next request, with a new key.
    pub fn create_app(&self, app: wire::App) -> Result<wire::App, AdminError> {
        let app = app_from_wire(app)?;
        self.change_with(|c| {
            if c.app(&app.label).is_some() {
                return Err(AdminError::Exists(Kind::App, app.label.clone()));
            }
            if c.apps.len() >= MAX_APPS {
                return Err(AdminError::Full {
                    what: "applications",
                    limit: MAX_APPS,
                });
            }
            let out = app_to_wire(&app);
            c.apps.push(app);
            Ok(out)
        })
    }

    /// Edits an application in place: `edit` gets it as it is now and returns it as it should
    /// be (the label, `ssoUrl`, cannot change, as in JumpCloud). The read and the write are one
    /// change, so a concurrent edit is never lost between them.
    pub fn update_app(
        &self,
        label: &str,
        edit: impl FnOnce(wire::App) -> Result<wire::App, AdminError>,
    ) -> Result<wire::App, AdminError> {
        self.change_with(|c| {
            let slot = c
                .apps
                .iter_mut()
                .find(|a| a.label == label)
                .ok_or_else(|| AdminError::NotFound(Missing::App(label.to_owned())))?;
            let edited = edit(app_to_wire(slot))?;
            if edited.sso_url != label {
                return Err(AdminError::Invalid(format!(
                    "ssoUrl (the IDP URL label) cannot change after creation ({label:?} → {:?}), \
                     as in JumpCloud: delete the application and create it again",
                    edited.sso_url
                )));
            }
            let app = app_from_wire(edited)?;
            let out = app_to_wire(&app);
            *slot = app;
            Ok(out)
        })
    }

    /// Replaces an application whole (`PUT`): fields left out take their defaults.
    pub fn replace_app(&self, label: &str, app: wire::App) -> Result<wire::App, AdminError> {
        self.update_app(label, |_| Ok(app))
    }

    /// Changes the fields `patch` names (`PATCH`, JSON merge patch).
    pub fn patch_app(
        &self,
        label: &str,
        patch: &serde_json::Value,
    ) -> Result<wire::App, AdminError> {
        self.update_app(label, |now| merge_patch(&now, patch))
    }

    /// Removes an application. Its key stays in the state directory: an application created
    /// again under the same label signs with it (rotate its certificate for a new one).
    pub fn delete_app(&self, label: &str) -> Result<(), AdminError> {
        self.change_with(|c| {
            let before = c.apps.len();
            c.apps.retain(|a| a.label != label);
            if c.apps.len() == before {
                return Err(AdminError::NotFound(Missing::App(label.to_owned())));
            }
            Ok(())
        })
    }

    // -- assignments -----------------------------------------------------------------------

    /// The user groups bound to an application.
    pub fn app_groups(&self, label: &str) -> Result<Vec<String>, AdminError> {
        Ok(self.get_app(label)?.user_groups)
    }

    /// Binds a user group to an application (its members may then sign in to it). Binding a
    /// bound group changes nothing.
    pub fn assign_group(&self, label: &str, group: &str) -> Result<wire::App, AdminError> {
        self.change_with(|c| {
            if !c.groups.iter().any(|g| g.name == group) {
                return Err(AdminError::NotFound(Missing::Group(group.to_owned())));
            }
            let app = c
                .apps
                .iter_mut()
                .find(|a| a.label == label)
                .ok_or_else(|| AdminError::NotFound(Missing::App(label.to_owned())))?;
            if !app.user_groups.iter().any(|g| g == group) {
                app.user_groups.push(group.to_owned());
            }
            Ok(app_to_wire(app))
        })
    }

    /// Unbinds a user group: its members are refused from the next request on.
    pub fn unassign_group(&self, label: &str, group: &str) -> Result<wire::App, AdminError> {
        self.change_with(|c| {
            let app = c
                .apps
                .iter_mut()
                .find(|a| a.label == label)
                .ok_or_else(|| AdminError::NotFound(Missing::App(label.to_owned())))?;
            let before = app.user_groups.len();
            app.user_groups.retain(|g| g != group);
            if app.user_groups.len() == before {
                return Err(AdminError::NotFound(Missing::Assignment {
                    app: label.to_owned(),
                    group: group.to_owned(),
                }));
            }
            Ok(app_to_wire(app))
        })
    }

    // -- users -----------------------------------------------------------------------------

    /// Every user, without passwords.
    pub fn list_users(&self) -> Vec<wire::User> {
        self.source().users.iter().map(user_to_wire).collect()
    }

    /// One user (the email is matched without regard to case), without the password.
    pub fn get_user(&self, email: &str) -> Result<wire::User, AdminError> {
        self.source()
            .user(email)
            .map(user_to_wire)
            .ok_or_else(|| AdminError::NotFound(Missing::User(email.to_owned())))
    }

    pub fn create_user(&self, user: wire::User) -> Result<wire::User, AdminError> {
        let user = user_from_wire(user, None)?;
        self.change_with(|c| {
            if c.user(&user.email).is_some() {
                return Err(AdminError::Exists(Kind::User, user.email.clone()));
            }
            if c.users.len() >= MAX_USERS {
                return Err(AdminError::Full {
                    what: "users",
                    limit: MAX_USERS,
                });
            }
            let out = user_to_wire(&user);
            c.users.push(user);
            Ok(out)
        })
    }

    /// Edits a user in place (the email cannot change; a body without a password keeps it).
    pub fn update_user(
        &self,
        email: &str,
        edit: impl FnOnce(wire::User) -> Result<wire::User, AdminError>,
    ) -> Result<wire::User, AdminError> {
        self.change_with(|c| {
            let slot = c
                .users
                .iter_mut()
                .find(|u| same_email(&u.email, email))
                .ok_or_else(|| AdminError::NotFound(Missing::User(email.to_owned())))?;
            let edited = edit(user_to_wire(slot))?;
            if !same_email(&edited.email, &slot.email) {
                return Err(AdminError::Invalid(format!(
                    "a user's email cannot change ({:?} → {:?}): delete the user and create one",
                    slot.email, edited.email
                )));
            }
            let user = user_from_wire(edited, Some(slot))?;
            let out = user_to_wire(&user);
            *slot = user;
            Ok(out)
        })
    }

    pub fn replace_user(&self, email: &str, user: wire::User) -> Result<wire::User, AdminError> {
        self.update_user(email, |_| Ok(user))
    }

    pub fn patch_user(
        &self,
        email: &str,
        patch: &serde_json::Value,
    ) -> Result<wire::User, AdminError> {
        // The password and the TOTP secret are never in the document the patch merges into,
        // so a patch that names one sets it and one that does not keeps it.
        let patch = totp_removal(patch)?;
        self.update_user(email, |now| merge_patch(&now, &patch))
    }

    /// Removes a user and their group memberships.
    pub fn delete_user(&self, email: &str) -> Result<(), AdminError> {
        self.change_with(|c| {
            let before = c.users.len();
            c.users.retain(|u| !same_email(&u.email, email));
            if c.users.len() == before {
                return Err(AdminError::NotFound(Missing::User(email.to_owned())));
            }
            for g in &mut c.groups {
                g.remove_member(email);
            }
            Ok(())
        })
    }

    // -- groups and membership -------------------------------------------------------------

    pub fn list_groups(&self) -> Vec<wire::Group> {
        self.source().groups.iter().map(group_to_wire).collect()
    }

    pub fn get_group(&self, name: &str) -> Result<wire::Group, AdminError> {
        self.source()
            .groups
            .iter()
            .find(|g| g.name == name)
            .map(group_to_wire)
            .ok_or_else(|| AdminError::NotFound(Missing::Group(name.to_owned())))
    }

    pub fn create_group(&self, group: wire::Group) -> Result<wire::Group, AdminError> {
        let group = group_from_wire(group, None, crate::fresh::now())?;
        self.change_with(|c| {
            if c.groups.iter().any(|g| g.name == group.name) {
                return Err(AdminError::Exists(Kind::Group, group.name.clone()));
            }
            if c.groups.len() >= MAX_GROUPS {
                return Err(AdminError::Full {
                    what: "user groups",
                    limit: MAX_GROUPS,
                });
            }
            let out = group_to_wire(&group);
            c.groups.push(group);
            Ok(out)
        })
    }

    /// Edits a user group in place (its name cannot change: applications refer to it).
    pub fn update_group(
        &self,
        name: &str,
        edit: impl FnOnce(wire::Group) -> Result<wire::Group, AdminError>,
    ) -> Result<wire::Group, AdminError> {
        self.change_with(|c| {
            let slot = find_group(&mut c.groups, name)?;
            let edited = edit(group_to_wire(slot))?;
            if edited.name != name {
                return Err(AdminError::Invalid(format!(
                    "a user group's name cannot change ({name:?} → {:?}): applications are \
                     assigned to it by name",
                    edited.name
                )));
            }
            let group = group_from_wire(edited, Some(slot), crate::fresh::now())?;
            let out = group_to_wire(&group);
            *slot = group;
            Ok(out)
        })
    }

    pub fn replace_group(&self, name: &str, group: wire::Group) -> Result<wire::Group, AdminError> {
        self.update_group(name, |_| Ok(group))
    }

    pub fn patch_group(
        &self,
        name: &str,
        patch: &serde_json::Value,
    ) -> Result<wire::Group, AdminError> {
        self.update_group(name, |now| {
            let mut g: wire::Group = merge_patch(&now, patch)?;
            // A patch that leaves `added` alone did not write the times the document brought
            // along: those of members it removed leave with them instead of naming non-members.
            if patch.get("added").is_none() {
                let members = &g.members;
                g.added
                    .retain(|m, _| members.iter().any(|x| same_email(x, m)));
            }
            Ok(g)
        })
    }

    /// Removes a user group and its assignments to applications.
    pub fn delete_group(&self, name: &str) -> Result<(), AdminError> {
        self.change_with(|c| {
            let before = c.groups.len();
            c.groups.retain(|g| g.name != name);
            if c.groups.len() == before {
                return Err(AdminError::NotFound(Missing::Group(name.to_owned())));
            }
            for a in &mut c.apps {
                a.user_groups.retain(|g| g != name);
            }
            Ok(())
        })
    }

    /// Adds a user to a user group now (already a member: nothing changes).
    pub fn add_member(&self, group: &str, email: &str) -> Result<wire::Group, AdminError> {
        self.add_member_with(group, email, wire::Membership::default())
    }

    /// Adds a user to a user group at `membership.added` (absent: now). A member already there
    /// keeps their place, and their time unless one is given.
    pub fn add_member_with(
        &self,
        group: &str,
        email: &str,
        membership: wire::Membership,
    ) -> Result<wire::Group, AdminError> {
        let at = membership.added.as_deref().map(added_time).transpose()?;
        self.change_with(|c| {
            // The directory's own spelling of the email, so members match users exactly.
            let email = c
                .user(email)
                .map(|u| u.email.clone())
                .ok_or_else(|| AdminError::NotFound(Missing::User(email.to_owned())))?;
            let g = find_group(&mut c.groups, group)?;
            // The most recently added group's inherited attributes win.
            match at {
                Some(t) if g.has_member(&email) => g.set_added(&email, t),
                Some(t) => g.add_member(&email, t),
                None => g.add_member(&email, crate::fresh::now()),
            }
            Ok(group_to_wire(g))
        })
    }

    pub fn remove_member(&self, group: &str, email: &str) -> Result<wire::Group, AdminError> {
        self.change_with(|c| {
            let g = find_group(&mut c.groups, group)?;
            let before = g.members.len();
            g.remove_member(email);
            if g.members.len() == before {
                return Err(AdminError::NotFound(Missing::Membership {
                    group: group.to_owned(),
                    email: email.to_owned(),
                }));
            }
            Ok(group_to_wire(g))
        })
    }
}

/// `patch` with `"totpSecret": null` as `"mfa": false`: a merge patch's `null` removes a field
/// from the document, but the secret is never in it, so the removal must be said another way.
fn totp_removal(patch: &serde_json::Value) -> Result<serde_json::Value, AdminError> {
    let mut patch = patch.clone();
    if let Some(p) = patch.as_object_mut()
        && p.get("totpSecret").is_some_and(serde_json::Value::is_null)
    {
        if p.get("mfa")
            .is_some_and(|m| m != &serde_json::Value::Bool(false))
        {
            return Err(AdminError::Invalid(
                "\"totpSecret\": null removes the secret; \"mfa\" cannot then be anything but false"
                    .into(),
            ));
        }
        p.remove("totpSecret");
        p.insert("mfa".into(), serde_json::Value::Bool(false));
    }
    Ok(patch)
}

fn find_group<'a>(groups: &'a mut [Group], name: &str) -> Result<&'a mut Group, AdminError> {
    groups
        .iter_mut()
        .find(|g| g.name == name)
        .ok_or_else(|| AdminError::NotFound(Missing::Group(name.to_owned())))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
    use super::*;
    use serde_json::json;

    #[test]
    fn a_merge_patch_replaces_named_fields_resets_nulls_and_refuses_typos() {
        let g = wire::Group {
            name: "g".into(),
            members: vec!["a@x.com".into()],
            attributes: Default::default(),
            added: Default::default(),
        };
        let p = merge_patch(&g, &json!({"members": ["b@x.com"]})).unwrap();
        assert_eq!(p.members, ["b@x.com"]);
        let p = merge_patch(&g, &json!({"members": null})).unwrap();
        assert!(p.members.is_empty());
        let err = merge_patch(&g, &json!({"member": []}))
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field `member`"), "{err}");
        let err = merge_patch(&g, &json!([1])).unwrap_err().to_string();
        assert!(err.contains("JSON object"), "{err}");
    }
}
