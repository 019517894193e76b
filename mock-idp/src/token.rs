//! The admin API's token: where it comes from (the configuration, the state directory, or made
//! at first start) and how a request's credential is compared with it.

use std::path::{Path, PathBuf};

use axum::http::{HeaderMap, header};

use crate::config::{Config, admin_token_problem};
use crate::directory_file::write_private_atomic;
use crate::keys::KeyStore;

/// The token file's name inside the state directory.
pub const FILE_NAME: &str = "admin-token";

/// Random bytes in a generated token: 256 bits, far past guessing.
const GENERATED_BYTES: usize = 32;

/// The admin token. Its `Debug` never shows it.
#[derive(Clone)]
pub struct AdminToken(String);

impl std::fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminToken(…)")
    }
}

/// Where the token came from, for the startup banner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenOrigin {
    /// `admin_token` in the configuration.
    Config,
    /// Made at an earlier start and read from this file.
    StateFile(PathBuf),
    /// Made at this start and saved to this file (0600).
    Generated(PathBuf),
    /// Made at this start and kept in memory only (library use without a state directory).
    Ephemeral,
}

impl std::fmt::Display for TokenOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Config => f.write_str("admin_token of the configuration"),
            Self::StateFile(p) => write!(f, "{}", p.display()),
            Self::Generated(p) => write!(f, "new, saved to {}", p.display()),
            Self::Ephemeral => f.write_str("new, for this run only"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("no randomness for the admin token: {0}")]
    Random(String),
    #[error("the admin token file {path}: {why}")]
    File { path: PathBuf, why: String },
}

/// Why a request's credential was refused (the 401's reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Missing,
    Wrong,
    Malformed,
}

impl Refusal {
    pub fn reason(self) -> &'static str {
        match self {
            Self::Missing => {
                "the admin API needs the admin token: send `Authorization: Bearer <token>` or \
                 `x-api-key: <token>` (the server prints it at start)"
            }
            Self::Wrong => "the admin token does not match",
            Self::Malformed => {
                "the Authorization header must be `Bearer <token>` (or send `x-api-key: <token>`)"
            }
        }
    }
}

impl AdminToken {
    /// The configuration's token, else the state directory's, else a new one (saved to the
    /// state directory when there is one).
    pub fn resolve(config: &Config, store: &KeyStore) -> Result<(Self, TokenOrigin), TokenError> {
        if let Some(t) = &config.admin_token {
            // Validated with the configuration.
            return Ok((Self(t.clone()), TokenOrigin::Config));
        }
        match store {
            KeyStore::Memory => Ok((Self::generate()?, TokenOrigin::Ephemeral)),
            KeyStore::Dir(dir) => Self::from_state_dir(dir),
        }
    }

    fn from_state_dir(dir: &Path) -> Result<(Self, TokenOrigin), TokenError> {
        let path = dir.join(FILE_NAME);
        let file_err = |why: String| TokenError::File {
            path: path.clone(),
            why,
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let t = text.trim();
                if let Some(problem) = admin_token_problem(t) {
                    return Err(file_err(format!("{problem}; fix it or remove the file")));
                }
                Ok((Self(t.to_owned()), TokenOrigin::StateFile(path)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let t = Self::generate()?;
                write_private_atomic(&path, format!("{}\n", t.0).as_bytes())
                    .map_err(|e| file_err(e.to_string()))?;
                Ok((t, TokenOrigin::Generated(path)))
            }
            Err(e) => Err(file_err(e.to_string())),
        }
    }

    /// 256 random bits from the OS, in hex. No fallback: a guessable token is worse than none.
    fn generate() -> Result<Self, TokenError> {
        let mut b = [0u8; GENERATED_BYTES];
        getrandom::fill(&mut b).map_err(|e| TokenError::Random(e.to_string()))?;
        Ok(Self(b.iter().map(|x| format!("{x:02x}")).collect()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Compares in constant time, so the answer's timing does not reveal how much of a guess
    /// was right.
    pub fn matches(&self, presented: &str) -> bool {
        samlscope_core::crypto::constant_time_eq(self.0.as_bytes(), presented.as_bytes())
    }

    /// A request's credential against the token: `Authorization: Bearer …` or JumpCloud's
    /// `x-api-key: …`. When both are sent, both must match (a wrong one is never outvoted).
    pub fn check(&self, headers: &HeaderMap) -> Result<(), Refusal> {
        let mut seen = false;
        for value in headers.get_all(header::AUTHORIZATION) {
            seen = true;
            let v = value.to_str().map_err(|_| Refusal::Malformed)?;
            let (scheme, token) = v.trim().split_once(' ').ok_or(Refusal::Malformed)?;
            if !scheme.eq_ignore_ascii_case("bearer") {
                return Err(Refusal::Malformed);
            }
            if !self.matches(token.trim()) {
                return Err(Refusal::Wrong);
            }
        }
        for value in headers.get_all("x-api-key") {
            seen = true;
            let v = value.to_str().map_err(|_| Refusal::Wrong)?;
            if !self.matches(v.trim()) {
                return Err(Refusal::Wrong);
            }
        }
        if seen { Ok(()) } else { Err(Refusal::Missing) }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn either_header_carries_the_token_and_a_wrong_one_is_never_outvoted() {
        let t = AdminToken("0123456789abcdef0123".into());
        assert_eq!(
            t.check(&headers(&[(
                "authorization",
                "Bearer 0123456789abcdef0123"
            )])),
            Ok(())
        );
        assert_eq!(
            t.check(&headers(&[(
                "authorization",
                "bearer  0123456789abcdef0123 "
            )])),
            Ok(())
        );
        assert_eq!(
            t.check(&headers(&[("x-api-key", "0123456789abcdef0123")])),
            Ok(())
        );
        assert_eq!(t.check(&HeaderMap::new()), Err(Refusal::Missing));
        assert_eq!(
            t.check(&headers(&[(
                "authorization",
                "Bearer 0123456789abcdef0124"
            )])),
            Err(Refusal::Wrong)
        );
        assert_eq!(
            t.check(&headers(&[("authorization", "Basic 0123456789abcdef0123")])),
            Err(Refusal::Malformed)
        );
        assert_eq!(
            t.check(&headers(&[
                ("x-api-key", "0123456789abcdef0123"),
                ("authorization", "Bearer nope-nope-nope-nope"),
            ])),
            Err(Refusal::Wrong)
        );
        assert_eq!(
            t.check(&headers(&[("x-api-key", "0123456789abcdef012")])),
            Err(Refusal::Wrong)
        );
    }

    #[test]
    fn a_generated_token_is_kept_in_the_state_dir_privately_and_reused() {
        let dir = std::env::temp_dir().join(format!("samlscope-token-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let config = Config::bundled().unwrap();
        let store = KeyStore::Dir(dir.clone());
        let (first, origin) = AdminToken::resolve(&config, &store).unwrap();
        assert_eq!(origin, TokenOrigin::Generated(dir.join(FILE_NAME)));
        assert_eq!(first.as_str().len(), 2 * GENERATED_BYTES);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(dir.join(FILE_NAME))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let (again, origin) = AdminToken::resolve(&config, &store).unwrap();
        assert_eq!(again.as_str(), first.as_str());
        assert_eq!(origin, TokenOrigin::StateFile(dir.join(FILE_NAME)));
        // The configuration's token wins; two in-memory runs get different tokens.
        let mut set = config.clone();
        set.admin_token = Some("configured-token-0001".into());
        let (t, origin) = AdminToken::resolve(&set, &store).unwrap();
        assert_eq!(
            (t.as_str(), origin),
            ("configured-token-0001", TokenOrigin::Config)
        );
        let a = AdminToken::resolve(&config, &KeyStore::Memory).unwrap().0;
        let b = AdminToken::resolve(&config, &KeyStore::Memory).unwrap().0;
        assert_ne!(a.as_str(), b.as_str());
        // A damaged file is an error, never silently replaced.
        std::fs::write(dir.join(FILE_NAME), "short\n").unwrap();
        let err = AdminToken::resolve(&config, &store)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(FILE_NAME) && err.contains("16 to 256"),
            "{err}"
        );
        let _ = std::fs::remove_dir_all(&dir);
        assert!(format!("{first:?}").contains('…'));
    }
}
