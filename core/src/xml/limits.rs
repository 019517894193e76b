//! Resource limits for parsing. Enforced while reading, so a hostile input is refused before it
//! costs memory (10,000-deep nesting, millions of nodes, huge attribute lists).

/// Limits applied by [`crate::xml::parse_with_limits`]. The defaults fit any real SAML message or
/// single-entity metadata document with a wide margin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum input size in bytes (default 1 MiB; JumpCloud responses are ≈ 8 KB).
    pub max_bytes: usize,
    /// Maximum element nesting depth (default 64; SAML needs about 8).
    pub max_depth: usize,
    /// Maximum number of nodes: elements, text, CDATA and comments (default 100,000).
    pub max_nodes: usize,
    /// Maximum attributes per element, namespace declarations included (default 64).
    pub max_attributes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 1024 * 1024,
            max_depth: 64,
            max_nodes: 100_000,
            max_attributes: 64,
        }
    }
}
