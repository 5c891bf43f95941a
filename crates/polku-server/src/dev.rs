//! `polku dev`: the product on a developer's machine with embedded defaults.
//! Without `DATABASE_URL` it runs a private PostgreSQL cluster under
//! `.polku/pg` (installing PostgreSQL with apt when missing); with one, it
//! treats it as the owner's URL. Either way it migrates as the owner, lets
//! the application role log in, and serves as the application role.

use std::path::Path;

use anyhow::{Context, Result};
use polku_devenv::PgCluster;
use polku_store::admin;

pub const DEV_OWNER_PASSWORD: &str = "polku-dev-owner";
pub const DEV_APP_PASSWORD: &str = "polku-dev-app";

/// The two connections development needs.
#[derive(Debug)]
pub struct DevDatabase {
    pub owner_url: String,
    pub app_url: String,
    pub cluster: Option<PgCluster>,
}

pub async fn prepare(database_url: Option<String>, state_dir: &Path) -> Result<DevDatabase> {
    let (owner_url, cluster) = match database_url {
        Some(url) => (url, None),
        None => {
            let cluster = PgCluster::start(&state_dir.join("pg"), Some(54329))?;
            eprintln!(
                "polku: private PostgreSQL cluster on 127.0.0.1:{} ({})",
                cluster.port,
                cluster.data_dir.display()
            );
            admin::bootstrap_owner(&cluster.superuser_url("postgres"), "polku", DEV_OWNER_PASSWORD)
                .await
                .context("creating the owner role and database")?;
            let owner =
                admin::with_user(&cluster.superuser_url("polku"), admin::DEV_OWNER_ROLE, DEV_OWNER_PASSWORD)?;
            (owner, Some(cluster))
        }
    };
    admin::migrate(&owner_url).await.context("running migrations as the owner")?;
    admin::enable_app_login(&owner_url, DEV_APP_PASSWORD).await.context("enabling the application role")?;
    let app_url = admin::app_url(&owner_url, DEV_APP_PASSWORD)?;
    Ok(DevDatabase { owner_url, app_url, cluster })
}

/// The development token secret: kept in the state folder so tokens printed
/// by one run keep working in the next, and `polku token` can find it.
pub fn dev_secret(state_dir: &Path) -> Result<String> {
    let path = state_dir.join("dev-jwt-secret");
    if let Ok(s) = std::fs::read_to_string(&path) {
        return Ok(s.trim().to_string());
    }
    std::fs::create_dir_all(state_dir)?;
    let secret = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    std::fs::write(&path, &secret)?;
    Ok(secret)
}

/// The development identity-code key, kept beside the cluster so the
/// encrypted codes stay readable across runs.
pub fn hetu_key(state_dir: &Path) -> Result<String> {
    let path = state_dir.join("hetu-key");
    if let Ok(s) = std::fs::read_to_string(&path) {
        return Ok(s.trim().to_string());
    }
    std::fs::create_dir_all(state_dir)?;
    let key = polku_store::pii::HetuVault::generate_key();
    std::fs::write(&path, &key)?;
    Ok(key)
}
