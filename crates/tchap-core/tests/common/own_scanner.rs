//! A content scanner of a test's own (to stop it, or to give it a new key
//! while a client holds the old one), in front of the test Synapse. Started
//! with the project's `scanner.sh`, stopped when dropped.

use std::{path::PathBuf, process::Command};

use super::homeserver;

pub struct OwnScanner {
    dir: tempfile::TempDir,
    port: u16,
    pub base: url::Url,
}

impl OwnScanner {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let scanner = Self { dir, port, base: format!("http://127.0.0.1:{port}").parse().unwrap() };
        scanner.run("start");
        scanner
    }

    pub fn stop(&self) {
        self.run("stop");
    }

    /// Stopped and started again on the same port with a new key pair, as
    /// after a redeployment.
    pub fn restart_with_new_key(&self) {
        self.stop();
        std::fs::remove_file(self.dir.path().join("keypair.pickle")).unwrap();
        self.run("start");
    }

    fn run(&self, command: &str) {
        let mut call = Command::new(script());
        call.arg(command).arg(self.dir.path());
        if command == "start" {
            call.arg(self.port.to_string()).arg(homeserver());
        }
        assert!(call.status().unwrap().success(), "scanner.sh {command} failed");
    }
}

impl Drop for OwnScanner {
    fn drop(&mut self) {
        let _ = Command::new(script()).arg("stop").arg(self.dir.path()).status();
    }
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/scanner/scanner.sh")
}
