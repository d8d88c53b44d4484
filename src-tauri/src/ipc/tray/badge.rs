//! The unread count on the launcher or the taskbar.
//!
//! Linux: the Unity LauncherEntry `Update` signal, which the docks and task
//! managers listen to (Ubuntu's dock, Dash to Dock, KDE Plasma). We send it
//! ourselves: tao's `set_badge_count` goes through libunity, which only
//! speaks when Unity itself runs (`com.canonical.Unity` on the bus), so the
//! count would never show on GNOME or Plasma. The entry names the desktop
//! file: `<productName>.desktop`, the one the .deb installs.
//! Windows: a red dot over the taskbar button (`set_overlay_icon`).

use tauri::AppHandle;
#[cfg(windows)]
use tauri::Manager;

/// The desktop file the launcher knows the app by (as Tauri names it in the .deb).
#[cfg(target_os = "linux")]
pub fn desktop_id(app: &AppHandle) -> String {
    format!("{}.desktop", app.package_info().name)
}

pub async fn show(app: &AppHandle, unread: u32) {
    #[cfg(target_os = "linux")]
    if let Err(error) = launcher_entry::update(&desktop_id(app), unread).await {
        tracing::debug!(%error, "launcher badge not updated");
    }
    #[cfg(windows)]
    if let Some(window) = app.get_webview_window("main") {
        const SIZE: u32 = 16;
        let dot = (unread > 0).then(|| tauri::image::Image::new_owned(super::model::badge_dot(SIZE), SIZE, SIZE));
        if let Err(error) = window.set_overlay_icon(dot) {
            tracing::debug!(%error, "taskbar overlay not updated");
        }
    }
    #[cfg(not(any(target_os = "linux", windows)))]
    let _ = (app, unread);
}

#[cfg(target_os = "linux")]
pub mod launcher_entry {
    use std::collections::HashMap;

    use tokio::sync::OnceCell;
    use zbus::{Connection, names::BusName, zvariant::Value};

    pub const INTERFACE: &str = "com.canonical.Unity.LauncherEntry";
    /// Any path will do for the listeners; libunity's own form.
    const PATH: &str = "/com/canonical/unity/launcherentry/tchap";

    static BUS: OnceCell<Connection> = OnceCell::const_new();

    /// Broadcasts the count (hidden at zero) for the app `desktop_id`.
    pub async fn update(desktop_id: &str, count: u32) -> zbus::Result<()> {
        let bus = BUS.get_or_try_init(Connection::session).await?;
        let properties = HashMap::from([("count", Value::I64(count.into())), ("count-visible", Value::Bool(count > 0))]);
        bus.emit_signal(None::<BusName<'_>>, PATH, INTERFACE, "Update", &(format!("application://{desktop_id}"), properties)).await
    }

    /// A listener on a private session bus: the signal as a dock receives it.
    #[cfg(test)]
    mod tests {
        use futures_util::StreamExt;
        use zbus::{MatchRule, MessageStream, zvariant::OwnedValue};

        use super::*;
        use crate::ipc::private_bus::on_private_bus;

        /// The desktop file the .deb installs: named after tauri.conf.json's productName.
        fn packaged_desktop_id() -> String {
            let conf: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../tauri.conf.json")).unwrap()).unwrap();
            format!("{}.desktop", conf["productName"].as_str().unwrap())
        }

        async fn next_update(stream: &mut MessageStream) -> (String, HashMap<String, OwnedValue>) {
            let message = tokio::time::timeout(std::time::Duration::from_secs(10), stream.next())
                .await
                .expect("no LauncherEntry Update signal")
                .unwrap()
                .unwrap();
            message.body().deserialize().unwrap()
        }

        #[test]
        fn the_launcher_hears_the_unread_count_of_the_packaged_app() {
            if !on_private_bus(module_path!(), "the_launcher_hears_the_unread_count_of_the_packaged_app") {
                return;
            }
            tokio::runtime::Runtime::new().unwrap().block_on(async {
                let dock = Connection::session().await.unwrap();
                let rule = MatchRule::builder().msg_type(zbus::message::Type::Signal).interface(INTERFACE).unwrap().member("Update").unwrap().build();
                let mut updates = MessageStream::for_match_rule(rule, &dock, None).await.unwrap();
                let app = packaged_desktop_id();
                assert_eq!(app, "Tchap.desktop");

                update(&app, 7).await.unwrap();
                let (uri, properties) = next_update(&mut updates).await;
                assert_eq!(uri, "application://Tchap.desktop");
                assert_eq!(i64::try_from(&properties["count"]).unwrap(), 7);
                assert!(bool::try_from(&properties["count-visible"]).unwrap());

                update(&app, 0).await.unwrap();
                let (_, properties) = next_update(&mut updates).await;
                assert!(!bool::try_from(&properties["count-visible"]).unwrap(), "no badge once all is read");
            });
        }
    }
}
