//! Finding the first byte of a class in a run of text: canonicalization (bytes to escape), the
//! parser (attribute-value bytes to normalize) and decoding (the end of a base64 run, control
//! characters in a paste) all look for rare bytes in runs that nearly never hold one.

/// The index of the first byte for which `special` holds. Text is scanned `LANES` bytes at a
/// time with a test that has no early exit, which the compiler turns into vector compares: nearly
/// all text in a signed message (base64 values, IDs, URIs) has nothing to escape, and a
/// byte-at-a-time match was the hottest loop of canonicalization. `special` should combine its
/// tests with non-short-circuit `|` so the screen vectorizes. `LANES`: 16 suits the short runs
/// of markup (canonicalization, attribute values; 32 cost them about 1% more instructions), 32
/// the long ones of a pasted value (with 16 the compiler kept the decoder's two screens mostly
/// scalar: two-thirds more instructions per decode).
// Inlined into each caller: this screen is the inner loop of both (without the hint one call
// site was left out of line).
#[inline]
pub(crate) fn first<const LANES: usize>(
    bytes: &[u8],
    special: impl Fn(u8) -> bool + Copy,
) -> Option<usize> {
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
