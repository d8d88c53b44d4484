//! Tests against real D-Bus services run on a private session bus of their
//! own (dbus-run-session), never on the user's.

use std::process::Command;

const BUS_MARKER: &str = "TCHAP_TEST_PRIVATE_SESSION_BUS";

/// True on the private bus; otherwise runs the test `name` of `module`
/// (its `module_path!()`) again there, in a child process, and returns false.
pub fn on_private_bus(module: &str, name: &str) -> bool {
    if std::env::var(BUS_MARKER).as_deref() == Ok("1") {
        return true;
    }
    let test = format!("{}::{name}", module.split_once("::").map_or("", |(_, path)| path));
    let status = Command::new("dbus-run-session")
        .args(["--", "env", &format!("{BUS_MARKER}=1")])
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", &test, "--nocapture", "--test-threads=1"])
        .status()
        .expect("dbus-run-session (apt-get install dbus)");
    assert!(status.success(), "{test} failed on its private bus");
    false
}
