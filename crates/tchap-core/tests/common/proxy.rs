//! A TCP relay in front of the real Synapse that a test can cut and restore,
//! to see what the user sees when the network drops. It counts what the app
//! sends and receives, to prove that something was *not* sent or fetched.

use std::sync::{
    Arc,
    atomic::{AtomicBool, AtomicU64, Ordering},
};

use tokio::{
    io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    sync::watch,
};

pub struct Relay {
    url: String,
    up: Arc<AtomicBool>,
    /// Bytes from the app to the server so far.
    sent: Arc<AtomicU64>,
    /// Bytes from the server to the app so far.
    received: Arc<AtomicU64>,
    /// Bumped on every cut: open connections watching it close at once.
    cuts: watch::Sender<u64>,
    /// While true, connections are accepted but nothing reaches the server.
    held: watch::Sender<bool>,
    accept_loop: tokio::task::JoinHandle<()>,
}

impl Relay {
    pub async fn start(target: &str) -> Self {
        let target = target.trim_start_matches("http://").trim_end_matches('/').to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let up = Arc::new(AtomicBool::new(true));
        let (cuts, _) = watch::channel(0u64);
        let held = watch::Sender::new(false);
        let (sent, received) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let (accept_up, accept_cuts, accept_sent, accept_received) = (up.clone(), cuts.clone(), sent.clone(), received.clone());
        let accept_held = held.clone();
        let accept_loop = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !accept_up.load(Ordering::SeqCst) {
                    drop(client); // the "network" is down: hang up at once
                    continue;
                }
                let target = target.clone();
                let mut cut = accept_cuts.subscribe();
                let mut held = accept_held.subscribe();
                let (sent, received) = (accept_sent.clone(), accept_received.clone());
                tokio::spawn(async move {
                    if held.wait_for(|held| !held).await.is_err() {
                        return;
                    }
                    let Ok(mut server) = TcpStream::connect(&target).await else { return };
                    let (mut from_client, mut to_client) = client.split();
                    let (mut from_server, mut to_server) = server.split();
                    let upstream = copy_counting(&mut from_client, &mut to_server, &sent);
                    let downstream = copy_counting(&mut from_server, &mut to_client, &received);
                    tokio::select! {
                        _ = async { tokio::join!(upstream, downstream) } => {}
                        _ = cut.changed() => {}
                    }
                });
            }
        });
        Self { url, up, sent, received, cuts, held, accept_loop }
    }

    /// How many bytes the app has sent to the server through this relay.
    pub fn bytes_sent(&self) -> u64 {
        self.sent.load(Ordering::SeqCst)
    }

    /// How many bytes the server has sent to the app through this relay.
    pub fn bytes_received(&self) -> u64 {
        self.received.load(Ordering::SeqCst)
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Drops every open connection and refuses new ones.
    pub fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.cuts.send_modify(|n| *n += 1);
    }

    pub fn restore(&self) {
        self.held.send_replace(false);
        self.up.store(true, Ordering::SeqCst);
    }

    /// A network that connects but carries nothing yet (a link coming up, a
    /// slow server): requests wait, unanswered, until `restore`.
    pub fn hold(&self) {
        self.held.send_replace(true);
        self.up.store(true, Ordering::SeqCst);
    }
}

async fn copy_counting(from: &mut (impl AsyncRead + Unpin), to: &mut (impl AsyncWrite + Unpin), counter: &AtomicU64) {
    let mut buffer = vec![0u8; 64 * 1024];
    while let Ok(n @ 1..) = from.read(&mut buffer).await {
        counter.fetch_add(n as u64, Ordering::SeqCst);
        if to.write_all(&buffer[..n]).await.is_err() {
            return;
        }
    }
    let _ = to.shutdown().await;
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.accept_loop.abort();
    }
}
