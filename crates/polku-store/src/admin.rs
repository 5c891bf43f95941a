//! Work done with the owner's credentials, never by the gateway: migrations,
//! and making the application role able to log in.

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};

use crate::{StoreError, MIGRATOR};

/// The role the gateway connects as; created by the first migration.
pub const APP_ROLE: &str = "polku_app";

/// Runs pending migrations as the owner.
pub async fn migrate(owner_url: &str) -> Result<(), StoreError> {
    let mut conn = PgConnection::connect(owner_url).await?;
    MIGRATOR.run(&mut conn).await?;
    conn.close().await?;
    Ok(())
}

/// Lets the application role log in with `password`. Used by development and
/// test setups; in production the operator manages the role's credentials.
pub async fn enable_app_login(owner_url: &str, password: &str) -> Result<(), StoreError> {
    let mut conn = PgConnection::connect(owner_url).await?;
    // Role options cannot be bound as parameters; the password is quoted as a
    // literal by the server's own quote_literal.
    let literal: String =
        sqlx::query_scalar("SELECT quote_literal($1)").bind(password).fetch_one(&mut conn).await?;
    sqlx::query(&format!("ALTER ROLE {APP_ROLE} LOGIN PASSWORD {literal}")).execute(&mut conn).await?;
    conn.close().await?;
    Ok(())
}

/// The URL for the application role on the same server and database as
/// `owner_url`.
pub fn app_url(owner_url: &str, password: &str) -> Result<String, StoreError> {
    with_user(owner_url, APP_ROLE, password)
}

/// Owner role name used by development and test setups.
pub const DEV_OWNER_ROLE: &str = "polku_owner";

async fn quote_literal(conn: &mut PgConnection, value: &str) -> Result<String, StoreError> {
    Ok(sqlx::query_scalar("SELECT quote_literal($1)").bind(value).fetch_one(conn).await?)
}

async fn quote_ident(conn: &mut PgConnection, value: &str) -> Result<String, StoreError> {
    Ok(sqlx::query_scalar("SELECT quote_ident($1)").bind(value).fetch_one(conn).await?)
}

/// With a superuser connection: makes sure the (non-superuser) owner role
/// exists with `password`, and that database `db` exists and belongs to it.
pub async fn bootstrap_owner(superuser_url: &str, db: &str, password: &str) -> Result<(), StoreError> {
    let mut conn = PgConnection::connect(superuser_url).await?;
    let pw = quote_literal(&mut conn, password).await?;
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)")
        .bind(DEV_OWNER_ROLE)
        .fetch_one(&mut conn)
        .await?;
    let verb = if exists { "ALTER" } else { "CREATE" };
    // CREATEROLE lets the owner's first migration create the application role.
    sqlx::query(&format!(
        "{verb} ROLE {DEV_OWNER_ROLE} LOGIN CREATEROLE CREATEDB NOSUPERUSER NOBYPASSRLS PASSWORD {pw}"
    ))
    .execute(&mut conn)
    .await?;
    let db_exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(db)
        .fetch_one(&mut conn)
        .await?;
    if !db_exists {
        let ident = quote_ident(&mut conn, db).await?;
        sqlx::query(&format!("CREATE DATABASE {ident} OWNER {DEV_OWNER_ROLE}")).execute(&mut conn).await?;
    }
    conn.close().await?;
    Ok(())
}

/// Creates database `name` as a copy of `template` (fast: a file copy), for
/// one throwaway database per test.
pub async fn create_database_from_template(
    admin_url: &str,
    name: &str,
    template: &str,
) -> Result<(), StoreError> {
    let mut conn = PgConnection::connect(admin_url).await?;
    let name = quote_ident(&mut conn, name).await?;
    let template = quote_ident(&mut conn, template).await?;
    sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE {template} OWNER {DEV_OWNER_ROLE}"))
        .execute(&mut conn)
        .await?;
    // A copy takes the template's contents but not its database-level
    // privileges, so it repeats what the `database_roles` migration set:
    // only system work may make temporary tables.
    sqlx::query(&format!("REVOKE TEMPORARY ON DATABASE {name} FROM PUBLIC")).execute(&mut conn).await?;
    sqlx::query(&format!("GRANT TEMPORARY ON DATABASE {name} TO polku_system")).execute(&mut conn).await?;
    conn.close().await?;
    Ok(())
}

/// Drops database `name` if it exists, ending its sessions.
pub async fn drop_database(admin_url: &str, name: &str) -> Result<(), StoreError> {
    let mut conn = PgConnection::connect(admin_url).await?;
    let name = quote_ident(&mut conn, name).await?;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await?;
    conn.close().await?;
    Ok(())
}

/// Replaces the database part of a URL.
pub fn with_database(url: &str, db: &str) -> Result<String, StoreError> {
    let options: PgConnectOptions = url.parse()?;
    Ok(options.database(db).to_url_lossy().to_string())
}

/// Replaces the user and password of a URL.
pub fn with_user(url: &str, user: &str, password: &str) -> Result<String, StoreError> {
    let options: PgConnectOptions = url.parse()?;
    Ok(options.username(user).password(password).to_url_lossy().to_string())
}
