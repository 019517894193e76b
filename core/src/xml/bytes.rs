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

/// Whether `a` and `b` are the same bytes in memory (same address, same length): the parser
/// shares each name, prefix and namespace URI within a document, and the common ones are the
/// same `'static` strings in every document.
pub(crate) fn same_address(a: &str, b: &str) -> bool {
    std::ptr::eq(a.as_ptr(), b.as_ptr()) && a.len() == b.len()
}

/// `a == b` for the short strings of a tree (names, prefixes, URIs), without a `memcmp`
/// call: equal lengths, then the same address (shared names, as canonicalization compares
/// them, are equal without reading them), then eight bytes at a time (the last word
/// overlapping the one before it); strings over 64 bytes (longer than the namespace URIs SAML
/// uses) are compared with `==`. Same result as `==`.
pub(crate) fn same_text(a: &str, b: &str) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if same_address(a, b) {
        return true;
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    match n {
        0..8 => a.iter().zip(b).all(|(x, y)| x == y),
        8..=64 => {
            let mut at = 0;
            while at + 8 < n {
                if load8(a, at) != load8(b, at) {
                    return false;
                }
                at += 8;
            }
            load8(a, n - 8) == load8(b, n - 8)
        }
        _ => a == b,
    }
}

/// `a == b` for optional names (a prefix, a namespace URI), compared with [`same_text`].
pub(crate) fn same_optional_text(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => same_text(a, b),
        _ => false,
    }
}

/// `a.cmp(b)` (byte order, as `str` orders), deciding within the first eight bytes without a
/// `memcmp` call when they differ there, as the attribute names canonicalization sorts
/// nearly always do.
pub(crate) fn order_text(a: &str, b: &str) -> std::cmp::Ordering {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    for (p, q) in x.iter().zip(y).take(8) {
        if p != q {
            return p.cmp(q);
        }
    }
    x.cmp(y)
}
