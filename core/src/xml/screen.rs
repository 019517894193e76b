//! Finding the first byte of a class in a run of text: canonicalization (bytes to escape), the
//! parser (attribute-value bytes to normalize) and decoding (the end of a base64 run, control
//! characters in a paste) all look for rare bytes in runs that nearly never hold one.

/// The index of the first byte for which `special` holds. Text is scanned `LANES` bytes at a
/// time with a test that has no early exit, which the compiler turns into vector compares: nearly
/// all text in a signed message (base64 values, IDs, URIs) has nothing to escape, and a
/// byte-at-a-time match was the hottest loop of canonicalization. `special` should combine its
/// tests with non-short-circuit `|` so the screen vectorizes. `LANES`: 16 suits the short runs
/// of markup (canonicalization, attribute values), 32 the long ones of a pasted value, where
/// 16 lanes leave the decoder's screens mostly scalar.
// Inlined into each caller: this screen is the inner loop of both.
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

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The bytes of `word` that are below `n` (`n <= 0x80`), as their high bits: word arithmetic
/// (SWAR). A borrow can only mark bytes *above* a byte that truly is below `n`, so the lowest
/// marked byte is always a true one.
#[inline]
fn below(word: u64, n: u8) -> u64 {
    word.wrapping_sub(ONES * u64::from(n)) & !word & HIGHS
}

/// The index of the first byte of `bytes` that is one of `needles`, or below `0x20` when
/// `controls` is set. The same answer as [`first`] with that class, computed eight bytes at a
/// time with integer arithmetic: [`first`]'s vector fold did not vectorize where a needle is
/// only known at run time (an attribute value's quote), and cost about nine instructions a
/// byte there; this costs about two, on every target (the page's wasm too).
#[inline]
pub(crate) fn first_of<const N: usize>(
    bytes: &[u8],
    needles: [u8; N],
    controls: bool,
) -> Option<usize> {
    let mut chunks = bytes.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let Ok(eight) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let word = u64::from_le_bytes(eight);
        let mut hits = if controls { below(word, 0x20) } else { 0 };
        for n in needles {
            hits |= below(word ^ (ONES * u64::from(n)), 1);
        }
        if hits != 0 {
            return Some(base + (hits.trailing_zeros() / 8) as usize);
        }
        base += 8;
    }
    let rest = bytes.get(base..).unwrap_or(&[]);
    rest.iter()
        .position(|&b| (controls && b < 0x20) || needles.contains(&b))
        .map(|i| base + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_of_finds_what_a_byte_loop_finds() {
        // Every byte value at every position of a run longer than a word, alone and after
        // bytes that make borrows (0x00, 0x1F, the needles themselves, 0x80 and up).
        let needles = [b'"', b'&', b'<'];
        let slow = |b: &[u8], controls: bool| {
            b.iter()
                .position(|&c| (controls && c < 0x20) || needles.contains(&c))
        };
        for len in [0, 1, 7, 8, 9, 16, 23] {
            for at in 0..len {
                for v in 0..=255u8 {
                    for fill in [b'a', 0x80, 0xFF, 0x20, 0x21] {
                        let mut b = vec![fill; len];
                        b[at] = v;
                        for controls in [false, true] {
                            assert_eq!(
                                first_of(&b, needles, controls),
                                slow(&b, controls),
                                "{b:?} {controls}"
                            );
                        }
                        if at + 1 < len {
                            b[at + 1] = 0x00;
                            assert_eq!(first_of(&b, needles, true), slow(&b, true), "{b:?}");
                        }
                    }
                }
            }
        }
    }
}
