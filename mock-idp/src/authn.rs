//! How a user proves who they are: the password, then, for a user with a TOTP secret, the
//! authenticator code; and what the assertion then says about it (AuthnInstant, SessionIndex,
//! SessionNotOnOrAfter, AuthnContextClassRef).
//!
//! MFA is asked on the same form as the password (one optional "authenticator code" field).
//! JumpCloud's own login API answers a right password without a code with 401 "MFA required."
//! (reference/jumpcloud.md §1.4); so does this IdP: a user with TOTP who leaves the field empty
//! gets a 401 page saying the code is required, and no session.

use samlscope_core::saml::time::Instant;

use crate::config::{Config, User};
use crate::totp::{CodeRefusal, ReplayGuard};

/// The AuthnContextClassRef of a password login over TLS (SAML authn-context §3.4.19). Over the
/// mock's plain http this overstates the transport, as every test IdP on loopback does; SPs
/// check the class, not the wire.
pub const AC_PASSWORD: &str = samlscope_forge::build::AC_PASSWORD_PROTECTED;
/// The class for password + TOTP: REFEDS MFA, the profile SPs that require MFA ask for.
/// JumpCloud's actual value is unknown (reference/jumpcloud.md §1.3: no public response shows
/// its AuthnContextClassRef); this is the one constant to change when a capture shows it.
pub const AC_MFA: &str = "https://refeds.org/profile/mfa";

/// How the user authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthnMethod {
    Password,
    PasswordAndTotp,
}

impl AuthnMethod {
    pub fn context_class_ref(self) -> &'static str {
        match self {
            Self::Password => AC_PASSWORD,
            Self::PasswordAndTotp => AC_MFA,
        }
    }
}

/// What an assertion states about the login behind it: the IdP session's facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authn {
    /// When the user last authenticated (a ForceAuthn login renews it).
    pub instant: Instant,
    /// The session's index: the same in every assertion of one session, whichever app.
    pub session_index: String,
    /// When the session ends.
    pub not_on_or_after: Instant,
    pub method: AuthnMethod,
}

/// Why a login was refused. The page shows [`Refusal::message`]; the variants are for tests
/// and the event log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("invalid email or password")]
    BadCredentials,
    #[error("MFA required: {0}")]
    Mfa(CodeRefusal),
    #[error("the user's TOTP secret is unusable")]
    BadSecret,
}

impl Refusal {
    /// The sentence the login page shows.
    pub fn message(self) -> &'static str {
        match self {
            Self::BadCredentials => "Invalid email or password.",
            Self::Mfa(CodeRefusal::Missing) => {
                "MFA required: enter the 6-digit code from your authenticator app."
            }
            Self::Mfa(CodeRefusal::Wrong | CodeRefusal::Replayed) => {
                "Invalid authenticator code. Wait for the next code and try again."
            }
            Self::Mfa(CodeRefusal::Busy) => {
                "Too many sign-ins with MFA right now; try again in a minute."
            }
            Self::BadSecret => "MFA is misconfigured for this user; ask your administrator.",
        }
    }
}

/// Checks the password (constant time) and, when the user has a TOTP secret, the code (once per
/// step, see [`ReplayGuard`]).
pub fn authenticate<'c>(
    config: &'c Config,
    replay: &ReplayGuard,
    email: &str,
    password: &str,
    code: Option<&str>,
    now: Instant,
) -> Result<(&'c User, AuthnMethod), Refusal> {
    let user = config
        .user(email.trim())
        .filter(|u| crate::totp::constant_time_eq(u.password.as_bytes(), password.as_bytes()))
        .ok_or(Refusal::BadCredentials)?;
    match user.totp() {
        Err(_) => Err(Refusal::BadSecret),
        Ok(None) => Ok((user, AuthnMethod::Password)),
        Ok(Some(secret)) => {
            replay
                .accept(&user.email, &secret, code, now.unix_seconds())
                .map_err(Refusal::Mfa)?;
            Ok((user, AuthnMethod::PasswordAndTotp))
        }
    }
}
