use std::{collections::VecDeque, time::Duration};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

use super::*;
use crate::policy::UpdaterPolicy;

#[test]
fn the_policy_names_the_source_else_the_build_does() {
    let built_in = ["https://maj.tchap.gouv.fr/latest.json"];
    let mirror = |endpoints: &[&str]| UpdateSource::Mirror(endpoints.iter().map(|e| Url::parse(e).unwrap()).collect());
    let with = |updater| Policy { updater, ..Policy::default() };

    let policy = with(Some(UpdaterPolicy { enabled: true, endpoints: vec!["https://miroir.interieur.gouv.fr/tchap/latest.json".into()] }));
    assert_eq!(UpdateSource::resolve(&policy, &built_in), mirror(&["https://miroir.interieur.gouv.fr/tchap/latest.json"]));
    assert_eq!(UpdateSource::resolve(&Policy::default(), &built_in), mirror(&built_in));
    assert_eq!(UpdateSource::resolve(&Policy::default(), &[]), UpdateSource::NoSource);
    let off = with(Some(UpdaterPolicy { enabled: false, endpoints: vec![] }));
    assert_eq!(UpdateSource::resolve(&off, &built_in), UpdateSource::Disabled);
    assert_eq!(UpdateSource::resolve(&Policy::safe_defaults(), &built_in), UpdateSource::Disabled, "an unreadable policy never falls back to the build's source");
    assert_eq!(UpdateSource::Disabled.initial_status(), UpdateStatus::Disabled);
}

/// A mirror answering from a script (the real one is the updater plugin, tested end to end).
struct Scripted {
    checks: VecDeque<Result<Checked<()>, FailureReason>>,
    download: Result<(), FailureReason>,
    checked: Arc<std::sync::atomic::AtomicU32>,
}

impl Mirror for Scripted {
    type Found = ();
    async fn check(&mut self) -> Result<Checked<()>, FailureReason> {
        self.checked.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.checks.pop_front().unwrap_or(Ok(Checked::UpToDate { refused_version: None }))
    }
    async fn download(&mut self, (): ()) -> Result<(), FailureReason> {
        self.download
    }
}

const FAST: Cadence = Cadence { regular: Duration::from_secs(3600), first_retry: Duration::from_millis(50), max_retry: Duration::from_millis(200) };

fn newer(version: &str) -> Result<Checked<()>, FailureReason> {
    Ok(Checked::Newer { version: version.into(), found: () })
}

async fn wait_for(status: &mut watch::Receiver<UpdateStatus>, wanted: impl Fn(&UpdateStatus) -> bool) -> UpdateStatus {
    let seen = tokio::time::timeout(Duration::from_secs(5), status.wait_for(|s| wanted(s))).await.expect("status in time");
    seen.unwrap().clone()
}

#[tokio::test]
async fn a_mirror_down_is_retried_and_the_update_found_once_it_is_back() {
    let checked = Arc::new(std::sync::atomic::AtomicU32::new(0));
    let mirror = Scripted { checks: [Err(FailureReason::Unreachable), newer("0.2.0")].into(), download: Ok(()), checked: checked.clone() };
    let (sender, mut status) = watch::channel(UpdateStatus::Checking);
    let task = tokio::spawn(run(mirror, FAST, sender, Arc::new(Notify::new())));

    let failed = wait_for(&mut status, |s| matches!(s, UpdateStatus::Failed { .. })).await;
    let UpdateStatus::Failed { reason, checked_at, retry_at } = failed else { unreachable!() };
    assert_eq!(reason, FailureReason::Unreachable);
    assert_eq!(retry_at - checked_at, 50, "the retry time the user is told");
    assert_eq!(wait_for(&mut status, |s| matches!(s, UpdateStatus::Ready { .. })).await, UpdateStatus::Ready { version: "0.2.0".into() });
    task.await.unwrap();
    assert_eq!(checked.load(std::sync::atomic::Ordering::SeqCst), 2, "no more checks once an update waits for the restart");
}

#[tokio::test]
async fn a_bad_signature_is_refused_and_tried_again_later() {
    let checked = Arc::new(std::sync::atomic::AtomicU32::new(0));
    let mirror = Scripted { checks: [newer("0.2.0"), newer("0.2.0")].into(), download: Err(FailureReason::SignatureInvalid), checked: checked.clone() };
    let (sender, mut status) = watch::channel(UpdateStatus::Checking);
    let task = tokio::spawn(run(mirror, FAST, sender, Arc::new(Notify::new())));
    let failed = wait_for(&mut status, |s| matches!(s, UpdateStatus::Failed { .. })).await;
    assert!(matches!(failed, UpdateStatus::Failed { reason: FailureReason::SignatureInvalid, .. }), "{failed:?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(checked.load(std::sync::atomic::Ordering::SeqCst) >= 3, "retried with backoff");
    assert!(!matches!(*status.borrow(), UpdateStatus::Ready { .. }), "never ready with a bad signature");
    task.abort();
}

#[tokio::test]
async fn up_to_date_waits_the_regular_delay_unless_asked() {
    let checked = Arc::new(std::sync::atomic::AtomicU32::new(0));
    let mirror = Scripted { checks: [Ok(Checked::UpToDate { refused_version: Some("0.0.9".into()) })].into(), download: Ok(()), checked: checked.clone() };
    let (sender, mut status) = watch::channel(UpdateStatus::Checking);
    let check_now = Arc::new(Notify::new());
    let task = tokio::spawn(run(mirror, FAST, sender, check_now.clone()));
    let up_to_date = wait_for(&mut status, |s| matches!(s, UpdateStatus::UpToDate { .. })).await;
    assert!(matches!(up_to_date, UpdateStatus::UpToDate { refused_version: Some(ref v), .. } if v == "0.0.9"), "{up_to_date:?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(checked.load(std::sync::atomic::Ordering::SeqCst), 1, "the next check is hours away");
    check_now.notify_one();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(checked.load(std::sync::atomic::Ordering::SeqCst), 2, "« Rechercher une mise à jour » checks at once");
    task.abort();
}

/// A one-shot HTTP server announcing `announced` bytes and sending `sent`.
async fn serve_once(announced: usize, sent: usize) -> Url {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = Url::parse(&format!("http://{}/tchap.deb", listener.local_addr().unwrap())).unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = [0u8; 2048];
        let _ = socket.read(&mut request).await;
        let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {announced}\r\nConnection: close\r\n\r\n");
        socket.write_all(head.as_bytes()).await.unwrap();
        socket.write_all(&vec![7u8; sent]).await.unwrap();
        socket.shutdown().await.unwrap();
    });
    url
}

#[tokio::test]
async fn a_truncated_or_oversized_download_is_refused() {
    let network = NetworkSettings::default();
    assert_eq!(download(&network, &serve_once(1000, 1000).await).await.unwrap().len(), 1000);
    assert_eq!(download(&network, &serve_once(1000, 400).await).await, Err(FailureReason::Incomplete), "cut short");
    assert_eq!(download(&network, &serve_once(MAX_UPDATE_BYTES + 1, 10).await).await, Err(FailureReason::Incomplete), "announced too large");
}

#[tokio::test]
async fn the_updaters_client_goes_through_the_configured_proxy() {
    let proxy = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_url = Url::parse(&format!("http://{}", proxy.local_addr().unwrap())).unwrap();
    let asked = tokio::spawn(async move {
        let (mut socket, _) = proxy.accept().await.unwrap();
        let mut request = vec![0u8; 4096];
        let read = socket.read(&mut request).await.unwrap();
        socket.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}").await.unwrap();
        String::from_utf8_lossy(&request[..read]).lines().next().unwrap_or_default().to_owned()
    });
    let setup = client_setup(&NetworkSettings::new(Some(proxy_url), Vec::new())).unwrap();
    let client = setup(reqwest::ClientBuilder::new()).build().unwrap();
    let answer = client.get("http://miroir.interieur.gouv.fr/tchap/latest.json").send().await.unwrap();
    assert!(answer.status().is_success());
    assert_eq!(asked.await.unwrap(), "GET http://miroir.interieur.gouv.fr/tchap/latest.json HTTP/1.1", "the proxy got the request");
}
