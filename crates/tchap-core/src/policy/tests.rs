use serde_json::{Value, json};

use super::*;

const SCHEMA: &str = include_str!("../../../../docs/policy.schema.json");
const EXAMPLE: &str = include_str!("../../../../docs/policy.example.json");
const TEST_CA: &str = include_str!("test-ca.pem");

fn schema() -> Value {
    serde_json::from_str(SCHEMA).unwrap()
}

/// The example policy, its CA file pointing at a real PEM file of the test.
fn example_with_ca(ca_dir: &tempfile::TempDir) -> Value {
    let ca = ca_dir.path().join("autorite.pem");
    std::fs::write(&ca, TEST_CA).unwrap();
    let mut example: Value = serde_json::from_str(EXAMPLE).unwrap();
    example["extra_ca_file"] = ca.display().to_string().into();
    example
}

fn key_name(key: PolicyKey) -> String {
    serde_json::to_value(key).unwrap().as_str().unwrap().to_owned()
}

#[test]
fn the_schema_and_the_rust_type_name_the_same_keys() {
    let schema = schema();
    assert_eq!(schema["additionalProperties"], false, "the schema refuses unknown keys, as the app does");
    let mut in_schema: Vec<String> = schema["properties"].as_object().unwrap().keys().cloned().collect();
    in_schema.sort();
    let ca_dir = tempfile::tempdir().unwrap();
    let example = example_with_ca(&ca_dir);
    let mut in_example: Vec<String> = example.as_object().unwrap().keys().cloned().collect();
    in_example.sort();
    assert_eq!(in_example, in_schema, "the example sets every key of the schema");

    let policy = Policy::parse(example.to_string().as_bytes()).expect("the example policy is valid");
    let mut in_rust: Vec<String> = policy.keys().into_iter().map(key_name).collect();
    in_rust.sort();
    assert_eq!(in_rust, in_schema, "every key of the schema is read by the app");

    let features: Vec<Value> = schema["properties"]["disabled_features"]["items"]["enum"].as_array().unwrap().clone();
    let known: Vec<Value> = [Feature::TypingNotices].iter().map(|f| serde_json::to_value(f).unwrap()).collect();
    assert_eq!(features, known, "the schema lists the features the app can switch off");
    let server_keys: Vec<&String> = schema["properties"]["servers"]["items"]["properties"].as_object().unwrap().keys().collect();
    for key in server_keys {
        let server = json!({ "servers": [{ "server_name": "a.gouv.fr", key: if key == "server_name" { "a.gouv.fr" } else { "https://a.gouv.fr" } }] });
        Policy::parse(server.to_string().as_bytes()).unwrap_or_else(|e| panic!("servers[].{key}: {e}"));
    }
}

#[test]
fn a_key_the_schema_does_not_know_makes_the_file_invalid() {
    let ca_dir = tempfile::tempdir().unwrap();
    let mut example = example_with_ca(&ca_dir);
    example["notifications_privacy"] = true.into();
    let read = PolicyInForce::from_document(example.to_string().as_bytes(), "/etc/fr.gouv.tchap.desktop/policy.json");
    let status = read.status();
    assert!(status.invalid_reason.as_deref().unwrap().contains("unknown field `notifications_privacy`"), "{status:?}");
    assert_eq!(read.policy(), &Policy::safe_defaults(), "nothing of an invalid file is applied");
}

#[test]
fn an_invalid_file_gives_the_safe_defaults_managed() {
    let read = PolicyInForce::from_document(b"{\"proxy_url\": 3128", "/etc/fr.gouv.tchap.desktop/policy.json");
    let status = read.status();
    assert!(status.invalid_reason.is_some());
    assert_eq!(
        status.managed_keys,
        [PolicyKey::AllowCustomHomeserver, PolicyKey::Updater, PolicyKey::NotificationPrivacy, PolicyKey::DisabledFeatures]
    );
    assert_eq!(status.updates, UpdatesSetting { enabled: false, endpoints: vec![] }, "no updates from an unknown source");
    assert_eq!(status.disabled_features, [Feature::TypingNotices]);
}

#[test]
fn without_a_policy_nothing_is_managed() {
    let status = PolicyInForce::none().status();
    assert!(status.managed_keys.is_empty() && status.invalid_reason.is_none() && status.source.is_none());
    assert_eq!(status.updates, UpdatesSetting { enabled: true, endpoints: vec![] });
}

#[test]
fn the_updaters_endpoints_are_handed_out() {
    let read = PolicyInForce::from_document(br#"{"updater": {"endpoints": ["https://miroir.gouv.fr/latest.json"]}}"#, "test");
    assert_eq!(read.status().updates, UpdatesSetting { enabled: true, endpoints: vec!["https://miroir.gouv.fr/latest.json".into()] });
    let off = PolicyInForce::from_document(br#"{"updater": {"enabled": false}}"#, "test");
    assert_eq!(off.status().updates, UpdatesSetting { enabled: false, endpoints: vec![] });
    assert_eq!(off.status().managed_keys, [PolicyKey::Updater]);
}
