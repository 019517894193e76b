//! One copy of each name: the names, prefixes and namespace URIs nearly every SAML message
//! uses are `'static`, and the others are shared within a document, so a typical parse
//! allocates no name and a repeated name costs one reference count.

use super::*;

/// Names, prefixes and namespace URIs nearly every SAML message uses: `'static`, so a typical
/// parse allocates no name at all and counts no references.
#[rustfmt::skip]
pub(super) const COMMON_NAMES: &[&str] = &[
    // Prefixes.
    "saml", "samlp", "saml2", "saml2p", "ds", "xs", "xsi", "ec", "md", "xenc",
    // Elements.
    "Response", "Assertion", "Issuer", "Signature", "SignedInfo", "CanonicalizationMethod",
    "SignatureMethod", "Reference", "Transforms", "Transform", "DigestMethod", "DigestValue",
    "SignatureValue", "KeyInfo", "X509Data", "X509Certificate", "Status", "StatusCode",
    "StatusMessage", "Subject", "NameID", "SubjectConfirmation", "SubjectConfirmationData",
    "Conditions", "AudienceRestriction", "Audience", "AuthnStatement", "AuthnContext",
    "AuthnContextClassRef", "AttributeStatement", "Attribute", "AttributeValue",
    "InclusiveNamespaces", "EncryptedAssertion", "AuthnRequest", "NameIDPolicy",
    "EntityDescriptor", "IDPSSODescriptor", "KeyDescriptor", "SingleSignOnService",
    "SingleLogoutService", "NameIDFormat",
    // Attributes.
    "ID", "Version", "IssueInstant", "Destination", "InResponseTo", "Algorithm", "URI", "Value",
    "Format", "Method", "NotBefore", "NotOnOrAfter", "Recipient", "AuthnInstant", "SessionIndex",
    "SessionNotOnOrAfter", "Name", "NameFormat", "type", "PrefixList", "SPNameQualifier",
    "NameQualifier", "FriendlyName", "Binding", "Location", "entityID", "use",
    // Namespace URIs.
    ns::SAMLP, ns::SAML, ns::MD, ns::DS, ns::XENC, ns::EXC_C14N,
    "http://www.w3.org/2001/XMLSchema", "http://www.w3.org/2001/XMLSchema-instance",
];

/// A name of [`COMMON_NAMES`] with its [`key`].
#[derive(Clone, Copy)]
pub(super) struct Common {
    key: u64,
    text: &'static str,
}

/// [`COMMON_NAMES`] in an open-addressing table with [`hash`] (a lookup is usually one
/// comparison of keys).
pub(super) fn common_names() -> &'static [Option<Common>] {
    const SLOTS: usize = 256;
    static TABLE: std::sync::OnceLock<Vec<Option<Common>>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t: Vec<Option<Common>> = vec![None; SLOTS];
        for &n in COMMON_NAMES {
            let key = key(n.as_bytes(), &[]);
            let mut i = hash(key, n) & (SLOTS - 1);
            while let Some(Some(c)) = t.get(i) {
                if c.text == n {
                    break;
                }
                i = (i + 1) & (SLOTS - 1);
            }
            if let Some(slot @ None) = t.get_mut(i) {
                *slot = Some(Common { key, text: n });
            }
        }
        t
    })
}

/// The `'static` copy of `s` (key `k`, hash `h`) if it is one of [`COMMON_NAMES`].
pub(super) fn common_name(k: u64, h: usize, s: &str) -> Option<&'static str> {
    let table = common_names();
    let mask = table.len() - 1;
    let mut i = h & mask;
    loop {
        let c = (*table.get(i)?)?;
        if same_key(c.key, c.text, k, s) {
            return Some(c.text);
        }
        i = (i + 1) & mask;
    }
}

/// The first eight bytes of `s` as a little-endian word, zero-extended when `s` is shorter. For
/// the names of up to eight bytes (prefixes, most local names) this is the whole name, so
/// equal keys and lengths are equal names. A short name that lies in `src` (the document, where
/// every interned string comes from) is read as the eight bytes of the document at its start
/// and masked: one load, where assembling it byte by byte (the fallback) was most of a lookup.
pub(super) fn key(s: &[u8], src: &[u8]) -> u64 {
    if let Some(head) = load8(s, 0) {
        return head;
    }
    let at = s.as_ptr().addr().wrapping_sub(src.as_ptr().addr());
    match load8(src, at) {
        // `s` starts inside `src` and ends inside it: those bytes are `s` itself.
        Some(word) if at.checked_add(s.len()).is_some_and(|end| end <= src.len()) => {
            word & ((1u64 << (8 * s.len())) - 1)
        }
        _ => s
            .iter()
            .rev()
            .fold(0u64, |acc, &c| (acc << 8) | u64::from(c)),
    }
}

/// Whether `text` (key `key`) is `s` (key `k`): names of up to eight bytes are their key, so
/// only longer ones are compared beyond it.
pub(super) fn same_key(key: u64, text: &str, k: u64, s: &str) -> bool {
    key == k && text.len() == s.len() && (s.len() <= 8 || same_text(text, s))
}

/// The table hash of `s` with key `k` (see [`key`]): the key, the last eight bytes and the
/// length. Names and namespace URIs of one document differ there, and hashing whole URIs byte
/// by byte showed in profiles. A table private to one parse needs no flooding resistance
/// beyond what the node and attribute limits already bound: a collision only costs a probe.
pub(super) fn hash(k: u64, s: &str) -> usize {
    let b = s.as_bytes();
    let tail = b
        .len()
        .checked_sub(8)
        .and_then(|at| load8(b, at))
        .unwrap_or(0);
    let x = k ^ tail.rotate_left(29) ^ (b.len() as u64);
    (x.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as usize
}

/// A small open-addressing table from a string of the input to its [`Name`]. The table holds
/// two-byte indices into `entries`, so clearing it per parse is cheap and it owns nothing to
/// drop.
pub(super) struct Interner<'a> {
    /// The document (see [`key`]).
    src: &'a [u8],
    /// `0` = empty, else 1 + index into `entries`.
    slots: Vec<u16>,
    entries: Vec<Interned<'a>>,
}

pub(super) struct Interned<'a> {
    key: u64,
    text: &'a str,
    name: Name,
}

impl Interned<'_> {
    /// Whether this entry is `s`, whose key is `k`: names of up to eight bytes are their key.
    pub(super) fn is(&self, k: u64, s: &str) -> bool {
        same_key(self.key, self.text, k, s)
    }
}

impl<'a> Interner<'a> {
    pub(super) fn new(src: &'a str) -> Self {
        // Allocated on the first name that is not a common one (most messages have none).
        Self {
            src: src.as_bytes(),
            slots: Vec::new(),
            entries: Vec::new(),
        }
    }

    /// The shared [`Name`] for `s`. The lookup is inlined into the builder; adding a name (a few
    /// dozen times per document) is not, so the lookup stays a short loop.
    #[inline]
    pub(super) fn get(&mut self, s: &'a str) -> Name {
        let k = key(s.as_bytes(), self.src);
        let h = hash(k, s);
        // Nearly every name of a SAML message is a common one: `'static`, found without
        // touching this document's table.
        if let Some(common) = common_name(k, h, s) {
            return Name::from_static(common);
        }
        if self.slots.is_empty() {
            return self.add(k, h, s);
        }
        let mask = self.slots.len() - 1;
        let mut i = h & mask;
        while let Some(&slot) = self.slots.get(i)
            && slot != 0
        {
            if let Some(e) = self.entries.get(usize::from(slot) - 1)
                && e.is(k, s)
            {
                return e.name.clone();
            }
            i = (i + 1) & mask;
        }
        self.add(k, h, s)
    }

    /// Adds `s` (not in the table; key `k`, hash `h`) and returns its name.
    #[inline(never)]
    pub(super) fn add(&mut self, k: u64, h: usize, s: &'a str) -> Name {
        let v = Name::shared(Arc::from(s));
        if self.slots.is_empty() {
            // 256 slots hold the 60 to 100 distinct names of even an unusual message without
            // growing (each growth re-hashes every entry).
            self.slots = vec![0; 256];
            self.entries.reserve(128);
        }
        if self.entries.len() * 2 >= self.slots.len() {
            self.grow();
        }
        // Inserted only while the table stays at most half full: it stops growing where a slot
        // can no longer index the entries, and a full table would make every probe endless.
        // Past that (tens of thousands of distinct names) a name is still right, only not shared.
        if self.entries.len() * 2 >= self.slots.len() {
            return v;
        }
        let mask = self.slots.len() - 1;
        let mut i = h & mask;
        while self.slots.get(i).is_some_and(|&taken| taken != 0) {
            i = (i + 1) & mask;
        }
        if let (Ok(slot), Some(free)) =
            (u16::try_from(self.entries.len() + 1), self.slots.get_mut(i))
        {
            *free = slot;
            self.entries.push(Interned {
                key: k,
                text: s,
                name: v.clone(),
            });
        }
        v
    }

    pub(super) fn grow(&mut self) {
        let size = self.slots.len() * 2;
        if size > usize::from(u16::MAX) {
            return;
        }
        self.slots = vec![0; size];
        let mask = size - 1;
        for (n, e) in self.entries.iter().enumerate() {
            let mut i = hash(e.key, e.text) & mask;
            while let Some(&taken) = self.slots.get(i)
                && taken != 0
            {
                i = (i + 1) & mask;
            }
            if let (Some(free), Ok(slot)) = (self.slots.get_mut(i), u16::try_from(n + 1)) {
                *free = slot;
            }
        }
    }
}

/// Whether `name` is the `'static` copy of a [`COMMON_NAMES`] entry that passes
/// [`namespaces::check_uri`] (the SAML, DSig, XML Schema… namespace URIs): such a declaration
/// needs no check per document. Decided by the same check, once per process, so the answer is
/// the check's own; a common name that is no valid namespace URI (`Response`) is checked, and
/// refused, like any other.
pub(super) fn valid_common_uri(name: &Name) -> bool {
    static VALID: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    VALID
        .get_or_init(|| {
            COMMON_NAMES
                .iter()
                .copied()
                .filter(|n| namespaces::check_uri(n).is_ok())
                .collect()
        })
        .iter()
        .any(|v| same_address(v, name))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn a_name_has_one_key_wherever_it_lies() {
        // Keys of short names read from the document (eight bytes loaded and masked) equal the keys
        // folded byte by byte for the same text elsewhere, up to the document's last byte; names of
        // different text or length never share key and length.
        let doc = "<a b='c'/><saml:x ds=''/>x:y:zz";
        let mut names = Interner::new(doc);
        let mut seen: Vec<(u64, usize, &str)> = Vec::new();
        for from in 0..doc.len() {
            for to in from..=doc.len().min(from + 12) {
                let Some(s) = doc.get(from..to) else { continue };
                let k = key(s.as_bytes(), doc.as_bytes());
                assert_eq!(k, key(s.to_owned().as_bytes(), &[]), "{s:?}");
                for &(k2, len2, t) in &seen {
                    assert_eq!(
                        k == k2 && s.len() == len2 && s.len() <= 8,
                        s == t && s.len() <= 8
                    );
                }
                seen.push((k, s.len(), s));
                assert_eq!(&*names.get(s), s);
            }
        }
        let a = names.get(doc.get(1..2).unwrap());
        let b = names.get(doc.get(doc.len() - 1..).unwrap());
        assert_eq!((&*a, &*b), ("a", "z"));
    }

    #[test]
    fn interner_keeps_every_name_right_past_its_table() {
        // More distinct names than the table indexes: lookups must end (no full table to probe
        // forever) and give each name its own text, shared while the table has room.
        let texts: Vec<String> = (0..40_000).map(|i| format!("name{i}")).collect();
        // Strings outside the interner's document (keys folded byte by byte).
        let mut names = Interner::new("");
        for t in &texts {
            assert_eq!(&*names.get(t), t.as_str());
        }
        for t in texts.iter().step_by(997) {
            assert_eq!(&*names.get(t), t.as_str());
        }
        let again = names.get(&texts[5]);
        assert!(
            same_address(&again, &names.get(&texts[5])),
            "early names stay shared"
        );
        assert!(names.entries.len() * 2 <= names.slots.len());
        // A document of many distinct element names parses and keeps them.
        let many: String = (0..3_000).map(|i| format!("<e{i}/>")).collect();
        let d = parse(format!("<r>{many}</r>").as_bytes()).unwrap();
        let last = *d.children(d.root()).last().unwrap();
        assert_eq!(&*d.element(last).unwrap().local, "e2999");
    }
}
