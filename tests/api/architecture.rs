//! The layering invariants of docs/ARCHITECTURE.md, checked on the sources:
//! only the store speaks SQL, only the schema crate (and the server's thin
//! adapter) knows async-graphql, only the server reads the environment and
//! knows axum, and the domain has no async.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn crates_mentioning(needle: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates");
    let mut found = Vec::new();
    for krate in std::fs::read_dir(&root).unwrap() {
        let krate = krate.unwrap().path();
        let mut files = Vec::new();
        sources(&krate.join("src"), &mut files);
        if files.iter().any(|f| std::fs::read_to_string(f).unwrap().contains(needle)) {
            found.push(krate.file_name().unwrap().to_string_lossy().to_string());
        }
    }
    found.sort();
    found
}

#[test]
fn only_the_store_speaks_sql() {
    assert_eq!(crates_mentioning("sqlx::"), ["polku-store"]);
}

#[test]
fn only_the_schema_crate_and_the_server_adapter_know_async_graphql() {
    assert_eq!(crates_mentioning("async_graphql"), ["polku-graphql", "polku-server"]);
}

#[test]
fn only_the_server_knows_axum_and_the_environment() {
    assert_eq!(crates_mentioning("axum::"), ["polku-server"]);
    for krate in crates_mentioning("std::env::var") {
        assert!(krate == "polku-server" || krate == "polku-devenv", "{krate} reads the environment");
    }
}

#[test]
fn the_domain_has_no_async_and_no_io() {
    let mut files = Vec::new();
    sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/polku-domain/src"), &mut files);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for banned in ["async fn", ".await", "std::fs", "std::net", "tokio"] {
            assert!(!text.contains(banned), "{} contains {banned}", f.display());
        }
    }
}
