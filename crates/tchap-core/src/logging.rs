//! Logs go to a daily-rotated file in the app's log folder (7 files kept) and
//! to stderr. Our own code never logs tokens or message bodies; the SDK is kept
//! at `info`/`warn` where it doesn't log request bodies either.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::{EnvFilter, fmt, layer::SubscriberExt, util::SubscriberInitExt};

const DEFAULT_FILTER: &str = "info,matrix_sdk=warn,matrix_sdk_ui=warn,matrix_sdk_crypto=warn,matrix_sdk_base=warn,matrix_sdk_common=warn,eyeball=warn,tao=warn,wry=warn";

/// Keep the guard alive for the whole run: dropping it flushes the file.
pub fn init(log_dir: &Path) -> Option<WorkerGuard> {
    let filter = EnvFilter::try_from_env("TCHAP_LOG").unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let _ = std::fs::create_dir_all(log_dir);
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("tchap")
        .filename_suffix("log")
        .max_log_files(7)
        .build(log_dir);
    let (file_layer, guard) = match appender {
        Ok(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            (Some(fmt::layer().with_ansi(false).with_writer(writer)), Some(guard))
        }
        Err(error) => {
            eprintln!("cannot open the log folder {}: {error}", log_dir.display());
            (None, None)
        }
    };
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(file_layer)
        .with(fmt::layer().with_writer(std::io::stderr))
        .try_init();
    guard
}
