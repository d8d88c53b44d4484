//! When to check: at start, then every 6 h; after a failure sooner, with a
//! backoff so that a fleet does not hammer a mirror that is down.

use std::time::Duration;

/// The delays of one updater (tests use short ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cadence {
    pub regular: Duration,
    pub first_retry: Duration,
    pub max_retry: Duration,
}

impl Cadence {
    pub const PRODUCTION: Self =
        Self { regular: Duration::from_secs(6 * 3600), first_retry: Duration::from_secs(5 * 60), max_retry: Duration::from_secs(2 * 3600) };

    /// The wait before the next check after `failures` failures in a row
    /// (0: the last check worked).
    pub fn after(&self, failures: u32) -> Duration {
        if failures == 0 {
            return self.regular;
        }
        let doubled = self.first_retry.saturating_mul(1u32 << (failures - 1).min(16));
        doubled.min(self.max_retry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_is_retried_sooner_then_less_often() {
        let cadence = Cadence::PRODUCTION;
        let minutes = |failures| cadence.after(failures).as_secs() / 60;
        assert_eq!(minutes(0), 360, "every 6 h once a check worked");
        assert_eq!([1, 2, 3, 4, 5].map(minutes), [5, 10, 20, 40, 80]);
        assert_eq!(minutes(6), 120, "capped at 2 h");
        assert_eq!(minutes(u32::MAX), 120, "no overflow however long the mirror is down");
    }
}
