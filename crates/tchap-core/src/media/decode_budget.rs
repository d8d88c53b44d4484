//! What all image decodes at once may allocate. Each decode alone stays
//! within `thumbnail::MAX_DECODE_BYTES`, but a room of large pictures opened
//! at once would add them up: a decode waits until its share is free.
//! Blocking: taken on the blocking threads that decode.

use std::sync::{Condvar, Mutex, PoisonError};

pub struct DecodeBudget {
    total: u64,
    free: Mutex<u64>,
    freed: Condvar,
}

/// Bytes taken from a budget until dropped.
#[must_use = "the bytes are given back when the reservation is dropped"]
pub struct Reservation {
    budget: &'static DecodeBudget,
    bytes: u64,
}

impl DecodeBudget {
    pub const fn new(total: u64) -> Self {
        Self { total, free: Mutex::new(total), freed: Condvar::new() }
    }

    /// Waits until `bytes` are free, then holds them (at most the whole budget:
    /// a decode larger than that is refused before it gets here).
    pub fn reserve(&'static self, bytes: u64) -> Reservation {
        let bytes = bytes.min(self.total);
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        while *free < bytes {
            free = self.freed.wait(free).unwrap_or_else(PoisonError::into_inner);
        }
        *free -= bytes;
        Reservation { budget: self, bytes }
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        *self.budget.free.lock().unwrap_or_else(PoisonError::into_inner) += self.bytes;
        self.budget.freed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use std::{sync::mpsc, time::Duration};

    use super::*;

    #[test]
    fn a_decode_waits_until_the_one_before_gives_its_share_back() {
        static BUDGET: DecodeBudget = DecodeBudget::new(100);
        let first = BUDGET.reserve(70);
        let (done, finished) = mpsc::channel();
        std::thread::spawn(move || {
            let _second = BUDGET.reserve(70);
            done.send(()).unwrap();
        });
        assert!(finished.recv_timeout(Duration::from_millis(200)).is_err(), "both at once would exceed the budget");
        drop(first);
        finished.recv_timeout(Duration::from_secs(5)).expect("the second decode starts once the first is done");
        let _whole = BUDGET.reserve(1_000);
    }
}
