//! TLS to PostgreSQL and Redis: servers of each test's own, presenting a
//! certificate from a private authority made here, reached through the
//! gateway's own connection code (`Store::connect_lazy` for a `DATABASE_URL`,
//! `polku_server::redis_client` and `redis_connection` for Redis).

use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};

use polku_devenv::{PgCluster, RedisServer, ServerTls, SUPERUSER_PASSWORD};
use polku_store::{PoolConfig, Store};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose,
    SanType,
};
use sqlx::Connection;

/// A certificate authority that exists only in this test.
struct Authority {
    cert: rcgen::Certificate,
    key: KeyPair,
}

impl Authority {
    fn new(name: &str) -> Authority {
        let mut params = CertificateParams::default();
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        Authority { cert, key }
    }

    fn pem(&self) -> String {
        self.cert.pem()
    }

    /// A server certificate for 127.0.0.1 and localhost, signed by this authority.
    fn server(&self) -> ServerTls {
        let mut params = CertificateParams::default();
        params.distinguished_name.push(DnType::CommonName, "127.0.0.1");
        params.subject_alt_names = vec![
            SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)),
            SanType::DnsName("localhost".try_into().unwrap()),
        ];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.cert, &self.key).unwrap();
        ServerTls { cert_pem: cert.pem(), key_pem: key.serialize_pem(), ca_pem: self.pem() }
    }
}

/// A folder of this test's own, with the right CA and a wrong one written
/// out, and the servers started in it, stopped and removed however the
/// test ends.
struct Scratch {
    dir: PathBuf,
    right_ca: PathBuf,
    wrong_ca: PathBuf,
    server: ServerTls,
    pg: Option<PgCluster>,
    redis: Option<RedisServer>,
}

impl Scratch {
    fn new() -> Scratch {
        polku_server::install_crypto_provider();
        // Under the target folder, where the `postgres` user can reach.
        let dir =
            Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("tls-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let ours = Authority::new("Polku test authority");
        let theirs = Authority::new("Someone else's authority");
        let (right_ca, wrong_ca) = (dir.join("right-ca.pem"), dir.join("wrong-ca.pem"));
        std::fs::write(&right_ca, ours.pem()).unwrap();
        std::fs::write(&wrong_ca, theirs.pem()).unwrap();
        Scratch { server: ours.server(), dir, right_ca, wrong_ca, pg: None, redis: None }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Some(pg) = &self.pg {
            pg.stop().ok();
        }
        if let Some(redis) = &self.redis {
            redis.stop().ok();
        }
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

fn pg_url(port: u16, params: &str) -> String {
    format!("postgres://postgres:{SUPERUSER_PASSWORD}@127.0.0.1:{port}/postgres?{params}")
}

#[tokio::test]
async fn postgres_over_tls_verifies_the_server_and_plain_connections_are_refused() {
    let mut scratch = Scratch::new();
    let pg = PgCluster::start_tls(&scratch.dir.join("pg"), &scratch.server).expect("PostgreSQL with TLS");
    let port = pg.port;
    scratch.pg = Some(pg);

    // verify-full with our authority: connected, and the session is encrypted.
    let url = pg_url(port, &format!("sslmode=verify-full&sslrootcert={}", scratch.right_ca.display()));
    let store = Store::connect_lazy(&url, &PoolConfig::default()).unwrap();
    let encrypted: bool = sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .fetch_one(store.pool())
        .await
        .expect("verify-full with the right authority connects");
    assert!(encrypted);
    assert!(store.ping().await);
    store.pool().close().await;

    // Without TLS the server has no pg_hba line for us.
    let plain = sqlx::PgConnection::connect(&pg_url(port, "sslmode=disable")).await.unwrap_err();
    let sqlx::Error::Database(refusal) = &plain else { panic!("expected a refusal, got {plain:?}") };
    assert_eq!(refusal.code().as_deref(), Some("28000"), "{refusal}");
    assert!(refusal.message().contains("no encryption"), "{refusal}");

    // Another authority's certificate list does not vouch for this server.
    let url = pg_url(port, &format!("sslmode=verify-full&sslrootcert={}", scratch.wrong_ca.display()));
    // (rustls's refusal reaches sqlx as an I/O error of the handshake.)
    let wrong = sqlx::PgConnection::connect(&url).await.unwrap_err();
    assert!(format!("{wrong:?}").contains("InvalidCertificate(UnknownIssuer)"), "{wrong:?}");
    // Nor do the public roots built in, when no sslrootcert is given.
    let public = sqlx::PgConnection::connect(&pg_url(port, "sslmode=verify-full")).await.unwrap_err();
    assert!(format!("{public:?}").contains("InvalidCertificate(UnknownIssuer)"), "{public:?}");
    // The production path refuses it too: the gateway's pool never answers.
    let store = Store::connect_lazy(
        &url,
        &PoolConfig { acquire_timeout: std::time::Duration::from_secs(2), ..PoolConfig::default() },
    )
    .unwrap();
    assert!(!store.ping().await);
}

#[tokio::test]
async fn redis_over_tls_answers_with_the_configured_authority_only() {
    let mut scratch = Scratch::new();
    let redis = RedisServer::start_tls(&scratch.dir.join("redis"), &scratch.server).expect("Redis with TLS");
    let url = redis.url();
    assert!(url.starts_with("rediss://"), "{url}");
    scratch.redis = Some(redis);

    // The gateway's own client and connection, as `polku serve` builds them.
    let client = polku_server::redis_client(&url, Some(&scratch.right_ca)).unwrap();
    let mut connection = polku_server::redis_connection(&client).await.expect("TLS with the right authority");
    let pong: String = redis::cmd("PING").query_async(&mut connection).await.unwrap();
    assert_eq!(pong, "PONG");

    // Another authority, or the public roots alone: the handshake fails.
    let client = polku_server::redis_client(&url, Some(&scratch.wrong_ca)).unwrap();
    let wrong = polku_server::redis_connection(&client).await.err().expect("a wrong authority is refused");
    assert!(wrong.to_string().contains("UnknownIssuer"), "{wrong}");
    let client = polku_server::redis_client(&url, None).unwrap();
    let public = polku_server::redis_connection(&client).await.err().expect("public roots do not vouch");
    assert!(public.to_string().contains("UnknownIssuer"), "{public}");

    // Verification cannot be switched off from the URL.
    let client = polku_server::redis_client(&format!("{url}#insecure"), Some(&scratch.right_ca)).unwrap();
    assert!(polku_server::redis_connection(&client).await.is_err());

    // A CA file is for TLS, and must hold a certificate.
    let plain = url.replacen("rediss://", "redis://", 1);
    assert!(polku_server::redis_client(&plain, Some(&scratch.right_ca)).is_err());
    let empty = scratch.dir.join("empty.pem");
    std::fs::write(&empty, "").unwrap();
    let e = polku_server::redis_client(&url, Some(&empty)).unwrap_err();
    assert!(format!("{e:#}").contains("no PEM certificate"), "{e:#}");
}
