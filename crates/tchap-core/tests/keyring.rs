//! The app's secrets in a real Secret Service: a throwaway GNOME Keyring on a
//! private D-Bus bus, started by the harness for the whole run:
//!   tests/keyring/with-keyring.sh cargo test -p tchap-desktop --test keyring
//! or, by a plain `cargo test`, for each test (see `in_private_keyring`).
//! Values are checked with `secret-tool`, another Secret Service client, so
//! a store that kept them anywhere else would fail. The "no bus", "silent
//! bus" and "locked keyring" tests run their checks in a child process of
//! this binary (the same test, started again with `TCHAP_KEYRING_CHILD`),
//! because a process's D-Bus address and its keyring's lock are global.
//! A child that hangs is killed and fails its test.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tchap_core::secret::{Availability, SecretError, SecretStore};

/// A child that hangs (the failure these tests look for) is killed after
/// this, and its test fails. A watchdog, not a speed measurement.
const CHILD_LIMIT: Duration = Duration::from_secs(60);

/// True when this process runs under the throwaway keyring. Otherwise the
/// test `name` is run again there, in a child process, and this returns
/// false (the caller then returns): a plain `cargo test` works too, and
/// these tests, which lock the keyring, never touch a user's real one.
fn in_private_keyring(name: &str) -> bool {
    if std::env::var("TCHAP_TEST_KEYRING").as_deref() == Ok("1") {
        return true;
    }
    child_test(Some(&harness_script()), name, "keyring", &[]);
    false
}

/// A test that runs in the throwaway keyring: as it is under the harness,
/// else again there in a child process (see `in_private_keyring`). In the
/// body, `NAME` is the test's own name, for tests that start a child of
/// their own.
macro_rules! keyring_test {
    ($(#[doc = $doc:expr])* fn $name:ident() $body:block) => {
        $(#[doc = $doc])*
        #[test]
        fn $name() {
            #[allow(dead_code)]
            const NAME: &str = stringify!($name);
            if !in_private_keyring(NAME) {
                return;
            }
            $body
        }
    };
}

fn harness_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/keyring/with-keyring.sh")
}

/// A service name of this run only, so no real entry is ever touched.
fn test_store() -> SecretStore {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    SecretStore::new(&format!("fr.gouv.tchap.desktop.test.{}.{nanos}", std::process::id()))
}

fn secret_tool(args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut child = Command::new("secret-tool")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("secret-tool (apt-get install libsecret-tools)");
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

/// What another Secret Service client finds for this service and account.
fn lookup_elsewhere(store: &SecretStore, account: &str) -> Option<String> {
    let out = secret_tool(&["lookup", "service", store.service(), "username", account], None);
    out.status.success().then(|| String::from_utf8(out.stdout).unwrap())
}

/// How many items the keyring holds for this service and account.
fn items_elsewhere(store: &SecretStore, account: &str) -> usize {
    let out = secret_tool(&["search", "--all", "service", store.service(), "username", account], None);
    String::from_utf8_lossy(&out.stdout).lines().filter(|l| l.starts_with('[')).count()
}

keyring_test! {
fn the_keyring_is_available() {
    assert_eq!(test_store().availability(), Availability::Available);
}
}

keyring_test! {
fn a_saved_secret_is_in_the_keyring_and_reads_back() {
    let store = test_store();
    let secret = "passphrase: é€ \"quoted\" 0123456789abcdef0123456789abcdef";
    store.save("@alice:agent.tchap.gouv.fr", secret).unwrap();

    let again = SecretStore::new(store.service());
    assert_eq!(again.load("@alice:agent.tchap.gouv.fr").unwrap().as_deref(), Some(secret));
    assert_eq!(lookup_elsewhere(&store, "@alice:agent.tchap.gouv.fr").as_deref(), Some(secret));
    assert_eq!(store.load("@bob:agent.tchap.gouv.fr").unwrap(), None, "another account has nothing");
    assert_eq!(test_store().load("@alice:agent.tchap.gouv.fr").unwrap(), None, "another service has nothing");
    store.delete("@alice:agent.tchap.gouv.fr").unwrap();
}
}

keyring_test! {
fn saving_again_replaces_the_secret() {
    let store = test_store();
    store.save("account", "first").unwrap();
    store.save("account", "second").unwrap();
    assert_eq!(store.load("account").unwrap().as_deref(), Some("second"));
    assert_eq!(lookup_elsewhere(&store, "account").as_deref(), Some("second"));
    assert_eq!(items_elsewhere(&store, "account"), 1, "replaced, not duplicated");
    store.delete("account").unwrap();
}
}

keyring_test! {
fn a_deleted_secret_loads_as_none() {
    let store = test_store();
    store.save("account", "to be forgotten").unwrap();
    store.delete("account").unwrap();
    assert_eq!(store.load("account").unwrap(), None);
    assert_eq!(lookup_elsewhere(&store, "account"), None, "gone from the keyring");
}
}

keyring_test! {
fn deleting_a_missing_secret_is_ok() {
    let store = test_store();
    store.delete("never-saved").unwrap();
    store.save("account", "x").unwrap();
    store.delete("account").unwrap();
    store.delete("account").unwrap();
}
}

keyring_test! {
fn a_secret_saved_by_another_client_is_loaded() {
    let store = test_store();
    let out = secret_tool(
        &["store", "--label=tchap test", "service", store.service(), "username", "account"],
        Some("from secret-tool"),
    );
    assert!(out.status.success(), "secret-tool store: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(store.load("account").unwrap().as_deref(), Some("from secret-tool"));
    store.delete("account").unwrap();
    assert_eq!(lookup_elsewhere(&store, "account"), None);
}
}

// ---- Child processes ----------------------------------------------------

/// Runs `command`, killed after CHILD_LIMIT, with its output in files (no
/// pipe to fill up).
fn run_with_limit(mut command: Command) -> (Output, Duration) {
    let dir = tempfile::tempdir().unwrap();
    let (out_path, err_path) = (dir.path().join("out"), dir.path().join("err"));
    command
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap());
    let started = Instant::now();
    let mut child = command.spawn().unwrap();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > CHILD_LIMIT {
            child.kill().unwrap();
            panic!("child still running after {CHILD_LIMIT:?}: {command:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = Output { status, stdout: std::fs::read(out_path).unwrap(), stderr: std::fs::read(err_path).unwrap() };
    (output, started.elapsed())
}

/// Runs the test `name` of this binary again in a child process, with `env`
/// and `TCHAP_KEYRING_CHILD=role` (see `is_child`).
fn child_test(program: Option<&Path>, name: &str, role: &str, env: &[(&str, &str)]) -> Output {
    let exe = std::env::current_exe().unwrap();
    let mut command = match program {
        Some(wrapper) => {
            let mut c = Command::new(wrapper);
            c.arg(&exe);
            c
        }
        None => Command::new(&exe),
    };
    command.args(["--exact", name, "--nocapture", "--test-threads=1"]).env("TCHAP_KEYRING_CHILD", role);
    for (key, value) in env {
        command.env(key, value);
    }
    let (output, _) = run_with_limit(command);
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "child test {name} failed:\n{text}");
    assert!(text.contains("1 passed"), "child test {name} did not run:\n{text}");
    output
}

/// True in the child process a test started to do its `role`'s checks.
fn is_child(role: &str) -> bool {
    std::env::var("TCHAP_KEYRING_CHILD").as_deref() == Ok(role)
}

/// Also checks that the error, as shown or logged, never holds the secret.
fn assert_unavailable<T: std::fmt::Debug>(what: &str, result: Result<T, SecretError>, secret: &str) {
    match result {
        Err(error @ SecretError::Unavailable(_)) => {
            let text = format!("{error} {error:?}");
            assert!(!text.contains(secret), "{what}: the error shows the secret");
            println!("{what}: {error}");
        }
        other => panic!("{what}: expected SecretError::Unavailable, got {other:?}"),
    }
}

fn unavailable_reason(availability: Availability) -> String {
    match availability {
        Availability::Unavailable { reason } => {
            assert!(!reason.is_empty());
            reason
        }
        Availability::Available => panic!("expected Unavailable"),
    }
}

keyring_test! {
fn without_a_session_bus_the_store_is_unavailable() {
    if is_child("no-bus") {
        let store = test_store();
        println!("reason: {}", unavailable_reason(store.availability()));
        assert_unavailable("save", store.save("account", "s3cret-value"), "s3cret-value");
        assert_unavailable("load", store.load("account"), "s3cret-value");
        assert_unavailable("delete", store.delete("account"), "s3cret-value");
        return;
    }
    child_test(None, NAME, "no-bus", &[("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")]);
}
}

keyring_test! {
/// A bus that accepts connections and never answers: availability gives up
/// after its timeout instead of hanging the app.
fn a_bus_that_never_answers_times_out() {
    if is_child("silent-bus") {
        // Without the probe's own timeout this would never return.
        let reason = unavailable_reason(test_store().availability());
        assert!(reason.contains("did not answer"), "{reason}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let socket: PathBuf = dir.path().join("silent-bus");
    let listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    listener.set_nonblocking(true).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let holder = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                if let Ok((connection, _)) = listener.accept() {
                    held.push(connection);
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        })
    };
    let address = format!("unix:path={}", socket.display());
    child_test(None, NAME, "silent-bus", &[("DBUS_SESSION_BUS_ADDRESS", &address)]);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    holder.join().unwrap();
}
}

keyring_test! {
/// A locked login keyring, in a keyring of its own (the harness run again,
/// so the other tests keep theirs unlocked): unavailable, and operations
/// fail at once instead of waiting for a prompt no one can answer.
fn a_locked_keyring_is_unavailable_without_prompting() {
    if is_child("locked") {
        return checks_with_a_locked_keyring();
    }
    child_test(Some(&harness_script()), NAME, "locked", &[]);
}
}

fn checks_with_a_locked_keyring() {
    let store = test_store();
    store.save("account", "kept while locked").unwrap();
    let out = Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.Lock",
            "array:objpath:/org/freedesktop/secrets/collection/login",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "lock: {}", String::from_utf8_lossy(&out.stderr));

    let reason = unavailable_reason(store.availability());
    assert!(reason.contains("locked"), "{reason}");
    // No prompt can be answered here: these fail instead of waiting forever.
    assert_unavailable("save", store.save("account", "new value"), "new value");
    assert_unavailable("load", store.load("account"), "kept while locked");
}
