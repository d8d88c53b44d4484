//! The whole-app benchmark's baseline (`make bench-app`): a bare Tauri 2
//! window on WebKitGTK, the same size as ours, showing a tiny static page.
//! Built from this package, so with the same tauri crate and features as the
//! app; no plugin, no command, no IPC. SIGTERM ends it (default behaviour).

use tauri::http::{Response, header::CONTENT_TYPE};
use tauri::{Url, WebviewUrl, WebviewWindowBuilder};

/// The benchmark waits for this title to know the page is shown.
const PAGE: &str = "<!doctype html><title>bare window</title><p>Bare Tauri 2 window</p>";

fn main() {
    let mut context = tauri::generate_context!();
    // Not our app's "main" window, nor its identifier (its data folders).
    context.config_mut().app.windows.clear();
    context.config_mut().identifier = "fr.gouv.tchap.bench-bare-window".into();
    tauri::Builder::default()
        // Served like ours (a custom protocol, as `tauri://` is), without our
        // UI: data: URLs would need another tauri feature than the app's.
        .register_uri_scheme_protocol("bare", |_, _| {
            Response::builder().header(CONTENT_TYPE, "text/html").body(PAGE.as_bytes()).expect("a static response")
        })
        .setup(|app| {
            let url = Url::parse("bare://localhost/")?;
            WebviewWindowBuilder::new(app, "bare", WebviewUrl::CustomProtocol(url))
                .title("bare window")
                .inner_size(1200.0, 800.0)
                .build()?;
            Ok(())
        })
        .run(context)
        .expect("the bare window failed to start");
}
