//! The local Tchap federation that `make test` starts
//! (`scripts/with-federation.sh`, described in `tests/federation/README.md`).

use std::{path::PathBuf, process::Command};

use serde::Deserialize;
use tchap_core::identity::{ServerEntry, ServerList};

pub const FED_PASSWORD: &str = "Tchap-Test-2026!";

#[derive(Deserialize)]
pub struct Federation {
    pub servers: Vec<ServerEntry>,
    pub identity_url: String,
    pub mail_dir: PathBuf,
}

/// An account registered as Tchap's servers make them (email bound).
#[derive(Debug, Deserialize)]
pub struct FedUser {
    pub user_id: String,
    pub access_token: String,
    pub server_name: String,
    pub client_url: String,
    pub email: String,
    pub displayname: String,
}

fn file() -> String {
    std::env::var("TCHAP_FEDERATION").expect("TCHAP_FEDERATION: run the tests through `make test`")
}

impl Federation {
    pub fn load() -> Self {
        serde_json::from_str(&std::fs::read_to_string(file()).unwrap()).unwrap()
    }

    /// The servers as the app's configuration would list them.
    pub fn server_list(&self) -> ServerList {
        ServerList { entries: self.servers.clone(), client_url_template: None, identity_url: Some(self.identity_url.clone()) }
    }

    pub fn server(&self, prefix: &str) -> &ServerEntry {
        self.servers.iter().find(|s| s.server_name.starts_with(prefix)).unwrap()
    }

    /// Registers `email` (a fresh one: see `fresh_email`) on the server its
    /// domain belongs to.
    pub fn register(&self, email: &str) -> FedUser {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/federation/fed_admin.py");
        let output = Command::new("python3").arg(script).args(["register", email, FED_PASSWORD]).env("TCHAP_FEDERATION", file()).output().unwrap();
        assert!(output.status.success(), "fed_admin register: {}", String::from_utf8_lossy(&output.stderr));
        serde_json::from_slice(&output.stdout).unwrap()
    }
}

/// `prenom.nom.<random>@domain`: each test its own people.
pub fn fresh_email(name: &str, domain: &str) -> String {
    format!("{name}.{}@{domain}", super::unique("").trim_start_matches('_'))
}
