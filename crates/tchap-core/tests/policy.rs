//! An administrator's policy on a ministry's workstation: the policy file
//! names the proxy and the ministry's authority, and wins over the
//! `config.json` a user (or an older deployment) left with another proxy.
//! The sign-in, the sync and the content scanner's requests all go the
//! policy's way.
//!
//! A test binary of its own: the policy is read once per process
//! (`TCHAP_POLICY_FILE`). Needs the real Synapse and content scanner:
//! `scripts/with-synapse.sh scripts/with-scanner.sh tests/keyring/with-keyring.sh cargo test -p tchap-core --test policy`.

mod common;

use common::{network::*, *};
use tchap_core::{
    media::service::MediaCheck,
    policy::{self, PolicyKey},
};

/// A port nothing listens on: a proxy there fails every request.
const DEAD_PROXY: &str = "http://127.0.0.1:9";

#[tokio::test(flavor = "multi_thread")]
async fn the_policys_proxy_and_authority_carry_every_request() {
    let scanner = std::env::var("TCHAP_TEST_CONTENT_SCANNER").expect("run through scripts/with-scanner.sh");
    let ca = TestCa::new();
    let homeserver_relay = TlsRelay::start(&ca, &homeserver()).await;
    let scanner_relay = TlsRelay::start(&ca, &scanner).await;
    let proxy = ForwardProxy::start().await;
    let policy_dir = tempfile::tempdir().unwrap();
    let ca_file = policy_dir.path().join("autorite-ministere.pem");
    std::fs::write(&ca_file, ca.ca_pem()).unwrap();
    let policy_file = policy_dir.path().join("policy.json");
    std::fs::write(&policy_file, serde_json::json!({ "proxy_url": proxy.url(), "extra_ca_file": ca_file }).to_string()).unwrap();
    // SAFETY: this binary's only test, before anything reads the policy.
    unsafe { std::env::set_var("TCHAP_POLICY_FILE", &policy_file) };
    let data = data_dir();
    configure_workstation(data.path(), None, scanner_relay.url(), Some(DEAD_PROXY));

    let status = policy::in_force().status();
    assert_eq!(status.invalid_reason, None);
    assert_eq!(status.managed_keys, [PolicyKey::ProxyUrl, PolicyKey::ExtraCaFile]);
    // The colleague's client is under the same policy: through the relay too.
    let check = attachment_seen_from_with(data.path(), homeserver_relay.url(), homeserver_relay.url()).await;
    assert_eq!(check, MediaCheck::Clean, "signed in through the policy's proxy, trusting its authority; the attachment scanned");
    for relay in [&homeserver_relay, &scanner_relay] {
        assert!(proxy.saw(&format!("CONNECT {}", relay.authority())), "{} through the policy's proxy: {:?}", relay.url(), proxy.requests());
    }
}
