//! Modular exponentiation by Montgomery multiplication, generic over the machine word: 32-bit
//! limbs with 64-bit products for wasm32 (which has 64-bit multiplies but no 128-bit ones), 64-bit
//! limbs with 128-bit products natively (x86-64 `mul` gives the full 128-bit product, so each
//! step does four times the work of a 32-bit one).
//!
//! Only public values pass through here (RSA verification), so nothing is constant time. An
//! RSA-2048 verification with e = 65537 is about 29 000 word multiply-accumulates (one product
//! to enter Montgomery form, sixteen squarings, one product), so speed is instructions per
//! multiply-accumulate: no allocation after one scratch buffer per exponentiation; no bounds
//! checks (rows are pre-sliced and walked with `zip`); four limbs per loop step; two rows per
//! pass, so two carry chains overlap and `t` is loaded and stored once for both; a squaring
//! that computes each cross product once; and a last multiplication that leaves Montgomery form
//! without a separate reduction. Without the carry-free `mulx`/`adcx`/`adox` instructions (out of
//! reach of safe, portable Rust) a multiply-accumulate costs about two cycles on x86-64.

/// A machine word for multi-precision arithmetic, with a double-width product.
pub(crate) trait Limb: Copy + Eq + Ord + core::fmt::Debug {
    const BITS: u32;
    const BYTES: usize;
    const ZERO: Self;
    const ONE: Self;
    /// `a + b·c + carry` as (low, high) words. Cannot overflow the double width:
    /// (2ʷ−1) + (2ʷ−1)² + (2ʷ−1) = 2²ʷ − 1.
    fn mac(a: Self, b: Self, c: Self, carry: Self) -> (Self, Self);
    /// `a + b + carry` (carry 0 or 1) as (sum, carry out).
    fn adc(a: Self, b: Self, carry: Self) -> (Self, Self);
    /// `a − b − borrow` (borrow 0 or 1) as (difference, borrow out).
    fn sbb(a: Self, b: Self, borrow: Self) -> (Self, Self);
    fn wrapping_mul(self, rhs: Self) -> Self;
    fn wrapping_sub(self, rhs: Self) -> Self;
    fn wrapping_neg(self) -> Self;
    fn leading_zeros(self) -> u32;
    fn is_odd(self) -> bool;
    /// Up to `BYTES` big-endian bytes.
    fn from_be_slice(bytes: &[u8]) -> Self;
    /// Exactly `BYTES` big-endian bytes into `out`.
    fn write_be(self, out: &mut [u8]);
}

macro_rules! limb {
    ($limb:ty, $wide:ty) => {
        impl Limb for $limb {
            const BITS: u32 = <$limb>::BITS;
            const BYTES: usize = core::mem::size_of::<$limb>();
            const ZERO: Self = 0;
            const ONE: Self = 1;
            #[inline(always)]
            fn mac(a: Self, b: Self, c: Self, carry: Self) -> (Self, Self) {
                // a + b·c first, then the incoming carry: from one limb's carry to the next the
                // critical path is then one add and one add-with-carry. Written as a single
                // double-width sum, LLVM adds the carry first and the chain is three
                // instructions long (RSA-2048 measured 15% slower).
                let p = <$wide>::from(b) * <$wide>::from(c);
                let (lo, c1) = (p as $limb).overflowing_add(a);
                let hi = ((p >> <$limb>::BITS) as $limb).wrapping_add(<$limb>::from(c1));
                let (lo, c2) = lo.overflowing_add(carry);
                (lo, hi.wrapping_add(<$limb>::from(c2)))
            }
            #[inline(always)]
            fn adc(a: Self, b: Self, carry: Self) -> (Self, Self) {
                let t = <$wide>::from(a) + <$wide>::from(b) + <$wide>::from(carry);
                (t as $limb, (t >> <$limb>::BITS) as $limb)
            }
            #[inline(always)]
            fn sbb(a: Self, b: Self, borrow: Self) -> (Self, Self) {
                let t = <$wide>::from(a)
                    .wrapping_sub(<$wide>::from(b))
                    .wrapping_sub(<$wide>::from(borrow));
                (t as $limb, (t >> (2 * <$limb>::BITS - 1)) as $limb)
            }
            #[inline(always)]
            fn wrapping_mul(self, rhs: Self) -> Self {
                <$limb>::wrapping_mul(self, rhs)
            }
            #[inline(always)]
            fn wrapping_sub(self, rhs: Self) -> Self {
                <$limb>::wrapping_sub(self, rhs)
            }
            #[inline(always)]
            fn wrapping_neg(self) -> Self {
                <$limb>::wrapping_neg(self)
            }
            #[inline(always)]
            fn leading_zeros(self) -> u32 {
                <$limb>::leading_zeros(self)
            }
            #[inline(always)]
            fn is_odd(self) -> bool {
                self & 1 == 1
            }
            fn from_be_slice(bytes: &[u8]) -> Self {
                bytes
                    .iter()
                    .fold(0, |acc, &b| (acc << 8) | <$limb>::from(b))
            }
            fn write_be(self, out: &mut [u8]) {
                out.copy_from_slice(&self.to_be_bytes());
            }
        }
    };
}

limb!(u32, u64);
limb!(u64, u128);

/// Big-endian bytes (leading zeros allowed) to little-endian limbs without leading zero limbs.
pub(crate) fn from_be<L: Limb>(be: &[u8]) -> Vec<L> {
    let be = &be[be.iter().take_while(|&&b| b == 0).count()..];
    let mut out: Vec<L> = be.rchunks(L::BYTES).map(L::from_be_slice).collect();
    while out.last() == Some(&L::ZERO) {
        out.pop();
    }
    out
}

/// Little-endian limbs to big-endian bytes, `limbs.len() · BYTES` of them.
pub(crate) fn to_be<L: Limb>(limbs: &[L]) -> Vec<u8> {
    let mut be = vec![0u8; limbs.len() * L::BYTES];
    for (chunk, limb) in be.rchunks_exact_mut(L::BYTES).zip(limbs) {
        limb.write_be(chunk);
    }
    be
}

/// Significant bits of a little-endian number without leading zero limbs.
pub(crate) fn bits<L: Limb>(x: &[L]) -> usize {
    let top = x.last().map_or(0, |l| l.leading_zeros());
    x.len() * L::BITS as usize - top as usize
}

/// `a >= b` for equal-length limb slices.
pub(crate) fn geq<L: Limb>(a: &[L], b: &[L]) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x > y;
        }
    }
    true
}

/// `a -= b` (equal lengths), returns the borrow.
pub(crate) fn sub_in_place<L: Limb>(a: &mut [L], b: &[L]) -> bool {
    let mut borrow = L::ZERO;
    for (x, &y) in a.iter_mut().zip(b) {
        (*x, borrow) = L::sbb(*x, y, borrow);
    }
    borrow != L::ZERO
}

/// An odd modulus with its Montgomery constants (`R = 2^(BITS·len)`), computed once per key.
#[derive(Debug, Clone)]
pub(crate) struct Modulus<L> {
    /// Little-endian limbs, no leading zero limb.
    n: Vec<L>,
    /// `-n⁻¹ mod 2^BITS`.
    n0_inv: L,
    /// `R² mod n`: one Montgomery product with it brings a value into Montgomery form.
    r2: Vec<L>,
}

impl<L: Limb> Modulus<L> {
    /// `None` when `n` is empty or even (Montgomery reduction needs `n` coprime to 2).
    pub(crate) fn new(mut n: Vec<L>) -> Option<Self> {
        while n.last() == Some(&L::ZERO) {
            n.pop();
        }
        let n0 = *n.first()?;
        if !n0.is_odd() {
            return None;
        }
        // Newton iteration doubles the correct low bits each step, from 1 (n is odd) to BITS:
        // five steps for 32-bit limbs, six for 64-bit ones.
        let two = L::adc(L::ONE, L::ONE, L::ZERO).0;
        let mut inv = L::ONE;
        for _ in 0..L::BITS.trailing_zeros() {
            inv = inv.wrapping_mul(two.wrapping_sub(n0.wrapping_mul(inv)));
        }
        let r2 = r_squared(&n);
        Some(Self {
            n,
            n0_inv: inv.wrapping_neg(),
            r2,
        })
    }

    pub(crate) fn limbs(&self) -> &[L] {
        &self.n
    }

    /// `x ← x^e mod n` for `x < n` (`x.len()` equal to the modulus's).
    pub(crate) fn pow(&self, x: &mut [L], e: u64) {
        let len = self.n.len();
        if e < 2 {
            if e == 0 {
                x.fill(L::ZERO);
                x[0] = L::ONE;
            }
            return;
        }
        // The only allocation: base and accumulator in Montgomery form, and the double-width
        // product the reduction works on.
        let mut scratch = vec![L::ZERO; 4 * len];
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
            high.fill(L::ZERO);
            self.redc(t, x);
        }
    }

    /// `x ← x·y·R⁻¹ mod n`; `t` is scratch of twice the modulus length.
    fn mont_mul(&self, x: &mut [L], y: &[L], t: &mut [L]) {
        mul_wide(x, y, t);
        self.redc(t, x);
    }

    /// `x ← x²·R⁻¹ mod n`; `t` is scratch of twice the modulus length.
    fn mont_sqr(&self, x: &mut [L], t: &mut [L]) {
        sqr_wide(x, t);
        self.redc(t, x);
    }

    /// Montgomery reduction: `out ← t·R⁻¹ mod n` for `t < n·R` (`t` has `2·len` limbs and is
    /// destroyed). Row i adds the multiple m·n that clears limb i.
    fn redc(&self, t: &mut [L], out: &mut [L]) {
        let n = &self.n[..];
        let len = n.len();
        let n0_inv = self.n0_inv;
        // The carry into limb i+len, pending until row i reaches that limb.
        let mut top = L::ZERO;
        let mut i = 0;
        // Two rows per pass: the second row's multiplier is known once the first row has
        // updated limb i+1, and from there the two carry chains run side by side.
        while i + 1 < len {
            let win = &mut t[i..i + len + 2];
            let m0 = win[0].wrapping_mul(n0_inv);
            let (_, c0) = L::mac(win[0], m0, n[0], L::ZERO);
            let (x1, c0) = L::mac(win[1], m0, n[1], c0);
            let m1 = x1.wrapping_mul(n0_inv);
            let (_, c1) = L::mac(x1, m1, n[0], L::ZERO);
            let (c0, c1) = mac_rows2(
                &mut win[2..len],
                &n[2..],
                &n[1..len - 1],
                [m0, m1],
                [c0, c1],
            );
            let (x, c) = L::mac(win[len], m1, n[len - 1], c1);
            let (x, k) = L::adc(x, c0, top);
            win[len] = x;
            (win[len + 1], top) = L::adc(win[len + 1], c, k);
            i += 2;
        }
        if i < len {
            let (row, rest) = t[i..].split_at_mut(len);
            let m = row[0].wrapping_mul(n0_inv);
            let carry = mac_row(row, n, m);
            (rest[0], top) = L::adc(rest[0], carry, top);
        }
        // (t + m·n)/R < 2n for t < n·R: one conditional subtraction brings it below n.
        out.copy_from_slice(&t[len..]);
        if top != L::ZERO || geq(out, n) {
            sub_in_place(out, n);
        }
    }
}

// The row helpers below do the multiply-accumulate work. Each walks exact-length slices with
// `zip` (no bounds checks) in chunks of four limbs, which LLVM unrolls: the loop overhead is
// otherwise a quarter of the instructions.

/// `t += a·b` (equal lengths), returning the carry out of the top limb.
#[inline(always)]
fn mac_row<L: Limb>(t: &mut [L], a: &[L], b: L) -> L {
    let mut carry = L::ZERO;
    let (t4, t_rest) = t.as_chunks_mut::<4>();
    let (a4, a_rest) = a.as_chunks::<4>();
    for (tc, ac) in t4.iter_mut().zip(a4) {
        for (tk, &ak) in tc.iter_mut().zip(ac) {
            (*tk, carry) = L::mac(*tk, ak, b, carry);
        }
    }
    for (tj, &aj) in t_rest.iter_mut().zip(a_rest) {
        (*tj, carry) = L::mac(*tj, aj, b, carry);
    }
    carry
}

/// `t[j] += a0[j]·b[0] + a1[j]·b[1]` with one carry chain per row (`c` in, carries out): two
/// rows in one pass load and store `t` once, and the two chains overlap.
#[inline(always)]
fn mac_rows2<L: Limb>(t: &mut [L], a0: &[L], a1: &[L], b: [L; 2], c: [L; 2]) -> (L, L) {
    let (mut c0, mut c1) = (c[0], c[1]);
    let a0 = &a0[..t.len()];
    let a1 = &a1[..t.len()];
    let (t4, t_rest) = t.as_chunks_mut::<4>();
    let (a04, a0_rest) = a0.as_chunks::<4>();
    let (a14, a1_rest) = a1.as_chunks::<4>();
    for ((tc, x0), x1) in t4.iter_mut().zip(a04).zip(a14) {
        for ((tk, &x0k), &x1k) in tc.iter_mut().zip(x0).zip(x1) {
            let (x, c) = L::mac(*tk, x0k, b[0], c0);
            c0 = c;
            (*tk, c1) = L::mac(x, x1k, b[1], c1);
        }
    }
    for ((tj, &x0j), &x1j) in t_rest.iter_mut().zip(a0_rest).zip(a1_rest) {
        let (x, c) = L::mac(*tj, x0j, b[0], c0);
        c0 = c;
        (*tj, c1) = L::mac(x, x1j, b[1], c1);
    }
    (c0, c1)
}

/// `t += a·b0 + a·b1·2^BITS + c0` for `t.len() = a.len() + 1` (two consecutive rows of a
/// product), returning the limb above `t`.
#[inline(always)]
fn mac_row2<L: Limb>(t: &mut [L], a: &[L], b0: L, b1: L, c0: L) -> L {
    let len = a.len();
    let (x, c0) = L::mac(t[0], a[0], b0, c0);
    t[0] = x;
    let (c0, c1) = mac_rows2(
        &mut t[1..len],
        &a[1..],
        &a[..len - 1],
        [b0, b1],
        [c0, L::ZERO],
    );
    let (x, c) = L::mac(t[len], a[len - 1], b1, c1);
    let (x, k) = L::adc(x, c0, L::ZERO);
    t[len] = x;
    // No carry out: t + a·(b0 + b1·2^BITS) + c0 fits in len + 2 limbs.
    L::adc(c, k, L::ZERO).0
}

/// `t ← a·b`, schoolbook, two rows at a time (`t.len() = 2·a.len()`, `b.len() = a.len()`).
fn mul_wide<L: Limb>(a: &[L], b: &[L], t: &mut [L]) {
    let len = a.len();
    t.fill(L::ZERO);
    let (pairs, odd) = b.as_chunks::<2>();
    for (i, &[b0, b1]) in pairs.iter().enumerate() {
        // Rows 2i and 2i+1 cover t[2i..2i+len+1]; the limb above is written first here.
        let (rows, rest) = t[2 * i..].split_at_mut(len + 1);
        rest[0] = mac_row2(rows, a, b0, b1, L::ZERO);
    }
    if let [b_last] = *odd {
        let (row, rest) = t[len - 1..].split_at_mut(len);
        rest[0] = mac_row(row, a, b_last);
    }
}

/// `t ← a²` (`t.len() = 2·a.len()`): each cross product `a[i]·a[j]` (i < j) once, the sum
/// doubled, then the squares `a[i]²` added on the diagonal; about half the multiplications of
/// `mul_wide(a, a)`.
fn sqr_wide<L: Limb>(a: &[L], t: &mut [L]) {
    let len = a.len();
    t.fill(L::ZERO);
    let mut i = 0;
    // Rows i and i+1 of the cross products: a[i]·a[j] (j > i) at t[i+j] and a[i+1]·a[j]
    // (j > i+1) at t[i+1+j]. After row i's first product, a[i]·a[i+1] at t[2i+1], the rest is
    // two rows over a[i+2..] from t[2i+2]. The limb above them, t[i+len+1], is written first.
    while i + 2 < len {
        let (ai, ai1) = (a[i], a[i + 1]);
        let (x, c) = L::mac(t[2 * i + 1], ai, ai1, L::ZERO);
        t[2 * i + 1] = x;
        let higher = &a[i + 2..];
        let (rows, rest) = t[2 * i + 2..].split_at_mut(higher.len() + 1);
        rest[0] = mac_row2(rows, higher, ai, ai1, c);
        i += 2;
    }
    if i + 1 < len {
        // The last cross product when len is even: a[len−2]·a[len−1] at t[2len−3].
        let (x, c) = L::mac(t[2 * i + 1], a[i], a[i + 1], L::ZERO);
        t[2 * i + 1] = x;
        t[2 * i + 2] = c;
    }
    let (pairs, _) = t.as_chunks_mut::<2>();
    let mut doubled = L::ZERO;
    let mut added = L::ZERO;
    for (pair, &ai) in pairs.iter_mut().zip(a) {
        let (lo, hi) = L::mac(L::ZERO, ai, ai, L::ZERO);
        let (d0, c) = L::adc(pair[0], pair[0], doubled);
        let (d1, c) = L::adc(pair[1], pair[1], c);
        doubled = c;
        let (s0, c) = L::adc(d0, lo, added);
        let (s1, c) = L::adc(d1, hi, c);
        added = c;
        *pair = [s0, s1];
    }
    // Both final carries are zero: a² < R² fits in 2·len limbs.
}

/// `R² mod n` by doubling 1 modulo n, `2·BITS·len` times (once per key; x < n throughout).
fn r_squared<L: Limb>(n: &[L]) -> Vec<L> {
    let mut x = vec![L::ZERO; n.len()];
    x[0] = L::ONE;
    for _ in 0..2 * L::BITS as usize * n.len() {
        let mut carry = L::ZERO;
        for xi in x.iter_mut() {
            (*xi, carry) = L::adc(*xi, *xi, carry);
        }
        if carry != L::ZERO || geq(&x, n) {
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
    fn naive_mul_mod<L: Limb>(a: &[L], b: &[L], n: &[L]) -> Vec<L> {
        let len = n.len();
        let mut prod = vec![L::ZERO; 2 * len];
        for (i, &x) in a.iter().enumerate() {
            let mut c = L::ZERO;
            for (j, &y) in b.iter().enumerate() {
                (prod[i + j], c) = L::mac(prod[i + j], x, y, c);
            }
            prod[i + len] = c;
        }
        let mut nn = n.to_vec();
        nn.push(L::ZERO);
        let mut r = vec![L::ZERO; len + 1];
        for byte in to_be(&prod) {
            for bit in (0..8).rev() {
                let mut carry = L::ZERO;
                for x in r.iter_mut() {
                    (*x, carry) = L::adc(*x, *x, carry);
                }
                if (byte >> bit) & 1 == 1 {
                    r[0] = L::adc(r[0], L::ONE, L::ZERO).0;
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
    /// `rsa_public`'s tests).
    pub(in crate::crypto) fn naive_pow<L: Limb>(x: &[L], e: u64, n: &[L]) -> Vec<L> {
        let mut acc = vec![L::ZERO; n.len()];
        acc[0] = L::ONE;
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
    fn random_below<L: Limb>(rng: &mut impl rand::Rng, n: &[L]) -> Vec<L> {
        let bits = super::bits(n);
        loop {
            let mut be: Vec<u8> = (0..bits.div_ceil(8)).map(|_| rng.random()).collect();
            be[0] &= 0xffu8 >> (8 * be.len() - bits);
            let mut x = from_be::<L>(&be);
            x.resize(n.len(), L::ZERO);
            if !geq(&x, n) {
                return x;
            }
        }
    }

    fn cross_check<L: Limb>(seed: u64) {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        // Limb counts odd and even for both limb sizes (the row code pairs rows), and moduli
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
            let m = Modulus::<L>::new(from_be(&n_be)).unwrap();
            assert_eq!(super::bits(m.limbs()), bits);
            let n = m.limbs().to_vec();
            let len = n.len();
            let mut t = vec![L::ZERO; 2 * len];
            // R mod n, to take values out of Montgomery form in the naive domain:
            // mont(x, y) = x·y·R⁻¹, so mont(x, y)·R = x·y.
            let mut r = vec![L::ZERO; len];
            r[0] = L::ONE;
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

                let mut wide = vec![L::ZERO; 2 * len];
                sqr_wide(&a, &mut wide);
                mul_wide(&a, &a, &mut t);
                assert_eq!(wide, t, "wide square vs wide product, {bits} bits");
            }
            // Values at the edges: 0, 1, n−1 (whose square is 1).
            let mut n_minus_1 = n.clone();
            n_minus_1[0] = n_minus_1[0].wrapping_sub(L::ONE);
            let mut one = vec![L::ZERO; len];
            one[0] = L::ONE;
            for x in [vec![L::ZERO; len], one.clone(), n_minus_1.clone()] {
                let mut got = x.clone();
                m.pow(&mut got, 2);
                assert_eq!(got, naive_mul_mod(&x, &x, &n), "edge square, {bits} bits");
            }
            let mut got = n_minus_1.clone();
            m.pow(&mut got, 65537);
            assert_eq!(got, n_minus_1, "(n−1)^odd = n−1, {bits} bits");
            // Every limb at its maximum: the widest carries in the wide products.
            let max = vec![L::ZERO.wrapping_sub(L::ONE); len];
            let mut wide = vec![L::ZERO; 2 * len];
            sqr_wide(&max, &mut wide);
            mul_wide(&max, &max, &mut t);
            assert_eq!(wide, t, "wide square of all ones, {bits} bits");
            let mut want = vec![L::ZERO; 2 * len];
            // (R−1)² = R² − 2R + 1: limb 0 is 1, limbs len..2len−1 are all ones but for the
            // lowest, which is one less.
            want[0] = L::ONE;
            want[len..].fill(L::ZERO.wrapping_sub(L::ONE));
            want[len] = want[len].wrapping_sub(L::ONE);
            assert_eq!(wide, want, "(R−1)² = R² − 2R + 1, {bits} bits");
        }
    }

    #[test]
    fn montgomery_square_and_multiply_match_naive_32() {
        cross_check::<u32>(32);
    }

    #[test]
    fn montgomery_square_and_multiply_match_naive_64() {
        cross_check::<u64>(64);
    }

    fn pow_check<L: Limb>(seed: u64) {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        // Smaller sizes here: the naive reference costs a shift-subtract pass per product bit.
        for bits in [65, 200, 1025] {
            let m = Modulus::<L>::new(from_be(&random_modulus(&mut rng, bits))).unwrap();
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
    fn pow_matches_naive_32() {
        pow_check::<u32>(3232);
    }

    #[test]
    fn pow_matches_naive_64() {
        pow_check::<u64>(6464);
    }

    #[test]
    fn both_limb_sizes_agree() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for bits in [512, 1025, 2047, 2048, 3072, 4096] {
            let n_be = random_modulus(&mut rng, bits);
            let m32 = Modulus::<u32>::new(from_be(&n_be)).unwrap();
            let m64 = Modulus::<u64>::new(from_be(&n_be)).unwrap();
            let x32 = random_below(&mut rng, m32.limbs());
            let mut x64 = from_be::<u64>(&to_be(&x32));
            x64.resize(m64.limbs().len(), 0);
            let mut y32 = x32.clone();
            m32.pow(&mut y32, 65537);
            m64.pow(&mut x64, 65537);
            let (be32, be64) = (to_be(&y32), to_be(&x64));
            let k = bits.div_ceil(8);
            assert_eq!(
                be32[be32.len() - k..],
                be64[be64.len() - k..],
                "{bits} bits"
            );
        }
    }

    #[test]
    fn limbs_and_comparisons() {
        assert_eq!(
            from_be::<u32>(&[0, 0, 1, 2, 3, 4, 5]),
            vec![0x0203_0405, 0x01]
        );
        assert_eq!(
            from_be::<u64>(&[0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
            vec![0x0203_0405_0607_0809, 0x01]
        );
        assert_eq!(from_be::<u32>(&[0, 0]), Vec::<u32>::new());
        assert_eq!(to_be(&[0x0203_0405u32, 0x01]), vec![0, 0, 0, 1, 2, 3, 4, 5]);
        let mut a = vec![0u32, 1];
        assert!(!sub_in_place(&mut a, &[1, 0]));
        assert_eq!(a, vec![u32::MAX, 0]);
        let mut a = vec![0u64, 0];
        assert!(sub_in_place(&mut a, &[1, 0]));
        assert_eq!(a, vec![u64::MAX, u64::MAX]);
        assert!(geq(&[5u32, 1], &[7, 0]));
        assert!(!geq(&[5u64, 0], &[7, 0]));
        assert!(Modulus::new(vec![4u64, 1]).is_none());
        assert!(Modulus::<u32>::new(vec![]).is_none());
        assert!(Modulus::new(vec![0u64]).is_none());
    }

    #[test]
    fn negated_inverse_is_exact() {
        for n0 in [1u64, 3, 0xffff_ffff_ffff_ffff, 0x1234_5678_9abc_def1] {
            let m = Modulus::new(vec![n0]).unwrap();
            assert_eq!(m.n0_inv.wrapping_mul(n0), u64::MAX, "n0 = {n0:#x}");
        }
        for n0 in [1u32, 3, 0xffff_ffff, 0x9abc_def1] {
            let m = Modulus::new(vec![n0]).unwrap();
            assert_eq!(m.n0_inv.wrapping_mul(n0), u32::MAX, "n0 = {n0:#x}");
        }
    }
}
