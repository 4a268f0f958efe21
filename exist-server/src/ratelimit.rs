//! Per-token rate limiting: each API token (and each UI session) gets its
//! own budget of requests per minute, so one runaway script cannot starve
//! the analysts. Over the budget the answer is 429 problem+json with
//! `Retry-After`.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{Quota, RateLimiter};

/// Requests per minute per token unless configured (`--rate-limit`).
pub const DEFAULT_PER_MINUTE: u32 = 6000;

type Keyed =
    RateLimiter<String, governor::state::keyed::DefaultKeyedStateStore<String>, DefaultClock>;

/// One budget per key (token id, or session).
pub struct TokenLimiter {
    limiter: Option<Keyed>,
}

impl TokenLimiter {
    /// `per_minute` requests a minute for each key, bursts of a tenth of that
    /// (at least 10); 0 turns limiting off.
    pub fn new(per_minute: u32) -> Self {
        let limiter = NonZeroU32::new(per_minute).map(|n| {
            let burst = NonZeroU32::new((per_minute / 10).max(10)).unwrap_or(n);
            RateLimiter::keyed(Quota::per_minute(n).allow_burst(burst))
        });
        Self { limiter }
    }

    /// `Ok` when `key` may make a request now, else how long to wait.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        let result = limiter
            .check_key(&key.to_owned())
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()));
        if limiter.len() > 100_000 {
            limiter.retain_recent();
        }
        result
    }
}
