//! Configuration: one typed struct per command, read from flags or the
//! environment, secrets kept in `secrecy` types. Start-up fails fast on
//! anything missing or malformed.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use secrecy::{ExposeSecret, SecretString};

/// Settings of the GraphQL gateway.
#[derive(Args, Debug, Clone)]
pub struct ServeConfig {
    /// Connection URL of the application role (owns nothing, no BYPASSRLS).
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: SecretString,

    /// Address to listen on.
    #[arg(long, env = "POLKU_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Address for `/metrics` alone (e.g. `0.0.0.0:9090`, reachable only by
    /// the scraper); when set, the main address no longer serves `/metrics`.
    #[arg(long, env = "POLKU_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,

    #[command(flatten)]
    pub auth: AuthConfig,

    #[command(flatten)]
    pub limits: LimitsConfig,

    #[command(flatten)]
    pub hetu: HetuKeyConfig,

    #[command(flatten)]
    pub sockets: crate::ws::SocketConfig,

    /// Largest number of database connections this instance holds.
    #[arg(long, env = "POLKU_DB_MAX_CONNECTIONS", default_value_t = 16)]
    pub db_max_connections: u32,

    /// Seconds a request waits for a database connection before failing with UNAVAILABLE.
    #[arg(long, env = "POLKU_DB_ACQUIRE_TIMEOUT_SECS", default_value_t = 5)]
    pub db_acquire_timeout_secs: u64,

    /// Seconds one database statement may run before PostgreSQL cancels it
    /// (`statement_timeout` of every connection, request transactions included).
    #[arg(long, env = "POLKU_DB_STATEMENT_TIMEOUT_SECS", default_value_t = 30)]
    pub db_statement_timeout_secs: u64,

    /// Seconds open requests may take to finish after SIGTERM before the
    /// gateway exits anyway.
    #[arg(long, env = "POLKU_SHUTDOWN_GRACE_SECONDS", default_value_t = 20)]
    pub shutdown_grace_seconds: u64,

    /// Seconds between refreshes of the precomputed key figures; 0 turns
    /// the refresher off (another replica or `polku figures refresh` does it).
    #[arg(long, env = "POLKU_FIGURES_REFRESH_SECONDS", default_value_t = 60)]
    pub figures_refresh_seconds: u64,

    /// Seconds between retention runs, which erase personal data whose
    /// retention period has run out (docs/privacy.md); 0 turns them off
    /// (`polku retention run` from a scheduler instead).
    #[arg(long, env = "POLKU_RETENTION_SECONDS", default_value_t = 3600)]
    pub retention_seconds: u64,

    /// SMTP server for messages to customers, as a lettre URL
    /// (`smtp://host:25`, `smtp://user:pass@host:587?tls=required`,
    /// `smtps://user:pass@host:465`). Unset: e-mail stays queued in the outbox.
    #[arg(long, env = "POLKU_SMTP_URL")]
    pub smtp_url: Option<SecretString>,

    /// The sender of e-mail to customers.
    #[arg(long, env = "POLKU_MAIL_FROM", default_value = "Polku <noreply@polku.invalid>")]
    pub mail_from: String,

    /// The SMS gateway's URL (see `outbox.rs` for the request); unset: SMS
    /// stays queued.
    #[arg(long, env = "POLKU_SMS_URL", requires = "sms_key")]
    pub sms_url: Option<String>,

    /// The SMS gateway's bearer key.
    #[arg(long, env = "POLKU_SMS_KEY")]
    pub sms_key: Option<SecretString>,

    /// Seconds between outbox rounds; 0 turns the sender off.
    #[arg(long, env = "POLKU_OUTBOX_SECONDS", default_value_t = 15)]
    pub outbox_seconds: u64,

    /// Seconds between notification rounds (obligations about to fall due,
    /// and each staff member's daily digest from the area's digest hour);
    /// 0 turns them off.
    #[arg(long, env = "POLKU_DIGEST_SECONDS", default_value_t = 300)]
    pub digest_seconds: u64,
    #[command(flatten)]
    pub suomifi: SuomifiConfig,

    /// Redis, shared by the replicas: API-key rate limits and live updates.
    /// Without it each instance limits and delivers on its own.
    #[arg(long, env = "REDIS_URL")]
    pub redis_url: Option<SecretString>,

    /// PEM file of the certificate authority that signed Redis's TLS
    /// certificate (`rediss://`), trusted instead of the built-in public roots.
    #[arg(long, env = "POLKU_REDIS_CA_FILE", requires = "redis_url")]
    pub redis_ca_file: Option<PathBuf>,

    /// Requests a second per partner API key, and the burst allowed.
    #[arg(long, env = "POLKU_API_KEY_RATE", default_value_t = 10.0)]
    pub api_key_rate: f64,
    #[arg(long, env = "POLKU_API_KEY_BURST", default_value_t = 40.0)]
    pub api_key_burst: f64,
}

/// How bearer tokens are verified.
#[derive(Args, Debug, Clone)]
pub struct AuthConfig {
    /// JWKS file with the identity provider's RS256 public keys, read again
    /// on the refresh schedule and when a token names an unknown key.
    #[arg(long, env = "POLKU_JWKS_FILE")]
    pub jwks_file: Option<PathBuf>,

    /// JWKS URL with the identity provider's RS256 public keys, fetched at
    /// start-up, on the refresh schedule and when a token names an unknown key.
    #[arg(long, env = "POLKU_JWKS_URL")]
    pub jwks_url: Option<String>,

    /// Seconds the JWKS URL has to answer.
    #[arg(long, env = "POLKU_JWKS_TIMEOUT_SECONDS", default_value_t = 5)]
    pub jwks_timeout_seconds: u64,

    /// Seconds between scheduled JWKS refreshes; 0: none.
    #[arg(long, env = "POLKU_JWKS_REFRESH_SECONDS", default_value_t = 600)]
    pub jwks_refresh_seconds: u64,

    /// Shortest time in seconds between two JWKS reads caused by tokens
    /// naming an unknown `kid`.
    #[arg(long, env = "POLKU_JWKS_UNKNOWN_KID_INTERVAL_SECONDS", default_value_t = 30)]
    pub jwks_unknown_kid_interval_seconds: u64,

    /// Development only: HS256 secret for tokens minted with `polku token`.
    #[arg(long, env = "POLKU_DEV_JWT_SECRET")]
    pub dev_jwt_secret: Option<SecretString>,

    /// Accept the development HS256 secret next to a JWKS (anyone holding
    /// the secret can act as anyone). Without it such a start-up fails.
    #[arg(long, env = "POLKU_ALLOW_DEV_SECRET_WITH_JWKS", default_value_t = false)]
    pub allow_dev_secret_with_jwks: bool,

    /// Required `iss` claim, if set: tokens without one are refused.
    #[arg(long, env = "POLKU_JWT_ISSUER")]
    pub issuer: Option<String>,

    /// Required `aud` claim, if set: tokens without one are refused.
    #[arg(long, env = "POLKU_JWT_AUDIENCE")]
    pub audience: Option<String>,
}

impl Default for AuthConfig {
    /// The command line's defaults, nothing configured.
    fn default() -> Self {
        AuthConfig {
            jwks_file: None,
            jwks_url: None,
            jwks_timeout_seconds: 5,
            jwks_refresh_seconds: 600,
            jwks_unknown_kid_interval_seconds: 30,
            dev_jwt_secret: None,
            allow_dev_secret_with_jwks: false,
            issuer: None,
            audience: None,
        }
    }
}

/// Query limits.
#[derive(Args, Debug, Clone, Copy)]
pub struct LimitsConfig {
    /// Deepest nesting a query may have.
    #[arg(long, env = "POLKU_MAX_QUERY_DEPTH", default_value_t = 16)]
    pub max_query_depth: usize,

    /// Highest complexity score a query may have.
    #[arg(long, env = "POLKU_MAX_QUERY_COMPLEXITY", default_value_t = 2000)]
    pub max_query_complexity: usize,

    /// Largest `first` a list accepts.
    #[arg(long, env = "POLKU_MAX_PAGE_SIZE", default_value_t = 100)]
    pub max_page_size: u32,

    /// Most fields one operation may select, fragments expanded and every
    /// alias counted.
    #[arg(long, env = "POLKU_MAX_QUERY_FIELDS", default_value_t = 500)]
    pub max_query_fields: usize,

    /// Largest request body in bytes (JSON and everything but uploads);
    /// a larger one is refused with 413 before it is read.
    #[arg(long, env = "POLKU_MAX_BODY_BYTES", default_value_t = 4 * 1024 * 1024)]
    pub max_body_bytes: usize,

    /// Largest uploaded file in bytes (the multipart transfer-file import),
    /// spooled to a temporary file rather than held in memory.
    #[arg(long, env = "POLKU_MAX_UPLOAD_BYTES", default_value_t = 64 * 1024 * 1024)]
    pub max_upload_bytes: usize,

    /// Seconds a request may take, reading its body included; then 408.
    #[arg(long, env = "POLKU_REQUEST_TIMEOUT_SECONDS", default_value_t = 30)]
    pub request_timeout_seconds: u64,

    /// Seconds an upload (multipart) request may take, the import included.
    #[arg(long, env = "POLKU_UPLOAD_TIMEOUT_SECONDS", default_value_t = 300)]
    pub upload_timeout_seconds: u64,

    /// Requests a second per signed-in user (token subject), and the burst allowed.
    #[arg(long, env = "POLKU_USER_RATE", default_value_t = 20.0)]
    pub user_rate: f64,
    #[arg(long, env = "POLKU_USER_BURST", default_value_t = 200.0)]
    pub user_burst: f64,

    /// Requests a second per client address without a valid token, and the burst allowed.
    #[arg(long, env = "POLKU_ANONYMOUS_RATE", default_value_t = 2.0)]
    pub anonymous_rate: f64,
    #[arg(long, env = "POLKU_ANONYMOUS_BURST", default_value_t = 30.0)]
    pub anonymous_burst: f64,

    /// Take the client address for rate limiting from the last
    /// `X-Forwarded-For` entry (set it only behind a proxy that appends it);
    /// otherwise the peer address of the connection.
    #[arg(long, env = "POLKU_CLIENT_IP_FROM_FORWARDED", default_value_t = false)]
    pub client_ip_from_forwarded: bool,
}

impl LimitsConfig {
    /// The limits the HTTP edge applies before any work.
    pub fn edge(&self) -> crate::http::EdgeLimits {
        use crate::ratelimit::Rate;
        crate::http::EdgeLimits {
            body_bytes: self.max_body_bytes,
            upload_bytes: self.max_upload_bytes,
            timeout: std::time::Duration::from_secs(self.request_timeout_seconds),
            upload_timeout: std::time::Duration::from_secs(self.upload_timeout_seconds),
            user_rate: Some(Rate { per_second: self.user_rate, burst: self.user_burst }),
            anonymous_rate: Some(Rate { per_second: self.anonymous_rate, burst: self.anonymous_burst }),
            client_ip_from_forwarded: self.client_ip_from_forwarded,
        }
    }
}

impl From<LimitsConfig> for polku_graphql::Limits {
    fn from(c: LimitsConfig) -> Self {
        polku_graphql::Limits {
            max_depth: c.max_query_depth,
            max_complexity: c.max_query_complexity,
            max_page_size: c.max_page_size,
            max_fields: c.max_query_fields,
        }
    }
}

impl AuthConfig {
    /// Builds the verifier, reading or fetching the JWKS, and starts its
    /// scheduled refresh (which ends when the verifier is dropped).
    pub async fn verifier(&self) -> anyhow::Result<crate::auth::Verifier> {
        use crate::auth::{JwksRefresh, Verifier};
        let jwks = self.jwks_file.is_some() || self.jwks_url.is_some();
        if jwks && self.dev_jwt_secret.is_some() {
            if !self.allow_dev_secret_with_jwks {
                anyhow::bail!(
                    "both a JWKS and the development HS256 secret (POLKU_DEV_JWT_SECRET) are configured: \
                     anyone holding that secret could act as anyone. Remove the secret, or pass \
                     --allow-dev-secret-with-jwks (POLKU_ALLOW_DEV_SECRET_WITH_JWKS=true) if this really \
                     is a development deployment"
                );
            }
            tracing::warn!(
                "the development HS256 secret is accepted next to the JWKS \
                 (POLKU_ALLOW_DEV_SECRET_WITH_JWKS): never do this in production"
            );
        }
        let refresh = JwksRefresh {
            timeout: std::time::Duration::from_secs(self.jwks_timeout_seconds),
            unknown_kid_interval: std::time::Duration::from_secs(self.jwks_unknown_kid_interval_seconds),
        };
        let secret = self.dev_jwt_secret.as_ref().map(|s| s.expose_secret().as_bytes());
        let (issuer, audience) = (self.issuer.clone(), self.audience.clone());
        let verifier = match (&self.jwks_file, &self.jwks_url) {
            (Some(path), _) => {
                Verifier::from_jwks_file(path.clone(), refresh, secret, issuer, audience).await?
            }
            (None, Some(url)) => Verifier::from_jwks_url(url, refresh, secret, issuer, audience).await?,
            (None, None) => Verifier::new(secret, None, issuer, audience)?,
        };
        verifier.spawn_refresh(std::time::Duration::from_secs(self.jwks_refresh_seconds));
        Ok(verifier)
    }
}

/// Suomi.fi-viestit, the sender of letters (docs/suomifi-viestit.md). Off
/// unless the URL is set; then the credentials and the service id are
/// required too. Off, letters wait for staff to print them.
#[derive(Args, Debug, Clone, Default)]
pub struct SuomifiConfig {
    /// The REST interface's address: `https://api.messages.suomi.fi`, or
    /// `https://api.messages-qa.suomi.fi` for DVV's test environment.
    #[arg(
        long = "suomifi-url",
        env = "POLKU_SUOMIFI_URL",
        requires_all = ["suomifi_username", "suomifi_password", "suomifi_service_id"]
    )]
    pub suomifi_url: Option<String>,

    /// The system's username, given by DVV at deployment (`/v1/token`).
    #[arg(long = "suomifi-username", env = "POLKU_SUOMIFI_USERNAME")]
    pub suomifi_username: Option<String>,

    /// The system's password (`/v1/token`).
    #[arg(long = "suomifi-password", env = "POLKU_SUOMIFI_PASSWORD")]
    pub suomifi_password: Option<SecretString>,

    /// The id of the area's sending service in Suomi.fi-viestit
    /// (`sender.serviceId`).
    #[arg(long = "suomifi-service-id", env = "POLKU_SUOMIFI_SERVICE_ID")]
    pub suomifi_service_id: Option<String>,
}

impl SuomifiConfig {
    /// The sender, or `None` when it is not configured.
    pub fn viestit(
        &self,
        vault: polku_store::pii::HetuVault,
    ) -> anyhow::Result<Option<crate::viestit::Viestit>> {
        let Some(url) = &self.suomifi_url else { return Ok(None) };
        let (Some(user), Some(password), Some(service)) =
            (&self.suomifi_username, &self.suomifi_password, &self.suomifi_service_id)
        else {
            anyhow::bail!("POLKU_SUOMIFI_URL needs POLKU_SUOMIFI_USERNAME, _PASSWORD and _SERVICE_ID");
        };
        Ok(Some(crate::viestit::Viestit::new(url, user, password.clone(), service, vault)?))
    }
}

/// The identity-code encryption key.
#[derive(Args, Debug, Clone)]
pub struct HetuKeyConfig {
    /// Master key for identity codes: 32 random bytes, base64. Encrypts the
    /// codes (AES-256-GCM) and keys their lookup hash (HMAC-SHA-256).
    #[arg(long = "hetu-key", env = "POLKU_HETU_KEY")]
    pub key: SecretString,

    /// Version number stored with each encrypted code, raised when the key is rotated.
    #[arg(long = "hetu-key-version", env = "POLKU_HETU_KEY_VERSION", default_value_t = 1)]
    pub version: i16,
}

impl HetuKeyConfig {
    pub fn vault(&self) -> anyhow::Result<polku_store::pii::HetuVault> {
        Ok(polku_store::pii::HetuVault::from_base64(self.key.expose_secret(), self.version)?)
    }
}
