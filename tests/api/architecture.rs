//! The layering invariants of docs/ARCHITECTURE.md, checked on the sources:
//! only the store speaks SQL, only the schema crate (and the server's thin
//! adapter) knows async-graphql, only the server reads the environment and
//! knows axum, and the domain has no async. And on the manifests, through
//! `cargo metadata`: the direction of the dependencies between our crates.

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

/// The workspace's packages as `cargo metadata` reads them from the
/// manifests (without resolving dependencies).
fn cargo_metadata() -> serde_json::Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("running cargo metadata");
    assert!(output.status.success(), "cargo metadata: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Each workspace crate's dependencies on crates of ours (every kind, dev
/// and build included), as `cargo metadata` reads them from the manifests;
/// `true` marks an optional one (behind a feature).
fn our_dependencies() -> std::collections::BTreeMap<String, Vec<(String, bool)>> {
    let metadata = cargo_metadata();
    let packages = metadata["packages"].as_array().unwrap();
    let ours: Vec<&str> = packages.iter().map(|p| p["name"].as_str().unwrap()).collect();
    packages
        .iter()
        .map(|p| {
            let mut deps: Vec<(String, bool)> = p["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| ours.contains(&d["name"].as_str().unwrap()))
                .map(|d| (d["name"].as_str().unwrap().to_string(), d["optional"].as_bool().unwrap_or(false)))
                .collect();
            deps.sort();
            deps.dedup();
            (p["name"].as_str().unwrap().to_string(), deps)
        })
        .collect()
}

#[test]
fn dependencies_point_inward_as_the_code_map_says() {
    let required = |names: &[&str]| names.iter().map(|n| (n.to_string(), false)).collect::<Vec<_>>();
    let mut server =
        required(&["polku-domain", "polku-graphql", "polku-i18n", "polku-import", "polku-store"]);
    // Only for `polku dev`, behind the `dev` feature: `serve` never uses it.
    server.push(("polku-devenv".to_string(), true));
    server.sort();
    let expected: std::collections::BTreeMap<String, Vec<(String, bool)>> = [
        ("polku-domain", required(&[])),
        ("polku-i18n", required(&["polku-domain"])),
        ("polku-store", required(&["polku-domain"])),
        ("polku-transfer", required(&["polku-domain"])),
        ("polku-import", required(&["polku-domain", "polku-i18n", "polku-store", "polku-transfer"])),
        ("polku-graphql", required(&["polku-domain", "polku-i18n", "polku-import", "polku-store"])),
        ("polku-server", server),
        ("polku-devenv", required(&[])),
        ("xtask", required(&["polku-devenv"])),
    ]
    .into_iter()
    .map(|(name, deps)| (name.to_string(), deps))
    .collect();

    let mut actual = our_dependencies();
    // The end-to-end tests may use every crate.
    assert!(actual.remove("polku-tests").is_some(), "the tests package is a workspace member");
    for (krate, deps) in &actual {
        assert_eq!(
            Some(deps),
            expected.get(krate),
            "{krate}'s dependencies on our crates differ from docs/ARCHITECTURE.md's code map \
             (a new crate, or a new dependency: update the code map and this test together)"
        );
    }
    assert_eq!(actual.keys().collect::<Vec<_>>(), expected.keys().collect::<Vec<_>>());
}

/// Every dependency a manifest declares is used by the package's code, as
/// `cargo machete` would check it: an unused one costs build time and
/// audit work for nothing. A dependency counts as used when its library
/// name appears in the package's sources (a `use`, a path or a derive).
#[test]
fn every_declared_dependency_is_used() {
    let metadata = cargo_metadata();
    // Used without being named in the code: sqlx's TLS backend is chosen
    // by naming rustls's provider crate in the feature list only.
    let implicit = ["rustls"];
    let mut unused = Vec::new();
    for package in metadata["packages"].as_array().unwrap() {
        let dir = Path::new(package["manifest_path"].as_str().unwrap()).parent().unwrap().to_path_buf();
        let mut files = Vec::new();
        for sub in ["src", "tests", "benches", "api", "build.rs"] {
            let path = dir.join(sub);
            if path.is_dir() {
                sources(&path, &mut files);
            } else if path.is_file() {
                files.push(path);
            }
        }
        // The tests package keeps its sources at its root.
        if files.is_empty() || package["name"] == "polku-tests" {
            sources(&dir, &mut files);
        }
        let text: String = files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect();
        for dep in package["dependencies"].as_array().unwrap() {
            let name = dep["rename"].as_str().or(dep["name"].as_str()).unwrap();
            let lib = name.replace('-', "_");
            if implicit.contains(&name) {
                continue;
            }
            let used = [format!("{lib}::"), format!("{lib}!"), format!("use {lib}"), format!("{lib}::{{")]
                .iter()
                .any(|needle| text.contains(needle.as_str()))
                || text.contains(&format!("extern crate {lib}"))
                || text.contains(&format!("#[{lib}::"));
            if !used {
                unused.push(format!("{}: {name}", package["name"].as_str().unwrap()));
            }
        }
    }
    assert!(unused.is_empty(), "declared but unused: {unused:#?}");
}

/// The lints that keep panics and silent truncation out of production code
/// are on for every crate (CI runs clippy with `-D warnings`; tests may
/// unwrap, see clippy.toml).
#[test]
fn every_crate_takes_the_workspace_lints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let workspace = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    for lint in
        ["unwrap_used", "expect_used", "cast_possible_truncation", "cast_possible_wrap", "cast_sign_loss"]
    {
        assert!(workspace.contains(&format!("{lint} = ")), "workspace lints lack {lint}");
    }
    let mut manifests: Vec<PathBuf> = std::fs::read_dir(root.join("crates"))
        .unwrap()
        .map(|e| e.unwrap().path().join("Cargo.toml"))
        .collect();
    manifests.extend([root.join("tests/Cargo.toml"), root.join("xtask/Cargo.toml")]);
    for manifest in manifests {
        let text = std::fs::read_to_string(&manifest).unwrap();
        assert!(
            text.contains("[lints]\nworkspace = true"),
            "{} does not take the workspace lints",
            manifest.display()
        );
    }
}
