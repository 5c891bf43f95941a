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
    read_or_create_secret(&state_dir.join("dev-jwt-secret"), || {
        format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
    })
}

/// The development identity-code key, kept beside the cluster so the
/// encrypted codes stay readable across runs.
pub fn hetu_key(state_dir: &Path) -> Result<String> {
    read_or_create_secret(&state_dir.join("hetu-key"), polku_store::pii::HetuVault::generate_key)
}

/// A secret kept in a file only its owner can read (0600). The file is
/// created with that mode, so the secret is never readable by others even
/// for a moment (a chmod after writing would leave a window); an existing
/// file with looser permissions is tightened before it is read.
fn read_or_create_secret(path: &Path, make: impl FnOnce() -> String) -> Result<String> {
    use std::io::Write;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};

    match std::fs::metadata(path) {
        Ok(meta) => {
            if meta.permissions().mode() & 0o077 != 0 {
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
                    .with_context(|| format!("restricting {} to its owner", path.display()))?;
            }
            let secret =
                std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            Ok(secret.trim().to_string())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let secret = make();
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .with_context(|| format!("creating {}", path.display()))?;
            file.write_all(secret.as_bytes())?;
            file.sync_all()?;
            Ok(secret)
        }
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn development_secrets_are_created_readable_by_their_owner_only() {
        let dir = std::env::temp_dir().join(format!("polku-dev-secrets-{}", uuid::Uuid::new_v4().simple()));
        let secret = dev_secret(&dir).unwrap();
        let key = hetu_key(&dir).unwrap();
        assert_eq!(mode(&dir.join("dev-jwt-secret")), 0o600);
        assert_eq!(mode(&dir.join("hetu-key")), 0o600);
        assert_eq!(dev_secret(&dir).unwrap(), secret, "kept across runs");
        assert_eq!(hetu_key(&dir).unwrap(), key, "kept across runs");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_development_secret_readable_by_others_is_tightened() {
        let dir = std::env::temp_dir().join(format!("polku-dev-secrets-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("dev-jwt-secret");
        std::fs::write(&path, "old-secret\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(dev_secret(&dir).unwrap(), "old-secret");
        assert_eq!(mode(&path), 0o600);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
