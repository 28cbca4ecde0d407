//! CPU-heavy work off the request threads, in bounded pools with a time budget: checking a
//! course, rendering a preview, drawing PDFs, building zips ([`work`]) and hashing passwords
//! ([`password`]). However many such requests arrive, at most a few run at once and the
//! request threads stay free to answer everything else (`/healthz` among them).
//!
//! A job that outlives its budget is answered with 503 and its slot stays taken until the
//! job really ends (a thread cannot be stopped), so runaway jobs cannot pile up. Parsers and
//! renderers are linear and bounded, so the budget is a safety net, not the plan.

use std::sync::OnceLock;
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::error::{Error, ErrorCode, Result};

/// How long a request waits for a slot before it is told to try later.
const QUEUE_WAIT: Duration = Duration::from_secs(20);

/// Heavy jobs at once: every core but one, so one is always left for the request threads.
fn work_slots() -> &'static Semaphore {
    static SLOTS: OnceLock<Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Semaphore::new(cores.saturating_sub(1).max(1))
    })
}

/// Password hashes at once: each is ~40 ms of CPU and 19 MiB of memory.
fn password_slots() -> &'static Semaphore {
    static SLOTS: Semaphore = Semaphore::const_new(crate::passwords::SLOTS);
    &SLOTS
}

/// Runs `job` in the heavy-work pool within `budget`.
pub async fn work<T: Send + 'static>(
    budget: Duration,
    job: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    run(work_slots(), budget, job).await
}

/// Runs `job` (a password hash or check) in the password pool.
pub async fn password<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    run(password_slots(), Duration::from_secs(10), job).await
}

fn busy() -> Error {
    Error::new(
        ErrorCode::Busy,
        "The server is busy with other heavy work; try again in a minute",
    )
}

async fn run<T: Send + 'static>(
    slots: &'static Semaphore,
    budget: Duration,
    job: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    let permit = tokio::time::timeout(QUEUE_WAIT, slots.acquire())
        .await
        .map_err(|_| busy())?
        .map_err(Error::internal)?;
    let handle = tokio::task::spawn_blocking(move || {
        // The slot is held by the job itself: freed when it ends, not when we stop waiting.
        let _slot = permit;
        job()
    });
    match tokio::time::timeout(budget, handle).await {
        Ok(joined) => joined.map_err(Error::internal),
        Err(_) => {
            tracing::warn!(
                budget_ms = budget.as_millis() as u64,
                "heavy job over its budget"
            );
            Err(Error::new(
                ErrorCode::TooLong,
                "This took longer than the server allows; make the input smaller",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    #[tokio::test]
    async fn a_job_over_its_budget_is_answered_and_keeps_its_slot() {
        let answer = super::work(Duration::from_millis(20), || {
            std::thread::sleep(Duration::from_millis(200));
            1
        })
        .await;
        assert!(matches!(answer, Err(e) if e.code == crate::ErrorCode::TooLong));
        assert!(matches!(
            super::work(Duration::from_secs(5), || 2).await,
            Ok(2)
        ));
    }
}
