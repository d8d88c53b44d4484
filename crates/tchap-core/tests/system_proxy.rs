//! A workstation whose proxy is the system's (`HTTPS_PROXY`, as IT teams set
//! it; the Windows setting goes the same way through reqwest's system proxy),
//! with the ministry's authority in the configuration: the Matrix client and
//! the content scanner's requests both cross the real proxy (tinyproxy).
//!
//! A test binary of its own: the proxy setting is the process's environment.
//! Needs the real Synapse and content scanner (see tests/network.rs).

mod common;

use common::{network::*, *};
use tchap_core::media::service::MediaCheck;

#[tokio::test(flavor = "multi_thread")]
async fn the_systems_proxy_carries_every_request() {
    let scanner = std::env::var("TCHAP_TEST_CONTENT_SCANNER").expect("run through scripts/with-scanner.sh");
    let ca = TestCa::new();
    let homeserver_relay = TlsRelay::start(&ca, &homeserver()).await;
    let scanner_relay = TlsRelay::start(&ca, &scanner).await;
    let proxy = ForwardProxy::start().await;
    // SAFETY: this binary's only test, before any client reads the variable.
    unsafe { std::env::set_var("HTTPS_PROXY", proxy.url()) };
    let data = data_dir();
    configure_workstation(data.path(), Some(&ca), scanner_relay.url(), None);

    let check = attachment_seen_from(data.path(), homeserver_relay.url()).await;
    assert_eq!(check, MediaCheck::Clean);
    for relay in [&homeserver_relay, &scanner_relay] {
        assert!(proxy.saw(&format!("CONNECT {}", relay.authority())), "{} through the proxy: {:?}", relay.url(), proxy.requests());
    }
}
