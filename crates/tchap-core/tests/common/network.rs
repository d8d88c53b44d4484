//! A ministry's network on loopback: a certificate authority made for the
//! test (openssl), servers behind TLS with a certificate it signed (a relay
//! in front of the real Synapse or scanner), and a real forward proxy
//! (Debian's tinyproxy) that logs every request crossing it.

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::{
    TlsAcceptor,
    rustls::{
        ServerConfig,
        pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject},
    },
};

fn openssl(dir: &Path, args: &[&str]) {
    let status = Command::new("openssl").args(args).current_dir(dir).stderr(Stdio::null()).status().expect("openssl (scripts/install-deps.sh)");
    assert!(status.success(), "openssl {args:?}");
}

/// A certificate authority of the test, and a server certificate for
/// 127.0.0.1 it signed.
pub struct TestCa {
    dir: tempfile::TempDir,
}

impl TestCa {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
        let ca = [&ec[..], &["-x509", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Autorite de test du ministere"]].concat();
        openssl(dir.path(), &[&["req"], &ca[..], &["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]].concat());
        openssl(dir.path(), &[&["req"], &ec[..], &["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"]].concat());
        std::fs::write(
            dir.path().join("server.ext"),
            "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        let sign = ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2"];
        openssl(dir.path(), &[&sign[..], &["-extfile", "server.ext"]].concat());
        Self { dir }
    }

    /// The authority's certificate, as IT teams hand it out (PEM).
    pub fn ca_pem(&self) -> Vec<u8> {
        std::fs::read(self.dir.path().join("ca.pem")).unwrap()
    }

    fn acceptor(&self) -> TlsAcceptor {
        let chain = CertificateDer::pem_file_iter(self.dir.path().join("server.pem")).unwrap().collect::<Result<Vec<_>, _>>().unwrap();
        let key = PrivateKeyDer::from_pem_file(self.dir.path().join("server.key")).unwrap();
        let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap();
        TlsAcceptor::from(Arc::new(config))
    }
}

/// `https://127.0.0.1:<port>` in front of a plain http server on loopback,
/// with the test CA's certificate.
pub struct TlsRelay {
    url: String,
    /// TLS sessions the client accepted (0: not a byte could be sent).
    sessions: Arc<AtomicU64>,
    accept_loop: tokio::task::JoinHandle<()>,
}

impl TlsRelay {
    pub async fn start(ca: &TestCa, target: &str) -> Self {
        let target = target.trim_start_matches("http://").trim_end_matches('/').to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("https://{}", listener.local_addr().unwrap());
        let acceptor = ca.acceptor();
        let sessions = Arc::new(AtomicU64::new(0));
        let counter = sessions.clone();
        let accept_loop = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (acceptor, target, counter) = (acceptor.clone(), target.clone(), counter.clone());
                tokio::spawn(async move {
                    // A client that refuses the certificate ends here.
                    let Ok(mut tls) = acceptor.accept(client).await else { return };
                    counter.fetch_add(1, Ordering::SeqCst);
                    let Ok(mut server) = TcpStream::connect(&target).await else { return };
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut server).await;
                });
            }
        });
        Self { url, sessions, accept_loop }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// `127.0.0.1:<port>`, as a proxy's CONNECT names it.
    pub fn authority(&self) -> &str {
        self.url.trim_start_matches("https://")
    }

    pub fn tls_sessions(&self) -> u64 {
        self.sessions.load(Ordering::SeqCst)
    }
}

impl Drop for TlsRelay {
    fn drop(&mut self) {
        self.accept_loop.abort();
    }
}

/// Debian's tinyproxy on a free loopback port, logging each request line.
pub struct ForwardProxy {
    url: String,
    log: PathBuf,
    child: Child,
    _dir: tempfile::TempDir,
}

impl ForwardProxy {
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let log = dir.path().join("tinyproxy.log");
        // No ConnectPort line: CONNECT to any port (the relays' are random).
        let config = format!(
            "Port {port}\nListen 127.0.0.1\nTimeout 600\nLogFile \"{}\"\nLogLevel Info\nMaxClients 100\nAllow 127.0.0.1\nDisableViaHeader Yes\n",
            log.display()
        );
        let config_file = dir.path().join("tinyproxy.conf");
        std::fs::write(&config_file, config).unwrap();
        let child = Command::new("tinyproxy")
            .args(["-d", "-c"])
            .arg(&config_file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tinyproxy (scripts/install-deps.sh)");
        let url = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return Self { url, log, child, _dir: dir };
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("tinyproxy did not start on port {port}");
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// The request lines the proxy received ("CONNECT 127.0.0.1:4431 HTTP/1.1",
    /// "GET http://127.0.0.1:8008/_matrix/… HTTP/1.1").
    pub fn requests(&self) -> Vec<String> {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        log.lines().filter_map(|line| line.split_once("): ").filter(|_| line.contains("Request (file descriptor")).map(|(_, request)| request.to_owned())).collect()
    }

    /// Whether a request line contains `needle`.
    pub fn saw(&self, needle: &str) -> bool {
        self.requests().iter().any(|request| request.contains(needle))
    }
}

impl Drop for ForwardProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The configuration file of a ministry's workstation in `data_dir`: the
/// authority's PEM file next to it, the scanner, and the proxy if explicit.
pub fn configure_workstation(data_dir: &Path, ca: Option<&TestCa>, scanner: &str, proxy: Option<&str>) {
    let mut config = serde_json::json!({ "content_scanner_url": scanner });
    if let Some(ca) = ca {
        std::fs::write(data_dir.join("autorite-ministere.pem"), ca.ca_pem()).unwrap();
        config["extra_ca_file"] = "autorite-ministere.pem".into();
    }
    if let Some(proxy) = proxy {
        config["proxy_url"] = proxy.into();
    }
    std::fs::write(data_dir.join("config.json"), config.to_string()).unwrap();
}

/// What a user of the workstation configured in `data_dir` sees of an
/// attachment a colleague (elsewhere on the network) sends: signs in on
/// `homeserver`, joins the colleague's room, and asks for the file, which
/// goes through the content scanner.
pub async fn attachment_seen_from(data_dir: &Path, homeserver: &str) -> tchap_core::media::service::MediaCheck {
    attachment_seen_from_with(data_dir, homeserver, &super::homeserver()).await
}

/// The same, the colleague signed in on `colleague_homeserver` (when the
/// process's network settings send every client through the relay).
pub async fn attachment_seen_from_with(data_dir: &Path, homeserver: &str, colleague_homeserver: &str) -> tchap_core::media::service::MediaCheck {
    use tchap_core::{
        media::service::MediaVariant,
        rooms::{self, NewRoomKind},
        session,
        timeline::{MessageContent, TimelineItem},
    };
    let colleague_user = super::register("collegue", "Claire Collègue").await;
    let agent_user = super::register("agent", "Alain Agent").await;
    let colleague_data = super::data_dir();
    let colleague = session::login(colleague_data.path(), colleague_homeserver, &colleague_user.user_id, super::PASSWORD).await.unwrap();
    let agent = session::login(data_dir, homeserver, &agent_user.user_id, super::PASSWORD).await.expect("signed in through the ministry's network");
    let room_id = rooms::create_room_of_kind(colleague.context(), "Réseau du ministère", NewRoomKind::Private).await.unwrap();
    rooms::invite(colleague.context(), &room_id, &agent_user.user_id, false).await.unwrap();
    let rooms_seen = super::Mirror::new();
    tchap_core::room_list::subscribe(agent.context(), rooms_seen.sink()).await.unwrap();
    rooms_seen.wait_until("the invite", |r| r.iter().any(|s| s.id == room_id)).await;
    rooms::accept_invite(agent.context(), &room_id).await.unwrap();
    let prepared = colleague.attachments().prepare_bytes(colleague.context(), Some("note.txt".into()), b"Ordre du jour".to_vec()).await.unwrap();
    colleague.attachments().send(colleague.context(), &room_id, &prepared.id).await.unwrap();

    let timeline = super::Mirror::new();
    agent.timelines().open(&room_id, timeline.sink()).await.unwrap();
    let is_note = |item: &TimelineItem| matches!(item, TimelineItem::Event { content: MessageContent::Media(m), .. } if m.name == "note.txt");
    let items = timeline.wait_until("the attachment", |items| items.iter().any(is_note)).await;
    let Some(TimelineItem::Event { id, .. }) = items.into_iter().find(is_note) else { unreachable!() };
    let check = agent.media().check(agent.timelines(), &room_id, &id, MediaVariant::Original).await;
    colleague.stop().await;
    agent.stop().await;
    check
}
