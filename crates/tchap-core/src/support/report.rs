//! The bug report: the facts of Settings → À propos, then the last log files
//! (bounded, newest last), the whole redacted.

use std::{
    fs::File,
    io::{Read, Seek, SeekFrom},
    path::Path,
};

use super::{AboutInfo, BuildVariant, redact};
use crate::policy::PolicyStatus;

/// How much of the logs a report takes at most (the newest part of them).
pub const LOG_BUDGET: u64 = 2 * 1024 * 1024;

/// The log files' names: `tchap.2026-12-02.log` (see `logging`).
const LOG_PREFIX: &str = "tchap";
const LOG_SUFFIX: &str = ".log";

/// The report's text: at most `log_budget` bytes of logs (before redaction)
/// besides a short header. Blocking (reads files).
pub fn build(about: &AboutInfo, log_dir: &Path, log_budget: u64) -> String {
    let mut text = header(about);
    text.push_str("\n=== Journaux (secrets et contenu des messages masqués) ===\n");
    let logs = recent_logs(log_dir, log_budget);
    if logs.is_empty() {
        text.push_str("(aucun journal)\n");
    }
    for log in logs {
        let cut = if log.cut { " (début omis)" } else { "" };
        text.push_str(&format!("\n--- {}{cut} ---\n", log.name));
        text.push_str(&log.text);
        if !log.text.ends_with('\n') {
            text.push('\n');
        }
    }
    // The header too: a policy's error may quote the file's values.
    redact(&text)
}

/// The report's name as the save dialog proposes it.
pub fn suggested_file_name() -> String {
    format!("Tchap - rapport de bug ({}).txt", chrono::Local::now().format("%Y-%m-%d"))
}

fn header(about: &AboutInfo) -> String {
    let variant = match about.variant {
        BuildVariant::SelfUpdating => "mises à jour par l'application",
        BuildVariant::ManagedByOrganisation => "mises à jour gérées par l'organisation",
    };
    format!(
        "Rapport de bug — {name}\nCréé le : {now}\nVersion : {version} ({variant})\nSystème : {os}\nServeur : {server}\nPolitique : {policy}\nDossier des journaux : {logs}\n",
        name = about.app_name,
        now = chrono::Local::now().format("%Y-%m-%d %H:%M:%S %:z"),
        version = about.version,
        os = about.os,
        server = about.homeserver.as_deref().unwrap_or("(non connecté)"),
        policy = describe_policy(&about.policy),
        logs = about.log_dir,
    )
}

fn describe_policy(policy: &PolicyStatus) -> String {
    match (&policy.source, &policy.invalid_reason) {
        (None, _) => "aucune".to_owned(),
        (Some(source), Some(reason)) => format!("illisible ({source}) : {reason} ; réglages sûrs par défaut"),
        (Some(source), None) => {
            // As the file names them.
            let keys: Vec<String> = policy.managed_keys.iter().filter_map(|key| serde_json::to_value(key).ok()?.as_str().map(str::to_owned)).collect();
            format!("{source} ; réglages gérés : {}", if keys.is_empty() { "aucun".to_owned() } else { keys.join(", ") })
        }
    }
}

/// A log file's newest part.
struct LogPart {
    name: String,
    text: String,
    /// Its beginning was left out (over the budget).
    cut: bool,
}

/// The newest log files within `budget` bytes, oldest first; the oldest one
/// taken may be only its end (from a line's start).
fn recent_logs(log_dir: &Path, budget: u64) -> Vec<LogPart> {
    let Ok(entries) = std::fs::read_dir(log_dir) else { return Vec::new() };
    let mut names: Vec<String> = entries
        .flatten()
        // Regular files only: a link could lead anywhere.
        .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_file()))
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| name.starts_with(LOG_PREFIX) && name.ends_with(LOG_SUFFIX))
        .collect();
    // Dated names: their order is the days'.
    names.sort();
    let mut left = budget;
    let mut parts = Vec::new();
    for name in names.into_iter().rev() {
        if left == 0 {
            break;
        }
        let Some((text, cut)) = read_tail(&log_dir.join(&name), left) else { continue };
        left = left.saturating_sub(text.len() as u64);
        parts.push(LogPart { name, text, cut });
        if cut {
            break;
        }
    }
    parts.reverse();
    parts
}

/// The last `at_most` bytes of a file, starting at a line's start when cut
/// (a line cut in the middle could hide a secret's key from the redaction).
fn read_tail(path: &Path, at_most: u64) -> Option<(String, bool)> {
    let mut file = File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    let cut = len > at_most;
    if cut {
        file.seek(SeekFrom::Start(len - at_most)).ok()?;
    }
    let mut bytes = Vec::new();
    // Bounded even if the file grows while it is read (today's log).
    file.take(at_most).read_to_end(&mut bytes).ok()?;
    if cut {
        let line_start = bytes.iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| i + 1);
        bytes.drain(..line_start);
    }
    Some((String::from_utf8_lossy(&bytes).into_owned(), cut))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{PolicyKey, UpdatesSetting};

    fn about(policy: PolicyStatus) -> AboutInfo {
        AboutInfo {
            app_name: "Tchap".into(),
            version: "1.2.3".into(),
            variant: BuildVariant::ManagedByOrganisation,
            os: "Debian GNU/Linux 12 (bookworm) [64-bit] x86_64".into(),
            policy,
            homeserver: Some("https://matrix.agent.dinum.tchap.gouv.fr/".into()),
            log_dir: "/home/marie/.local/share/fr.gouv.tchap.desktop/logs".into(),
        }
    }

    fn no_policy() -> PolicyStatus {
        PolicyStatus { managed_keys: vec![], invalid_reason: None, disabled_features: vec![], updates: UpdatesSetting { enabled: true, endpoints: vec![] }, source: None }
    }

    fn line(day: u32, n: usize) -> String {
        format!("2026-11-{day:02}T10:00:00.000000Z  INFO tchap_core::session: line {n:06} of day {day}\n")
    }

    fn write_day(dir: &Path, day: u32, lines: usize) {
        let text: String = (0..lines).map(|n| line(day, n)).collect();
        std::fs::write(dir.join(format!("tchap.2026-11-{day:02}.log")), text).unwrap();
    }

    #[test]
    fn the_header_says_version_variant_system_server_and_policy() {
        let logs = tempfile::tempdir().unwrap();
        let report = build(&about(no_policy()), logs.path(), LOG_BUDGET);
        assert!(report.starts_with("Rapport de bug — Tchap\n"), "{report}");
        for part in [
            "Version : 1.2.3 (mises à jour gérées par l'organisation)",
            "Système : Debian GNU/Linux 12 (bookworm) [64-bit] x86_64",
            "Serveur : https://matrix.agent.dinum.tchap.gouv.fr/",
            "Politique : aucune",
            "Dossier des journaux : /home/marie/.local/share/fr.gouv.tchap.desktop/logs",
            "(aucun journal)",
        ] {
            assert!(report.contains(part), "{part:?} missing from:\n{report}");
        }
    }

    #[test]
    fn the_policy_in_force_or_why_it_was_refused_is_named_and_redacted() {
        let logs = tempfile::tempdir().unwrap();
        let held = PolicyStatus { managed_keys: vec![PolicyKey::ProxyUrl, PolicyKey::Updater], source: Some("/etc/fr.gouv.tchap.desktop/policy.json".into()), ..no_policy() };
        let report = build(&about(held), logs.path(), LOG_BUDGET);
        assert!(report.contains("Politique : /etc/fr.gouv.tchap.desktop/policy.json ; réglages gérés : proxy_url, updater"), "{report}");

        let invalid = PolicyStatus {
            invalid_reason: Some("proxy_url: invalid value: string \"http://agent:Secret123@proxy.gouv.fr\", token=abcdef123456".into()),
            source: Some("/etc/fr.gouv.tchap.desktop/policy.json".into()),
            ..no_policy()
        };
        let report = build(&about(invalid), logs.path(), LOG_BUDGET);
        assert!(report.contains("Politique : illisible (/etc/fr.gouv.tchap.desktop/policy.json) : proxy_url: invalid value"), "{report}");
        assert!(!report.contains("abcdef123456") && !report.contains("Secret123"), "{report}");
    }

    #[test]
    fn logs_come_oldest_first_newest_last_and_redacted() {
        let logs = tempfile::tempdir().unwrap();
        write_day(logs.path(), 30, 3);
        std::fs::write(logs.path().join("tchap.2026-12-01.log"), "x INFO sent access_token=syt_c2VjcmV0_AbCdEfGhIj_123 ok\n").unwrap();
        // Not a log of ours.
        std::fs::write(logs.path().join("notes.txt"), "private").unwrap();
        let report = build(&about(no_policy()), logs.path(), LOG_BUDGET);
        let older = report.find("--- tchap.2026-11-30.log ---").expect("older file");
        let newer = report.find("--- tchap.2026-12-01.log ---").expect("newer file");
        assert!(older < newer, "{report}");
        assert!(report.contains(&line(30, 2)));
        assert!(report.contains("x INFO sent access_token=[REDACTED] ok\n"), "{report}");
        assert!(!report.contains("syt_") && !report.contains("private"), "{report}");
    }

    #[test]
    fn the_logs_are_bounded_keeping_the_newest_lines_from_a_line_start() {
        let logs = tempfile::tempdir().unwrap();
        // Three days of about 800 KiB each: 2.4 MiB, more than the budget.
        let per_day = 800 * 1024 / line(1, 0).len();
        for day in 1..=3 {
            write_day(logs.path(), day, per_day);
        }
        let report = build(&about(no_policy()), logs.path(), LOG_BUDGET);
        assert!(report.len() as u64 <= LOG_BUDGET + 4096, "{} bytes", report.len());
        assert!(report.len() as u64 > LOG_BUDGET - 4096, "{} bytes", report.len());
        assert!(report.trim_end().ends_with(line(3, per_day - 1).trim_end()), "the newest line is last");
        assert!(report.contains("--- tchap.2026-11-01.log (début omis) ---\n2026-11-01T10:00:00.000000Z"), "cut at a line's start");
        assert!(!report.contains(&line(1, 0)), "the oldest lines are left out");
        assert!(report.contains(&line(2, 0)) && report.contains(&line(3, 0)));
    }

    #[test]
    fn a_file_larger_than_the_budget_gives_its_end_only() {
        let logs = tempfile::tempdir().unwrap();
        write_day(logs.path(), 5, 1000);
        let budget = 10 * line(5, 0).len() as u64 + 7;
        let report = build(&about(no_policy()), logs.path(), budget);
        assert!(report.contains("(début omis)"));
        let kept = report.lines().filter(|l| l.contains("of day 5")).count();
        assert_eq!(kept, 10, "{report}");
        assert!(report.contains(&line(5, 999)));
    }
}
