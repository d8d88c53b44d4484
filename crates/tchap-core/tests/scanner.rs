//! Attachments through the real content scanner (tests/scanner), in front of
//! the real Synapse: uploaded by a signed-in client, fetched back as the app
//! will fetch them.

mod common;

use std::{
    io::{Cursor, Read},
    sync::Arc,
    sync::atomic::{AtomicUsize, Ordering},
};

use common::{own_scanner::OwnScanner, *};
use matrix_sdk::ruma::{OwnedMxcUri, events::room::EncryptedFile};
use matrix_sdk_base::crypto::AttachmentEncryptor;
use tchap_core::{
    media::scanner::{BlockReason, ContentScanner, ScanFailure},
    network::NetworkSettings,
    session::{self, Session},
};

const MAX: u64 = 10 * 1024 * 1024;

/// The EICAR antivirus test string, made at run time: written whole, this
/// file would be flagged by the antivirus of a developer's machine.
fn eicar() -> Vec<u8> {
    ["X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR", "-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"].concat().into_bytes()
}

fn report() -> Vec<u8> {
    format!("Compte rendu de la réunion du {} : rien à signaler.\n", unique("")).into_bytes()
}

fn shared_scanner_url() -> url::Url {
    std::env::var("TCHAP_TEST_CONTENT_SCANNER")
        .expect("TCHAP_TEST_CONTENT_SCANNER: run the tests through `make test` (scripts/with-scanner.sh)")
        .parse()
        .unwrap()
}

/// A signed-in user whose client uploads what the tests fetch.
struct Sender {
    _data: tempfile::TempDir,
    session: Arc<Session>,
}

impl Sender {
    async fn new() -> Self {
        let user = register("scan", "Agent Scanné").await;
        let data = data_dir();
        let session = session::login(data.path(), &homeserver(), &user.user_id, PASSWORD).await.unwrap();
        Self { _data: data, session }
    }

    fn scanner_at(&self, base: url::Url) -> ContentScanner {
        let token = self.session.client().access_token();
        assert!(token.is_some(), "signed in");
        ContentScanner::new(base, token, self.session.context().network()).unwrap()
    }

    fn scanner(&self) -> ContentScanner {
        self.scanner_at(shared_scanner_url())
    }

    async fn upload_plain(&self, mime: &str, bytes: Vec<u8>) -> OwnedMxcUri {
        let mime = mime.parse().unwrap();
        self.session.client().media().upload(&mime, bytes, None).await.unwrap().content_uri
    }

    /// Encrypted as an encrypted room's attachment is, uploaded, and described
    /// as its event would describe it.
    async fn upload_encrypted(&self, clear: &[u8]) -> EncryptedFile {
        let mut source = Cursor::new(clear.to_vec());
        let mut encryptor = AttachmentEncryptor::new(&mut source);
        let mut encrypted = Vec::new();
        encryptor.read_to_end(&mut encrypted).unwrap();
        let info = encryptor.finish();
        let url = self.upload_plain("application/octet-stream", encrypted).await;
        EncryptedFile::new(url, info.encryption_info, info.hashes)
    }
}

fn blocked_as_infected(result: Result<impl std::fmt::Debug, ScanFailure>) {
    match result {
        Err(ScanFailure::Blocked { reason: BlockReason::NotClean, .. }) => {}
        other => panic!("expected the file to be blocked as infected, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn plain_files_come_back_as_sent_unless_infected() {
    let sender = Sender::new().await;
    let scanner = sender.scanner();

    let sent = report();
    let mxc = sender.upload_plain("text/plain", sent.clone()).await;
    let (bytes, content_type) = scanner.fetch_plain(&mxc, MAX).await.unwrap();
    assert_eq!(bytes, sent);
    assert!(content_type.unwrap().starts_with("text/plain"));

    let infected = sender.upload_plain("text/plain", eicar()).await;
    blocked_as_infected(scanner.fetch_plain(&infected, MAX).await);

    // Memory stays bounded: past the limit the answer is dropped.
    assert_eq!(scanner.fetch_plain(&mxc, sent.len() as u64 - 1).await.unwrap_err(), ScanFailure::TooLarge);
    assert_eq!(scanner.fetch_plain(&mxc, sent.len() as u64).await.unwrap().0, sent);

    let missing: OwnedMxcUri = format!("mxc://{}/{}", mxc.server_name().unwrap(), unique("nothingHere")).into();
    assert_eq!(scanner.fetch_plain(&missing, MAX).await.unwrap_err(), ScanFailure::NotFound);
}

#[tokio::test(flavor = "multi_thread")]
async fn encrypted_files_come_back_decrypted_unless_infected_or_damaged() {
    let sender = Sender::new().await;
    let scanner = sender.scanner();

    let sent = report();
    let file = sender.upload_encrypted(&sent).await;
    assert_eq!(scanner.fetch_encrypted(&file, MAX).await.unwrap(), sent);

    let infected = sender.upload_encrypted(&eicar()).await;
    blocked_as_infected(scanner.fetch_encrypted(&infected, MAX).await);

    assert_eq!(scanner.fetch_encrypted(&file, sent.len() as u64 - 1).await.unwrap_err(), ScanFailure::TooLarge);

    // An event whose hash is not the file's: the scanner cannot check it,
    // and the client does not ask twice.
    let other = sender.upload_encrypted(b"autre chose").await;
    let damaged = EncryptedFile::new(file.url.clone(), file.info.clone(), other.hashes.clone());
    match scanner.fetch_encrypted(&damaged, MAX).await {
        Err(ScanFailure::Unreadable { .. }) => {}
        other => panic!("a damaged file must be unreadable, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_thumbnail_comes_back_as_an_image() {
    let sender = Sender::new().await;
    let mut png = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png, 64, 48);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let pixels: Vec<u8> = (0..64 * 48).flat_map(|i: u32| [(i % 64 * 4) as u8, (i / 64 * 5) as u8, 200]).collect();
        encoder.write_header().unwrap().write_image_data(&pixels).unwrap();
    }
    let mxc = sender.upload_plain("image/png", png).await;

    let (bytes, content_type) = sender.scanner().fetch_plain_thumbnail(&mxc, 32, 32, MAX).await.unwrap();
    assert!(content_type.unwrap().starts_with("image/"));
    let image = png::Decoder::new(Cursor::new(bytes)).read_info().expect("a PNG image");
    assert!(image.info().width <= 64 && image.info().height <= 48);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_the_scanner_nothing_comes_through() {
    let sender = Sender::new().await;
    let own = OwnScanner::start();
    let scanner = sender.scanner_at(own.base.clone());
    let sent = report();
    let plain = sender.upload_plain("text/plain", sent.clone()).await;
    let file = sender.upload_encrypted(&sent).await;
    assert_eq!(scanner.fetch_plain(&plain, MAX).await.unwrap().0, sent);
    assert_eq!(scanner.fetch_encrypted(&file, MAX).await.unwrap(), sent);

    // Stopped, while the client holds its key and got these files before.
    own.stop();
    for result in [scanner.fetch_plain(&plain, MAX).await.map(|_| ()), scanner.fetch_encrypted(&file, MAX).await.map(|_| ())] {
        assert!(matches!(result, Err(ScanFailure::Unavailable { .. })), "{result:?}");
    }
    // The homeserver itself, where no scanner answers: no verdict, nothing shown.
    let not_a_scanner = sender.scanner_at(homeserver().parse().unwrap());
    let result = not_a_scanner.fetch_plain(&plain, MAX).await;
    assert!(matches!(result, Err(ScanFailure::Unavailable { .. })), "{result:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_scanner_with_a_new_key_is_asked_again_with_it() {
    let sender = Sender::new().await;
    let own = OwnScanner::start();
    let scanner = sender.scanner_at(own.base.clone());
    let first = report();
    let file = sender.upload_encrypted(&first).await;
    assert_eq!(scanner.fetch_encrypted(&file, MAX).await.unwrap(), first);

    // Redeployed with a new key pair: the client still holds the old key.
    own.restart_with_new_key();
    let second = report();
    let file = sender.upload_encrypted(&second).await;
    assert_eq!(scanner.fetch_encrypted(&file, MAX).await.unwrap(), second);
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_media_addresses_are_refused_before_any_request() {
    // A listener that only counts who connects.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base: url::Url = format!("http://{}", listener.local_addr().unwrap()).parse().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        while let Ok((_socket, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
        }
    });
    let scanner = ContentScanner::new(base, Some("secret-token".into()), &NetworkSettings::default()).unwrap();
    let sender = Sender::new().await;
    let genuine = sender.upload_encrypted(b"x").await;

    for hostile in [
        "mxc://localhost/../../_synapse/admin/v1/users",
        "mxc://localhost/abc?access_token=x",
        "mxc://localhost/abc#x",
        "mxc://../abc",
        "mxc://localhost/",
        "mxc:///abc",
        "http://127.0.0.1:1/abc",
    ] {
        let mxc = OwnedMxcUri::from(hostile);
        assert!(matches!(scanner.fetch_plain(&mxc, MAX).await, Err(ScanFailure::Unreadable { .. })), "{hostile}");
        assert!(matches!(scanner.fetch_plain_thumbnail(&mxc, 32, 32, MAX).await, Err(ScanFailure::Unreadable { .. })), "{hostile}");
        let file = EncryptedFile::new(mxc, genuine.info.clone(), genuine.hashes.clone());
        assert!(matches!(scanner.fetch_encrypted(&file, MAX).await, Err(ScanFailure::Unreadable { .. })), "{hostile}");
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(connections.load(Ordering::SeqCst), 0, "a hostile address reached the network");
}
