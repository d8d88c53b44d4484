//! A workstation whose traffic must go through the ministry's proxy (set in
//! `HTTPS_PROXY`, as IT teams do), and a proxy that refuses: the user is told
//! that the proxy is in the way, not that the server is down; the same when
//! the proxy itself does not answer.
//!
//! A test binary of its own: the proxy setting is the process's environment.

mod common;

use common::*;
use tchap_core::{error::ErrorCode, session};
use tokio::{io::{AsyncReadExt, AsyncWriteExt}, net::TcpListener};

/// A forward proxy that answers every request, `CONNECT` included, with `status`.
async fn refusing_proxy(status: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = client.read(&mut request).await;
                let answer = format!("HTTP/1.1 {status}\r\nContent-Type: text/html\r\nContent-Length: 0\r\n\r\n");
                let _ = client.write_all(answer.as_bytes()).await;
            });
        }
    });
    url
}

#[tokio::test(flavor = "multi_thread")]
async fn a_proxy_that_refuses_is_named_as_such() {
    let stopped_proxy = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    for (status, proxy) in [
        ("407 Proxy Authentication Required", refusing_proxy("407 Proxy Authentication Required").await),
        ("403 Forbidden", refusing_proxy("403 Forbidden").await),
        ("proxy not running", stopped_proxy),
    ] {
        // SAFETY: this binary's only test, before any client reads the variable.
        unsafe { std::env::set_var("HTTPS_PROXY", &proxy) };
        let data = data_dir();
        let error = session::login(data.path(), "https://matrix.agent.tchap.invalid", "agent", PASSWORD)
            .await
            .err()
            .expect("the proxy lets nothing through");
        assert_eq!(error.code, ErrorCode::ProxyError, "{status}: {error:?}");
        assert!(session_dirs(data.path()).is_empty(), "a refused sign-in leaves no session behind");
    }
}
