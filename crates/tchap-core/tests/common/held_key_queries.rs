//! An HTTP proxy in front of the real Synapse that holds back the device-key
//! queries (`/keys/query`) naming chosen users until the test releases them:
//! a server slow to answer them, made deterministic.
//!
//! Only what the SDK sends is understood: HTTP/1.1 requests with a
//! `Content-Length` body (no chunked upload). Each one is forwarded with
//! reqwest and its answer written back whole.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
    sync::watch,
};

pub struct HeldKeyQueries {
    pub url: String,
    released: watch::Sender<bool>,
    held: Arc<AtomicUsize>,
    accept_loop: tokio::task::JoinHandle<()>,
}

impl HeldKeyQueries {
    /// Holds every key query that names one of `users`.
    pub async fn start(target: &str, users: Vec<String>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (released, _) = watch::channel(false);
        let held = Arc::new(AtomicUsize::new(0));
        let shared = Arc::new(Shared { target: target.trim_end_matches('/').to_owned(), users, http: reqwest::Client::new() });
        let (release, counter) = (released.clone(), held.clone());
        let accept_loop = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let connection = Connection { shared: shared.clone(), released: release.subscribe(), held: counter.clone() };
                tokio::spawn(connection.serve(client));
            }
        });
        Self { url, released, held, accept_loop }
    }

    /// Key queries held back so far (answered or not).
    pub fn held(&self) -> usize {
        self.held.load(Ordering::SeqCst)
    }

    /// Lets the held queries, and every later one, through.
    pub fn release(&self) {
        self.released.send_replace(true);
    }
}

impl Drop for HeldKeyQueries {
    fn drop(&mut self) {
        self.accept_loop.abort();
    }
}

struct Shared {
    target: String,
    users: Vec<String>,
    http: reqwest::Client,
}

struct Connection {
    shared: Arc<Shared>,
    released: watch::Receiver<bool>,
    held: Arc<AtomicUsize>,
}

impl Connection {
    async fn serve(mut self, client: TcpStream) {
        let (read, mut write) = client.into_split();
        let mut read = BufReader::new(read);
        // Keep-alive: one request after another on the same connection.
        while let Some((method, path, headers, body)) = read_request(&mut read).await {
            let is_key_query = path.contains("/keys/query");
            if is_key_query && self.shared.users.iter().any(|user| body_mentions(&body, user)) {
                self.held.fetch_add(1, Ordering::SeqCst);
                let _ = self.released.wait_for(|released| *released).await;
            }
            let Some(answer) = self.forward(&method, &path, &headers, body).await else { return };
            if write.write_all(&answer).await.is_err() {
                return;
            }
        }
    }

    async fn forward(&self, method: &str, path: &str, headers: &[(String, String)], body: Vec<u8>) -> Option<Vec<u8>> {
        let method = reqwest::Method::from_bytes(method.as_bytes()).ok()?;
        let mut request = self.shared.http.request(method, format!("{}{path}", self.shared.target)).body(body);
        for (name, value) in headers {
            if !["host", "content-length", "connection"].contains(&name.to_ascii_lowercase().as_str()) {
                request = request.header(name, value);
            }
        }
        let response = request.send().await.ok()?;
        let status = response.status();
        let mut head = format!("HTTP/1.1 {} {}\r\n", status.as_u16(), status.canonical_reason().unwrap_or(""));
        for (name, value) in response.headers() {
            if !["content-length", "transfer-encoding", "connection"].contains(&name.as_str()) {
                head.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap_or("")));
            }
        }
        let body = response.bytes().await.ok()?;
        head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
        let mut answer = head.into_bytes();
        answer.extend_from_slice(&body);
        Some(answer)
    }
}

fn body_mentions(body: &[u8], user: &str) -> bool {
    body.windows(user.len()).any(|window| window == user.as_bytes())
}

type Request = (String, String, Vec<(String, String)>, Vec<u8>);

async fn read_request(read: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> Option<Request> {
    let mut line = String::new();
    read.read_line(&mut line).await.ok().filter(|n| *n > 0)?;
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        read.read_line(&mut line).await.ok().filter(|n| *n > 0)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let length = headers.iter().find(|(name, _)| name.eq_ignore_ascii_case("content-length")).and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut body = vec![0; length];
    read.read_exact(&mut body).await.ok()?;
    Some((method, path, headers, body))
}
