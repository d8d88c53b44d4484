//! A homeserver's password rules (`GET /_matrix/client/r0/password_policy`),
//! as the list the registration form shows.
//!
//! The rules are read here and only here; the UI checks them as the user
//! types (`ui/src/features/session/passwordRules.ts`) and the server, which
//! has the last word, checks them again at registration.

use std::time::Duration;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::{error::AppResult, network::NetworkSettings};

const POLICY_TIMEOUT: Duration = Duration::from_secs(15);

/// One rule a new password must follow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum PasswordRule {
    MinimumLength { length: u32 },
    Lowercase,
    Uppercase,
    Digit,
    /// Anything but an ASCII letter or digit, as Synapse counts it.
    Symbol,
    /// A rule this app does not know: shown by its name, checked by the server.
    Unknown { name: String },
}

/// The rules of the server at `client_url`; none when it publishes no policy.
pub async fn password_policy(network: &NetworkSettings, client_url: &str) -> AppResult<Vec<PasswordRule>> {
    let url = format!("{}/_matrix/client/r0/password_policy", client_url.trim_end_matches('/'));
    let answer = crate::http::send(crate::http::client(network, POLICY_TIMEOUT)?.get(url), "password policy").await?;
    if answer.status == matrix_sdk::reqwest::StatusCode::NOT_FOUND {
        // A server without the endpoint has no published policy.
        return Ok(Vec::new());
    }
    let policy: Map<String, Value> = answer.success("password policy")?.json("password policy")?;
    Ok(rules_of(&policy))
}

/// The policy's rules, known ones first in a fixed order. A rule switched off
/// (`false`, `0`, `null`) is no rule.
pub fn rules_of(policy: &Map<String, Value>) -> Vec<PasswordRule> {
    let mut rules = Vec::new();
    if let Some(length) = policy.get("m.minimum_length").and_then(Value::as_u64).filter(|n| *n > 0) {
        rules.push(PasswordRule::MinimumLength { length: u32::try_from(length).unwrap_or(u32::MAX) });
    }
    for (name, rule) in [
        ("m.require_lowercase", PasswordRule::Lowercase),
        ("m.require_uppercase", PasswordRule::Uppercase),
        ("m.require_digit", PasswordRule::Digit),
        ("m.require_symbol", PasswordRule::Symbol),
    ] {
        if policy.get(name).and_then(Value::as_bool) == Some(true) {
            rules.push(rule);
        }
    }
    let known = ["m.minimum_length", "m.require_lowercase", "m.require_uppercase", "m.require_digit", "m.require_symbol"];
    let mut unknown: Vec<&String> =
        policy.iter().filter(|(name, value)| !known.contains(&name.as_str()) && is_switched_on(value)).map(|(name, _)| name).collect();
    unknown.sort();
    rules.extend(unknown.into_iter().map(|name| PasswordRule::Unknown { name: name.clone() }));
    rules
}

fn is_switched_on(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => false,
        Value::Number(n) => n.as_f64() != Some(0.0),
        _ => true,
    }
}

/// The server refused the password for its policy (`M_WEAK_PASSWORD`, or
/// Synapse's `M_PASSWORD_TOO_SHORT`, `M_PASSWORD_NO_DIGIT`…).
pub fn is_password_refusal(errcode: &str) -> bool {
    errcode == "M_WEAK_PASSWORD" || errcode.starts_with("M_PASSWORD_")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn rules(policy: Value) -> Vec<PasswordRule> {
        rules_of(policy.as_object().unwrap())
    }

    #[test]
    fn tchaps_five_rules_are_read_in_order() {
        let policy = json!({"m.require_symbol": true, "m.minimum_length": 8, "m.require_digit": true,
                            "m.require_lowercase": true, "m.require_uppercase": true});
        assert_eq!(
            rules(policy),
            [
                PasswordRule::MinimumLength { length: 8 },
                PasswordRule::Lowercase,
                PasswordRule::Uppercase,
                PasswordRule::Digit,
                PasswordRule::Symbol,
            ]
        );
        assert_eq!(rules(json!({})), []);
    }

    #[test]
    fn rules_switched_off_are_no_rules_and_unknown_ones_are_kept() {
        let policy = json!({"m.require_digit": false, "m.minimum_length": 0,
                            "org.example.no_dictionary_word": true, "m.maximum_length": 64, "m.future": false});
        assert_eq!(
            rules(policy),
            [PasswordRule::Unknown { name: "m.maximum_length".into() }, PasswordRule::Unknown { name: "org.example.no_dictionary_word".into() }]
        );
    }

    #[test]
    fn policy_errcodes_are_password_refusals() {
        for code in ["M_WEAK_PASSWORD", "M_PASSWORD_TOO_SHORT", "M_PASSWORD_NO_SYMBOL", "M_PASSWORD_IN_DICTIONARY"] {
            assert!(is_password_refusal(code), "{code}");
        }
        assert!(!is_password_refusal("M_FORBIDDEN"));
    }
}
