//! A ministry's network: a homeserver whose certificate comes from the
//! ministry's own authority (a test CA, a TLS relay in front of the real
//! Synapse), and a real forward proxy (tinyproxy) set in the configuration.
//!
//! Needs the real Synapse and content scanner:
//! `scripts/with-synapse.sh scripts/with-scanner.sh tests/keyring/with-keyring.sh cargo test -p tchap-core --test network`.

mod common;

use common::{network::*, *};
use tchap_core::{error::ErrorCode, media::service::MediaCheck, session};

fn scanner_url() -> String {
    std::env::var("TCHAP_TEST_CONTENT_SCANNER").expect("TCHAP_TEST_CONTENT_SCANNER is not set: run through scripts/with-scanner.sh")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_certificate_this_computer_does_not_trust_is_named_and_nothing_is_sent() {
    let ca = TestCa::new();
    let relay = TlsRelay::start(&ca, &homeserver()).await;
    let user = register("agent", "Agathe Agent").await;
    let data = data_dir();

    let error = session::login(data.path(), relay.url(), &user.user_id, PASSWORD).await.err().expect("an unknown authority is refused");
    assert_eq!(error.code, ErrorCode::UntrustedCertificate, "{error:?}");
    assert_eq!(error.server.as_deref(), Some("127.0.0.1"), "the user's sentence names the server");
    assert_eq!(relay.tls_sessions(), 0, "no connection was accepted: not a byte (the password least of all) was sent");
    assert!(session_dirs(data.path()).is_empty(), "a refused sign-in leaves no session behind");
}

#[tokio::test(flavor = "multi_thread")]
async fn with_the_ministrys_authority_and_proxy_configured_everything_goes_through_them() {
    let ca = TestCa::new();
    let homeserver_relay = TlsRelay::start(&ca, &homeserver()).await;
    let scanner_relay = TlsRelay::start(&ca, &scanner_url()).await;
    let proxy = ForwardProxy::start().await;
    let data = data_dir();
    configure_workstation(data.path(), Some(&ca), scanner_relay.url(), Some(proxy.url()));

    let check = attachment_seen_from(data.path(), homeserver_relay.url()).await;
    assert_eq!(check, MediaCheck::Clean, "signed in, the attachment scanned and shown");
    let connect_to = |relay: &TlsRelay| format!("CONNECT {}", relay.authority());
    assert!(proxy.saw(&connect_to(&homeserver_relay)), "the Matrix client went through the proxy: {:?}", proxy.requests());
    assert!(proxy.saw(&connect_to(&scanner_relay)), "the content scanner's requests too: {:?}", proxy.requests());
}
