//! Requests per API key, per signed-in user (token subject) and per client
//! address without a valid token, as token buckets; one `RateLimiter` per
//! kind, each with its own rate, their keys prefixed apart (`user:`, `anon:`).
//! With Redis the bucket is shared
//! by every gateway replica (one Lua script, so the read and the update are
//! one step); without it, or while it is down, each replica keeps its own
//! buckets, so a key gets at most its rate per replica rather than none.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Tokens refill at `per_second` up to `burst`; each request takes one.
#[derive(Clone, Copy, Debug)]
pub struct Rate {
    pub per_second: f64,
    pub burst: f64,
}

impl Default for Rate {
    fn default() -> Self {
        Rate { per_second: 10.0, burst: 40.0 }
    }
}

const SCRIPT: &str = r#"
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local rate, burst, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tokens = tonumber(b[1]) or burst
local at = tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) * 1000 / rate) end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return wait
"#;

#[derive(Clone)]
pub struct RateLimiter {
    rate: Rate,
    redis: Option<redis::aio::ConnectionManager>,
    local: Arc<Mutex<HashMap<String, (f64, Instant)>>>,
}

impl RateLimiter {
    pub fn local(rate: Rate) -> RateLimiter {
        RateLimiter { rate, redis: None, local: Arc::default() }
    }

    pub fn with_redis(rate: Rate, redis: redis::aio::ConnectionManager) -> RateLimiter {
        RateLimiter { redis: Some(redis), ..RateLimiter::local(rate) }
    }

    /// `Ok` when `key` may make a request now, else the milliseconds to wait.
    pub async fn check(&self, key: &str) -> Result<(), u64> {
        if let Some(mut redis) = self.redis.clone() {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
                .unwrap_or_default();
            let wait: redis::RedisResult<u64> = redis::Script::new(SCRIPT)
                .key(format!("polku:rate:{key}"))
                .arg(self.rate.per_second)
                .arg(self.rate.burst)
                .arg(now)
                .invoke_async(&mut redis)
                .await;
            match wait {
                Ok(0) => return Ok(()),
                Ok(ms) => return Err(ms),
                Err(e) => {
                    tracing::warn!(error = %e, "rate limiting falls back to this replica: Redis unavailable")
                }
            }
        }
        self.check_local(key)
    }

    fn check_local(&self, key: &str) -> Result<(), u64> {
        let mut buckets = self.local.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let (tokens, at) = buckets.entry(key.to_string()).or_insert((self.rate.burst, now));
        *tokens =
            (*tokens + now.duration_since(*at).as_secs_f64() * self.rate.per_second).min(self.rate.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            // Milliseconds until the next token: positive and small, as
            // the rate is positive and a token is at most one away.
            let wait = ((1.0 - *tokens) * 1000.0 / self.rate.per_second).ceil();
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "0 < wait, and far below u64::MAX"
            )]
            let wait = wait as u64;
            Err(wait)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_bucket_allows_its_burst_then_asks_to_wait() {
        let limiter = RateLimiter::local(Rate { per_second: 1.0, burst: 3.0 });
        for _ in 0..3 {
            assert_eq!(limiter.check("k").await, Ok(()));
        }
        let wait = limiter.check("k").await.unwrap_err();
        assert!(wait > 0 && wait <= 1000, "{wait}");
        assert_eq!(limiter.check("other").await, Ok(()), "buckets are per key");
    }
}
