//! Signed updates from the organisation's mirror (tauri-plugin-updater): the
//! core decides where, when and which version (`tchap_core::updates`); this
//! file reads the mirror with the plugin, keeps the verified download, and
//! installs it only when the user clicks "Redémarrer pour mettre à jour".
//! Built without the `updater` feature (the per-machine MSI), the code is
//! compiled out and the status says the organisation manages updates.

use std::sync::Arc;

use tauri::{AppHandle, Manager, State, ipc::Channel};
use tchap_core::{
    error::{AppError, AppResult, ErrorCode},
    network::NetworkSettings,
    updates::UpdateStatus,
};
use tokio::sync::{Notify, watch};

use super::logged_sync;

/// The updater of this run, as the commands see it.
pub struct Updates {
    status: watch::Sender<UpdateStatus>,
    check_now: Arc<Notify>,
    #[cfg(feature = "updater")]
    ready: Arc<std::sync::Mutex<Option<with_plugin::Downloaded>>>,
}

impl Updates {
    fn new(initial: UpdateStatus) -> Self {
        Self {
            status: watch::channel(initial).0,
            check_now: Arc::new(Notify::new()),
            #[cfg(feature = "updater")]
            ready: Default::default(),
        }
    }
}

/// Registers the updater plugin (a no-op without the `updater` feature).
pub fn plugin(builder: tauri::Builder<tauri::Wry>) -> tauri::Builder<tauri::Wry> {
    #[cfg(feature = "updater")]
    let builder = builder.plugin(tauri_plugin_updater::Builder::new().build());
    builder
}

/// Starts checking at start, then on the core's cadence.
pub fn start(app: &AppHandle, network: &NetworkSettings) {
    #[cfg(feature = "updater")]
    let updates = with_plugin::start(app, network);
    #[cfg(not(feature = "updater"))]
    let updates = {
        let _ = network;
        Updates::new(UpdateStatus::ManagedByOrganisation)
    };
    app.manage(updates);
}

#[tauri::command]
#[specta::specta]
pub fn update_status(updates: State<'_, Updates>) -> UpdateStatus {
    updates.status.borrow().clone()
}

/// Sends the current status on `on_change`, then each change, until the
/// window goes away. (async: the forwarding task needs the async runtime.)
#[tauri::command]
#[specta::specta]
pub async fn watch_updates(updates: State<'_, Updates>, on_change: Channel<UpdateStatus>) -> AppResult<()> {
    let mut status = updates.status.subscribe();
    tauri::async_runtime::spawn(async move {
        loop {
            let current = status.borrow_and_update().clone();
            if on_change.send(current).is_err() || status.changed().await.is_err() {
                break;
            }
        }
    });
    Ok(())
}

/// "Rechercher une mise à jour": checks now instead of at the next planned time.
#[tauri::command]
#[specta::specta]
pub fn check_for_update(updates: State<'_, Updates>) {
    updates.check_now.notify_one();
}

/// "Redémarrer pour mettre à jour": installs the verified download, then
/// restarts. The UI calls it only on the user's click, never with a message
/// being written.
#[tauri::command]
#[specta::specta]
pub async fn install_update(app: AppHandle) -> AppResult<()> {
    #[cfg(feature = "updater")]
    let installed = with_plugin::install(app).await;
    #[cfg(not(feature = "updater"))]
    let installed = {
        let _ = app;
        Err(AppError::new(ErrorCode::NotFound, "this build has no updater"))
    };
    logged_sync("install_update", installed)
}

#[cfg(feature = "updater")]
mod with_plugin {
    use std::time::Duration;

    use tauri_plugin_updater::{Error as PluginError, Update, UpdaterExt};
    use tchap_core::{
        policy,
        state::AppState,
        updates::{self, Cadence, Checked, FailureReason, Mirror, UpdateSource, Verdict},
    };

    use super::*;

    /// The mirrors the build knows; an organisation names its own in the policy.
    const BUILT_IN_ENDPOINTS: &[&str] = &[];

    /// The public key releases are signed with (the `.pub` file `tauri signer
    /// generate` writes), compiled in from `TCHAP_UPDATER_PUBKEY` at build
    /// time or `plugins.updater.pubkey` in tauri.conf.json; never read from
    /// the policy or at run time.
    const BUILT_PUBKEY: Option<&str> = option_env!("TCHAP_UPDATER_PUBKEY");

    /// How long a check of the manifest may take.
    const CHECK_TIMEOUT: Duration = Duration::from_secs(60);

    /// A verified download waiting for the user's restart.
    pub struct Downloaded {
        update: Update,
        bytes: Vec<u8>,
    }

    fn pubkey(app: &AppHandle) -> Option<String> {
        // TEST ONLY: debug builds may be given the test key pair of
        // tests/updater/; release builds never read this variable.
        #[cfg(debug_assertions)]
        if let Ok(key) = std::env::var("TCHAP_TEST_UPDATER_PUBKEY") {
            return Some(key);
        }
        let configured = app.config().plugins.0.get("updater").and_then(|updater| updater.get("pubkey")).and_then(|key| key.as_str());
        BUILT_PUBKEY.or(configured).map(str::trim).filter(|key| !key.is_empty()).map(str::to_owned)
    }

    fn cadence() -> Cadence {
        // TEST ONLY: a short retry for the end-to-end tests (debug builds).
        #[cfg(debug_assertions)]
        if let Some(seconds) = std::env::var("TCHAP_TEST_UPDATE_RETRY_SECS").ok().and_then(|s| s.parse().ok()) {
            let retry = Duration::from_secs(seconds);
            return Cadence { first_retry: retry, max_retry: retry, ..Cadence::PRODUCTION };
        }
        Cadence::PRODUCTION
    }

    pub fn start(app: &AppHandle, network: &NetworkSettings) -> Updates {
        let source = UpdateSource::resolve(policy::in_force().policy(), BUILT_IN_ENDPOINTS);
        let (UpdateSource::Mirror(endpoints), Some(pubkey)) = (&source, pubkey(app)) else {
            let status = match source {
                UpdateSource::Mirror(_) => UpdateStatus::NoKey,
                other => other.initial_status(),
            };
            tracing::info!(?status, "no update checks");
            return Updates::new(status);
        };
        let updates = Updates::new(UpdateStatus::Checking);
        let mirror =
            PluginMirror { app: app.clone(), endpoints: endpoints.clone(), network: network.clone(), pubkey, ready: updates.ready.clone() };
        tauri::async_runtime::spawn(updates::run(mirror, cadence(), updates.status.clone(), updates.check_now.clone()));
        updates
    }

    struct PluginMirror {
        app: AppHandle,
        endpoints: Vec<tauri::Url>,
        network: NetworkSettings,
        pubkey: String,
        ready: Arc<std::sync::Mutex<Option<Downloaded>>>,
    }

    impl Mirror for PluginMirror {
        type Found = Update;

        async fn check(&mut self) -> Result<Checked<Update>, FailureReason> {
            let client = updates::client_setup(&self.network).map_err(|_| FailureReason::Unreachable)?;
            let refused = Arc::new(std::sync::Mutex::new(None));
            let noted = refused.clone();
            let app = self.app.clone();
            let updater = self
                .app
                .updater_builder()
                .endpoints(self.endpoints.clone())
                .map_err(|e| failure(&e))?
                .pubkey(self.pubkey.clone())
                .timeout(CHECK_TIMEOUT)
                .configure_client(client)
                .on_before_exit(move || {
                    // Windows: msiexec is started, the app quits (as quitting does).
                    tauri::async_runtime::block_on(close_session(&app));
                    app.cleanup_before_exit();
                })
                .version_comparator(move |running, offered| {
                    let offered = offered.version.to_string();
                    match updates::verdict(&running.to_string(), &offered) {
                        Verdict::Newer => true,
                        Verdict::Same => false,
                        Verdict::Older | Verdict::Unreadable => {
                            *noted.lock().unwrap_or_else(|e| e.into_inner()) = Some(offered);
                            false
                        }
                    }
                })
                .build()
                .map_err(|e| failure(&e))?;
            match updater.check().await {
                Ok(Some(update)) => Ok(Checked::Newer { version: update.version.clone(), found: update }),
                Ok(None) => Ok(Checked::UpToDate { refused_version: refused.lock().unwrap_or_else(|e| e.into_inner()).take() }),
                Err(error) => Err(failure(&error)),
            }
        }

        async fn download(&mut self, update: Update) -> Result<(), FailureReason> {
            let bytes = updates::download(&self.network, &update.download_url).await?;
            update.verify(&bytes).map_err(|e| failure(&e))?;
            *self.ready.lock().unwrap_or_else(|e| e.into_inner()) = Some(Downloaded { update, bytes });
            Ok(())
        }
    }

    /// What the user is told of a plugin error (the details go to the log).
    fn failure(error: &PluginError) -> FailureReason {
        tracing::warn!(%error, "updater");
        match error {
            PluginError::Reqwest(e) if e.is_decode() || e.is_status() => FailureReason::BadAnswer,
            PluginError::Reqwest(_) | PluginError::Network(_) => FailureReason::Unreachable,
            PluginError::Minisign(_)
            | PluginError::Base64(_)
            | PluginError::SignatureUtf8(_)
            | PluginError::SignedVersionMismatch { .. }
            | PluginError::MissingSignedVersion => FailureReason::SignatureInvalid,
            PluginError::InsecureTransportProtocol => FailureReason::InsecureEndpoint,
            _ => FailureReason::BadAnswer,
        }
    }

    pub async fn install(app: AppHandle) -> AppResult<()> {
        let updates = app.state::<Updates>();
        let Some(downloaded) = updates.ready.lock().unwrap_or_else(|e| e.into_inner()).take() else {
            return Err(AppError::new(ErrorCode::NotFound, "no update downloaded"));
        };
        let version = downloaded.update.version.clone();
        if !installed_from_a_package(&app) {
            // A binary built here (development, tests): the plugin would overwrite it in place.
            updates.status.send_replace(UpdateStatus::InstallFailed { version });
            *updates.ready.lock().unwrap_or_else(|e| e.into_inner()) = Some(downloaded);
            return Err(AppError::new(ErrorCode::Internal, "not an installed package: nothing to update in place"));
        }
        updates.status.send_replace(UpdateStatus::Installing { version: version.clone() });
        // pkexec/sudo + dpkg on Linux, msiexec on Windows (which quits the app): blocking.
        let installed = tauri::async_runtime::spawn_blocking(move || {
            let result = downloaded.update.install(&downloaded.bytes);
            (result, downloaded)
        })
        .await
        .map_err(|e| AppError::internal("update install", e))?;
        match installed {
            (Ok(()), _) => {
                tracing::info!(%version, "update installed; restarting");
                close_session(&app).await;
                app.restart()
            }
            (Err(error), downloaded) => {
                tracing::warn!(%error, %version, "update not installed; the download is kept");
                updates.status.send_replace(UpdateStatus::InstallFailed { version });
                *updates.ready.lock().unwrap_or_else(|e| e.into_inner()) = Some(downloaded);
                Err(AppError::internal("update install", error))
            }
        }
    }

    /// A .deb/.rpm the bundler marked, an AppImage, or any Windows/macOS build.
    #[cfg(target_os = "linux")]
    fn installed_from_a_package(app: &AppHandle) -> bool {
        use tauri::utils::{config::BundleType, platform::bundle_type};
        matches!(bundle_type(), Some(BundleType::Deb | BundleType::Rpm)) || app.env().appimage.is_some()
    }

    #[cfg(not(target_os = "linux"))]
    fn installed_from_a_package(_app: &AppHandle) -> bool {
        true
    }

    /// Lets the sync save its position before the process is replaced, as
    /// quitting does; only once the install worked (a refused one changes nothing).
    async fn close_session(app: &AppHandle) {
        if let Some(session) = app.state::<AppState>().current() {
            if tokio::time::timeout(super::super::CLOSE_WAIT, session.close()).await.is_err() {
                tracing::warn!("the session did not close in time; updating anyway");
            }
        }
    }
}
