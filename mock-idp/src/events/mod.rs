//! The event log, like JumpCloud's Directory Insights `sso_auth` events: one event per SSO
//! attempt (a response issued, or the reason there was none) and one per response of the
//! scenario API, held in memory in a ring buffer of [`CAPACITY`] events.
//!
//! Memory is bounded by count and by size: every text field is cut to [`MAX_FIELD`] bytes, the
//! refusal message to [`MAX_MESSAGE`], and a response is kept only up to [`MAX_RESPONSE_B64`]
//! bytes of base64. With JumpCloud-sized responses (10–20 KB of XML, 14–27 KB of base64) the
//! full log takes about 15–30 MB; the worst case, every event at every limit, is
//! 1,000 × (64 KiB + 5 × 256 B + 1 KiB + ~200 B of fixed fields) ≈ 68 MB.
//!
//! Recording formats the time, cuts the fields and moves them into an `Arc` before taking the
//! lock; under the lock it only numbers the event and pushes it (dropping the oldest, which is
//! freed after the lock is released). Readers clone the `Arc`s of the matching events under the
//! lock and serialize after it.

pub mod query;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

pub use query::{Filter, QueryError, Since};

use crate::error::HttpError;
pub use samlscope_api::{Event, EventPage, Initiation, Outcome, RefusalReason, RequestProblem};

/// Events the log holds; the oldest is dropped when a new one arrives.
pub const CAPACITY: usize = 1_000;
/// A response above this much base64 is logged without its body (`saml_response: null`).
pub const MAX_RESPONSE_B64: usize = 64 * 1024;
/// App label, user, request ID, scenario, response ID and ACS URL are cut to this many bytes.
pub const MAX_FIELD: usize = 256;
/// A refusal's message is cut to this many bytes (it may quote what the SP sent).
pub const MAX_MESSAGE: usize = 1024;

/// Who tried to sign in where, before the outcome is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub app: String,
    pub user: Option<String>,
    pub initiation: Initiation,
    pub request_id: Option<String>,
    pub scenario: Option<String>,
}

impl Attempt {
    pub fn new(app: &str, initiation: Initiation) -> Self {
        Self {
            app: app.to_owned(),
            user: None,
            initiation,
            request_id: None,
            scenario: None,
        }
    }

    /// SP-initiated when a SAMLRequest came with it, else IdP-initiated.
    pub fn sso(app: &str, has_request: bool) -> Self {
        Self::new(
            app,
            if has_request {
                Initiation::Sp
            } else {
                Initiation::Idp
            },
        )
    }

    /// The email signed in as (or typed); empty means none.
    pub fn user(mut self, email: &str) -> Self {
        self.user = Some(email.trim().to_owned()).filter(|e| !e.is_empty());
        self
    }

    pub fn request_id(mut self, id: Option<&str>) -> Self {
        self.request_id = id.map(str::to_owned);
        self
    }

    pub fn scenario(mut self, name: Option<&str>) -> Self {
        self.scenario = name.filter(|n| !n.is_empty()).map(str::to_owned);
        self
    }
}

impl From<crate::authn::Refusal> for RefusalReason {
    fn from(r: crate::authn::Refusal) -> Self {
        use crate::authn::Refusal;
        use crate::totp::CodeRefusal;
        match r {
            Refusal::BadCredentials => Self::BadCredentials,
            Refusal::Mfa(CodeRefusal::Missing) => Self::MfaRequired,
            Refusal::Mfa(CodeRefusal::Wrong) => Self::MfaFailed,
            Refusal::Mfa(CodeRefusal::Replayed) => Self::MfaReplayed,
            Refusal::Mfa(CodeRefusal::Busy) => Self::MfaBusy,
            Refusal::BadSecret => Self::MfaMisconfigured,
        }
    }
}

/// One held event and its time in milliseconds since the epoch, for `since=` by time.
#[derive(Debug)]
struct Held {
    unix_ms: i128,
    event: Arc<Event>,
}

#[derive(Debug)]
struct Ring {
    events: VecDeque<Held>,
    next_seq: u64,
}

/// The bounded, shared event log. Cheap to record into from any thread.
#[derive(Debug)]
pub struct EventLog {
    capacity: usize,
    ring: Mutex<Ring>,
}

impl Default for EventLog {
    fn default() -> Self {
        Self::with_capacity(CAPACITY)
    }
}

impl EventLog {
    /// A log of [`CAPACITY`] events.
    pub fn new() -> Self {
        Self::default()
    }

    /// A log holding at most `capacity` events (at least one).
    pub fn with_capacity(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self {
            capacity,
            ring: Mutex::new(Ring {
                // Grows as events arrive: an idle IdP holds no buffer.
                events: VecDeque::new(),
                next_seq: 1,
            }),
        }
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    fn lock(&self) -> MutexGuard<'_, Ring> {
        // A panic while holding the lock cannot leave the ring inconsistent (a push and a pop):
        // keep logging.
        match self.ring.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Records an attempt's outcome; returns its sequence number.
    pub fn record(&self, attempt: Attempt, outcome: Outcome) -> u64 {
        let now = time::OffsetDateTime::now_utc();
        let unix_ms = now.unix_timestamp_nanos() / 1_000_000;
        let outcome = match outcome {
            Outcome::Success {
                response_id,
                acs_url,
                saml_response,
            } => Outcome::Success {
                response_id: cut(response_id, MAX_FIELD),
                acs_url: cut(acs_url, MAX_FIELD),
                saml_response: saml_response.filter(|r| r.len() <= MAX_RESPONSE_B64),
            },
            Outcome::Refused { reason, message } => Outcome::Refused {
                reason,
                message: cut(message, MAX_MESSAGE),
            },
        };
        let mut event = Event {
            seq: 0,
            time: rfc3339_millis(now),
            app: cut(attempt.app, MAX_FIELD),
            user: attempt.user.map(|u| cut(u, MAX_FIELD)),
            initiation: attempt.initiation,
            request_id: attempt.request_id.map(|r| cut(r, MAX_FIELD)),
            scenario: attempt.scenario.map(|s| cut(s, MAX_FIELD)),
            outcome,
        };
        let dropped;
        let seq;
        {
            let mut ring = self.lock();
            seq = ring.next_seq;
            ring.next_seq = seq.saturating_add(1);
            event.seq = seq;
            dropped = if ring.events.len() >= self.capacity {
                ring.events.pop_front()
            } else {
                None
            };
            ring.events.push_back(Held {
                unix_ms,
                event: Arc::new(event),
            });
        }
        drop(dropped);
        seq
    }

    /// A response was issued for `attempt`.
    pub fn issued(
        &self,
        attempt: Attempt,
        response_id: &str,
        acs_url: &str,
        saml_response_b64: &str,
    ) -> u64 {
        self.record(
            attempt,
            Outcome::Success {
                response_id: response_id.to_owned(),
                acs_url: acs_url.to_owned(),
                // Not even copied when it is too large to keep.
                saml_response: (saml_response_b64.len() <= MAX_RESPONSE_B64)
                    .then(|| saml_response_b64.to_owned()),
            },
        )
    }

    /// `attempt` got no response, for `reason`; `message` is what the user was shown.
    pub fn refused(&self, attempt: Attempt, reason: RefusalReason, message: &str) -> u64 {
        self.record(
            attempt,
            Outcome::Refused {
                reason,
                message: message.to_owned(),
            },
        )
    }

    /// Records that `attempt` was refused for `reason` with the error page or JSON `error`
    /// (its sentence is the event's message), and hands the error on.
    pub(crate) fn refuse(
        &self,
        attempt: &Attempt,
        reason: RefusalReason,
        error: HttpError,
    ) -> HttpError {
        self.refused(attempt.clone(), reason, error.message());
        error
    }

    /// The events matching `filter`, oldest first (at most `filter.limit`, the oldest ones:
    /// page on with `since=` the last `seq` seen), and where the log stands.
    pub fn list(&self, filter: &Filter) -> EventPage {
        let (events, oldest_seq, next_seq) = self.matching(filter, false);
        EventPage {
            capacity: self.capacity,
            oldest_seq,
            next_seq,
            events: events.iter().map(|e| Event::clone(e)).collect(),
        }
    }

    /// The matching events, oldest first; with `newest`, `filter.limit` keeps the newest ones
    /// (still oldest first). Also the oldest `seq` held and the next `seq`.
    pub(crate) fn matching(
        &self,
        filter: &Filter,
        newest: bool,
    ) -> (Vec<Arc<Event>>, Option<u64>, u64) {
        let ring = self.lock();
        let limit = filter.limit.unwrap_or(self.capacity);
        let keep = |h: &&Held| filter.matches(&h.event, h.unix_ms);
        let events: Vec<Arc<Event>> = if newest {
            let mut v: Vec<_> = ring
                .events
                .iter()
                .rev()
                .filter(keep)
                .take(limit)
                .map(|h| h.event.clone())
                .collect();
            v.reverse();
            v
        } else {
            ring.events
                .iter()
                .filter(keep)
                .take(limit)
                .map(|h| h.event.clone())
                .collect()
        };
        let oldest = ring.events.front().map(|h| h.event.seq);
        (events, oldest, ring.next_seq)
    }
}

/// `s` cut to at most `max` bytes at a character boundary, marked with `…` when cut.
fn cut(mut s: String, max: usize) -> String {
    if s.len() <= max {
        return s;
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    s.push('…');
    s
}

/// `2026-11-28T12:00:00.123Z`: RFC 3339, UTC, milliseconds (Directory Insights' precision).
fn rfc3339_millis(t: time::OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

    use super::*;

    fn refusal(log: &EventLog, app: &str) -> u64 {
        log.refused(
            Attempt::new(app, Initiation::Idp),
            RefusalReason::UnknownApp,
            "no such app",
        )
    }

    #[test]
    fn the_oldest_event_is_dropped_and_numbering_goes_on() {
        let log = EventLog::with_capacity(3);
        for i in 1..=5u64 {
            assert_eq!(refusal(&log, &format!("app{i}")), i);
        }
        let page = log.list(&Filter::default());
        let seqs: Vec<u64> = page.events.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, vec![3, 4, 5]);
        assert_eq!(page.oldest_seq, Some(3));
        assert_eq!(page.next_seq, 6);
        assert_eq!(page.capacity, 3);
    }

    #[test]
    fn fields_are_cut_and_large_responses_not_kept() {
        let log = EventLog::new();
        let long = "é".repeat(MAX_FIELD);
        log.issued(
            Attempt::new(&long, Initiation::Api).user(&long),
            "_r",
            "https://sp/acs",
            &"A".repeat(MAX_RESPONSE_B64 + 1),
        );
        log.refused(
            Attempt::new("a", Initiation::Sp),
            RefusalReason::BadCredentials,
            &"x".repeat(MAX_MESSAGE * 4),
        );
        let page = log.list(&Filter::default());
        let e = &page.events[0];
        assert!(
            e.app.len() <= MAX_FIELD && e.app.ends_with('…'),
            "{}",
            e.app
        );
        assert!(e.user.as_deref().unwrap().len() <= MAX_FIELD);
        match &e.outcome {
            Outcome::Success {
                response_id,
                saml_response,
                ..
            } => {
                assert_eq!(response_id, "_r");
                assert_eq!(saml_response, &None);
            }
            o => panic!("{o:?}"),
        }
        match &page.events[1].outcome {
            Outcome::Refused { message, .. } => assert!(message.len() <= MAX_MESSAGE),
            o => panic!("{o:?}"),
        }
    }

    #[test]
    fn times_are_rfc3339_utc_with_milliseconds() {
        let log = EventLog::new();
        refusal(&log, "a");
        let t = &log.list(&Filter::default()).events[0].time;
        assert_eq!(t.len(), "2026-11-28T12:00:00.000Z".len(), "{t}");
        time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).unwrap();
    }

    #[test]
    fn a_limit_keeps_the_oldest_for_the_api_and_the_newest_for_the_page() {
        let log = EventLog::new();
        for i in 0..10 {
            refusal(&log, &format!("app{i}"));
        }
        let f = Filter {
            limit: Some(3),
            ..Filter::default()
        };
        let seqs = |v: Vec<Arc<Event>>| v.iter().map(|e| e.seq).collect::<Vec<_>>();
        assert_eq!(seqs(log.matching(&f, false).0), vec![1, 2, 3]);
        assert_eq!(seqs(log.matching(&f, true).0), vec![8, 9, 10]);
    }
}
