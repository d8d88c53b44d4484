//! The operating system as a bug report names it.

use std::sync::OnceLock;

/// "Debian GNU/Linux 12 (bookworm) [64-bit] x86_64", asked once per run (it
/// may start `uname` or `lsb_release`).
pub fn describe() -> &'static str {
    static DESCRIPTION: OnceLock<String> = OnceLock::new();
    DESCRIPTION.get_or_init(|| format!("{} {}", os_info::get(), std::env::consts::ARCH))
}
