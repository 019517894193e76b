#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
//! The core's top-level modules form layers: each one uses only modules below it, so the
//! graph has no cycle and each layer can be read, tested and replaced knowing only what is under
//! it. `LAYERS` is that order written down; this test reads every `crate::<module>` path in
//! `core/src` and fails on a cycle or on any use of a module listed above the user, so the list
//! and the code cannot drift apart.
//!
//! Paths inside `#[cfg(test)]` items do not count: a test may build its input with a module
//! above the one it tests without that module being part of the product's graph.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Bottom to top. A module may use the ones listed before it, never one after it.
const LAYERS: &[&str] = &[
    // Bytes, the one parsed tree, namespace URIs.
    "xml",
    // Unwrapping what people paste (base64, DEFLATE, forms, HAR, …) into XML text.
    "decode",
    // Canonical XML of a subtree.
    "c14n",
    // The XML-DSig algorithm identifiers, as allow-lists.
    "algorithm",
    // Public keys and the RSA verification.
    "crypto",
    // Certificates, fingerprints and the trusted keys bound to an IdP.
    "trust",
    // Enveloped signatures, SAML profile.
    "dsig",
    // SAML structure, which signatures count, identity from the verified node only.
    "saml",
    // XML Encryption (EncryptedAssertion, EncryptedID, EncryptedAttribute).
    "xenc",
    // Check ids: the report's vocabulary.
    "checks",
    // The report every front end reads.
    "report",
    // Metadata inspection and AuthnRequest checks.
    "metadata",
    // The pipeline for one message: error → check mapping, semantics, the report.
    "validate",
];

#[test]
fn modules_form_the_documented_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = top_level_modules(&src);
    // module → used module → one file where it happens (for the message).
    let mut graph: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut escapes = Vec::new();
    for file in rust_files(&src) {
        let rel = file.strip_prefix(&src).unwrap();
        let module = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .map(|c| c.trim_end_matches(".rs").to_owned())
            .unwrap();
        if module == "lib" || skipped_by_test_mod(&src, &file) {
            continue;
        }
        let text = production_code(&std::fs::read_to_string(&file).unwrap());
        if super_reaches_root(&text, depth(rel)) {
            escapes.push(rel.display().to_string());
        }
        for used in crate_paths(&text) {
            if used != module {
                graph
                    .entry(module.clone())
                    .or_default()
                    .entry(used)
                    .or_insert_with(|| rel.display().to_string());
            }
        }
    }
    assert!(
        escapes.is_empty(),
        "`super::` paths that climb to the crate root hide a module edge; use `crate::` in {escapes:?}"
    );

    if let Some(cycle) = find_cycle(&graph) {
        panic!("the core's modules form a cycle: {}", cycle.join(" → "));
    }

    let listed: BTreeSet<String> = LAYERS.iter().map(|m| (*m).to_owned()).collect();
    let unlisted: Vec<_> = modules.difference(&listed).collect();
    let absent: Vec<_> = listed.difference(&modules).collect();
    assert!(
        unlisted.is_empty() && absent.is_empty(),
        "LAYERS and core/src/lib.rs disagree: modules not in LAYERS {unlisted:?}, listed but absent {absent:?}"
    );

    let rank = |m: &str| LAYERS.iter().position(|l| *l == m);
    let mut upward = Vec::new();
    for (module, uses) in &graph {
        for (used, file) in uses {
            match (rank(module), rank(used)) {
                (Some(a), Some(b)) if b > a => {
                    upward.push(format!("{module} uses {used}, listed above it ({file})"))
                }
                (_, None) => upward.push(format!("{file} uses crate::{used}, not a module")),
                _ => {}
            }
        }
    }
    assert!(
        upward.is_empty(),
        "modules use layers above them:\n{}",
        upward.join("\n")
    );
}

/// The `mod` declarations of lib.rs.
fn top_level_modules(src: &Path) -> BTreeSet<String> {
    let lib = production_code(&std::fs::read_to_string(src.join("lib.rs")).unwrap());
    lib.split(';')
        .filter_map(|item| {
            let words: Vec<&str> = item.split_whitespace().collect();
            let at = words.iter().position(|w| *w == "mod")?;
            words.get(at + 1).map(|m| (*m).to_owned())
        })
        .collect()
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Module nesting of a file: `xml.rs` and `xml/mod.rs` are 1, `xml/parser.rs` is 2.
fn depth(rel: &Path) -> usize {
    let parts = rel.components().count();
    if rel.file_name().is_some_and(|n| n == "mod.rs") {
        parts - 1
    } else {
        parts
    }
}

/// Whether `file` is (inside) a module declared `#[cfg(test)] mod name;`.
fn skipped_by_test_mod(src: &Path, file: &Path) -> bool {
    let rel = file.strip_prefix(src).unwrap();
    let mut path: Vec<String> = rel
        .components()
        .filter_map(|c| c.as_os_str().to_str())
        .map(|c| c.trim_end_matches(".rs").to_owned())
        .collect();
    if path.last().is_some_and(|l| l == "mod") {
        path.pop();
    }
    (0..path.len()).any(|k| {
        let parent = &path[..k];
        let declaring = if parent.is_empty() {
            vec![src.join("lib.rs")]
        } else {
            let dir = src.join(parent.join("/"));
            vec![dir.with_extension("rs"), dir.join("mod.rs")]
        };
        let declaration = format!("mod {};", path[k]);
        declaring.iter().filter(|f| f.is_file()).any(|f| {
            let text = strip_comments_and_literals(&std::fs::read_to_string(f).unwrap());
            test_items(&text).iter().any(|item| {
                item.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .ends_with(&declaration)
            })
        })
    })
}

/// The source without comments, string and char literals, and `#[cfg(test)]` items.
fn production_code(source: &str) -> String {
    let text = strip_comments_and_literals(source);
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let item_len = item_end(&rest[at..]);
        rest = &rest[at + item_len..];
    }
    out.push_str(rest);
    out
}

/// The `#[cfg(test)]` items of stripped source, each as its text.
fn test_items(text: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("#[cfg(test)]") {
        let len = item_end(&rest[at..]);
        items.push(&rest[at..at + len]);
        rest = &rest[at + len..];
    }
    items
}

/// Length of the item starting with its attributes at the start of `text`: up to its `;` or
/// its balanced `{ … }`, whichever comes first.
fn item_end(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut in_attr = 0usize;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'[' if i > 0 && bytes[i - 1] == b'#' => in_attr += 1,
            b'[' if in_attr > 0 => in_attr += 1,
            b']' if in_attr > 0 => in_attr -= 1,
            _ if in_attr > 0 => {}
            b'{' => depth += 1,
            b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            b';' if depth == 0 => return i + 1,
            _ => {}
        }
    }
    text.len()
}

/// Comments, string literals (plain, byte, raw) and char literals replaced by a space.
fn strip_comments_and_literals(src: &str) -> String {
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        let ident_before = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if !ident_before && (c == 'r' || (c == 'b' && at(i + 1) == 'r')) && {
            let start = if c == 'b' { i + 2 } else { i + 1 };
            let hashes = (start..).take_while(|&k| at(k) == '#').count();
            at(start + hashes) == '"'
        } {
            let start = if c == 'b' { i + 2 } else { i + 1 };
            let hashes = (start..).take_while(|&k| at(k) == '#').count();
            i = start + hashes + 1;
            loop {
                if i >= chars.len() {
                    break;
                }
                if chars[i] == '"' && (1..=hashes).all(|h| at(i + h) == '#') {
                    i += 1 + hashes;
                    break;
                }
                i += 1;
            }
            out.push(' ');
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push(' ');
        } else if c == '\'' && at(i + 1) == '\\' {
            // An escaped char literal: '\n', '\'', '\u{…}'.
            i += 2;
            while i < chars.len() && chars[i] != '\'' {
                i += 1;
            }
            i += 1;
            out.push(' ');
        } else if c == '\'' && at(i + 2) == '\'' {
            i += 3;
            out.push(' ');
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The top-level modules named by `crate::module` paths, `crate::{a, b::c}` groups included.
fn crate_paths(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let bytes = text.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut from = 0;
    while let Some(pos) = text[from..].find("crate") {
        let start = from + pos;
        from = start + 5;
        if start > 0 && is_ident(bytes[start - 1]) || bytes.get(from).is_some_and(|&b| is_ident(b))
        {
            continue;
        }
        let rest = text[from..].trim_start();
        let Some(rest) = rest.strip_prefix("::") else {
            continue;
        };
        let rest = rest.trim_start();
        if let Some(group) = rest.strip_prefix('{') {
            // Only the first segment of each element at the group's own level.
            let mut depth = 0usize;
            let mut element_start = true;
            let mut word = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => element_start = true,
                    c if (c.is_alphanumeric() || c == '_') && depth == 0 && element_start => {
                        word.push(c)
                    }
                    _ => {
                        if !word.is_empty() {
                            found.insert(std::mem::take(&mut word));
                            element_start = false;
                        }
                    }
                }
            }
            if !word.is_empty() {
                found.insert(word);
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found.remove("self");
    found
}

/// Whether a run of `super::` in a file `depth` modules deep climbs to the crate root.
fn super_reaches_root(text: &str, depth: usize) -> bool {
    let mut rest = text;
    while let Some(at) = rest.find("super") {
        let run = &rest[at..];
        let mut count = 0;
        let mut tail = run;
        while let Some(t) = tail.strip_prefix("super") {
            count += 1;
            match t.trim_start().strip_prefix("::") {
                Some(t) => tail = t.trim_start(),
                None => break,
            }
        }
        if count >= depth {
            return true;
        }
        rest = &run[5..];
    }
    false
}

/// A cycle as the modules along it, first repeated last.
fn find_cycle(graph: &BTreeMap<String, BTreeMap<String, String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeMap<String, String>>,
        done: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flat_map(|m| m.keys()) {
            if let Some(cycle) = visit(next, graph, done, path) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|start| visit(start, graph, &mut done, &mut Vec::new()))
}

#[test]
fn the_scanner_sees_paths_and_skips_tests_comments_and_strings() {
    let src = r##"
        use crate::xml::Document; // crate::c14n in a comment
        use crate::{dsig::{self, Verified}, trust};
        /* crate::saml /* nested crate::report */ */
        const S: &str = "crate::checks";
        const R: &str = r#"crate::metadata "# ;
        const C: char = '"';
        fn f<'a>(x: &'a str) -> crate::algorithm::DigestAlgorithm { digest_of(x) }
        #[cfg(test)]
        #[allow(clippy::unwrap_used)]
        mod tests {
            use crate::validate::Policy;
            fn g() { let _ = { 1 }; }
        }
        #[cfg(test)]
        use crate::attacks;
        pub fn after() -> crate::crypto::PublicKey { key() }
    "##;
    let found = crate_paths(&production_code(src));
    let want: BTreeSet<String> = ["xml", "dsig", "trust", "algorithm", "crypto"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(found, want);
    assert!(super_reaches_root("use super::super::x;", 2));
    assert!(!super_reaches_root("use super::super::x;", 3));
    let mut g: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    g.entry("a".into())
        .or_default()
        .insert("b".into(), String::new());
    g.entry("b".into())
        .or_default()
        .insert("a".into(), String::new());
    assert_eq!(
        find_cycle(&g),
        Some(vec!["a".into(), "b".into(), "a".into()])
    );
}
