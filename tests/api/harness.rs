//! The test application: a fresh database per test and helpers to call the
//! GraphQL endpoint as a given user.

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use http_body_util::BodyExt;
use polku_domain::{Lang, Role};
use polku_server::app::GatewaySettings;
use polku_server::auth::{dev_claims, mint_hs256, Verifier};
use polku_server::AppState;
use polku_store::{admin, PoolConfig, Store};
use serde_json::{json, Value};
use tokio::sync::OnceCell;
use tower::ServiceExt;
use uuid::Uuid;

pub const OWNER_PASSWORD: &str = "polku-test-owner";
pub const APP_PASSWORD: &str = "polku-test-app";
const SECRET: &[u8] = b"polku-test-secret";
/// The tests' identity-code key (32 bytes of 0x2a, base64).
pub const HETU_KEY: &str = "KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio=";

pub fn vault() -> polku_store::pii::HetuVault {
    polku_store::pii::HetuVault::from_base64(HETU_KEY, 1).expect("test key")
}

/// A gateway's state over `store`, built by the function the application
/// itself uses (`polku_server::app::gateway_state`), with the library's
/// default settings, an HS256 verifier and the tests' identity-code key.
fn gateway_state(store: Store) -> AppState {
    let verifier = Verifier::new(Some(SECRET), None, None, None).unwrap();
    polku_server::app::gateway_state(store, verifier, vault(), &GatewaySettings::default())
}

static TEMPLATE: OnceCell<String> = OnceCell::const_new();

fn admin_url() -> String {
    std::env::var("DATABASE_URL")
        .expect("DATABASE_URL (a superuser URL) is not set: run the tests with `cargo xtask test`")
}

/// The migrated, seeded template database, made once per test process.
async fn template() -> &'static str {
    TEMPLATE
        .get_or_init(|| async {
            let name = format!("polku_tpl_{}", std::process::id());
            let admin = admin_url();
            admin::drop_database(&admin, &name).await.expect("drop old template");
            admin::bootstrap_owner(&admin, &name, OWNER_PASSWORD).await.expect("owner and template database");
            let owner = admin::with_user(
                &admin::with_database(&admin, &name).unwrap(),
                admin::DEV_OWNER_ROLE,
                OWNER_PASSWORD,
            )
            .unwrap();
            admin::migrate(&owner).await.expect("migrations");
            admin::enable_app_login(&owner, APP_PASSWORD).await.expect("app login");
            let store =
                Store::connect_lazy(&admin::app_url(&owner, APP_PASSWORD).unwrap(), &PoolConfig::default())
                    .unwrap();
            polku_server::seed::seed_demo(
                &store,
                &vault(),
                &std::sync::Arc::new(polku_i18n::Localizer::new()),
            )
            .await
            .expect("demo data");
            store.pool().close().await;
            name
        })
        .await
}

pub struct TestApp {
    router: Router,
    pub store: Store,
    /// The application role's URL for this test's database.
    pub app_url: String,
    /// A superuser URL for this test's database: for checking what is
    /// really stored, past row security.
    pub superuser_url: String,
    /// The test's database, dropped when its last gateway is.
    database: Option<std::sync::Arc<TestDatabase>>,
}

/// A test's own database. Dropped with the test, so a run of hundreds of
/// tests holds a few databases on disk at a time rather than hundreds.
struct TestDatabase {
    name: String,
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Drop runs inside the test's runtime, which cannot be blocked on, so
        // the database is dropped from a thread with a runtime of its own.
        let name = std::mem::take(&mut self.name);
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            runtime.block_on(admin::drop_database(&admin_url(), &name)).ok()
        })
        .join();
        // A database left behind costs only disk; a panic here would hide the
        // test's own result.
        if !matches!(dropped, Ok(Some(()))) {
            eprintln!("a test database could not be dropped");
        }
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        let template = template().await;
        let admin = admin_url();
        let db = format!("polku_t_{}", Uuid::new_v4().simple());
        admin::create_database_from_template(&admin, &db, template).await.expect("test database");
        let superuser_url = admin::with_database(&admin, &db).unwrap();
        let owner = admin::with_user(&superuser_url, admin::DEV_OWNER_ROLE, OWNER_PASSWORD).unwrap();
        let app_url = admin::app_url(&owner, APP_PASSWORD).unwrap();
        let pool = PoolConfig { max_connections: 4, ..PoolConfig::default() };
        let store = Store::connect_lazy(&app_url, &pool).unwrap();
        let state = gateway_state(store.clone());
        let database = Some(std::sync::Arc::new(TestDatabase { name: db }));
        TestApp { router: polku_server::router(state), store, app_url, superuser_url, database }
    }

    /// Another gateway on the same database, with its own connection pool:
    /// a second replica.
    pub fn replica(&self) -> TestApp {
        self.replica_with(|state| state)
    }

    /// A gateway on a database of the caller's (a private cluster).
    pub fn for_database(app_url: String, superuser_url: String, pool: PoolConfig) -> TestApp {
        let store = Store::connect_lazy(&app_url, &pool).unwrap();
        let state = gateway_state(store.clone());
        TestApp { router: polku_server::router(state), store, app_url, superuser_url, database: None }
    }

    /// The state of a new gateway on this database, to serve it by hand.
    pub fn new_state(&self) -> AppState {
        let pool = PoolConfig { max_connections: 4, ..PoolConfig::default() };
        let store = Store::connect_lazy(&self.app_url, &pool).unwrap();
        gateway_state(store)
    }

    /// A replica whose state is adjusted first (its rate limiter, say).
    pub fn replica_with(&self, adjust: impl FnOnce(AppState) -> AppState) -> TestApp {
        let state = adjust(self.new_state());
        let store = state.store.clone();
        TestApp {
            router: polku_server::router(state),
            store,
            app_url: self.app_url.clone(),
            superuser_url: self.superuser_url.clone(),
            database: self.database.clone(),
        }
    }

    /// A replica whose clock stands at `at`: "today" in every area is the
    /// area's date then. Time in tests moves by this, never by sleeping.
    pub fn at(&self, at: chrono::DateTime<chrono::Utc>) -> TestApp {
        self.replica_with(|state| state.with_clock(polku_graphql::Clock::from_fn(move || at)))
    }

    /// Serves this gateway on a loopback port, for clients that need a real
    /// socket (WebSockets).
    pub async fn serve(&self) -> std::net::SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = self.router.clone();
        tokio::spawn(async move { axum::serve(listener, router).await });
        addr
    }

    /// A partner organisation's id in the caller's area, by name.
    pub async fn partner_id(&self, token: &str, name: &str) -> Uuid {
        let r =
            self.gql(Some(token), "{ partners(first: 50) { edges { node { id name } } } }", json!({})).await;
        let id = data(&r)["partners"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["node"]["name"] == name)
            .and_then(|e| e["node"]["id"].as_str())
            .unwrap_or_else(|| panic!("no partner {name}"));
        id.parse().unwrap()
    }

    pub fn token(&self, tenant: Option<&str>, roles: &[Role]) -> String {
        self.token_with(tenant, roles, None, None)
    }

    pub fn token_with(
        &self,
        tenant: Option<&str>,
        roles: &[Role],
        partner: Option<Uuid>,
        lang: Option<Lang>,
    ) -> String {
        let region = roles.contains(&Role::Oversight).then_some("uusimaa");
        mint_hs256(SECRET, &dev_claims("test-user", tenant, roles, partner, region, lang, 1)).unwrap()
    }

    /// An oversight user's token for `region` (`all`: the whole country).
    pub fn oversight_token(&self, region: &str, lang: Option<Lang>) -> String {
        mint_hs256(SECRET, &dev_claims("test-ely", None, &[Role::Oversight], None, Some(region), lang, 1))
            .unwrap()
    }

    /// POSTs a GraphQL request and returns the JSON response.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        self.gql_lang(token, None, query, variables).await
    }

    pub async fn gql_lang(
        &self,
        token: Option<&str>,
        lang: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Value {
        self.post(token, lang, json!({ "query": query, "variables": variables })).await
    }

    /// POSTs any GraphQL request body (with extensions, say).
    pub async fn post(&self, token: Option<&str>, lang: Option<&str>, body: Value) -> Value {
        let mut request = Request::post("/graphql").header("content-type", "application/json");
        if let Some(t) = token {
            request = request.header("authorization", format!("Bearer {t}"));
        }
        if let Some(l) = lang {
            request = request.header("accept-language", l);
        }
        let response =
            self.router.clone().oneshot(request.body(Body::from(body.to_string())).unwrap()).await.unwrap();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&bytes)))
    }

    /// A GraphQL multipart request (the upload spec) with one file bound to
    /// the variable `file`.
    pub async fn upload(
        &self,
        token: &str,
        lang: Option<&str>,
        query: &str,
        variables: Value,
        file_name: &str,
        content: &[u8],
    ) -> Value {
        let request = upload_request(token, lang, query, variables, file_name, content);
        let response = self.router.clone().oneshot(request).await.unwrap();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&bytes)))
    }

    /// GET with a bearer token; returns status and body.
    pub async fn get_with(&self, path: &str, token: &str) -> (u16, String) {
        let request = Request::get(path)
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&bytes).to_string())
    }

    pub async fn get(&self, path: &str) -> (u16, String) {
        let response =
            self.router.clone().oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
        let status = response.status().as_u16();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&bytes).to_string())
    }
}

impl TestApp {
    /// Porvoo's seeded coaches as (subject, active customers), fewest first.
    pub async fn porvoo_coaches_by_caseload(&self) -> Vec<(String, i64)> {
        use sqlx::Connection;
        let mut superuser = sqlx::PgConnection::connect(&self.superuser_url).await.unwrap();
        sqlx::query_as(
            "SELECT s.subject, count(c.*) FROM staff s JOIN tenants t USING (tenant_id) LEFT JOIN customers c \
             ON c.tenant_id = s.tenant_id AND c.coach_id = s.staff_id WHERE t.slug = 'porvoo' GROUP BY s.subject ORDER BY 2",
        )
        .fetch_all(&mut superuser)
        .await
        .unwrap()
    }
}

/// A GraphQL multipart request (the upload spec) to `/graphql` with one
/// file bound to the variable `file`.
pub fn upload_request(
    token: &str,
    lang: Option<&str>,
    query: &str,
    mut variables: Value,
    file_name: &str,
    content: &[u8],
) -> Request<Body> {
    variables["file"] = Value::Null;
    let operations = json!({ "query": query, "variables": variables }).to_string();
    let boundary = "polku-test-boundary-7d1c";
    let mut body = Vec::new();
    for (name, value) in [("operations", operations.as_str()), ("map", r#"{"0": ["variables.file"]}"#)] {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut request = Request::post("/graphql")
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .header("authorization", format!("Bearer {token}"));
    if let Some(l) = lang {
        request = request.header("accept-language", l);
    }
    request.body(Body::from(body)).unwrap()
}

/// As [`act_as`], for a partner organisation's staff.
pub async fn act_as_partner(tx: &mut sqlx::PgConnection, slug: &str, partner: Uuid) {
    act_as(tx, "partner", slug).await;
    sqlx::query("SELECT set_config('polku.partner_id', $1, true)")
        .bind(partner.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
}

/// Sets a raw transaction's context as the gateway would, so tests can
/// show what row security allows a role in an area with plain SQL.
pub async fn act_as(tx: &mut sqlx::PgConnection, roles: &str, slug: &str) {
    sqlx::query(
        "SELECT set_config('role', $3, true), set_config('polku.roles', $1, true), \
                set_config('polku.tenant_slug', $2, true)",
    )
    .bind(roles)
    .bind(slug)
    .bind(db_role(roles))
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query("SELECT set_config('polku.tenant_id', tenant_id::text, true) FROM tenants WHERE slug = $1")
        .bind(slug)
        .execute(&mut *tx)
        .await
        .unwrap();
}

/// The database role the gateway takes for these roles (`Actor::db_role`),
/// or for the system task whose policy name is among them.
pub fn db_role(roles: &str) -> &'static str {
    use polku_store::{Actor, SystemTask};
    let parsed: Vec<Role> = roles.split(',').filter_map(|r| r.parse().ok()).collect();
    let task = roles.split(',').find_map(|r| match r {
        "figures_refresh" => Some(SystemTask::FiguresRefresh),
        "api_key_check" => Some(SystemTask::KeyCheck),
        _ => None,
    });
    match task {
        Some(task) => Actor::task(task, None, parsed).db_role(),
        None => Actor::request("test".into(), parsed, None, None, None).db_role(),
    }
}

/// A token for a given subject (e.g. a seeded coach).
pub fn token_for(subject: &str, tenant: &str, roles: &[Role]) -> String {
    mint_hs256(SECRET, &dev_claims(subject, Some(tenant), roles, None, None, None, 1)).unwrap()
}

/// The first error's code, or None when the response has no errors.
pub fn error_code(response: &Value) -> Option<&str> {
    response["errors"][0]["extensions"]["code"].as_str()
}

pub fn error_field(response: &Value) -> Option<&str> {
    response["errors"][0]["extensions"]["field"].as_str()
}

pub fn error_message(response: &Value) -> &str {
    response["errors"][0]["message"].as_str().unwrap_or_default()
}

/// Asserts the response has no errors and returns its data.
#[track_caller]
pub fn data(response: &Value) -> &Value {
    assert!(response.get("errors").is_none_or(Value::is_null), "unexpected errors: {response:#}");
    &response["data"]
}

/// An instant written as RFC 3339, for the clock tests set.
pub fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&chrono::Utc)
}

/// A page's DOM once its script has run, from headless Chromium
/// (`POLKU_CHROMIUM`, set by `cargo xtask test`).
pub async fn dump_dom(url: &str) -> String {
    let chromium = std::env::var("POLKU_CHROMIUM")
        .expect("POLKU_CHROMIUM (Chromium's path) is not set: run the tests with `cargo xtask test`");
    let profile = std::env::temp_dir().join(format!("polku-chromium-{}", Uuid::new_v4()));
    let run = tokio::process::Command::new(&chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", profile.display()),
            "--virtual-time-budget=20000",
            "--dump-dom",
            url,
        ])
        .kill_on_drop(true)
        .output();
    // A guard against a browser that never returns, not a time assertion.
    let out = tokio::time::timeout(std::time::Duration::from_secs(120), run).await.unwrap().unwrap();
    std::fs::remove_dir_all(&profile).ok();
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// The value of attribute `name` in an element's opening tag.
pub fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag[start..].find('"')? + start;
    Some(&tag[start..end])
}

/// The opening tags of every element carrying attribute `name`.
pub fn tags_with<'a>(dom: &'a str, name: &str) -> Vec<&'a str> {
    dom.match_indices(&format!(" {name}=\""))
        .map(|(i, _)| {
            let open = dom[..i].rfind('<').unwrap();
            &dom[open..open + dom[open..].find('>').unwrap()]
        })
        .collect()
}
