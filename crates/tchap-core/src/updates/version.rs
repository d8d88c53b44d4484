//! The version rule: only a strictly newer version is an update. The same
//! version or an older one (a downgrade: maybe an old release with a known
//! flaw, replayed by whoever controls the network) is refused.

use std::cmp::Ordering;

/// What an offered version is to the running one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Newer,
    Same,
    Older,
    /// Not a `MAJOR.MINOR.PATCH[-pre][+build]` version: refused.
    Unreadable,
}

pub fn verdict(running: &str, offered: &str) -> Verdict {
    match (Version::parse(running), Version::parse(offered)) {
        (Some(running), Some(offered)) => match offered.cmp(&running) {
            Ordering::Greater => Verdict::Newer,
            Ordering::Equal => Verdict::Same,
            Ordering::Less => Verdict::Older,
        },
        _ => Verdict::Unreadable,
    }
}

/// Semantic versioning's precedence (build metadata ignored).
#[derive(Debug, PartialEq, Eq)]
struct Version<'a> {
    numbers: [u64; 3],
    pre_release: Vec<&'a str>,
}

impl<'a> Version<'a> {
    fn parse(text: &'a str) -> Option<Self> {
        let text = text.trim().trim_start_matches('v');
        let text = text.split_once('+').map_or(text, |(version, _build)| version);
        let (core, pre_release) = match text.split_once('-') {
            Some((core, pre)) if !pre.is_empty() => (core, pre.split('.').collect()),
            Some(_) => return None,
            None => (text, Vec::new()),
        };
        let mut parts = core.split('.').map(|part| part.parse::<u64>().ok());
        let numbers = [parts.next()??, parts.next()??, parts.next()??];
        parts.next().is_none().then_some(Self { numbers, pre_release })
    }
}

impl Ord for Version<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.numbers.cmp(&other.numbers).then_with(|| match (self.pre_release.is_empty(), other.pre_release.is_empty()) {
            (true, true) => Ordering::Equal,
            // 1.0.0-rc.1 comes before 1.0.0.
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => compare_pre_releases(&self.pre_release, &other.pre_release),
        })
    }
}

impl PartialOrd for Version<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

fn compare_pre_releases(left: &[&str], right: &[&str]) -> Ordering {
    for (a, b) in left.iter().zip(right) {
        let order = match (a.parse::<u64>(), b.parse::<u64>()) {
            (Ok(a), Ok(b)) => a.cmp(&b),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
            (Err(_), Err(_)) => a.cmp(b),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    left.len().cmp(&right.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_strictly_newer_version_is_an_update() {
        for (running, offered, expected) in [
            ("0.1.0", "0.2.0", Verdict::Newer),
            ("0.1.0", "0.1.1", Verdict::Newer),
            ("0.9.0", "0.10.0", Verdict::Newer),
            ("1.0.0-rc.1", "1.0.0", Verdict::Newer),
            ("1.0.0-rc.2", "1.0.0-rc.10", Verdict::Newer),
            ("0.1.0", "v0.2.0", Verdict::Newer),
            ("0.1.0", "0.1.0", Verdict::Same),
            ("0.1.0", "0.1.0+build.7", Verdict::Same),
            ("0.2.0", "0.1.9", Verdict::Older),
            ("1.0.0", "1.0.0-rc.1", Verdict::Older),
            ("0.10.0", "0.9.0", Verdict::Older),
            ("0.1.0", "0.2", Verdict::Unreadable),
            ("0.1.0", "0.2.0.1", Verdict::Unreadable),
            ("0.1.0", "0.2.0-", Verdict::Unreadable),
            ("0.1.0", "dernière", Verdict::Unreadable),
        ] {
            assert_eq!(verdict(running, offered), expected, "{running} → {offered}");
        }
    }
}
