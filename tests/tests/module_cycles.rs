//! No circle between the files of a crate: for every crate outside the core (whose layers
//! `core/tests/module_graph.rs` holds to a stricter order), each top-level module's
//! `crate::…` references form a DAG, so each file can be read knowing only the files below it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const CRATES: [&str; 6] = ["mock-idp", "forge", "cli", "web", "api", "xtask"];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// Top-level module of `file` under `src`: `idp.rs` → `idp`, `events/query.rs` → `events`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_owned()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `crate::name` references outside `//` comments.
fn references(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.insert(name);
            }
            rest = after;
        }
    }
    found
}

/// A cycle in `graph`, if any, as the path that closes it.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut c = path[at..].to_vec();
            c.push(node.to_owned());
            return Some(c);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

fn graph_of(krate: &str) -> BTreeMap<String, BTreeSet<String>> {
    let src = workspace().join(krate).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let from = module_of(&src, &file);
        let text = std::fs::read_to_string(&file).unwrap();
        let entry = graph.entry(from.clone()).or_default();
        entry.extend(references(&text).into_iter().filter(|m| *m != from));
    }
    // The crate root (lib.rs, main.rs) declares every module: it is the top, not a layer.
    for root in ["lib", "main"] {
        graph.remove(root);
        for deps in graph.values_mut() {
            deps.remove(root);
        }
    }
    graph
}

#[test]
fn no_crate_has_a_circle_between_its_files() {
    for krate in CRATES {
        let graph = graph_of(krate);
        assert!(!graph.is_empty(), "{krate}: no modules found");
        if let Some(c) = cycle(&graph) {
            panic!("{krate}'s files form a circle: {}", c.join(" → "));
        }
    }
}

#[test]
fn a_circle_is_found() {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.insert("a".into(), ["b".to_owned()].into());
    g.insert("b".into(), ["c".to_owned()].into());
    g.insert("c".into(), ["a".to_owned()].into());
    assert_eq!(cycle(&g).unwrap(), ["a", "b", "c", "a"]);
    g.insert("c".into(), BTreeSet::new());
    assert_eq!(cycle(&g), None);
    assert_eq!(
        references("use crate::idp::{Idp}; // crate::sso\nlet x = crate::fresh::now();"),
        ["fresh".to_owned(), "idp".to_owned()].into()
    );
}
