//! Why an admin operation changed nothing: the one error of the admin API, shared by the
//! operations (`directory_ops.rs`) and the JSON conversions (`wire.rs`).

use crate::config::ConfigError;
use crate::idp::IdpError;

/// What an admin operation names that is not there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    App(String),
    User(String),
    Group(String),
    Assignment { app: String, group: String },
    Membership { group: String, email: String },
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::App(l) => write!(f, "no application with IDP URL label (ssoUrl) {l:?}"),
            Self::User(e) => write!(f, "no user {e:?} in the directory"),
            Self::Group(g) => write!(f, "no user group {g:?}"),
            Self::Assignment { app, group } => {
                write!(
                    f,
                    "user group {group:?} is not assigned to application {app:?}"
                )
            }
            Self::Membership { group, email } => {
                write!(f, "user {email:?} is not a member of user group {group:?}")
            }
        }
    }
}

/// What kind of thing an operation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    App,
    User,
    Group,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Self::App => "an application with IDP URL label (ssoUrl)",
            Self::User => "a user",
            Self::Group => "a user group",
        }
    }
}

/// Why an admin operation changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("{0}")]
    NotFound(Missing),
    #[error("there is already {kind} {name:?}", kind = .0.name(), name = .1)]
    Exists(Kind, String),
    #[error("the directory holds the most it may ({limit} {what}); delete some first")]
    Full { what: &'static str, limit: usize },
    /// The request itself is wrong (a field, a rename, a body that is not an object).
    #[error("{0}")]
    Invalid(String),
    /// The directory after the change would break a rule (validation names it).
    #[error("refused, the directory would be invalid: {0}")]
    Rejected(ConfigError),
    /// Keys or the state directory failed: nothing changed.
    #[error(transparent)]
    Idp(IdpError),
}

impl From<IdpError> for AdminError {
    fn from(e: IdpError) -> Self {
        match e {
            IdpError::Config(c) => Self::Rejected(c),
            other => Self::Idp(other),
        }
    }
}
