//! Finding the first byte of a class in a run of text: canonicalization (bytes to escape) and
//! the parser (attribute-value bytes to normalize) both look for rare bytes in runs that
//! nearly never hold one.

/// The index of the first byte for which `special` holds. Text is scanned 16 bytes at a time
/// with a test that has no early exit, which the compiler turns into vector compares: nearly
/// all text in a signed message (base64 values, IDs, URIs) has nothing to escape, and a
/// byte-at-a-time match was the hottest loop of canonicalization. `special` should combine its
/// tests with non-short-circuit `|` so the screen vectorizes.
// Inlined into each caller: this screen is the inner loop of both (without the hint one call
// site was left out of line).
#[inline]
pub(crate) fn first(bytes: &[u8], special: impl Fn(u8) -> bool + Copy) -> Option<usize> {
    const LANES: usize = 16;
    let mut chunks = bytes.chunks_exact(LANES);
    let mut base = 0;
    for chunk in &mut chunks {
        if chunk.iter().fold(false, |any, &b| any | special(b)) {
            return chunk.iter().position(|&b| special(b)).map(|i| base + i);
        }
        base += LANES;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| special(b))
        .map(|i| base + i)
}
