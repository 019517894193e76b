//! Word-sized reads and comparisons of the short strings a tree is made of (names, prefixes,
//! namespace URIs): the parser's name table and the tree's lookups compare them by the
//! thousand per message, where a `memcmp` call each showed in profiles.

/// The eight bytes of `s` at `at` as one fixed-size load (a variable-length copy into an array
/// was a `memcpy` call and a store-forwarding stall), or `None` past the end.
pub(crate) fn load8(s: &[u8], at: usize) -> Option<u64> {
    s.get(at..at.checked_add(8)?)
        .and_then(|w| <[u8; 8]>::try_from(w).ok())
        .map(u64::from_le_bytes)
}

/// `a == b` for the short strings of a tree (names, prefixes, URIs), without a `memcmp`
/// call: equal lengths, then the first and last eight bytes as two loads each, and
/// only longer strings compared in full. Same result as `==`.
pub(crate) fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    match a.len() {
        0..8 => a.iter().zip(b).all(|(x, y)| x == y),
        n @ 8..=16 => load8(a, 0) == load8(b, 0) && load8(a, n - 8) == load8(b, n - 8),
        _ => a == b,
    }
}
