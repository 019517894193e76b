//! The directory's users as the startup banner lists them: the directory that runs (a saved
//! one, another configuration), not the bundled one's.

use crate::config::{Config, User};

/// Users listed at most; beyond that the banner points at the admin API's list.
pub const MAX_USERS_LISTED: usize = 5;
/// Applications named per user at most.
pub const MAX_APPS_NAMED: usize = 3;

/// One line per user, at most [`MAX_USERS_LISTED`] and then how many more: the email, the
/// password only when it is the bundled configuration's for that user (public in the source, so
/// a first run can sign in; one an admin chose is never printed), `(TOTP)` with MFA, and the
/// applications the user is assigned to.
pub fn user_lines(config: &Config) -> Vec<String> {
    let bundled = Config::bundled().ok();
    let mut lines: Vec<String> = config
        .users
        .iter()
        .take(MAX_USERS_LISTED)
        .map(|u| {
            let password = if bundled.as_ref().is_some_and(|b| is_bundled_default(b, u)) {
                format!(" / {}", u.password)
            } else {
                String::new()
            };
            let mfa = if u.totp_secret.is_some() {
                " (TOTP)"
            } else {
                ""
            };
            format!("{}{password}{mfa}  {}", u.email, assignments(config, u))
        })
        .collect();
    if config.users.len() > MAX_USERS_LISTED {
        lines.push(format!(
            "… and {} more (GET /api/admin/users)",
            config.users.len() - MAX_USERS_LISTED
        ));
    }
    if lines.is_empty() {
        lines.push("none yet (POST /api/admin/users)".into());
    }
    lines
}

fn is_bundled_default(bundled: &Config, u: &User) -> bool {
    bundled
        .user(&u.email)
        .is_some_and(|b| b.password == u.password)
}

/// `assigned to a, b` or `not assigned to any app`.
fn assignments(config: &Config, u: &User) -> String {
    let apps: Vec<&str> = config
        .apps
        .iter()
        .filter(|a| config.is_assigned(a, &u.email))
        .map(|a| a.label.as_str())
        .collect();
    match apps.len() {
        0 => "not assigned to any app".into(),
        n if n <= MAX_APPS_NAMED => format!("assigned to {}", apps.join(", ")),
        n => format!(
            "assigned to {} and {} more",
            apps[..MAX_APPS_NAMED].join(", "),
            n - MAX_APPS_NAMED
        ),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
    use super::*;

    #[test]
    fn the_bundled_directory_shows_its_public_passwords_and_assignments() {
        let lines = user_lines(&Config::bundled().unwrap());
        assert_eq!(
            lines,
            [
                "alice@acmecorp.com / alice-password  assigned to avoma, demo-sp",
                "bob@acmecorp.com / bob-password  assigned to demo-sp",
                "mallory@acmecorp.com / mallory-password  not assigned to any app",
            ]
        );
    }

    #[test]
    fn another_directory_shows_its_own_users_and_never_a_chosen_password() {
        let mut c = Config::bundled().unwrap();
        c.users[0].password = "chosen-by-an-admin".into();
        c.users[1].totp_secret = Some("JBSWY3DPEHPK3PXP".into());
        c.groups.iter_mut().for_each(|g| g.members.clear());
        let lines = user_lines(&c).join("\n");
        assert!(!lines.contains("chosen-by-an-admin"), "{lines}");
        assert!(
            lines.contains("alice@acmecorp.com  not assigned to any app"),
            "{lines}"
        );
        assert!(
            lines.contains("bob@acmecorp.com / bob-password (TOTP)  not assigned"),
            "{lines}"
        );
        assert!(!lines.contains("JBSWY3DPEHPK3PXP"), "{lines}");
    }

    #[test]
    fn many_users_are_cut_short_and_none_says_so() {
        let mut c = Config::bundled().unwrap();
        let template = c.users[2].clone();
        for i in 0..10 {
            let mut u = template.clone();
            u.email = format!("u{i}@x.com");
            c.users.push(u);
        }
        let lines = user_lines(&c);
        assert_eq!(lines.len(), MAX_USERS_LISTED + 1);
        assert_eq!(lines.last().unwrap(), "… and 8 more (GET /api/admin/users)");
        c.users.clear();
        c.groups.iter_mut().for_each(|g| g.members.clear());
        assert_eq!(user_lines(&c), ["none yet (POST /api/admin/users)"]);
    }
}
