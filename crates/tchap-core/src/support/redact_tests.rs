//! A corpus of log lines as our code and the SDK (at debug level) write
//! them: each secret is asserted gone, and what surrounds it kept.

use super::*;

const ACCESS: &str = "syt_bWFyaWUuZHVwb250_KpQzWvLrNdXyTbHsGmFa_2Xf9Ue";
const REFRESH: &str = "syr_bWFyaWUuZHVwb250_QwErTyUiOpAsDfGhJkLz_1a2B3c";
const RECOVERY_GROUPED: &str = "EsTj 3yST y93F SLpB jJsz eAXc 2XzA ygD3 w69H fGaN TKBj jXEd";
const STORE_KEY: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/// Redacts `line`, checks none of `secrets` is left and each of `kept` is.
fn check(line: &str, secrets: &[&str], kept: &[&str]) -> String {
    let out = redact(line);
    for secret in secrets {
        assert!(!out.contains(secret), "{secret:?} left in:\n{out}");
    }
    for part in kept {
        assert!(out.contains(part), "{part:?} lost from:\n{out}");
    }
    assert!(out.contains(REDACTED), "nothing marked as redacted in:\n{out}");
    out
}

#[test]
fn an_ordinary_line_is_left_as_it_is() {
    let lines = [
        "2026-12-02T01:23:45.123456Z  INFO tchap_core::session::login: signed in user_id=@marie.dupont-dinum.gouv.fr:agent.dinum.tchap.gouv.fr device_id=ABCDEFGHIJ\n",
        "2026-12-02T01:23:46.000001Z  WARN tchap_desktop_lib::ipc: command failed command=\"send_message\" code=Forbidden message=M_FORBIDDEN: not in room\n",
        "2026-12-02T01:23:47.5Z DEBUG matrix_sdk::sliding_sync: Sync response room_id=!abcdEFGH:agent.dinum.tchap.gouv.fr event_id=$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg\n",
        "2026-12-02T01:23:48Z  INFO matrix_sdk::encryption::secret_storage: no secret storage key\n",
        "2026-12-02T01:23:49Z DEBUG matrix_sdk::oauth::token::refresh: basic checks passed\n",
    ];
    for line in lines {
        assert_eq!(redact(line), line);
    }
}

#[test]
fn a_request_dump_loses_its_authorization_header_and_token_query() {
    let line = format!(
        "2026-12-02T01:23:45.123Z DEBUG send{{request_id=\"REQ-5\" method=GET uri=\"https://matrix.agent.dinum.tchap.gouv.fr/_matrix/client/v3/sync?since=s72594_4483_1934&timeout=30000&access_token={ACCESS}\" request_size=\"0 B\"}}: matrix_sdk::http_client: Sending request headers={{\"authorization\": \"Bearer {ACCESS}\", \"content-type\": \"application/json\"}}\n"
    );
    let out = check(&line, &[ACCESS, "syt_"], &[
        "uri=\"https://matrix.agent.dinum.tchap.gouv.fr/_matrix/client/v3/sync?since=s72594_4483_1934&timeout=30000&access_token=[REDACTED]\"",
        "\"authorization\": \"Bearer [REDACTED]\"",
        "\"content-type\": \"application/json\"}",
        "request_size=\"0 B\"",
    ]);
    assert!(out.ends_with('\n'));
}

#[test]
fn lowercase_bearer_and_basic_credentials_go() {
    check("authorization: bearer mct_abcdefghijklmnopQRSTUV_x1y2z3 (retrying)", &["mct_abcdefghijklmnop"], &["authorization: bearer [REDACTED] (retrying)"]);
    check("proxy-authorization: Basic bWFyaWU6c2VjcmV0cGFzcw== sent to proxy.interieur.gouv.fr:3128", &["bWFyaWU6c2VjcmV0cGFzcw=="], &[
        "proxy-authorization: Basic [REDACTED] sent to proxy.interieur.gouv.fr:3128",
    ]);
}

#[test]
fn an_event_as_json_loses_its_body_and_formatted_body() {
    let line = r#"2026-12-02T01:24:00Z DEBUG matrix_sdk_ui::timeline: Received event event={"content":{"body":"Le code du portail est 4521, \"ne pas diffuser\"","format":"org.matrix.custom.html","formatted_body":"<p>Le code du portail est <b>4521</b></p>","msgtype":"m.text"},"event_id":"$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg","origin_server_ts":1764638625000,"sender":"@jean.martin-dinum.gouv.fr:agent.dinum.tchap.gouv.fr","type":"m.room.message"}"#;
    check(line, &["portail", "4521", "diffuser"], &[
        r#"{"content":{"body":"[REDACTED]","format":"org.matrix.custom.html","formatted_body":"[REDACTED]","msgtype":"m.text"}"#,
        r#""sender":"@jean.martin-dinum.gouv.fr:agent.dinum.tchap.gouv.fr","type":"m.room.message"}"#,
    ]);
}

#[test]
fn an_event_as_escaped_json_inside_a_string_loses_its_body() {
    let line = r#"DEBUG matrix_sdk::send_queue: sending event="{\"content\":{\"body\":\"Réunion à 14h \\\"salle B\\\" C:\\\\temp\",\"msgtype\":\"m.text\"},\"type\":\"m.room.message\"}" txn_id=abc"#;
    check(line, &["Réunion", "salle B", "temp"], &[r#"{\"content\":{\"body\":\"[REDACTED]\",\"msgtype\":\"m.text\"},\"type\":\"m.room.message\"}" txn_id=abc"#]);
}

#[test]
fn rust_debug_output_loses_bodies_and_tokens() {
    let line = r#"content=RoomMessageEventContent { msgtype: Text(TextMessageEventContent { body: "Bonjour \"à tous\"", formatted: Some(FormattedBody { format: Html, body: "<p>Bonjour</p>" }) }), relates_to: None, mentions: None }"#;
    check(line, &["Bonjour", "à tous"], &[
        r#"TextMessageEventContent { body: "[REDACTED]", formatted: Some(FormattedBody { format: Html, body: "[REDACTED]" }) }), relates_to: None, mentions: None }"#,
    ]);
    let tokens = format!("SessionTokens {{ access_token: \"{ACCESS}\", refresh_token: Some(\"{REFRESH}\") }}");
    check(&tokens, &[ACCESS, REFRESH], &["SessionTokens { access_token: \"[REDACTED]\", refresh_token: Some(\"[REDACTED]\") }"]);
}

#[test]
fn pretty_printed_debug_output_loses_values_on_the_next_line() {
    let text = "MatrixSession {\n    tokens: SessionTokens {\n        password: Some(\n            \"hunter2 but longer\",\n        ),\n    },\n    device_id: \"ABCDEFGHIJ\",\n}\n";
    check(text, &["hunter2"], &["device_id: \"ABCDEFGHIJ\",\n}\n", "password: Some(\n            \"[REDACTED]\",\n        ),"]);
}

#[test]
fn a_login_request_loses_the_password_and_the_email_local_part() {
    let line = r#"{"type":"m.login.password","identifier":{"type":"m.id.thirdparty","medium":"email","address":"marie.dupont@finances.gouv.fr"},"password":"Tr0ub4dor&3 \"quoted\" \\","initial_device_display_name":"Tchap desktop"}"#;
    check(line, &["Tr0ub4dor", "quoted", "marie.dupont"], &[
        r#""password":"[REDACTED]","initial_device_display_name":"Tchap desktop"}"#,
        r#""address":"[REDACTED]@finances.gouv.fr""#,
    ]);
}

#[test]
fn a_login_response_loses_both_tokens() {
    let line = format!(
        r#"{{"user_id":"@marie.dupont-finances.gouv.fr:agent.finances.tchap.gouv.fr","access_token":"{ACCESS}","refresh_token":"{REFRESH}","device_id":"ABCDEFGHIJ","expires_in_ms":300000}}"#
    );
    check(&line, &[ACCESS, REFRESH], &[
        r#"{"user_id":"@marie.dupont-finances.gouv.fr:agent.finances.tchap.gouv.fr","access_token":"[REDACTED]","refresh_token":"[REDACTED]","device_id":"ABCDEFGHIJ","expires_in_ms":300000}"#,
    ]);
}

#[test]
fn tracing_fields_lose_their_secret_values() {
    let line = format!("DEBUG tchap_core::secret: saved refresh_token={REFRESH} passphrase=\"correct horse battery staple\" store_key={STORE_KEY} kind=session\n");
    check(&line, &[REFRESH, "correct horse", STORE_KEY], &["refresh_token=[REDACTED] passphrase=\"[REDACTED]\" store_key=[REDACTED] kind=session\n"]);
}

#[test]
fn a_bare_token_goes_wherever_it_is() {
    check(&format!("AccessToken({ACCESS}) rejected: M_UNKNOWN_TOKEN"), &[ACCESS], &["AccessToken([REDACTED]) rejected: M_UNKNOWN_TOKEN"]);
}

#[test]
fn login_tokens_in_urls_go() {
    check("opening https://matrix.agent.tchap.gouv.fr/_matrix/client/v3/login?loginToken=Zx81kQpL77&redirect=1 now", &["Zx81kQpL77"], &[
        "https://matrix.agent.tchap.gouv.fr/_matrix/client/v3/login?loginToken=[REDACTED]&redirect=1 now",
    ]);
    check("GET /_matrix/media/v3/download/a/b?token=q1w2e3r4t5#frag", &["q1w2e3r4t5"], &["/download/a/b?token=[REDACTED]#frag"]);
}

#[test]
fn recovery_keys_go_grouped_or_not() {
    check(&format!("INFO showing recovery key {RECOVERY_GROUPED} to the user"), &["EsTj", "jXEd"], &["INFO showing recovery key [REDACTED] to the user"]);
    let packed = RECOVERY_GROUPED.replace(' ', "");
    check(&format!("key={packed};"), &[&packed], &["key=[REDACTED];"]);
    check(&format!("{{\"recovery_key\": \"{RECOVERY_GROUPED}\"}}"), &["EsTj"], &["{\"recovery_key\": \"[REDACTED]\"}"]);
}

#[test]
fn the_store_key_goes_even_without_its_name() {
    check(&format!("cannot open the store: key {STORE_KEY} rejected"), &[STORE_KEY], &["cannot open the store: key [REDACTED] rejected"]);
}

#[test]
fn a_value_without_an_end_takes_the_rest_of_its_line_only() {
    let text = "{\"body\":\"a very long message cut by the log\n2026-12-02T01:25:00Z  INFO next line kept\n";
    let out = check(text, &["very long"], &["2026-12-02T01:25:00Z  INFO next line kept\n"]);
    assert_eq!(out, "{\"body\":\"[REDACTED]\n2026-12-02T01:25:00Z  INFO next line kept\n");
    // Escaped twice: too deep to find the end, the line's rest goes too.
    let deep = r#"x=\\\"password\\\":\\\"hunter2\\\"} y=1"#;
    assert!(!redact(deep).contains("hunter2"));
}

#[test]
fn keys_are_matched_as_whole_words_only() {
    let line = "bodyguard=1 nobody: 2 tokens_used=3 antibody=\"x\"";
    assert_eq!(redact(line), line);
}

#[test]
fn attachment_names_go() {
    check(r#"{"body":"bilan-confidentiel.pdf","filename":"bilan-confidentiel.pdf","msgtype":"m.file"}"#, &["bilan"], &[
        r#""msgtype":"m.file""#,
    ]);
}
