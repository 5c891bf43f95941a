//! A local stand-in for the Suomi.fi-viestit REST interface, for the tests
//! and the demo: a small HTTP/1.1 server on a std thread (like `SmtpSink`)
//! that follows the published description (see docs/suomifi-viestit.md):
//!
//! - `POST /v1/token` with `{"username", "password"}` answers
//!   `{"access_token", "token_type": "Bearer", "expires_in"}`;
//! - every other path wants `Authorization: Bearer <token>`, else 401;
//! - `POST /v1/mailboxes/active` with `{"endUsers": [{"id"}]}` answers
//!   `{"endUsersWithActiveMailbox": [{"id"}]}` from the configured set;
//! - `POST /v2/messages/electronic` (to an active mailbox) and
//!   `POST /v2/messages` (multichannel: electronic when the mailbox is
//!   active, else paper) answer `{"messageId"}`; a repeated `externalId`
//!   answers 409;
//! - a request missing a required field answers 400 in the interface's
//!   error shape, `{"reason", "validationErrors": [{"error"}]}`.
//!
//! It keeps what it accepted, electronic or paper, for a test to read back,
//! and can be told to answer the next message request with a given status.
//! It is not DVV's service: status codes the description leaves open (a
//! wrong password, an electronic message to a closed mailbox) are this
//! stand-in's choice, and it checks no more than the fields named below.

use std::collections::{BTreeSet, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::{Context, Result};
use serde_json::{json, Value};

/// How a message was delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivered {
    Electronic,
    Paper,
}

/// A message the stand-in accepted.
#[derive(Clone, Debug)]
pub struct Accepted {
    pub delivered: Delivered,
    pub external_id: String,
    pub recipient_id: String,
    pub service_id: String,
    pub title: String,
    pub body: String,
}

#[derive(Debug, Default)]
struct State {
    username: String,
    password: String,
    active: BTreeSet<String>,
    tokens: BTreeSet<String>,
    issued: u64,
    accepted: Vec<Accepted>,
    mailbox_checks: usize,
    next_answers: VecDeque<u16>,
}

/// A running stand-in. It stops with the process.
#[derive(Debug, Clone)]
pub struct ViestitFake {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

impl ViestitFake {
    /// Starts on a free loopback port, accepting `username`/`password` and
    /// knowing `active` as the identity codes with an active mailbox.
    pub fn start(username: &str, password: &str, active: &[&str]) -> Result<ViestitFake> {
        let listener = TcpListener::bind("127.0.0.1:0").context("binding the Suomi.fi-viestit stand-in")?;
        let addr = listener.local_addr()?;
        let state = Arc::new(Mutex::new(State {
            username: username.to_string(),
            password: password.to_string(),
            active: active.iter().map(|s| s.to_string()).collect(),
            ..State::default()
        }));
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = shared.clone();
                std::thread::spawn(move || {
                    let _ = serve(stream, &state);
                });
            }
        });
        Ok(ViestitFake { addr, state })
    }

    /// The base URL, as `POLKU_SUOMIFI_URL` takes it.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The messages accepted so far, oldest first.
    pub fn accepted(&self) -> Vec<Accepted> {
        self.state().accepted.clone()
    }

    /// How many identity codes have been asked about.
    pub fn mailbox_checks(&self) -> usize {
        self.state().mailbox_checks
    }

    /// Answers the next message request (`/v2/messages...`) with `status`
    /// (and the error shape) instead of accepting it.
    pub fn answer_next_message_with(&self, status: u16) {
        self.state().next_answers.push_back(status);
    }

    /// Forgets every token issued, as if they had expired.
    pub fn expire_tokens(&self) {
        self.state().tokens.clear();
    }

    /// How many tokens have been issued.
    pub fn tokens_issued(&self) -> u64 {
        self.state().issued
    }
}

struct Request {
    method: String,
    path: String,
    authorization: Option<String>,
    body: Vec<u8>,
}

fn read_request(stream: &TcpStream) -> std::io::Result<Request> {
    let mut input = BufReader::new(stream);
    let mut line = String::new();
    input.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let path = parts.next().unwrap_or_default().to_string();
    let (mut length, mut authorization) = (0usize, None);
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 || line.trim_end().is_empty() {
            break;
        }
        if let Some((name, value)) = line.trim_end().split_once(':') {
            match name.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().unwrap_or(0),
                "authorization" => authorization = Some(value.trim().to_string()),
                _ => {}
            }
        }
    }
    let mut body = vec![0; length.min(10 << 20)];
    input.read_exact(&mut body)?;
    Ok(Request { method, path, authorization, body })
}

fn respond(mut stream: &TcpStream, status: u16, body: &Value) -> std::io::Result<()> {
    let text = body.to_string();
    let phrase = match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        409 => "Conflict",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
    write!(
        stream,
        "HTTP/1.1 {status} {phrase}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{text}",
        text.len()
    )?;
    stream.flush()
}

fn error(reason: &str, missing: &[String]) -> Value {
    json!({
        "reason": reason,
        "validationErrors": missing.iter().map(|m| json!({ "error": m })).collect::<Vec<_>>(),
    })
}

/// The string at `pointer`, if present and not blank; else noted missing.
fn required(v: &Value, pointer: &str, missing: &mut Vec<String>) -> String {
    match v.pointer(pointer).and_then(Value::as_str).filter(|s| !s.trim().is_empty()) {
        Some(s) => s.to_string(),
        None => {
            missing.push(format!("{} must not be blank", pointer.trim_start_matches('/').replace('/', ".")));
            String::new()
        }
    }
}

fn required_present(v: &Value, pointer: &str, missing: &mut Vec<String>) {
    if v.pointer(pointer).is_none_or(Value::is_null) {
        missing.push(format!("{} must not be null", pointer.trim_start_matches('/').replace('/', ".")));
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>) -> std::io::Result<()> {
    let request = read_request(&stream)?;
    let (status, body) = answer(&request, state);
    respond(&stream, status, &body)
}

fn answer(r: &Request, state: &Mutex<State>) -> (u16, Value) {
    let mut s = state.lock().unwrap_or_else(PoisonError::into_inner);
    if r.method != "POST" {
        return (404, error("Not found", &[]));
    }
    let Ok(body) = serde_json::from_slice::<Value>(&r.body) else {
        return (400, error("The request body is not JSON", &[]));
    };
    let mut missing = Vec::new();
    if r.path == "/v1/token" {
        let user = required(&body, "/username", &mut missing);
        let password = required(&body, "/password", &mut missing);
        if !missing.is_empty() {
            return (400, error("Validation failed", &missing));
        }
        if user != s.username || password != s.password {
            return (401, error("Invalid username or password", &[]));
        }
        s.issued += 1;
        let token = format!("fake-token-{}", s.issued);
        s.tokens.insert(token.clone());
        return (200, json!({ "access_token": token, "token_type": "Bearer", "expires_in": 3600 }));
    }
    let token = r.authorization.as_deref().and_then(|a| a.strip_prefix("Bearer ")).unwrap_or_default();
    if !s.tokens.contains(token) {
        return (401, error("Unauthorized", &[]));
    }
    match r.path.as_str() {
        "/v1/mailboxes/active" => {
            let Some(users) = body.get("endUsers").and_then(Value::as_array) else {
                return (400, error("Validation failed", &["endUsers must not be null".into()]));
            };
            let ids: Vec<String> = users
                .iter()
                .filter_map(|u| u.get("id").and_then(Value::as_str))
                .map(str::to_string)
                .collect();
            if ids.len() != users.len() {
                return (400, error("Validation failed", &["endUsers.id must not be blank".into()]));
            }
            s.mailbox_checks += ids.len();
            let active: Vec<Value> =
                ids.into_iter().filter(|id| s.active.contains(id)).map(|id| json!({ "id": id })).collect();
            (200, json!({ "endUsersWithActiveMailbox": active }))
        }
        "/v2/messages/electronic" | "/v2/messages" => {
            let multichannel = r.path == "/v2/messages";
            let external_id = required(&body, "/externalId", &mut missing);
            let recipient_id = required(&body, "/recipient/id", &mut missing);
            let service_id = required(&body, "/sender/serviceId", &mut missing);
            let title = required(&body, "/electronic/title", &mut missing);
            let text = required(&body, "/electronic/body", &mut missing);
            for field in ["bodyFormat", "messageServiceType", "visibility", "replyAllowedBy"] {
                required(&body, &format!("/electronic/{field}"), &mut missing);
            }
            required_present(&body, "/electronic/notifications", &mut missing);
            required_present(&body, "/electronic/attachments", &mut missing);
            if multichannel {
                for field in ["name", "streetAddress", "zipCode", "city", "countryCode"] {
                    required(&body, &format!("/paperMail/recipient/address/{field}"), &mut missing);
                }
                required_present(&body, "/paperMail/printingAndEnvelopingService", &mut missing);
                if body.pointer("/paperMail/attachments").and_then(Value::as_array).is_none_or(Vec::is_empty)
                {
                    missing.push("paperMail.attachments must not be empty".into());
                }
            }
            if let Some(status) = s.next_answers.pop_front() {
                let reason = if status >= 500 { "Internal error" } else { "Rejected" };
                return (status, error(reason, &[]));
            }
            if !missing.is_empty() {
                return (400, error("Validation failed", &missing));
            }
            let active = s.active.contains(&recipient_id);
            if !multichannel && !active {
                return (400, error("The recipient has no active mailbox", &[]));
            }
            let id = s.accepted.len() + 1;
            if let Some(n) = s.accepted.iter().position(|a| a.external_id == external_id) {
                return (409, json!({ "reason": "Duplicate externalId", "messageId": n + 1 }));
            }
            s.accepted.push(Accepted {
                delivered: if active { Delivered::Electronic } else { Delivered::Paper },
                external_id,
                recipient_id,
                service_id,
                title,
                body: text,
            });
            (200, json!({ "messageId": id }))
        }
        _ => (404, error("Not found", &[])),
    }
}
