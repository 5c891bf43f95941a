//! The committed SDL (`docs/schema.graphql`) must match the code. Run with
//! `UPDATE_SCHEMA=1` to rewrite it after an intended change.

#[test]
fn committed_schema_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/schema.graphql");
    let current = polku_graphql::sdl();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &current).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == current,
        "docs/schema.graphql is stale: run `UPDATE_SCHEMA=1 cargo xtask test -- --test api schema` and commit it"
    );
}
