//! Modular exponentiation by Montgomery multiplication on 32-bit limbs with 64-bit products:
//! wasm32 has 64-bit multiplies but no 128-bit ones, so this is the widest word it multiplies
//! natively.
//!
//! Only public values pass through here (RSA verification), so nothing is constant time. An
//! RSA-2048 verification with e = 65537 is about 115 000 limb multiply-accumulates (one product
//! to enter Montgomery form, sixteen squarings, one product), so speed is instructions per
//! multiply-accumulate: no allocation after one scratch buffer per exponentiation; no bounds
//! checks (rows are pre-sliced and walked with `zip`); four limbs per loop step; two rows per
//! pass, so two carry chains overlap and `t` is loaded and stored once for both; a squaring
//! that computes each cross product once; and a last multiplication that leaves Montgomery form
//! without a separate reduction.

/// Bits of a limb.
const BITS: u32 = u32::BITS;
/// Bytes of a limb.
const BYTES: usize = 4;

/// `a + b·c + carry` as (low, high) limbs. Cannot overflow 64 bits:
/// (2³²−1) + (2³²−1)² + (2³²−1) = 2⁶⁴ − 1.
#[inline(always)]
fn mac(a: u32, b: u32, c: u32, carry: u32) -> (u32, u32) {
    // a + b·c first, then the incoming carry: from one limb's carry to the next the critical
    // path is then one add and one add-with-carry. Written as a single 64-bit sum, LLVM adds the
    // carry first and the chain is three instructions long.
    let p = u64::from(b) * u64::from(c);
    let (lo, c1) = (p as u32).overflowing_add(a);
    let hi = ((p >> BITS) as u32).wrapping_add(u32::from(c1));
    let (lo, c2) = lo.overflowing_add(carry);
    (lo, hi.wrapping_add(u32::from(c2)))
}

/// `a + b + carry` (carry 0 or 1) as (sum, carry out).
#[inline(always)]
fn adc(a: u32, b: u32, carry: u32) -> (u32, u32) {
    let t = u64::from(a) + u64::from(b) + u64::from(carry);
    (t as u32, (t >> BITS) as u32)
}

/// `a − b − borrow` (borrow 0 or 1) as (difference, borrow out).
#[inline(always)]
fn sbb(a: u32, b: u32, borrow: u32) -> (u32, u32) {
    let t = u64::from(a)
        .wrapping_sub(u64::from(b))
        .wrapping_sub(u64::from(borrow));
    (t as u32, (t >> (2 * BITS - 1)) as u32)
}

/// Big-endian bytes (leading zeros allowed) to little-endian limbs without leading zero limbs.
pub(crate) fn from_be(be: &[u8]) -> Vec<u32> {
    let be = &be[be.iter().take_while(|&&b| b == 0).count()..];
    let mut out: Vec<u32> = be
        .rchunks(BYTES)
        .map(|c| c.iter().fold(0, |acc, &b| (acc << 8) | u32::from(b)))
        .collect();
    while out.last() == Some(&0) {
        out.pop();
    }
    out
}

/// Little-endian limbs to big-endian bytes, `limbs.len() · BYTES` of them.
pub(crate) fn to_be(limbs: &[u32]) -> Vec<u8> {
    let mut be = vec![0u8; limbs.len() * BYTES];
    for (chunk, limb) in be.rchunks_exact_mut(BYTES).zip(limbs) {
        chunk.copy_from_slice(&limb.to_be_bytes());
    }
    be
}

/// Significant bits of a little-endian number without leading zero limbs.
pub(crate) fn bits(x: &[u32]) -> usize {
    let top = x.last().map_or(0, |l| l.leading_zeros());
    x.len() * BITS as usize - top as usize
}

/// `a >= b` for equal-length limb slices.
pub(crate) fn geq(a: &[u32], b: &[u32]) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x > y;
        }
    }
    true
}

/// `a -= b` (equal lengths), returns the borrow.
pub(crate) fn sub_in_place(a: &mut [u32], b: &[u32]) -> bool {
    let mut borrow = 0;
    for (x, &y) in a.iter_mut().zip(b) {
        (*x, borrow) = sbb(*x, y, borrow);
    }
    borrow != 0
}

/// An odd modulus with its Montgomery constants (`R = 2^(BITS·len)`), computed once per key.
#[derive(Debug, Clone)]
pub(crate) struct Modulus {
    /// Little-endian limbs, no leading zero limb.
    n: Vec<u32>,
    /// `-n⁻¹ mod 2^BITS`.
    n0_inv: u32,
    /// `R² mod n`: one Montgomery product with it brings a value into Montgomery form.
    r2: Vec<u32>,
}

impl Modulus {
    /// `None` when `n` is empty or even (Montgomery reduction needs `n` coprime to 2).
    pub(crate) fn new(mut n: Vec<u32>) -> Option<Self> {
        while n.last() == Some(&0) {
            n.pop();
        }
        let n0 = *n.first()?;
        if n0 & 1 == 0 {
            return None;
        }
        // Newton iteration doubles the correct low bits each step, from 1 (n is odd) to 32:
        // five steps.
        let mut inv: u32 = 1;
        for _ in 0..BITS.trailing_zeros() {
            inv = inv.wrapping_mul(2u32.wrapping_sub(n0.wrapping_mul(inv)));
        }
        let r2 = r_squared(&n);
        Some(Self {
            n,
            n0_inv: inv.wrapping_neg(),
            r2,
        })
    }

    pub(crate) fn limbs(&self) -> &[u32] {
        &self.n
    }

    /// `x ← x^e mod n` for `x < n` (`x.len()` equal to the modulus's).
    pub(crate) fn pow(&self, x: &mut [u32], e: u64) {
        let len = self.n.len();
        if e < 2 {
            if e == 0 {
                x.fill(0);
                x[0] = 1;
            }
            return;
        }
        // The only allocation: base and accumulator in Montgomery form, and the double-width
        // product the reduction works on.
        let mut scratch = vec![0; 4 * len];
        let (base, rest) = scratch.split_at_mut(len);
        let (acc, t) = rest.split_at_mut(len);
        mul_wide(x, &self.r2, t);
        self.redc(t, base);
        acc.copy_from_slice(base);
        let top = 63 - e.leading_zeros();
        for bit in (1..top).rev() {
            self.mont_sqr(acc, t);
            if (e >> bit) & 1 == 1 {
                self.mont_mul(acc, base, t);
            }
        }
        self.mont_sqr(acc, t);
        if e & 1 == 1 {
            // (x^(e−1)·R)·x·R⁻¹ = x^e: multiplying by the plain x for the last bit leaves
            // Montgomery form in the same step, so no separate conversion is needed.
            self.mont_mul(acc, x, t);
            x.copy_from_slice(acc);
        } else {
            // Out of Montgomery form by a reduction of acc alone: (acc·R)·R⁻¹.
            let (low, high) = t.split_at_mut(len);
            low.copy_from_slice(acc);
            high.fill(0);
            self.redc(t, x);
        }
    }

    /// `x ← x·y·R⁻¹ mod n`; `t` is scratch of twice the modulus length.
    fn mont_mul(&self, x: &mut [u32], y: &[u32], t: &mut [u32]) {
        mul_wide(x, y, t);
        self.redc(t, x);
    }

    /// `x ← x²·R⁻¹ mod n`; `t` is scratch of twice the modulus length.
    fn mont_sqr(&self, x: &mut [u32], t: &mut [u32]) {
        sqr_wide(x, t);
        self.redc(t, x);
    }

    /// Montgomery reduction: `out ← t·R⁻¹ mod n` for `t < n·R` (`t` has `2·len` limbs and is
    /// destroyed). Row i adds the multiple m·n that clears limb i.
    fn redc(&self, t: &mut [u32], out: &mut [u32]) {
        let n = &self.n[..];
        let len = n.len();
        let n0_inv = self.n0_inv;
        // The carry into limb i+len, pending until row i reaches that limb.
        let mut top = 0;
        let mut i = 0;
        // Two rows per pass: the second row's multiplier is known once the first row has
        // updated limb i+1, and from there the two carry chains run side by side.
        while i + 1 < len {
            let win = &mut t[i..i + len + 2];
            let m0 = win[0].wrapping_mul(n0_inv);
            let (_, c0) = mac(win[0], m0, n[0], 0);
            let (x1, c0) = mac(win[1], m0, n[1], c0);
            let m1 = x1.wrapping_mul(n0_inv);
            let (_, c1) = mac(x1, m1, n[0], 0);
            let (c0, c1) = mac_rows2(
                &mut win[2..len],
                &n[2..],
                &n[1..len - 1],
                [m0, m1],
                [c0, c1],
            );
            let (x, c) = mac(win[len], m1, n[len - 1], c1);
            let (x, k) = adc(x, c0, top);
            win[len] = x;
            (win[len + 1], top) = adc(win[len + 1], c, k);
            i += 2;
        }
        if i < len {
            let (row, rest) = t[i..].split_at_mut(len);
            let m = row[0].wrapping_mul(n0_inv);
            let carry = mac_row(row, n, m);
            (rest[0], top) = adc(rest[0], carry, top);
        }
        // (t + m·n)/R < 2n for t < n·R: one conditional subtraction brings it below n.
        out.copy_from_slice(&t[len..]);
        if top != 0 || geq(out, n) {
            sub_in_place(out, n);
        }
    }
}

// The row helpers below do the multiply-accumulate work. Each walks exact-length slices with
// `zip` (no bounds checks) in chunks of four limbs, which LLVM unrolls: the loop overhead is
// otherwise a quarter of the instructions.

/// `t += a·b` (equal lengths), returning the carry out of the top limb.
#[inline(always)]
fn mac_row(t: &mut [u32], a: &[u32], b: u32) -> u32 {
    let mut carry = 0;
    let (t4, t_rest) = t.as_chunks_mut::<4>();
    let (a4, a_rest) = a.as_chunks::<4>();
    for (tc, ac) in t4.iter_mut().zip(a4) {
        for (tk, &ak) in tc.iter_mut().zip(ac) {
            (*tk, carry) = mac(*tk, ak, b, carry);
        }
    }
    for (tj, &aj) in t_rest.iter_mut().zip(a_rest) {
        (*tj, carry) = mac(*tj, aj, b, carry);
    }
    carry
}

/// `t[j] += a0[j]·b[0] + a1[j]·b[1]` with one carry chain per row (`c` in, carries out): two
/// rows in one pass load and store `t` once, and the two chains overlap.
#[inline(always)]
fn mac_rows2(t: &mut [u32], a0: &[u32], a1: &[u32], b: [u32; 2], c: [u32; 2]) -> (u32, u32) {
    let (mut c0, mut c1) = (c[0], c[1]);
    let a0 = &a0[..t.len()];
    let a1 = &a1[..t.len()];
    let (t4, t_rest) = t.as_chunks_mut::<4>();
    let (a04, a0_rest) = a0.as_chunks::<4>();
    let (a14, a1_rest) = a1.as_chunks::<4>();
    for ((tc, x0), x1) in t4.iter_mut().zip(a04).zip(a14) {
        for ((tk, &x0k), &x1k) in tc.iter_mut().zip(x0).zip(x1) {
            let (x, c) = mac(*tk, x0k, b[0], c0);
            c0 = c;
            (*tk, c1) = mac(x, x1k, b[1], c1);
        }
    }
    for ((tj, &x0j), &x1j) in t_rest.iter_mut().zip(a0_rest).zip(a1_rest) {
        let (x, c) = mac(*tj, x0j, b[0], c0);
        c0 = c;
        (*tj, c1) = mac(x, x1j, b[1], c1);
    }
    (c0, c1)
}

/// `t += a·b0 + a·b1·2^BITS + c0` for `t.len() = a.len() + 1` (two consecutive rows of a
/// product), returning the limb above `t`.
#[inline(always)]
fn mac_row2(t: &mut [u32], a: &[u32], b0: u32, b1: u32, c0: u32) -> u32 {
    let len = a.len();
    let (x, c0) = mac(t[0], a[0], b0, c0);
    t[0] = x;
    let (c0, c1) = mac_rows2(&mut t[1..len], &a[1..], &a[..len - 1], [b0, b1], [c0, 0]);
    let (x, c) = mac(t[len], a[len - 1], b1, c1);
    let (x, k) = adc(x, c0, 0);
    t[len] = x;
    // No carry out: t + a·(b0 + b1·2^BITS) + c0 fits in len + 2 limbs.
    adc(c, k, 0).0
}

/// `t ← a·b`, schoolbook, two rows at a time (`t.len() = 2·a.len()`, `b.len() = a.len()`).
fn mul_wide(a: &[u32], b: &[u32], t: &mut [u32]) {
    let len = a.len();
    t.fill(0);
    let (pairs, odd) = b.as_chunks::<2>();
    for (i, &[b0, b1]) in pairs.iter().enumerate() {
        // Rows 2i and 2i+1 cover t[2i..2i+len+1]; the limb above is written first here.
        let (rows, rest) = t[2 * i..].split_at_mut(len + 1);
        rest[0] = mac_row2(rows, a, b0, b1, 0);
    }
    if let [b_last] = *odd {
        let (row, rest) = t[len - 1..].split_at_mut(len);
        rest[0] = mac_row(row, a, b_last);
    }
}

/// `t ← a²` (`t.len() = 2·a.len()`): each cross product `a[i]·a[j]` (i < j) once, the sum
/// doubled, then the squares `a[i]²` added on the diagonal; about half the multiplications of
/// `mul_wide(a, a)`.
fn sqr_wide(a: &[u32], t: &mut [u32]) {
    let len = a.len();
    t.fill(0);
    let mut i = 0;
    // Rows i and i+1 of the cross products: a[i]·a[j] (j > i) at t[i+j] and a[i+1]·a[j]
    // (j > i+1) at t[i+1+j]. After row i's first product, a[i]·a[i+1] at t[2i+1], the rest is
    // two rows over a[i+2..] from t[2i+2]. The limb above them, t[i+len+1], is written first.
    while i + 2 < len {
        let (ai, ai1) = (a[i], a[i + 1]);
        let (x, c) = mac(t[2 * i + 1], ai, ai1, 0);
        t[2 * i + 1] = x;
        let higher = &a[i + 2..];
        let (rows, rest) = t[2 * i + 2..].split_at_mut(higher.len() + 1);
        rest[0] = mac_row2(rows, higher, ai, ai1, c);
        i += 2;
    }
    if i + 1 < len {
        // The last cross product when len is even: a[len−2]·a[len−1] at t[2len−3].
        let (x, c) = mac(t[2 * i + 1], a[i], a[i + 1], 0);
        t[2 * i + 1] = x;
        t[2 * i + 2] = c;
    }
    let (pairs, _) = t.as_chunks_mut::<2>();
    let mut doubled = 0;
    let mut added = 0;
    for (pair, &ai) in pairs.iter_mut().zip(a) {
        let (lo, hi) = mac(0, ai, ai, 0);
        let (d0, c) = adc(pair[0], pair[0], doubled);
        let (d1, c) = adc(pair[1], pair[1], c);
        doubled = c;
        let (s0, c) = adc(d0, lo, added);
        let (s1, c) = adc(d1, hi, c);
        added = c;
        *pair = [s0, s1];
    }
    // Both final carries are zero: a² < R² fits in 2·len limbs.
}

/// `R² mod n` by doubling 1 modulo n, `2·BITS·len` times (once per key; x < n throughout).
fn r_squared(n: &[u32]) -> Vec<u32> {
    let mut x = vec![0; n.len()];
    x[0] = 1;
    for _ in 0..2 * BITS as usize * n.len() {
        let mut carry = 0;
        for xi in x.iter_mut() {
            (*xi, carry) = adc(*xi, *xi, carry);
        }
        if carry != 0 || geq(&x, n) {
            sub_in_place(&mut x, n);
        }
    }
    x
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use rand::SeedableRng as _;

    /// `a·b mod n` by shift-and-subtract on bits, sharing nothing with the Montgomery code.
    fn naive_mul_mod(a: &[u32], b: &[u32], n: &[u32]) -> Vec<u32> {
        let len = n.len();
        let mut prod = vec![0; 2 * len];
        for (i, &x) in a.iter().enumerate() {
            let mut c = 0;
            for (j, &y) in b.iter().enumerate() {
                (prod[i + j], c) = mac(prod[i + j], x, y, c);
            }
            prod[i + len] = c;
        }
        let mut nn = n.to_vec();
        nn.push(0);
        let mut r = vec![0; len + 1];
        for byte in to_be(&prod) {
            for bit in (0..8).rev() {
                let mut carry = 0;
                for x in r.iter_mut() {
                    (*x, carry) = adc(*x, *x, carry);
                }
                if (byte >> bit) & 1 == 1 {
                    r[0] = adc(r[0], 1, 0).0;
                }
                if geq(&r, &nn) {
                    sub_in_place(&mut r, &nn);
                }
            }
        }
        r.truncate(len);
        r
    }

    /// `x^e mod n` by square-and-multiply over [`naive_mul_mod`] (also the reference of
    /// `page_rsa`'s tests).
    pub(in crate::crypto) fn naive_pow(x: &[u32], e: u64, n: &[u32]) -> Vec<u32> {
        let mut acc = vec![0; n.len()];
        acc[0] = 1;
        for bit in (0..64 - e.leading_zeros()).rev() {
            acc = naive_mul_mod(&acc, &acc, n);
            if (e >> bit) & 1 == 1 {
                acc = naive_mul_mod(&acc, x, n);
            }
        }
        acc
    }

    /// A random odd modulus of exactly `bits` bits, as big-endian bytes.
    fn random_modulus(rng: &mut impl rand::Rng, bits: usize) -> Vec<u8> {
        let mut be: Vec<u8> = (0..bits.div_ceil(8)).map(|_| rng.random()).collect();
        let top_bits = bits - 8 * (be.len() - 1);
        be[0] &= 0xffu8 >> (8 - top_bits);
        be[0] |= 1 << (top_bits - 1);
        *be.last_mut().unwrap() |= 1;
        be
    }

    /// A random value below `n` (same limb count): random bits up to n's top bit, retried
    /// when not below n (probability under one half).
    fn random_below(rng: &mut impl rand::Rng, n: &[u32]) -> Vec<u32> {
        let bits = super::bits(n);
        loop {
            let mut be: Vec<u8> = (0..bits.div_ceil(8)).map(|_| rng.random()).collect();
            be[0] &= 0xffu8 >> (8 * be.len() - bits);
            let mut x = from_be(&be);
            x.resize(n.len(), 0);
            if !geq(&x, n) {
                return x;
            }
        }
    }

    fn cross_check(seed: u64) {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        // Limb counts odd and even (the row code pairs rows), and moduli
        // of all ones as well as random ones (all ones maximises carries).
        let sizes: [usize; 10] = [64, 96, 127, 160, 200, 512, 1025, 2047, 2048, 3072];
        for (bits, all_ones) in sizes.into_iter().flat_map(|b| [(b, false), (b, true)]) {
            let n_be = if all_ones {
                let mut be = vec![0xffu8; bits.div_ceil(8)];
                be[0] >>= 8 * be.len() - bits;
                be
            } else {
                random_modulus(&mut rng, bits)
            };
            let m = Modulus::new(from_be(&n_be)).unwrap();
            assert_eq!(super::bits(m.limbs()), bits);
            let n = m.limbs().to_vec();
            let len = n.len();
            let mut t = vec![0; 2 * len];
            // R mod n, to take values out of Montgomery form in the naive domain:
            // mont(x, y) = x·y·R⁻¹, so mont(x, y)·R = x·y.
            let mut r = vec![0; len];
            r[0] = 1;
            m.mont_mul(&mut r, &m.r2, &mut t);
            for _ in 0..3 {
                let a = random_below(&mut rng, &n);
                let b = random_below(&mut rng, &n);
                let want_mul = naive_mul_mod(&a, &b, &n);
                let mut got = a.clone();
                m.mont_mul(&mut got, &b, &mut t);
                assert_eq!(naive_mul_mod(&got, &r, &n), want_mul, "mul, {bits} bits");

                let want_sqr = naive_mul_mod(&a, &a, &n);
                let mut sqr = a.clone();
                m.mont_sqr(&mut sqr, &mut t);
                let mut mul = a.clone();
                m.mont_mul(&mut mul, &a, &mut t);
                assert_eq!(sqr, mul, "square vs multiply, {bits} bits");
                assert_eq!(naive_mul_mod(&sqr, &r, &n), want_sqr, "square, {bits} bits");

                let mut wide = vec![0; 2 * len];
                sqr_wide(&a, &mut wide);
                mul_wide(&a, &a, &mut t);
                assert_eq!(wide, t, "wide square vs wide product, {bits} bits");
            }
            // Values at the edges: 0, 1, n−1 (whose square is 1).
            let mut n_minus_1 = n.clone();
            n_minus_1[0] = n_minus_1[0].wrapping_sub(1);
            let mut one = vec![0; len];
            one[0] = 1;
            for x in [vec![0; len], one.clone(), n_minus_1.clone()] {
                let mut got = x.clone();
                m.pow(&mut got, 2);
                assert_eq!(got, naive_mul_mod(&x, &x, &n), "edge square, {bits} bits");
            }
            let mut got = n_minus_1.clone();
            m.pow(&mut got, 65537);
            assert_eq!(got, n_minus_1, "(n−1)^odd = n−1, {bits} bits");
            // Every limb at its maximum: the widest carries in the wide products.
            let max = vec![u32::MAX; len];
            let mut wide = vec![0; 2 * len];
            sqr_wide(&max, &mut wide);
            mul_wide(&max, &max, &mut t);
            assert_eq!(wide, t, "wide square of all ones, {bits} bits");
            let mut want = vec![0; 2 * len];
            // (R−1)² = R² − 2R + 1: limb 0 is 1, limbs len..2len−1 are all ones but for the
            // lowest, which is one less.
            want[0] = 1;
            want[len..].fill(u32::MAX);
            want[len] = want[len].wrapping_sub(1);
            assert_eq!(wide, want, "(R−1)² = R² − 2R + 1, {bits} bits");
        }
    }

    #[test]
    fn montgomery_square_and_multiply_match_naive() {
        cross_check(32);
    }

    fn pow_check(seed: u64) {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        // Smaller sizes here: the naive reference costs a shift-subtract pass per product bit.
        for bits in [65, 200, 1025] {
            let m = Modulus::new(from_be(&random_modulus(&mut rng, bits))).unwrap();
            let n = m.limbs().to_vec();
            for e in [0u64, 1, 2, 3, 4, 17, 65537, 0x8000_0000_0000_0001] {
                let x = random_below(&mut rng, &n);
                let mut got = x.clone();
                m.pow(&mut got, e);
                assert_eq!(got, naive_pow(&x, e, &n), "{bits} bits, e = {e}");
            }
        }
    }

    #[test]
    fn pow_matches_naive() {
        pow_check(3232);
    }

    #[test]
    fn limbs_and_comparisons() {
        assert_eq!(from_be(&[0, 0, 1, 2, 3, 4, 5]), vec![0x0203_0405, 0x01]);
        assert_eq!(from_be(&[0, 0]), Vec::<u32>::new());
        assert_eq!(to_be(&[0x0203_0405u32, 0x01]), vec![0, 0, 0, 1, 2, 3, 4, 5]);
        let mut a = vec![0u32, 1];
        assert!(!sub_in_place(&mut a, &[1, 0]));
        assert_eq!(a, vec![u32::MAX, 0]);
        let mut a = vec![0u32, 0];
        assert!(sub_in_place(&mut a, &[1, 0]));
        assert_eq!(a, vec![u32::MAX, u32::MAX]);
        assert!(geq(&[5, 1], &[7, 0]));
        assert!(!geq(&[5, 0], &[7, 0]));
        assert!(Modulus::new(vec![4, 1]).is_none());
        assert!(Modulus::new(vec![]).is_none());
        assert!(Modulus::new(vec![0]).is_none());
    }

    #[test]
    fn negated_inverse_is_exact() {
        for n0 in [1u32, 3, 0xffff_ffff, 0x9abc_def1] {
            let m = Modulus::new(vec![n0]).unwrap();
            assert_eq!(m.n0_inv.wrapping_mul(n0), u32::MAX, "n0 = {n0:#x}");
        }
    }
}
