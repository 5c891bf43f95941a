//! The Helm chart's values, checked without Helm or a cluster: `values.yaml` and
//! every file in `helm/polku/examples/`, merged over the defaults as Helm merges
//! them, pass `values.schema.json`; the schema is strict; and the chart's README
//! lists every value with its real default and no value that is gone.
//!
//! Rendering the templates needs the helm binary, which is not in the toolchain
//! here, so `helm lint` stays an operator's step (helm/README.md).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

fn chart() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../helm/polku");
    dir.canonicalize().unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn yaml(path: &Path) -> Value {
    serde_norway::from_str(&read(path))
        .unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()))
}

/// Helm's coalescing: maps merge key by key, a null removes the default, and
/// anything else replaces it whole (lists are not merged).
fn merge(base: &mut Value, over: &Value) {
    match (base, over) {
        (Value::Object(base), Value::Object(over)) => {
            for (key, value) in over {
                match (base.get_mut(key), value) {
                    (_, Value::Null) => {
                        base.remove(key);
                    }
                    (Some(slot @ Value::Object(_)), Value::Object(_)) => merge(slot, value),
                    _ => {
                        base.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (base, over) => *base = over.clone(),
    }
}

struct Schema {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Schema {
    fn load() -> Schema {
        let path = chart().join("values.schema.json");
        let json: Value = serde_json::from_str(&read(&path))
            .unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", path.display()));
        let location = path.to_string_lossy().to_string();
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        // The file names draft-07; this only matters if that line is lost.
        compiler.set_default_draft(boon::Draft::V7);
        compiler.add_resource(&location, json).expect("schema location is a file path");
        let index = compiler
            .compile(&location, &mut schemas)
            .unwrap_or_else(|e| panic!("values.schema.json is not a valid JSON Schema: {e:#}"));
        Schema { schemas, index }
    }

    fn check(&self, values: &Value) -> Result<(), String> {
        self.schemas.validate(values, self.index).map_err(|e| e.to_string())
    }
}

fn defaults() -> Value {
    yaml(&chart().join("values.yaml"))
}

fn examples() -> Vec<PathBuf> {
    let dir = chart().join("examples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    files.sort();
    files
}

#[test]
fn values_and_every_example_pass_the_schema() {
    let schema = Schema::load();
    let defaults = defaults();
    let mut refused = Vec::new();
    if let Err(e) = schema.check(&defaults) {
        refused.push(format!("helm/polku/values.yaml is refused by values.schema.json:\n{e}"));
    }
    let examples = examples();
    assert!(!examples.is_empty(), "no example values files in helm/polku/examples/");
    for file in &examples {
        let mut merged = defaults.clone();
        merge(&mut merged, &yaml(file));
        if let Err(e) = schema.check(&merged) {
            let name = file.file_name().unwrap().to_string_lossy();
            refused.push(format!(
                "helm/polku/examples/{name}, merged over values.yaml as Helm merges it, is refused by \
                 values.schema.json, so `helm install -f` would refuse it too:\n{e}"
            ));
        }
    }
    assert!(refused.is_empty(), "{}", refused.join("\n\n"));
}

/// Guards the schema's strictness itself: a misspelt value or a secret written
/// inline must be refused, not silently ignored.
#[test]
fn the_schema_refuses_unknown_values_inline_secrets_and_wrong_types() {
    let schema = Schema::load();
    let refuses = |label: &str, over: &str| {
        let mut values = defaults();
        merge(&mut values, &serde_norway::from_str(over).unwrap());
        assert!(schema.check(&values).is_err(), "values.schema.json accepts {label}:\n{over}");
    };
    refuses("a misspelt top-level value", "replicaCont: 3");
    refuses(
        "a database URL written inline",
        "database: {appUrl: {value: 'postgres://polku_app:pw@db/polku'}}",
    );
    refuses("the identity-code key as extraEnv", "extraEnv: [{name: POLKU_HETU_KEY, value: c2VjcmV0}]");
    refuses("a port given as text", "containerPort: '8080'");
    refuses("root as the user id", "securityContext: {runAsUser: 0}");
}

/// Whoever holds the development HS256 secret can act as anyone in any area,
/// so a cluster installed with the chart can never be given it.
#[test]
fn the_chart_cannot_set_the_development_token_secret() {
    let schema = Schema::load();
    for over in [
        "auth: {devJwtSecret: {name: polku-dev, key: dev-jwt-secret}}",
        "extraEnv: [{name: POLKU_DEV_JWT_SECRET, value: c2VjcmV0}]",
        "extraEnv: [{name: POLKU_ALLOW_DEV_SECRET_WITH_JWKS, value: 'true'}]",
    ] {
        let mut values = defaults();
        merge(&mut values, &serde_norway::from_str(over).unwrap());
        assert!(schema.check(&values).is_err(), "values.schema.json accepts {over}");
    }
    let templates = chart().join("templates");
    for entry in std::fs::read_dir(&templates).unwrap() {
        let path = entry.unwrap().path();
        let text = read(&path);
        for name in ["POLKU_DEV_JWT_SECRET", "devJwtSecret", "POLKU_ALLOW_DEV_SECRET_WITH_JWKS"] {
            assert!(!text.contains(name), "{} mentions {name}", path.display());
        }
    }
}

#[test]
fn the_schema_describes_every_value_and_allows_no_other() {
    fn walk(at: &str, schema: &Value, problems: &mut Vec<String>) {
        match schema {
            Value::Object(map) => {
                if let Some(Value::Object(properties)) = map.get("properties") {
                    if map.get("additionalProperties") != Some(&Value::Bool(false)) {
                        problems.push(format!("{at}: an object without \"additionalProperties\": false"));
                    }
                    for (name, property) in properties {
                        if property.get("description").is_none() {
                            problems.push(format!("{at}/properties/{name}: no description"));
                        }
                    }
                }
                for (key, value) in map {
                    walk(&format!("{at}/{key}"), value, problems);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(&format!("{at}/{i}"), item, problems);
                }
            }
            _ => {}
        }
    }
    let schema: Value = serde_json::from_str(&read(&chart().join("values.schema.json"))).unwrap();
    let mut problems = Vec::new();
    walk("#", &schema, &mut problems);
    assert!(problems.is_empty(), "values.schema.json:\n  {}", problems.join("\n  "));
}

/// Each value as a dotted path: maps with keys are walked into, anything else
/// (scalars, lists, empty maps) is one value.
fn leaves(prefix: &str, value: &Value, out: &mut BTreeMap<String, Value>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, child) in map {
                let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                leaves(&path, child, out);
            }
        }
        _ => {
            out.insert(prefix.to_string(), value.clone());
        }
    }
}

/// The rows of the README's value tables (those whose header's first cell is
/// `value`): the path and the default cell.
fn documented(readme: &str) -> BTreeMap<String, String> {
    let mut rows = BTreeMap::new();
    let mut in_values_table = false;
    for line in readme.lines().map(str::trim) {
        if !line.starts_with('|') {
            in_values_table = false;
            continue;
        }
        let cells: Vec<String> = line
            .replace("\\|", "\u{0}")
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().replace('\u{0}', "|"))
            .collect();
        if cells[0] == "value" {
            in_values_table = true;
            continue;
        }
        let separator = cells.iter().all(|c| c.chars().all(|ch| ch == '-' || ch == ':'));
        if !in_values_table || separator {
            continue;
        }
        let path = cells[0].trim_matches('`').to_string();
        rows.insert(path, cells.get(2).cloned().unwrap_or_default());
    }
    rows
}

#[test]
fn the_readme_lists_every_value_with_its_default() {
    let mut values = BTreeMap::new();
    leaves("", &defaults(), &mut values);
    let readme = read(&chart().join("README.md"));
    let rows = documented(&readme);

    let missing: Vec<&String> = values.keys().filter(|path| !rows.contains_key(*path)).collect();
    let stale: Vec<&String> = rows.keys().filter(|path| !values.contains_key(*path)).collect();
    // A default written as one code span must be the value itself; prose
    // defaults ("kube-dns in kube-system") are left to the reader.
    let mut wrong = Vec::new();
    for (path, cell) in &rows {
        let Some(literal) = cell.strip_prefix('`').and_then(|c| c.strip_suffix('`')) else { continue };
        if literal.contains('`') {
            continue;
        }
        let Some(actual) = values.get(path) else { continue };
        match serde_norway::from_str::<Value>(literal) {
            Ok(said) if &said == actual => {}
            _ => wrong.push(format!("{path}: README says {cell}, values.yaml has {actual}")),
        }
    }

    let top_level: BTreeSet<&str> = values.keys().map(|p| p.split('.').next().unwrap()).collect();
    let unmentioned: Vec<&&str> =
        top_level.iter().filter(|key| !readme.contains(&format!("`{key}"))).collect();

    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(format!("not in its value tables: {missing:?}"));
    }
    if !stale.is_empty() {
        problems.push(format!("in its value tables but not in values.yaml: {stale:?}"));
    }
    if !wrong.is_empty() {
        problems.push(format!("wrong defaults:\n    {}", wrong.join("\n    ")));
    }
    if !unmentioned.is_empty() {
        problems.push(format!("top-level values never mentioned: {unmentioned:?}"));
    }
    assert!(
        problems.is_empty(),
        "helm/polku/README.md is out of step with helm/polku/values.yaml:\n  {}",
        problems.join("\n  ")
    );
}
