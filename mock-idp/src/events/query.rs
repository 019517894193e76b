//! The query of `GET /api/events` and `/events`: `app`, `user`, `since`, `limit`.
//!
//! - `app=LABEL`: events of that IDP URL label (exact).
//! - `user=EMAIL`: events of that user (ASCII case-insensitive, as the directory matches emails).
//! - `since=N`: events with `seq` above `N` (poll with the last `seq` seen); or
//!   `since=2026-11-28T12:00:00Z`: events at or after that RFC 3339 time.
//! - `limit=N` (1 to the log's capacity): at most N events.
//!
//! An empty value is the same as leaving the parameter out (what an empty form field sends).
//! An unknown, repeated or malformed parameter is an error: a typo must not silently widen the
//! answer.

use samlscope_api::Event;

use crate::form::parse_form;

/// Which events to list. The default lists everything held.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub app: Option<String>,
    pub user: Option<String>,
    pub since: Option<Since>,
    pub limit: Option<usize>,
}

/// Where a listing starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    /// Events numbered above this one.
    Seq(u64),
    /// Events at or after this time (milliseconds since the epoch, UTC).
    UnixMillis(i128),
}

/// Why a query was refused (a 400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("unknown query parameter {0:?}: the parameters are app, user, since and limit")]
    Unknown(String),
    #[error("query parameter {0} is given more than once")]
    Repeated(&'static str),
    #[error(
        "since={0:?} is neither a sequence number (digits) nor an RFC 3339 time (like 2026-11-28T12:00:00Z)"
    )]
    Since(String),
    #[error("limit={0:?} is not a number from 1 to {1}")]
    Limit(String, usize),
}

/// Longest value quoted back in an error (the query itself may be long).
const QUOTE_MAX: usize = 64;

fn quoted(v: &str) -> String {
    let mut s: String = v.chars().take(QUOTE_MAX).collect();
    if s.len() < v.len() {
        s.push('…');
    }
    s
}

impl Filter {
    /// Reads a raw query string; `capacity` bounds `limit`.
    pub fn parse(query: &str, capacity: usize) -> Result<Self, QueryError> {
        let mut f = Self::default();
        let mut seen: [bool; 4] = [false; 4];
        for (k, v) in parse_form(query.as_bytes()) {
            let slot = match k.as_str() {
                "app" => 0,
                "user" => 1,
                "since" => 2,
                "limit" => 3,
                _ => return Err(QueryError::Unknown(quoted(&k))),
            };
            const NAMES: [&str; 4] = ["app", "user", "since", "limit"];
            if std::mem::replace(&mut seen[slot], true) {
                return Err(QueryError::Repeated(NAMES[slot]));
            }
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            match slot {
                0 => f.app = Some(v.to_owned()),
                1 => f.user = Some(v.to_owned()),
                2 => f.since = Some(Since::parse(v)?),
                _ => {
                    let n = v
                        .parse::<usize>()
                        .ok()
                        .filter(|n| {
                            (1..=capacity).contains(n) && v.bytes().all(|b| b.is_ascii_digit())
                        })
                        .ok_or_else(|| QueryError::Limit(quoted(v), capacity))?;
                    f.limit = Some(n);
                }
            }
        }
        Ok(f)
    }

    /// Whether `event`, recorded at `unix_ms`, is listed.
    pub fn matches(&self, event: &Event, unix_ms: i128) -> bool {
        self.app.as_deref().is_none_or(|a| event.app == a)
            && self.user.as_deref().is_none_or(|u| {
                event
                    .user
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(u))
            })
            && match self.since {
                None => true,
                Some(Since::Seq(n)) => event.seq > n,
                Some(Since::UnixMillis(t)) => unix_ms >= t,
            }
    }
}

impl Since {
    /// Digits are a sequence number; anything else must be an RFC 3339 time.
    pub fn parse(v: &str) -> Result<Self, QueryError> {
        if v.bytes().all(|b| b.is_ascii_digit()) {
            return v
                .parse()
                .map(Self::Seq)
                .map_err(|_| QueryError::Since(quoted(v)));
        }
        time::OffsetDateTime::parse(v, &time::format_description::well_known::Rfc3339)
            .map(|t| Self::UnixMillis(t.unix_timestamp_nanos() / 1_000_000))
            .map_err(|_| QueryError::Since(quoted(v)))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code

    use super::*;

    #[test]
    fn the_four_parameters_are_read() {
        let f =
            Filter::parse("app=avoma&user=alice%40acmecorp.com&since=41&limit=5", 1000).unwrap();
        assert_eq!(f.app.as_deref(), Some("avoma"));
        assert_eq!(f.user.as_deref(), Some("alice@acmecorp.com"));
        assert_eq!(f.since, Some(Since::Seq(41)));
        assert_eq!(f.limit, Some(5));
        let f = Filter::parse("since=1970-01-01T00:00:01.5Z&app=", 1000).unwrap();
        assert_eq!(f.since, Some(Since::UnixMillis(1500)));
        assert_eq!(f.app, None);
        assert_eq!(Filter::parse("", 1000).unwrap(), Filter::default());
    }

    #[test]
    fn bad_queries_are_errors() {
        for (q, want) in [
            ("since=yesterday", "since=\"yesterday\""),
            ("since=-1", "since=\"-1\""),
            ("since=99999999999999999999999", "neither a sequence"),
            ("since=2026-13-01T00:00:00Z", "RFC 3339"),
            ("limit=0", "from 1 to 1000"),
            ("limit=1001", "from 1 to 1000"),
            ("limit=%2B5", "limit"),
            ("since=%2B5", "since"),
            ("app=a&app=b", "more than once"),
            ("apps=a", "unknown query parameter \"apps\""),
        ] {
            let e = Filter::parse(q, 1000).unwrap_err().to_string();
            assert!(e.contains(want), "{q}: {e}");
        }
    }
}
