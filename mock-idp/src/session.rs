//! The IdP session: after a login, a cookie names a server-side record of who logged in, when,
//! how, and until when. Later SSO requests for any app the user is assigned to are answered
//! from it without a password page, as JumpCloud's User Portal session does.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use axum::http::{HeaderMap, HeaderValue, header};
use samlscope_core::saml::time::Instant;

use crate::authn::{Authn, AuthnMethod};
use crate::fresh::random_id;

/// The session cookie's name.
pub const COOKIE: &str = "samlscope_idp_session";
/// Most sessions kept at once. At the cap, expired sessions are dropped first, then the oldest
/// (by login time) are evicted: a flood of logins costs the oldest users a password prompt, never
/// unbounded memory. About 200 bytes each: 10 000 sessions are ~2 MB.
pub const MAX_SESSIONS: usize = 10_000;

/// A session id: 256 random bits in hex. Only ids of this exact shape are looked up, so a
/// forged cookie never reaches the map with an arbitrary string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SessionId(String);

/// The OS has no randomness to give: no session can be made safely.
#[derive(Debug, Clone, thiserror::Error)]
#[error("no randomness for a session id: {0}")]
pub struct NoRandomness(String);

impl SessionId {
    fn random() -> Result<Self, NoRandomness> {
        let mut b = [0u8; 32];
        // Unlike a SAML ID, a session id is a bearer secret: without the OS RNG there is no
        // session (fail closed), never a guessable fallback.
        getrandom::fill(&mut b).map_err(|e| NoRandomness(e.to_string()))?;
        Ok(Self(b.iter().map(|x| format!("{x:02x}")).collect()))
    }

    fn parse(value: &str) -> Option<Self> {
        (value.len() == 64
            && value
                .bytes()
                .all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')))
        .then(|| Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The session cookie in `headers`, when one is well formed.
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(k, _)| *k == COOKIE)
            .and_then(|(_, v)| Self::parse(v.trim()))
    }

    /// `Set-Cookie` for this session. `HttpOnly`: no page script can read it (an XSS on the IdP
    /// cannot steal the session). `SameSite=Lax`: another site cannot POST a login or logout
    /// with it, while a top-level GET from an SP's redirect (the Redirect binding) and the
    /// portal's tiles still carry it, which SSO needs. The price: a browser does not send it
    /// with an SP's cross-site HTTP-POST-binding request, which then meets the login page
    /// (`SameSite=None` would need `Secure`, which the http loopback default cannot have). `Secure` only when the IdP is served over https: the
    /// default base URL is http://127.0.0.1, and a `Secure` cookie is never sent back over
    /// plain http by non-browser clients (curl, test suites), so every session would be lost.
    pub fn set_cookie(&self, secure: bool, max_age_seconds: i64) -> Option<HeaderValue> {
        let secure = if secure { "; Secure" } else { "" };
        HeaderValue::from_str(&format!(
            "{COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
            self.0,
            max_age_seconds.max(0)
        ))
        .ok()
    }

    /// `Set-Cookie` that makes the browser forget the session cookie.
    pub fn clear_cookie(secure: bool) -> HeaderValue {
        HeaderValue::from_static(if secure {
            "samlscope_idp_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure"
        } else {
            "samlscope_idp_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
        })
    }
}

/// Whether the session cookie gets `Secure`: only when the IdP's own URL is https (see
/// [`SessionId::set_cookie`]).
pub fn secure(base_url: &str) -> bool {
    base_url.starts_with("https://")
}

/// One IdP session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The user, as the directory spells the email.
    pub email: String,
    pub authn: Authn,
}

impl Session {
    pub fn is_live(&self, now: Instant) -> bool {
        now < self.authn.not_on_or_after
    }
}

#[derive(Debug, Default)]
struct Sessions {
    by_id: HashMap<SessionId, Session>,
    /// Ids in login order, oldest first; ids of removed sessions linger until popped or
    /// compacted, so removal stays O(1).
    order: VecDeque<SessionId>,
}

/// The sessions, behind one lock held only for a map operation (never across I/O or signing).
#[derive(Debug)]
pub struct SessionStore {
    inner: Mutex<Sessions>,
    cap: usize,
}

impl Default for SessionStore {
    fn default() -> Self {
        Self::with_cap(MAX_SESSIONS)
    }
}

impl SessionStore {
    pub fn with_cap(cap: usize) -> Self {
        Self {
            inner: Mutex::new(Sessions::default()),
            cap: cap.max(1),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Sessions> {
        match self.inner.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// The live session `id` names; an expired one is dropped on the way.
    pub fn get(&self, id: &SessionId, now: Instant) -> Option<Session> {
        let mut s = self.lock();
        match s.by_id.get(id) {
            Some(session) if session.is_live(now) => Some(session.clone()),
            Some(_) => {
                s.by_id.remove(id);
                None
            }
            None => None,
        }
    }

    /// Records a successful login of `email`. When `current` names a live session of the same
    /// user (a ForceAuthn re-authentication, or a login while signed in), that session is kept:
    /// same id and SessionIndex, with the new AuthnInstant, method and end (the lifetime counts
    /// from the last authentication). Otherwise a new session replaces `current`.
    pub fn login(
        &self,
        current: Option<&SessionId>,
        email: &str,
        method: AuthnMethod,
        now: Instant,
        lifetime_seconds: i64,
    ) -> Result<(SessionId, Session), NoRandomness> {
        let not_on_or_after = now.plus_seconds(lifetime_seconds);
        let fresh_id = SessionId::random()?;
        let mut s = self.lock();
        if let Some(id) = current {
            match s.by_id.get_mut(id) {
                Some(session) if session.is_live(now) && session.email == email => {
                    session.authn.instant = now;
                    session.authn.method = method;
                    session.authn.not_on_or_after = not_on_or_after;
                    return Ok((id.clone(), session.clone()));
                }
                Some(_) => {
                    s.by_id.remove(id);
                }
                None => {}
            }
        }
        let session = Session {
            email: email.to_owned(),
            authn: Authn {
                instant: now,
                session_index: random_id(),
                not_on_or_after,
                method,
            },
        };
        s.make_room(self.cap, now);
        s.by_id.insert(fresh_id.clone(), session.clone());
        s.order.push_back(fresh_id.clone());
        Ok((fresh_id, session))
    }

    /// Logout: the session is gone at once.
    pub fn remove(&self, id: &SessionId) -> Option<Session> {
        self.lock().by_id.remove(id)
    }

    /// Sessions held (live or not yet dropped).
    pub fn len(&self) -> usize {
        self.lock().by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Sessions {
    /// Frees one slot when full: removed and expired sessions at the old end first, then the
    /// oldest live one. O(1) amortized, so the lock stays brief even at the cap.
    fn make_room(&mut self, cap: usize, now: Instant) {
        // With one lifetime for all, expired sessions gather at the old end (a re-authenticated
        // one may outlive its place; it goes when it reaches the front or is looked up).
        while let Some(front) = self.order.front() {
            if self.by_id.get(front).is_some_and(|s| s.is_live(now)) {
                break;
            }
            if let Some(gone) = self.order.pop_front() {
                self.by_id.remove(&gone);
            }
        }
        while self.by_id.len() >= cap {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            self.by_id.remove(&oldest);
        }
        // Ids of sessions removed by logout or expiry stay in `order`; compacting when it
        // doubles keeps it bounded by 2 × cap at amortized O(1) per login.
        if self.order.len() >= 2 * cap {
            let by_id = &self.by_id;
            self.order.retain(|id| by_id.contains_key(id));
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
    use super::*;

    const T0: i64 = 1_800_000_000;

    #[test]
    fn cookies_carry_only_well_formed_ids() {
        let id = SessionId::random().unwrap();
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("a=b; {COOKIE}={}; c=d", id.as_str())).unwrap(),
        );
        assert_eq!(SessionId::from_headers(&h), Some(id.clone()));
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("samlscope_idp_session=../../etc"),
        );
        assert_eq!(SessionId::from_headers(&h), None);
        let set = id.set_cookie(false, 60).unwrap();
        let set = set.to_str().unwrap();
        assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"));
        assert!(!set.contains("Secure"));
        assert!(
            id.set_cookie(true, 60)
                .unwrap()
                .to_str()
                .unwrap()
                .ends_with("; Secure")
        );
    }

    #[test]
    fn relogin_keeps_the_index_and_renews_the_instant() {
        let store = SessionStore::default();
        let now = Instant::from_unix_seconds(T0);
        let (id, first) = store
            .login(None, "a@x", AuthnMethod::Password, now, 60)
            .unwrap();
        let later = now.plus_seconds(10);
        let (id2, again) = store
            .login(Some(&id), "a@x", AuthnMethod::PasswordAndTotp, later, 60)
            .unwrap();
        assert_eq!(id, id2);
        assert_eq!(again.authn.session_index, first.authn.session_index);
        assert_eq!(again.authn.instant, later);
        assert_eq!(again.authn.method, AuthnMethod::PasswordAndTotp);
        // Another user on the same browser gets a new session; the old one is gone.
        let (id3, other) = store
            .login(Some(&id), "b@x", AuthnMethod::Password, later, 60)
            .unwrap();
        assert_ne!(id3, id);
        assert_ne!(other.authn.session_index, first.authn.session_index);
        assert_eq!(store.get(&id, later), None);
        assert_eq!(store.len(), 1);
    }

    #[test]
    fn expired_sessions_are_dropped_and_the_store_is_bounded() {
        let store = SessionStore::with_cap(3);
        let now = Instant::from_unix_seconds(T0);
        let (short, _) = store
            .login(None, "a@x", AuthnMethod::Password, now, 1)
            .unwrap();
        assert!(store.get(&short, now).is_some());
        assert_eq!(store.get(&short, now.plus_seconds(1)), None);
        assert!(store.is_empty());
        let ids: Vec<SessionId> = (0..5)
            .map(|i| {
                store
                    .login(None, &format!("u{i}@x"), AuthnMethod::Password, now, 60)
                    .unwrap()
                    .0
            })
            .collect();
        assert_eq!(store.len(), 3);
        assert_eq!(store.get(&ids[0], now), None);
        assert_eq!(store.get(&ids[1], now), None);
        assert!(store.get(&ids[4], now).is_some());
        // Logout and re-login cycles do not grow the order queue without bound.
        for _ in 0..100 {
            let (id, _) = store
                .login(None, "c@x", AuthnMethod::Password, now, 60)
                .unwrap();
            store.remove(&id);
        }
        assert!(store.lock().order.len() <= 6);
    }
}
