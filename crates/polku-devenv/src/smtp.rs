//! A local SMTP server for the demo and the tests: it accepts every message
//! over real SMTP (RFC 5321: EHLO/HELO, MAIL, RCPT, DATA with dot-unstuffing,
//! RSET, NOOP, QUIT) and keeps each as an `.eml` file in a folder, where a
//! person or a test reads what was really sent. It relays nothing.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::{Context, Result};

/// A running local SMTP server. It stops with the process.
#[derive(Debug)]
pub struct SmtpSink {
    addr: SocketAddr,
    dir: PathBuf,
}

/// A message as received: the envelope and the raw message.
#[derive(Clone, Debug)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

impl SmtpSink {
    /// Starts on `addr` (port 0 for a free one), keeping messages in `dir`.
    pub fn start(addr: &str, dir: &Path) -> Result<SmtpSink> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let listener =
            TcpListener::bind(addr).with_context(|| format!("binding the SMTP server to {addr}"))?;
        let addr = listener.local_addr()?;
        let counter = Arc::new(AtomicU64::new(0));
        let folder = dir.to_path_buf();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (folder, counter) = (folder.clone(), counter.clone());
                std::thread::spawn(move || {
                    // A client that goes away mid-session leaves nothing half-kept.
                    let _ = session(stream, &folder, &counter);
                });
            }
        });
        Ok(SmtpSink { addr, dir: dir.to_path_buf() })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The folder the messages are kept in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The messages received so far, oldest first.
    pub fn messages(&self) -> Vec<Received> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map(|d| {
                d.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "eml")).collect()
            })
            .unwrap_or_default();
        files.sort();
        files
            .iter()
            .filter_map(|p| {
                let text = std::fs::read_to_string(p).ok()?;
                let (envelope, data) = text.split_once("\n\n")?;
                let mut from = String::new();
                let mut to = Vec::new();
                for line in envelope.lines() {
                    if let Some(v) = line.strip_prefix("X-Envelope-From: ") {
                        from = v.to_string();
                    } else if let Some(v) = line.strip_prefix("X-Envelope-To: ") {
                        to.push(v.to_string());
                    }
                }
                Some(Received { from, to, data: data.to_string() })
            })
            .collect()
    }
}

/// One reply in one write: a reply split over two small writes waits on
/// the client's delayed acknowledgement (Nagle), some 40 ms a command.
fn reply(out: &mut TcpStream, line: &str) -> std::io::Result<()> {
    out.write_all(format!("{line}\r\n").as_bytes())
}

fn path_of(arg: &str) -> String {
    let start = arg.find('<').map_or(0, |i| i + 1);
    let end = arg[start..].find('>').map_or(arg.len(), |i| start + i);
    arg[start..end].to_string()
}

fn session(stream: TcpStream, dir: &Path, counter: &AtomicU64) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut out = stream.try_clone()?;
    let mut input = BufReader::new(stream);
    reply(&mut out, "220 polku-dev ESMTP")?;
    let (mut from, mut to) = (String::new(), Vec::<String>::new());
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end();
        let verb = command.split(' ').next().unwrap_or("").to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" => {
                reply(&mut out, "250-polku-dev\r\n250-8BITMIME\r\n250 SMTPUTF8")?;
            }
            "HELO" => reply(&mut out, "250 polku-dev")?,
            "MAIL" => {
                from = path_of(command);
                to.clear();
                reply(&mut out, "250 OK")?;
            }
            "RCPT" => {
                to.push(path_of(command));
                reply(&mut out, "250 OK")?;
            }
            "DATA" if to.is_empty() => reply(&mut out, "554 no valid recipients")?,
            "DATA" => {
                reply(&mut out, "354 end with <CRLF>.<CRLF>")?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if input.read_line(&mut line)? == 0 {
                        return Ok(());
                    }
                    let l = line.trim_end_matches(['\r', '\n']);
                    if l == "." {
                        break;
                    }
                    data.push_str(l.strip_prefix('.').unwrap_or(l));
                    data.push_str("\r\n");
                }
                let n = counter.fetch_add(1, Ordering::SeqCst);
                let nanos = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos());
                let mut envelope = format!("X-Envelope-From: {from}\n");
                for t in &to {
                    envelope.push_str(&format!("X-Envelope-To: {t}\n"));
                }
                // Written whole under a temporary name, then renamed: a reader
                // never sees half a message.
                let name = format!("{nanos:020}-{n:06}");
                let tmp = dir.join(format!("{name}.tmp"));
                std::fs::write(&tmp, format!("{envelope}\n{data}"))?;
                std::fs::rename(&tmp, dir.join(format!("{name}.eml")))?;
                to.clear();
                reply(&mut out, "250 OK: queued")?;
            }
            "RSET" => {
                from.clear();
                to.clear();
                reply(&mut out, "250 OK")?;
            }
            "NOOP" => reply(&mut out, "250 OK")?,
            "QUIT" => {
                reply(&mut out, "221 bye")?;
                return Ok(());
            }
            _ => reply(&mut out, "502 command not implemented")?,
        }
    }
}
