//! A Synapse of a test's own, for settings the shared one must not have
//! (short token lifetimes…). Started with the project's `synapse.sh`,
//! stopped when dropped.

use std::path::PathBuf;

pub struct OwnSynapse {
    dir: tempfile::TempDir,
    pub base: String,
}

impl OwnSynapse {
    /// Starts a Synapse on a free loopback port with `extra_yaml` added to its configuration.
    pub fn start(extra_yaml: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("extra.yaml"), extra_yaml).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let status = std::process::Command::new(script()).arg("start").arg(dir.path()).arg(port.to_string()).status().unwrap();
        assert!(status.success(), "synapse.sh start failed");
        Self { dir, base: format!("http://127.0.0.1:{port}") }
    }

    pub fn shared_secret(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("shared_secret")).unwrap().trim().to_owned()
    }
}

impl Drop for OwnSynapse {
    fn drop(&mut self) {
        let _ = std::process::Command::new(script()).arg("stop").arg(self.dir.path()).status();
    }
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/synapse/synapse.sh")
}
