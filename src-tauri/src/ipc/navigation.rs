//! The window only ever shows the app's own pages: a link dragged onto it,
//! or any navigation a message could trigger, is refused. Message links go
//! to the system browser through `open_external_link`, after asking.

use tauri::{Runtime, Url, plugin::TauriPlugin};

/// The app's own pages: `tauri://localhost` on Linux and macOS,
/// `http(s)://tauri.localhost` on Windows (WebView2).
fn is_app_page(url: &Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    }
}

pub fn guard<R: Runtime>() -> TauriPlugin<R> {
    tauri::plugin::Builder::new("navigation-guard")
        .on_navigation(|_, url| {
            let allowed = is_app_page(url);
            if !allowed {
                // The scheme only: an address can carry a token or a message's words.
                tracing::warn!(scheme = url.scheme(), "navigation away from the app refused");
            }
            allowed
        })
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_apps_own_pages() {
        for ok in ["tauri://localhost/", "tauri://localhost/index.html#x", "http://tauri.localhost/", "https://tauri.localhost/a"] {
            assert!(is_app_page(&Url::parse(ok).unwrap()), "{ok}");
        }
        for refused in [
            "https://example.org/",
            "http://localhost:1420/",
            "https://tauri.localhost.evil.example/",
            "tauri://evil/",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "about:blank",
        ] {
            assert!(!is_app_page(&Url::parse(refused).unwrap()), "{refused}");
        }
    }
}
