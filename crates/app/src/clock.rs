//! The clock, passed in so tests can move time (e.g. to make a deadline overdue).

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use jiff::Timestamp;
use jiff::civil::Date;

#[derive(Clone, Default)]
pub struct Clock {
    offset_us: Arc<AtomicI64>,
    /// A clock that stands still at this instant (tests whose answers must not change by day).
    fixed_us: Option<i64>,
}

impl Clock {
    /// A clock standing at `at` (moved only by `advance_days`).
    pub fn fixed(at: Timestamp) -> Clock {
        Clock { offset_us: Arc::default(), fixed_us: Some(at.as_microsecond()) }
    }

    /// Now, in whole microseconds: what the stores keep, so a stamp survives a round trip intact.
    pub fn now(&self) -> Timestamp {
        let us = self.fixed_us.unwrap_or_else(|| Timestamp::now().as_microsecond()) + self.offset_us.load(Ordering::Relaxed);
        Timestamp::from_microsecond(us).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    /// Today's date in Copenhagen.
    pub fn today(&self) -> Date {
        tovholder_core::calendar::today_in_copenhagen(self.now()).unwrap_or_else(|_| self.now().to_zoned(jiff::tz::TimeZone::UTC).date())
    }

    /// Moves this clock (and every clone of it) by a number of days; for tests and demos.
    pub fn advance_days(&self, days: i64) {
        self.advance(jiff::SignedDuration::from_hours(days * 24));
    }

    /// Moves this clock (and every clone of it); for tests (a link running out).
    pub fn advance(&self, by: jiff::SignedDuration) {
        self.offset_us.fetch_add(i64::try_from(by.as_micros()).unwrap_or(i64::MAX), Ordering::Relaxed);
    }
}
