//! The app's window, its commands and events (one file per feature, each a
//! thin adapter to a `tchap-core` service), the plugins, and the generated
//! TypeScript bindings.

mod about;
mod attachments;
mod connection;
mod desktop_prefs;
mod directory;
mod events;
mod external_links;
mod links;
mod media;
mod navigation;
mod notifications;
mod policy;
#[cfg(test)]
mod private_bus;
mod registration;
mod rooms;
mod search;
mod security;
mod session;
mod settings;
mod threads;
mod timeline;
mod tray;
mod typing;
mod updates;
mod verification;

use tauri::Manager;
use tauri_specta::{Builder, collect_commands, collect_events};
use tchap_core::{
    config::{AppConfig, DemoLogin, Paths},
    error::AppResult,
    logging,
    profile_lock::ProfileLock,
    state::AppState,
};

pub fn specta_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            session::app_config,
            session::restore_session,
            session::login,
            session::resume_session,
            session::send_renewal_mail,
            session::logout,
            session::sync_state,
            connection::watch_connection,
            registration::registration_form,
            registration::register,
            registration::resend_registration_mail,
            registration::cancel_registration,
            rooms::subscribe_room_list,
            timeline::open_timeline,
            timeline::close_timeline,
            timeline::lighten_timeline,
            timeline::recentre_timeline,
            timeline::paginate_backwards,
            timeline::paginate_forwards,
            timeline::send_message,
            timeline::retry_send,
            timeline::discard_send,
            timeline::mark_read,
            threads::open_thread,
            threads::close_thread,
            threads::paginate_thread,
            threads::send_in_thread,
            threads::mark_thread_read,
            threads::open_thread_list,
            threads::paginate_thread_list,
            threads::close_thread_list,
            timeline::send_composed,
            timeline::edit_message,
            timeline::save_draft,
            timeline::load_draft,
            timeline::redact_message,
            timeline::load_reply_details,
            timeline::can_mention_room,
            timeline::toggle_reaction,
            typing::set_typing,
            typing::watch_typing,
            typing::unwatch_typing,
            typing::typing_notices_enabled,
            typing::set_typing_notices_enabled,
            policy::policy_status,
            about::about_info,
            about::export_bug_report,
            attachments::attachment_size_limit,
            attachments::pick_attachment_files,
            attachments::prepare_attachment_path,
            attachments::send_attachment,
            attachments::discard_attachment,
            rooms::accept_invite,
            rooms::decline_invite,
            rooms::create_dm,
            rooms::create_room,
            security::security_status,
            security::enable_recovery,
            security::reset_recovery_key,
            security::recover,
            security::save_recovery_key,
            security::can_verify_with_another_session,
            verification::verify_this_session,
            verification::verify_user,
            rooms::room_members,
            rooms::room_details,
            rooms::invite_to_room,
            rooms::leave_room,
            rooms::remove_member,
            rooms::rename_room,
            rooms::set_room_topic,
            rooms::open_room_to_externals,
            verification::accept_verification,
            verification::confirm_verification,
            verification::refuse_verification,
            verification::cancel_verification,
            settings::list_own_sessions,
            settings::rename_session,
            settings::sign_out_other_sessions,
            settings::sign_out_session,
            settings::export_room_keys_to_file,
            settings::import_room_keys_text,
            directory::search_people,
            directory::forum_servers,
            directory::list_forums,
            directory::join_forum,
            directory::invite_by_email,
            directory::pending_email_invites,
            directory::profile_hidden,
            directory::set_profile_hidden,
            media::check_media,
            media::save_media,
            media::open_media,
            notifications::set_open_room,
            notifications::room_notification_mode,
            notifications::set_room_notification_mode,
            notifications::notification_privacy,
            notifications::set_notification_privacy,
            desktop_prefs::keep_in_tray,
            desktop_prefs::set_keep_in_tray,
            desktop_prefs::autostart_enabled,
            desktop_prefs::set_autostart,
            links::take_pending_link,
            links::resolve_link,
            links::join_linked_room,
            external_links::open_external_link,
            search::search_room_messages,
            search::search_all_messages,
            search::watch_search_indexing,
            updates::update_status,
            updates::watch_updates,
            updates::check_for_update,
            updates::install_update,
        ])
        .events(collect_events![events::SyncStateChanged, events::SessionEnded, events::SecurityStatusChanged, events::VerificationRequested, events::VerificationWithdrawn,
            notifications::OpenRoomRequested,
            links::OpenLinkRequested
        ])
}

/// Gives a command handler its type (the macro's closure alone cannot be inferred).
fn invoke_handler(handler: impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static) -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    handler
}

/// Logs a failed command once, here: its code and English message (never a
/// secret or a message body, which errors never carry).
async fn logged<T>(command: &'static str, result: impl Future<Output = AppResult<T>>) -> AppResult<T> {
    logged_sync(command, result.await)
}

fn logged_sync<T>(command: &'static str, result: AppResult<T>) -> AppResult<T> {
    if let Err(error) = &result {
        tracing::warn!(command, code = ?error.code, message = %error.message, "command failed");
    }
    result
}

/// The log file's writer thread. Quitting ends the process without running
/// destructors, so the last lines are flushed by taking this out at exit.
struct LogGuard(std::sync::Mutex<Option<tracing_appender::non_blocking::WorkerGuard>>);

/// Held for the whole run: see `ProfileLock`.
struct HeldProfile(#[allow(dead_code)] ProfileLock);

/// How long quitting waits for the session to close before giving up.
const CLOSE_WAIT: std::time::Duration = std::time::Duration::from_secs(8);

pub fn run() {
    let builder = specta_builder();
    let typed_commands = builder.invoke_handler();
    let raw_body_commands = invoke_handler(tauri::generate_handler![attachments::prepare_attachment_bytes]);
    let app = tauri::Builder::default()
        // First, so that a second launch hands over to the running window
        // before it opens any store.
        .plugin(tauri_plugin_single_instance::init(|app, args, _cwd| {
            tracing::info!("second launch: showing the running window");
            tray::show_window(app);
            links::receive(app, args);
        }))
        .plugin(tauri_plugin_deep_link::init())
        .manage(links::PendingLink::default())
        .plugin(tauri_plugin_opener::init())
        .plugin(navigation::guard())
        .register_asynchronous_uri_scheme_protocol(media::SCHEME, media::serve)
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_autostart::Builder::new().build());
    let app = updates::plugin(app)
        .manage(attachments::OfferedFiles::default())
        .invoke_handler(move |invoke| match invoke.message.command() {
            attachments::PREPARE_BYTES_COMMAND => raw_body_commands(invoke),
            _ => typed_commands(invoke),
        })
        // The room read in the focused window is not notified.
        .on_window_event(|window, event| match event {
            tauri::WindowEvent::Focused(focused) => notifications::window_focused(window.app_handle(), *focused),
            tauri::WindowEvent::CloseRequested { api, .. } => tray::close_requested(window, api),
            _ => {}
        })
        // Files dropped on the window may be read (see `attachments`).
        .on_webview_event(|webview, event| {
            if let tauri::WebviewEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
                webview.state::<attachments::OfferedFiles>().offer(paths.iter().cloned());
            }
        })
        .setup(move |app| {
            builder.mount_events(app);
            let paths = Paths::resolve(app.path().app_data_dir()?, app.path().app_log_dir()?);
            std::fs::create_dir_all(&paths.data_dir)?;
            let log_guard = logging::init(&paths.log_dir);
            let lock = match ProfileLock::acquire(&paths.data_dir) {
                Ok(lock) => lock,
                Err(error) => {
                    // Launched another way than the single-instance plugin sees (another
                    // desktop session, a script): never open the same stores twice.
                    tracing::warn!(code = ?error.code, message = %error.message, "not starting");
                    drop(log_guard); // flushes the log file: exit runs no destructor
                    std::process::exit(0);
                }
            };
            app.manage(LogGuard(std::sync::Mutex::new(log_guard)));
            app.manage(HeldProfile(lock));
            tracing::info!(version = env!("CARGO_PKG_VERSION"), "Tchap desktop starting");
            let config = AppConfig::load(&paths.data_dir);
            updates::start(app.handle(), &config.network);
            app.manage(notifications::Notifier::new(tchap_core::notifications::privacy::load(&paths.data_dir)));
            app.manage(desktop_prefs::DesktopPrefs::load(&paths.data_dir));
            app.manage(tchap_core::timeline::typing::TypingNotices::load(&paths.data_dir));
            app.manage(AppState::new(paths, config, DemoLogin::from_env()));
            tray::create(app.handle());
            app.manage(registration::RunningRegistration::default());
            quit_on_signals(app.handle().clone());
            links::listen(app.handle(), std::env::args());
            Ok(())
        })
        .build(tauri::generate_context!())
        .expect("the application failed to start");
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            // Let the sync save its position so the next start is quick (or
            // end a session the user chose not to remember), within bounds.
            if let Some(session) = handle.state::<AppState>().current() {
                let closed = tauri::async_runtime::block_on(async { tokio::time::timeout(CLOSE_WAIT, session.close()).await });
                if closed.is_err() {
                    tracing::warn!("the session did not close within {} s; quitting anyway", CLOSE_WAIT.as_secs());
                }
            }
            tracing::info!("Tchap desktop stopped");
            if let Some(log) = handle.try_state::<LogGuard>() {
                drop(log.0.lock().ok().and_then(|mut guard| guard.take()));
            }
        }
    });
}

/// Ctrl+C in a terminal (SIGINT) or a polite kill (SIGTERM, SIGHUP) quits
/// like closing the window: the session is closed, then the process ends.
#[cfg(unix)]
fn quit_on_signals(app: tauri::AppHandle) {
    use signal_hook::{consts::*, iterator::Signals};
    let mut signals = match Signals::new([SIGINT, SIGTERM, SIGHUP]) {
        Ok(signals) => signals,
        Err(error) => return tracing::warn!(%error, "cannot listen to signals"),
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            tracing::info!(signal, "quitting on a signal");
            app.exit(0);
        }
    });
}

#[cfg(not(unix))]
fn quit_on_signals(_app: tauri::AppHandle) {}

#[cfg(test)]
mod tests {
    use specta_typescript::Typescript;

    /// The UI's `bindings.ts` is generated from the Rust types. This rewrites
    /// it and fails when it changed, so a stale file never lands.
    #[test]
    fn typescript_bindings_are_up_to_date() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
        let before = std::fs::read_to_string(&path).unwrap_or_default();
        super::specta_builder()
            .export(Typescript::default().header("// Generated from the Rust types by tauri-specta: do not edit.\n// @ts-nocheck"), &path)
            .expect("bindings export");
        let after = std::fs::read_to_string(&path).unwrap();
        assert!(before == after, "ui/src/bindings.ts was stale; it has been regenerated: review and commit it");
    }
}
