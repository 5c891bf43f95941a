//! Private PostgreSQL, Redis and SMTP servers for development and tests,
//! and a local stand-in for Suomi.fi-viestit.
//!
//! A fresh Debian machine with only the Rust toolchain should be able to run
//! and test Polku, so this crate installs the Debian packages it needs when
//! their binaries are missing, starts servers under a project-local folder
//! on free loopback ports, and stops them again. PostgreSQL refuses to run as
//! root (and on these machines everything runs as root), so the cluster runs
//! as the `postgres` system user that the Debian package creates.

pub mod smtp;
pub mod viestit;
pub use smtp::SmtpSink;
pub use viestit::ViestitFake;

use std::fs;
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// Password of the private cluster's superuser. The cluster listens only on
/// loopback and lives in a throwaway folder; this is no production secret.
pub const SUPERUSER_PASSWORD: &str = "polku-dev-superuser";

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Installs Debian packages, refreshing the package lists first.
pub fn apt_install(packages: &[&str]) -> Result<()> {
    eprintln!("polku: installing {} with apt-get", packages.join(", "));
    let sudo = if is_root() { vec![] } else { vec!["sudo"] };
    let run = |args: &[&str]| -> Result<()> {
        let mut cmd = Command::new(sudo.first().copied().unwrap_or(args[0]));
        let rest: Vec<&str> = if sudo.is_empty() { args[1..].to_vec() } else { args.to_vec() };
        let status = cmd
            .args(rest)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdout(Stdio::null())
            .status()
            .with_context(|| format!("running {}", args.join(" ")))?;
        if !status.success() {
            bail!("`{}` failed with {status}", args.join(" "));
        }
        Ok(())
    };
    run(&["apt-get", "update", "-q"])?;
    let mut install = vec!["apt-get", "install", "-y", "-q", "--no-install-recommends"];
    install.extend_from_slice(packages);
    run(&install)
}

/// Debian's Chromium, for the browser tests; installed when missing.
pub fn chromium() -> Result<PathBuf> {
    let path = PathBuf::from("/usr/bin/chromium");
    if !path.exists() {
        apt_install(&["chromium"])?;
    }
    if !path.exists() {
        bail!("chromium is not at {} after installing it", path.display());
    }
    Ok(path)
}

/// The folder with PostgreSQL's server binaries, newest version first;
/// installs the `postgresql` package when there is none.
pub fn postgres_bin_dir() -> Result<PathBuf> {
    fn find() -> Option<PathBuf> {
        let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| {
                let e = e.ok()?;
                let v: u32 = e.file_name().to_str()?.parse().ok()?;
                let bin = e.path().join("bin");
                bin.join("initdb").exists().then_some((v, bin))
            })
            .collect();
        versions.sort();
        versions.pop().map(|(_, p)| p)
    }
    if let Some(dir) = find() {
        return Ok(dir);
    }
    apt_install(&["postgresql"])?;
    find().context("PostgreSQL was installed but no initdb was found under /usr/lib/postgresql")
}

/// A free TCP port on 127.0.0.1, preferring `preferred`.
pub fn free_port(preferred: Option<u16>) -> Result<u16> {
    if let Some(p) = preferred {
        if TcpListener::bind(("127.0.0.1", p)).is_ok() {
            return Ok(p);
        }
    }
    Ok(TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port())
}

fn wait_for_port(port: u16, what: &str, timeout: Duration) -> Result<()> {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    bail!("{what} did not start listening on port {port} within {timeout:?}")
}

/// What a server presents for TLS, in PEM: its certificate (chain), its
/// private key, and the authority that signed it.
#[derive(Debug, Clone)]
pub struct ServerTls {
    pub cert_pem: String,
    pub key_pem: String,
    pub ca_pem: String,
}

/// Writes `contents` to a file only its owner may read (servers refuse a
/// private key that others can read).
fn write_private(path: &Path, contents: &str) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::remove_file(path).ok();
    let mut file = fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(contents.as_bytes())?;
    Ok(())
}

/// A private PostgreSQL cluster in a folder of ours.
#[derive(Debug)]
pub struct PgCluster {
    pub data_dir: PathBuf,
    pub port: u16,
    bin: PathBuf,
    run_as: Option<String>,
    tls: bool,
}

impl PgCluster {
    /// Initialises (first time) and starts a cluster in `dir`, or adopts the
    /// one already running there.
    pub fn start(dir: &Path, preferred_port: Option<u16>) -> Result<PgCluster> {
        PgCluster::start_with(dir, preferred_port, None)
    }

    /// Like [`PgCluster::start`], with `ssl = on` and the given certificate,
    /// and a `pg_hba.conf` that admits TLS connections only (`hostssl`):
    /// one without TLS matches no line and is refused.
    pub fn start_tls(dir: &Path, tls: &ServerTls) -> Result<PgCluster> {
        PgCluster::start_with(dir, None, Some(tls))
    }

    fn start_with(dir: &Path, preferred_port: Option<u16>, tls: Option<&ServerTls>) -> Result<PgCluster> {
        let bin = postgres_bin_dir()?;
        fs::create_dir_all(dir)?;
        let dir = dir.canonicalize()?;
        let data_dir = dir.join("data");
        let run_as = is_root().then(|| "postgres".to_string());
        if run_as.is_some()
            && Command::new("id").arg("postgres").output().map(|o| !o.status.success()).unwrap_or(true)
        {
            bail!("running as root needs the `postgres` system user (from the postgresql package)");
        }
        let mut cluster = PgCluster { data_dir: data_dir.clone(), port: 0, bin, run_as, tls: tls.is_some() };
        cluster.chown(&dir)?;

        if !data_dir.join("PG_VERSION").exists() {
            let pwfile = dir.join("superuser.pw");
            fs::write(&pwfile, SUPERUSER_PASSWORD)?;
            cluster.chown(&pwfile)?;
            cluster.run(
                "initdb",
                &[
                    "-D",
                    path_str(&data_dir)?,
                    "-U",
                    "postgres",
                    "--pwfile",
                    path_str(&pwfile)?,
                    "--auth",
                    "scram-sha-256",
                    "-E",
                    "UTF8",
                    "--locale",
                    "C.UTF-8",
                ],
            )?;
            fs::remove_file(&pwfile).ok();
        }
        if let Some(tls) = tls {
            write_private(&data_dir.join("server.crt"), &tls.cert_pem)?;
            write_private(&data_dir.join("server.key"), &tls.key_pem)?;
            fs::write(
                data_dir.join("pg_hba.conf"),
                "# TLS only: a connection without it matches no line and is refused.\n\
                 hostssl all all 127.0.0.1/32 scram-sha-256\n\
                 hostssl all all ::1/128 scram-sha-256\n",
            )?;
            cluster.chown(&data_dir)?;
        }

        let port_file = dir.join("port");
        if let Some(port) = cluster.running_port(&port_file) {
            cluster.port = port;
            return Ok(cluster);
        }
        let port = free_port(
            preferred_port
                .or_else(|| fs::read_to_string(&port_file).ok().and_then(|p| p.trim().parse().ok())),
        )?;
        let opts = cluster.server_options(port, &dir)?;
        let log = dir.join("postgres.log");
        cluster.run(
            "pg_ctl",
            &["-D", path_str(&data_dir)?, "-l", path_str(&log)?, "-o", &opts, "-w", "-t", "60", "start"],
        )?;
        fs::write(&port_file, port.to_string())?;
        wait_for_port(port, "PostgreSQL", Duration::from_secs(30))?;
        cluster.port = port;
        Ok(cluster)
    }

    fn running_port(&self, port_file: &Path) -> Option<u16> {
        let status = self.output("pg_ctl", &["-D", self.data_dir.to_str()?, "status"]).ok()?;
        if !status {
            return None;
        }
        let port: u16 = fs::read_to_string(port_file).ok()?.trim().parse().ok()?;
        std::net::TcpStream::connect(("127.0.0.1", port)).ok().map(|_| port)
    }

    fn command(&self, program: &str, args: &[&str]) -> Command {
        let exe = self.bin.join(program);
        match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.arg("-u").arg(user).arg("--").arg(exe).args(args);
                c
            }
            None => {
                let mut c = Command::new(exe);
                c.args(args);
                c
            }
        }
    }

    fn run(&self, program: &str, args: &[&str]) -> Result<()> {
        let out = self.command(program, args).current_dir("/").output()?;
        if !out.status.success() {
            bail!(
                "{program} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(())
    }

    fn output(&self, program: &str, args: &[&str]) -> Result<bool> {
        Ok(self
            .command(program, args)
            .current_dir("/")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()?
            .success())
    }

    fn chown(&self, path: &Path) -> Result<()> {
        if let Some(user) = &self.run_as {
            let status = Command::new("chown").arg("-R").arg(format!("{user}:")).arg(path).status()?;
            if !status.success() {
                bail!("chown {} failed", path.display());
            }
        }
        Ok(())
    }

    /// The superuser's URL for database `db`.
    pub fn superuser_url(&self, db: &str) -> String {
        format!("postgres://postgres:{SUPERUSER_PASSWORD}@127.0.0.1:{}/{db}", self.port)
    }

    /// Stops the cluster quickly (in-flight work is abandoned).
    pub fn stop(&self) -> Result<()> {
        self.run("pg_ctl", &["-D", path_str(&self.data_dir)?, "-m", "fast", "-w", "stop"])
    }

    /// Starts a stopped cluster again on the same port.
    pub fn restart_stopped(&self) -> Result<()> {
        let dir = self.data_dir.parent().context("data dir has a parent")?;
        let opts = self.server_options(self.port, dir)?;
        let log = dir.join("postgres.log");
        self.run(
            "pg_ctl",
            &["-D", path_str(&self.data_dir)?, "-l", path_str(&log)?, "-o", &opts, "-w", "start"],
        )
    }

    /// Settings of a throwaway cluster: durability off (it holds nothing that
    /// matters), and a fresh cluster's WAL files not zero-filled, so a large
    /// import is measured as a long-running server that recycles its WAL would
    /// run it, not as file creation. WAL is kept to PostgreSQL's default 1 GB:
    /// every test database copied from the template passes through the WAL,
    /// and a larger bound only held more disk on a machine that has little.
    fn server_options(&self, port: u16, dir: &Path) -> Result<String> {
        let mut opts = format!(
            "-p {port} -c listen_addresses=127.0.0.1 -k {} -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=200 -c shared_buffers=256MB \
             -c wal_init_zero=off -c max_wal_size=1GB",
            path_str(dir)?
        );
        if self.tls {
            opts.push_str(&format!(
                " -c ssl=on -c ssl_cert_file={} -c ssl_key_file={}",
                path_str(&self.data_dir.join("server.crt"))?,
                path_str(&self.data_dir.join("server.key"))?
            ));
        }
        Ok(opts)
    }
}

fn path_str(p: &Path) -> Result<&str> {
    p.to_str().context("path is not UTF-8")
}

/// A private Redis server on a free loopback port.
#[derive(Debug)]
pub struct RedisServer {
    pub port: u16,
    pid_file: PathBuf,
    conf: String,
    tls: bool,
}

impl RedisServer {
    pub fn start(dir: &Path) -> Result<RedisServer> {
        RedisServer::start_with(dir, None)
    }

    /// Like [`RedisServer::start`], answering TLS only (`rediss://`) with the
    /// given certificate; clients need no certificate of their own.
    pub fn start_tls(dir: &Path, tls: &ServerTls) -> Result<RedisServer> {
        RedisServer::start_with(dir, Some(tls))
    }

    fn start_with(dir: &Path, tls: Option<&ServerTls>) -> Result<RedisServer> {
        if Command::new("redis-server").arg("--version").output().is_err() {
            apt_install(&["redis-server"])?;
        }
        fs::create_dir_all(dir)?;
        let dir = dir.canonicalize()?;
        let port = free_port(None)?;
        let pid_file = dir.join("redis.pid");
        let mut conf = format!(
            "bind 127.0.0.1\ndaemonize yes\npidfile {}\ndir {}\nsave \"\"\nappendonly no\nlogfile {}\n",
            pid_file.display(),
            dir.display(),
            dir.join("redis.log").display()
        );
        match tls {
            None => conf.push_str(&format!("port {port}\n")),
            Some(tls) => {
                let (cert, key, ca) = (dir.join("redis.crt"), dir.join("redis.key"), dir.join("ca.crt"));
                write_private(&cert, &tls.cert_pem)?;
                write_private(&key, &tls.key_pem)?;
                write_private(&ca, &tls.ca_pem)?;
                conf.push_str(&format!(
                    "port 0\ntls-port {port}\ntls-cert-file {}\ntls-key-file {}\ntls-ca-cert-file {}\n\
                     tls-auth-clients no\n",
                    cert.display(),
                    key.display(),
                    ca.display()
                ));
            }
        }
        let server = RedisServer { port, pid_file, conf, tls: tls.is_some() };
        server.launch()?;
        Ok(server)
    }

    fn launch(&self) -> Result<()> {
        let mut child = Command::new("redis-server").arg("-").stdin(Stdio::piped()).spawn()?;
        child.stdin.take().context("redis stdin")?.write_all(self.conf.as_bytes())?;
        let status = child.wait()?;
        if !status.success() {
            bail!("redis-server failed to start: {status}");
        }
        wait_for_port(self.port, "Redis", Duration::from_secs(10))
    }

    /// Starts a stopped server again on the same port.
    pub fn restart_stopped(&self) -> Result<()> {
        self.launch()
    }

    /// The server's URL: `rediss://` when it speaks TLS.
    pub fn url(&self) -> String {
        let scheme = if self.tls { "rediss" } else { "redis" };
        format!("{scheme}://127.0.0.1:{}/", self.port)
    }

    /// Stops the server and waits until its port is closed.
    pub fn stop(&self) -> Result<()> {
        if let Ok(pid) = fs::read_to_string(&self.pid_file) {
            Command::new("kill").arg(pid.trim()).status()?;
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
            if std::time::Instant::now() > deadline {
                bail!("Redis on port {} did not stop", self.port);
            }
            std::thread::yield_now();
        }
        Ok(())
    }
}
