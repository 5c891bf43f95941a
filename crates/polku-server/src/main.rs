//! `polku`: the GraphQL gateway and its operator commands.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use polku_domain::{Lang, Role, Slug};
use polku_server::app::Application;
use polku_server::auth::{dev_claims, mint_hs256};
use polku_server::config::{HetuKeyConfig, ServeConfig};
#[cfg(feature = "dev")]
use polku_server::{
    config::{AuthConfig, LimitsConfig},
    dev,
    ratelimit::Rate,
};
use polku_server::{seed, telemetry};
use polku_store::{PoolConfig, Store};
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

#[derive(Parser)]
#[command(
    name = "polku",
    version,
    about = "Polku: municipal employment services, one GraphQL gateway for every area"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

// Parsed once at start-up, so the size of the largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Serve the GraphQL gateway (connects as the application role).
    Serve(ServeConfig),
    /// Run everything locally: private PostgreSQL, migrations, demo data, gateway.
    #[cfg(feature = "dev")]
    Dev(DevArgs),
    /// Run database migrations (connects as the owner role).
    Migrate {
        /// Owner's connection URL.
        #[arg(long, env = "DATABASE_URL")]
        database_url: SecretString,
    },
    /// Load data.
    Seed {
        #[command(subcommand)]
        what: SeedWhat,
    },
    /// Mint a development token (HS256).
    Token(TokenArgs),
    /// Import data into an employment area.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Print the GraphQL schema (SDL).
    Schema,
    /// The precomputed key figures for oversight.
    Figures {
        #[command(subcommand)]
        what: FiguresWhat,
    },
    /// Re-encrypt every stored identity code under a new key (connects as
    /// the application role). Run it with the old key as POLKU_HETU_KEY,
    /// then switch the gateway to the new key; it resumes where it stopped
    /// and can be run again for rows written in between.
    RekeyIdentityCodes(RekeyArgs),
    /// The retention of personal data (docs/privacy.md).
    Retention {
        #[command(subcommand)]
        what: RetentionWhat,
    },
}

#[derive(Subcommand)]
enum RetentionWhat {
    /// Erase what has expired, area by area, in batches that can be stopped
    /// and run again (connects as the application role, which takes the
    /// retention database role).
    Run {
        /// Report what would be erased, and erase nothing.
        #[arg(long)]
        dry_run: bool,
        /// Only this area (its slug).
        #[arg(long)]
        tenant: Option<String>,
        /// Print the reports as JSON.
        #[arg(long)]
        json: bool,
        #[arg(long, env = "DATABASE_URL")]
        database_url: SecretString,
    },
}

#[derive(clap::Args)]
struct RekeyArgs {
    /// Application role's connection URL.
    #[arg(long, env = "DATABASE_URL")]
    database_url: SecretString,
    /// The key the codes are stored under now.
    #[command(flatten)]
    old: HetuKeyConfig,
    /// The new key: 32 random bytes, base64.
    #[arg(long, env = "POLKU_NEW_HETU_KEY")]
    new_key: SecretString,
    /// The new key's version; must differ from the old one.
    #[arg(long, env = "POLKU_NEW_HETU_KEY_VERSION")]
    new_key_version: i16,
}

#[derive(Subcommand)]
enum SeedWhat {
    /// The demo employment areas (Porvoo, Jakobstad, Lahti, Hämeenlinna).
    Demo {
        #[arg(long, env = "DATABASE_URL")]
        database_url: SecretString,
        #[command(flatten)]
        hetu: HetuKeyConfig,
    },
    /// Synthetic areas and two years of case data at national scale
    /// (45 areas, 300,000 customers by default), then their key figures.
    National(NationalArgs),
}

#[derive(clap::Args)]
struct NationalArgs {
    /// Application role's connection URL.
    #[arg(long, env = "DATABASE_URL")]
    database_url: SecretString,
    /// Customers over all areas.
    #[arg(long, default_value_t = 300_000)]
    customers: i64,
    /// Employment areas in all, the existing ones included.
    #[arg(long, default_value_t = 45)]
    areas: usize,
    /// The same seed gives the same data.
    #[arg(long, default_value_t = 2026)]
    seed: i64,
}

#[derive(Subcommand)]
enum FiguresWhat {
    /// Compute the figures of areas with changes since their last computation
    /// (connects as the application role).
    Refresh {
        /// Compute every area, changed or not.
        #[arg(long)]
        all: bool,
        #[arg(long, env = "DATABASE_URL")]
        database_url: SecretString,
    },
}

#[derive(Subcommand)]
enum ImportWhat {
    /// Customers from the TE office's transfer file (shared/specs/te-transfer-csv.md).
    Customers(ImportArgs),
}

#[derive(clap::Args)]
struct ImportArgs {
    /// The receiving employment area's slug.
    #[arg(long)]
    tenant: String,
    /// The transfer file (CSV).
    file: PathBuf,
    /// Validate and report without writing anything.
    #[arg(long)]
    dry_run: bool,
    /// The transfer date eligibility is judged on (default today), YYYY-MM-DD.
    #[arg(long)]
    transfer_date: Option<chrono::NaiveDate>,
    /// Print the report as JSON for scripts.
    #[arg(long)]
    json: bool,
    /// Language of the report: fi, sv or en.
    #[arg(long, env = "POLKU_LANG", default_value = "fi")]
    lang: String,
    /// Application role's connection URL.
    #[arg(long, env = "DATABASE_URL")]
    database_url: SecretString,
    #[command(flatten)]
    hetu: HetuKeyConfig,
}

#[cfg(feature = "dev")]
#[derive(clap::Args)]
struct DevArgs {
    /// Owner's URL of an existing server; without it a private cluster is started.
    #[arg(long, env = "DATABASE_URL")]
    database_url: Option<SecretString>,
    /// Port to serve on (the next free one if taken).
    #[arg(long, env = "POLKU_PORT", default_value_t = 8080)]
    port: u16,
    /// Folder for the private cluster and development secrets.
    #[arg(long, env = "POLKU_STATE_DIR", default_value = ".polku")]
    state_dir: PathBuf,
    #[command(flatten)]
    limits: LimitsConfig,
}

#[derive(clap::Args)]
struct TokenArgs {
    /// The employment area's slug (e.g. porvoo).
    #[arg(long)]
    tenant: Option<String>,
    /// Roles, comma separated: platform_admin, tenant_admin, manager, coach, partner, oversight.
    #[arg(long, value_delimiter = ',', required = true)]
    role: Vec<String>,
    /// Subject (user id at the identity provider).
    #[arg(long, default_value = "dev-user")]
    sub: String,
    /// Partner organisation id, for the partner role.
    #[arg(long)]
    partner: Option<Uuid>,
    /// Oversight region, or `all`, for the oversight role.
    #[arg(long)]
    region: Option<String>,
    /// Preferred language: fi, sv or en.
    #[arg(long)]
    lang: Option<String>,
    /// Validity in hours.
    #[arg(long, default_value_t = 12)]
    hours: i64,
    /// HS256 secret; defaults to the one `polku dev` keeps in its state folder.
    #[arg(long, env = "POLKU_DEV_JWT_SECRET")]
    secret: Option<SecretString>,
    #[arg(long, env = "POLKU_STATE_DIR", default_value = ".polku")]
    state_dir: PathBuf,
}

#[tokio::main]
async fn main() -> Result<()> {
    polku_server::install_crypto_provider();
    let cli = Cli::parse();
    match cli.command {
        Command::RekeyIdentityCodes(args) => rekey(args).await,
        Command::Schema => {
            print!("{}", polku_graphql::sdl());
            Ok(())
        }
        Command::Token(args) => token(args),
        Command::Migrate { database_url } => {
            let _telemetry = telemetry::init()?;
            polku_store::admin::migrate(database_url.expose_secret()).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Seed { what: SeedWhat::Demo { database_url, hetu } } => {
            let _telemetry = telemetry::init()?;
            let store = Store::connect_lazy(database_url.expose_secret(), &PoolConfig::default())?;
            seed::seed_demo(&store, &hetu.vault()?, &Arc::new(polku_i18n::Localizer::new())).await?;
            tracing::info!("demo data loaded");
            Ok(())
        }
        Command::Seed { what: SeedWhat::National(args) } => {
            let _telemetry = telemetry::init()?;
            let store = Store::connect_lazy(args.database_url.expose_secret(), &PoolConfig::default())?;
            let scale = polku_store::generate::Scale {
                seed: args.seed,
                customers: args.customers,
                areas: args.areas,
                today: polku_domain::calendar::finnish_date(chrono::Utc::now()),
            };
            let made =
                polku_store::generate::national(&store, &scale, &mut |line| eprintln!("{line}")).await?;
            let areas = polku_server::figures::refresh_once(&store, true).await?;
            println!(
                "{} areas, {} customers, {} meetings, {} referrals, {} path episodes; figures computed for {areas} areas",
                made.areas, made.customers, made.meetings, made.referrals, made.path_episodes
            );
            Ok(())
        }
        Command::Figures { what: FiguresWhat::Refresh { all, database_url } } => {
            let _telemetry = telemetry::init()?;
            let store = Store::connect_lazy(database_url.expose_secret(), &PoolConfig::default())?;
            let areas = polku_server::figures::refresh_once(&store, all).await?;
            println!("figures computed for {areas} areas");
            Ok(())
        }
        Command::Retention { what: RetentionWhat::Run { dry_run, tenant, json, database_url } } => {
            let _telemetry = telemetry::init()?;
            let store = Store::connect_lazy(database_url.expose_secret(), &PoolConfig::default())?;
            let only = tenant
                .as_deref()
                .map(Slug::parse)
                .transpose()
                .map_err(|_| anyhow::anyhow!("--tenant is not an area slug"))?;
            let bar =
                if json { indicatif::ProgressBar::hidden() } else { indicatif::ProgressBar::new_spinner() };
            let reports = polku_server::retention::run_once(&store, only.as_ref(), dry_run, &mut |r| {
                bar.set_message(format!("{}: {} of {} erased", r.area, r.customers_erased, r.customers_due));
            })
            .await?;
            bar.finish_and_clear();
            if json {
                println!("{}", serde_json::to_string_pretty(&reports)?);
            } else {
                for r in &reports {
                    println!(
                        "{}: {} due, {} erased{}, {} held; letters {}, import reports {}, audit rows {}, disclosures {} deleted",
                        r.area,
                        r.customers_due,
                        r.customers_erased,
                        if r.dry_run { " (dry run)" } else { "" },
                        r.customers_held,
                        r.letters_deleted,
                        r.import_reports_deleted,
                        r.audit_rows_deleted,
                        r.disclosures_deleted
                    );
                }
            }
            Ok(())
        }
        Command::Serve(config) => serve(config).await,
        Command::Import { what: ImportWhat::Customers(args) } => import_customers(args).await,
        #[cfg(feature = "dev")]
        Command::Dev(args) => run_dev(args).await,
    }
}

fn token(args: TokenArgs) -> Result<()> {
    let secret = match args.secret {
        Some(s) => s.expose_secret().to_string(),
        None => std::fs::read_to_string(args.state_dir.join("dev-jwt-secret"))
            .context("no --secret given and no development secret found; run `polku dev` first")?
            .trim()
            .to_string(),
    };
    let roles = args
        .role
        .iter()
        .map(|r| r.parse::<Role>().map_err(|_| anyhow::anyhow!("unknown role {r}")))
        .collect::<Result<Vec<_>>>()?;
    let lang = args
        .lang
        .as_deref()
        .map(Lang::parse)
        .transpose()
        .map_err(|_| anyhow::anyhow!("--lang must be fi, sv or en"))?;
    let claims = dev_claims(
        &args.sub,
        args.tenant.as_deref(),
        &roles,
        args.partner,
        args.region.as_deref(),
        lang,
        args.hours,
    );
    println!("{}", mint_hs256(secret.as_bytes(), &claims)?);
    Ok(())
}

async fn serve(config: ServeConfig) -> Result<()> {
    let _telemetry = telemetry::init()?;
    let app = Application::build(&config).await?;
    app.run_until(shutdown_signal()).await?;
    Ok(())
}

/// `polku dev`: the application `serve` builds, over a private database
/// with demo data and development secrets.
#[cfg(feature = "dev")]
async fn run_dev(args: DevArgs) -> Result<()> {
    let _telemetry = telemetry::init()?;
    let db = dev::prepare(args.database_url.map(|s| s.expose_secret().to_string()), &args.state_dir).await?;
    let pool = PoolConfig::default();
    let store = Store::connect_lazy(&db.app_url, &pool)?;
    let hetu_key = dev::hetu_key(&args.state_dir)?;
    let vault = polku_store::pii::HetuVault::from_base64(&hetu_key, 1)?;
    let localizer = Arc::new(polku_i18n::Localizer::new());
    let partners = seed::seed_demo(&store, &vault, &localizer).await.context("loading demo data")?;
    // A week of appointments for Porvoo's coaches, for the week page; their
    // invitations go to the local mail folder.
    seed::seed_demo_appointments(&store, &localizer, chrono::Utc::now())
        .await
        .context("booking the demo appointments")?;
    // Two years of synthetic history in 45 areas, so the oversight dashboard
    // has areas to compare and trends to show; only on the first run.
    let scale = polku_store::generate::Scale {
        seed: 2026,
        customers: 20_000,
        areas: 45,
        today: polku_domain::calendar::finnish_date(chrono::Utc::now()),
    };
    polku_store::generate::national(&store, &scale, &mut |line| tracing::debug!("generated {line}"))
        .await
        .context("generating demo history")?;
    polku_server::figures::refresh_once(&store, false).await.context("computing key figures")?;
    // The application connects with a pool of its own.
    store.pool().close().await;
    let secret = dev::dev_secret(&args.state_dir)?;
    let port = polku_devenv::free_port(Some(args.port))?;
    // A local mail server: messages to the demo customers arrive as files
    // to read, never at a real address.
    let mail_dir = args.state_dir.join("mail");
    let smtp =
        polku_devenv::SmtpSink::start("127.0.0.1:0", &mail_dir).context("starting the local SMTP server")?;
    // The same application as `serve`, with development settings: the
    // private database as the application role, the development token
    // secret and identity-code key, figures refreshed every 30 seconds.
    let config = ServeConfig {
        database_url: SecretString::from(db.app_url.clone()),
        listen: std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        metrics_addr: None,
        auth: AuthConfig {
            dev_jwt_secret: Some(SecretString::from(secret.clone())),
            ..AuthConfig::default()
        },
        limits: args.limits,
        hetu: HetuKeyConfig { key: SecretString::from(hetu_key), version: 1 },
        sockets: polku_server::ws::SocketConfig::default(),
        db_max_connections: pool.max_connections,
        db_acquire_timeout_secs: pool.acquire_timeout.as_secs(),
        db_statement_timeout_secs: pool.statement_timeout.as_secs(),
        shutdown_grace_seconds: 20,
        figures_refresh_seconds: 30,
        retention_seconds: 3600,
        smtp_url: Some(SecretString::from(format!("smtp://{}", smtp.addr()))),
        mail_from: "Polku (demo) <polku@demo.invalid>".into(),
        sms_url: None,
        sms_key: None,
        outbox_seconds: 5,
        digest_seconds: 60,
        suomifi: Default::default(),
        redis_url: None,
        redis_ca_file: None,
        api_key_rate: Rate::default().per_second,
        api_key_burst: Rate::default().burst,
    };
    let app = Application::build(&config).await?;

    let url = format!("http://127.0.0.1:{port}/graphql");
    let mint =
        |sub: &str, tenant: Option<&str>, roles: &[Role], partner: Option<Uuid>, region: Option<&str>| {
            mint_hs256(secret.as_bytes(), &dev_claims(sub, tenant, roles, partner, region, None, 24 * 7))
        };
    let careeria = partners.iter().find(|(slug, _)| *slug == "porvoo").map(|(_, id)| *id);
    println!("\nPolku is running: open {url}\n");
    println!(
        "Messages to customers go to a local SMTP server ({}); read them in {}\n",
        smtp.addr(),
        mail_dir.display()
    );
    println!("Paste one of these into GraphiQL's headers as {{\"Authorization\": \"Bearer <token>\"}}:\n");
    for (label, token) in [
        ("coach, Porvoo", mint("coach-porvoo", Some("porvoo"), &[Role::Coach], None, None)?),
        (
            "tenant admin, Porvoo",
            mint("admin-porvoo", Some("porvoo"), &[Role::TenantAdmin, Role::Manager], None, None)?,
        ),
        (
            "partner (Careeria), Porvoo",
            mint("partner-careeria", Some("porvoo"), &[Role::Partner], careeria, None)?,
        ),
        ("oversight, Uusimaa", mint("ely-uusimaa", None, &[Role::Oversight], None, Some("uusimaa"))?),
        ("oversight, whole country", mint("ministry", None, &[Role::Oversight], None, Some("all"))?),
        ("platform admin", mint("platform-admin", None, &[Role::PlatformAdmin], None, None)?),
    ] {
        println!("  {label}:\n    {token}\n");
    }
    let country = mint("ministry", None, &[Role::Oversight], None, Some("all"))?;
    println!("Key-figure dashboard (whole country): http://127.0.0.1:{port}/dashboard#token={country}\n");
    let manager = mint("admin-porvoo", Some("porvoo"), &[Role::TenantAdmin, Role::Manager], None, None)?;
    println!("A coach's week (Porvoo, in Swedish): http://127.0.0.1:{port}/week?lang=sv#token={manager}\n");
    println!("More: cargo run -- token --tenant jakobstad --role coach --lang sv\nStop with Ctrl-C.");
    app.run_until(shutdown_signal()).await?;
    if let Some(cluster) = &db.cluster {
        cluster.stop().ok();
    }
    Ok(())
}

async fn import_customers(args: ImportArgs) -> Result<()> {
    use std::sync::atomic::{AtomicU64, Ordering};

    /// Counts bytes read, for the progress bar.
    struct Counting<R> {
        inner: R,
        read: Arc<AtomicU64>,
    }
    impl<R: std::io::Read> std::io::Read for Counting<R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.inner.read(buf)?;
            self.read.fetch_add(n as u64, Ordering::Relaxed);
            Ok(n)
        }
    }

    let lang = Lang::parse(&args.lang).map_err(|_| anyhow::anyhow!("--lang must be fi, sv or en"))?;
    let tenant =
        polku_domain::Slug::parse(&args.tenant).map_err(|_| anyhow::anyhow!("--tenant: not a valid slug"))?;
    let vault = args.hetu.vault()?;
    let localizer = Arc::new(polku_i18n::Localizer::new());
    let file = std::fs::File::open(&args.file).with_context(|| format!("opening {}", args.file.display()))?;
    let size = file.metadata()?.len();
    let read = Arc::new(AtomicU64::new(0));
    let input = Counting { inner: std::io::BufReader::with_capacity(1 << 16, file), read: read.clone() };

    let store = Store::connect_lazy(args.database_url.expose_secret(), &PoolConfig::default())?;
    let mut actor = polku_store::Actor::system(Some(tenant), vec![Role::TenantAdmin, Role::Manager]);
    actor.subject = format!("cli:{}", std::env::var("USER").unwrap_or_else(|_| "operator".into()));
    let mut tx = store.begin(&actor).await.map_err(|e| anyhow::anyhow!(localized(&localizer, lang, e)))?;

    let bar = if args.json { indicatif::ProgressBar::hidden() } else { indicatif::ProgressBar::new(size) };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {msg} ({eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let today = polku_domain::calendar::finnish_date(chrono::Utc::now());
    let options = polku_import::ImportOptions {
        transfer_date: args.transfer_date.unwrap_or(today),
        dry_run: args.dry_run,
        operator_lang: lang,
        file_name: args.file.file_name().map(|f| f.to_string_lossy().to_string()),
        letter_date: today,
    };
    let progress_bar = bar.clone();
    let mut progress = move |lines: u64| {
        progress_bar.set_position(read.load(Ordering::Relaxed));
        progress_bar.set_message(format!("{lines}"));
    };
    let report = match polku_import::import(
        &mut tx,
        &vault,
        localizer.clone(),
        input,
        &options,
        &mut progress,
    )
    .await
    {
        Ok(r) => r,
        Err(polku_import::ImportError::File { message, .. }) => anyhow::bail!(message),
        Err(polku_import::ImportError::Store(e)) => anyhow::bail!(localized(&localizer, lang, e)),
        Err(e @ polku_import::ImportError::Reader(_)) => anyhow::bail!(e),
    };
    tx.commit().await.map_err(|e| anyhow::anyhow!(localized(&localizer, lang, e)))?;
    bar.finish_and_clear();

    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    let n = |v: u64| v.to_string();
    println!(
        "{}",
        localizer.message(
            lang,
            "import-summary",
            &[
                ("lines", n(report.lines)),
                ("imported", n(report.imported)),
                ("updated", n(report.updated)),
                ("notEligible", n(report.not_eligible)),
                ("rejected", n(report.rejected)),
                ("letters", n(report.letters)),
            ],
        )
    );
    if report.dry_run {
        println!("{}", localizer.message(lang, "import-dry-run", &[]));
    }
    if !report.unknown_columns.is_empty() {
        println!(
            "{}",
            localizer.message(
                lang,
                "import-unknown-columns",
                &[("columns", report.unknown_columns.join(", "))]
            )
        );
    }
    for r in &report.rejections {
        println!(
            "  {}",
            localizer.message(
                lang,
                "import-rejected-line",
                &[
                    ("line", r.line.to_string()),
                    ("column", r.column.clone().unwrap_or_else(|| "-".into())),
                    ("message", r.message.clone()),
                ],
            )
        );
    }
    Ok(())
}

fn localized(localizer: &polku_i18n::Localizer, lang: Lang, e: polku_store::StoreError) -> String {
    match e {
        polku_store::StoreError::Domain(d) => localizer.error(lang, &d),
        other => other.safe_description(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}

async fn rekey(args: RekeyArgs) -> Result<()> {
    let old = args.old.vault()?;
    let new = polku_store::pii::HetuVault::from_base64(args.new_key.expose_secret(), args.new_key_version)?;
    anyhow::ensure!(old.key_version != new.key_version, "the new key needs a version of its own");
    let store = Store::connect_lazy(args.database_url.expose_secret(), &PoolConfig::default())?;
    let admin = polku_store::Actor::system(None, vec![Role::PlatformAdmin]);
    let mut tx = store.begin(&admin).await?;
    let tenants = polku_store::tenants::all_slugs(&mut tx).await?;
    tx.commit().await?;
    for slug in tenants {
        let actor = polku_store::Actor::system(Some(slug.clone()), vec![Role::TenantAdmin]);
        let mut done = 0;
        loop {
            let mut tx = store.begin(&actor).await?;
            let n = polku_store::customers::rekey_batch(&mut tx, &old, &new, 1_000).await?;
            tx.commit().await?;
            done += n;
            if n == 0 {
                break;
            }
        }
        println!("{slug}: {done} identity codes re-encrypted under key version {}", new.key_version);
    }
    Ok(())
}
