//! The local Tchap federation that `make test` starts
//! (`scripts/with-federation.sh`, described in `tests/federation/README.md`).

use std::{path::PathBuf, process::Command};

use serde::Deserialize;
use serde_json::Value;
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
        ServerList { entries: self.servers.clone(), identity_url: Some(self.identity_url.clone()), ..ServerList::default() }
    }

    pub fn server(&self, prefix: &str) -> &ServerEntry {
        self.servers.iter().find(|s| s.server_name.starts_with(prefix)).unwrap()
    }

    /// Registers `email` (a fresh one: see `fresh_email`) on the server its
    /// domain belongs to.
    pub fn register(&self, email: &str) -> FedUser {
        serde_json::from_value(fed_admin(&["register", email, FED_PASSWORD])).unwrap()
    }

    /// An administrator's access token on `server_name` (Synapse's admin API).
    pub fn admin_token(&self, server_name: &str) -> String {
        fed_admin(&["admin-token", server_name])["access_token"].as_str().unwrap().to_owned()
    }

    /// Waits (up to 30 s) for a mail to `to` whose subject contains
    /// `subject`, and returns its links.
    pub async fn wait_mail(&self, to: &str, subject: &str) -> Vec<String> {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            for entry in std::fs::read_dir(&self.mail_dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "json") {
                    let mail: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_default()).unwrap_or_default();
                    let to_them = mail["to"].as_array().is_some_and(|a| a.iter().any(|t| t.as_str().is_some_and(|t| t.to_lowercase().contains(&to.to_lowercase()))));
                    if to_them && mail["subject"].as_str().is_some_and(|s| s.contains(subject)) {
                        return mail["links"].as_array().unwrap().iter().filter_map(|l| l.as_str().map(ToOwned::to_owned)).collect();
                    }
                }
            }
            assert!(tokio::time::Instant::now() < deadline, "no mail to {to} about {subject:?} in {}", self.mail_dir.display());
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    }
}

impl FedUser {
    /// The Client-Server API as another client (or the server's truth) sees
    /// it, with this user's own token: the status and the JSON answer.
    pub async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = reqwest::Client::new().request(method, format!("{}{path}", self.client_url)).bearer_auth(&self.access_token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

/// `tests/federation/fed_admin.py ARGS`, its JSON answer.
fn fed_admin(args: &[&str]) -> Value {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/federation/fed_admin.py");
    let output = Command::new("python3").arg(script).args(args).env("TCHAP_FEDERATION", file()).output().unwrap();
    assert!(output.status.success(), "fed_admin {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// `prenom.nom.<random>@domain`: each test its own people.
pub fn fresh_email(name: &str, domain: &str) -> String {
    format!("{name}.{}@{domain}", super::unique("").trim_start_matches('_'))
}
