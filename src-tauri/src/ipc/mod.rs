//! The only module that knows about Tauri: the app's window, its commands and
//! events, and the generated TypeScript bindings.

mod commands;
mod events;

use tauri::Manager;
use tauri_specta::{Builder, collect_commands, collect_events};

use crate::{
    config::{AppConfig, DemoLogin, Paths},
    logging,
    state::AppState,
};

pub fn specta_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            commands::app_config,
            commands::restore_session,
            commands::login,
            commands::logout,
            commands::sync_state,
            commands::subscribe_room_list,
            commands::open_timeline,
            commands::close_timeline,
            commands::paginate_backwards,
            commands::send_message,
            commands::retry_send,
            commands::discard_send,
            commands::mark_read,
            commands::accept_invite,
            commands::decline_invite,
            commands::create_dm,
            commands::create_room,
            commands::security_status,
            commands::enable_recovery,
            commands::reset_recovery_key,
            commands::recover,
            commands::save_recovery_key,
            commands::can_verify_with_another_session,
            commands::verify_this_session,
            commands::verify_user,
            commands::room_members,
            commands::accept_verification,
            commands::confirm_verification,
            commands::refuse_verification,
            commands::cancel_verification,
            commands::list_own_sessions,
            commands::rename_session,
            commands::sign_out_other_sessions,
            commands::sign_out_session,
            commands::export_room_keys_to_file,
            commands::import_room_keys_text,
        ])
        .events(collect_events![events::SyncStateChanged, events::SessionEnded, events::SecurityStatusChanged, events::VerificationRequested, events::VerificationWithdrawn])
}

struct LogGuard(#[allow(dead_code)] Option<tracing_appender::non_blocking::WorkerGuard>);

pub fn run() {
    let builder = specta_builder();
    let app = tauri::Builder::default()
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            let paths = Paths::resolve(app.path().app_data_dir()?, app.path().app_log_dir()?);
            std::fs::create_dir_all(&paths.data_dir)?;
            app.manage(LogGuard(logging::init(&paths.log_dir)));
            tracing::info!(version = env!("CARGO_PKG_VERSION"), "Tchap desktop starting");
            let config = AppConfig::load(&paths.data_dir);
            app.manage(AppState::new(paths, config, DemoLogin::from_env()));
            Ok(())
        })
        .build(tauri::generate_context!())
        .expect("the application failed to start");
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            // Let the sync save its position so the next start is quick (or
            // end a session the user chose not to remember).
            if let Some(session) = handle.state::<AppState>().current() {
                tauri::async_runtime::block_on(session.close());
            }
        }
    });
}

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
