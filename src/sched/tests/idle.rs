//! Idle workers (module README, "Idle workers"): a short hot sleep inside
//! the core, then a cold sleep whose wait happens outside it. These threads
//! do what the JS worker loop does, with a blocking futex wait (no timeout)
//! standing in for `Atomics.waitAsync`: a lost wake-up leaves a task unrun,
//! and the producer's deadline turns that into a failure instead of a hang.

use super::{run_burst, Rng};
use crate::sched::futex;
use crate::sched::pool::{shutdown, Completed, Next, Shared};
use std::sync::atomic::{AtomicU32, Ordering::SeqCst};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The hot window of these tests: short, so that random gaps cross it often.
const HOT_MS: u32 = 1;

/// One worker, as src/js/worker/memory/claim-loop.js runs it: hot, then cold.
fn idle_worker(pool: Arc<Shared>, w: u32, cold_sleeps: Arc<AtomicU32>) -> u32 {
    let mut ran = 0;
    loop {
        let next = match pool.next(w, Some(HOT_MS)) {
            Next::Empty => {
                let seen = pool.jobs_event().load(SeqCst);
                match pool.begin_cold_sleep(w, seen) {
                    Next::Sleep => {
                        cold_sleeps.fetch_add(1, SeqCst);
                        futex::wait(pool.jobs_event(), seen, None);
                        pool.end_cold_sleep();
                        continue;
                    }
                    other => other,
                }
            }
            other => other,
        };
        match next {
            Next::Task(id) => {
                let slot = pool.slot(id.slot());
                slot.payload[1].store(slot.payload[0].load(SeqCst) + 1, SeqCst);
                assert_ne!(pool.complete(w, id), Completed::No);
                ran += 1;
            }
            Next::Empty => {} // another worker was faster: look again
            Next::Exit | Next::Killed => {
                pool.exit(w);
                return ran;
            }
            Next::Sleep => unreachable!("only begin_cold_sleep says Sleep"),
        }
    }
}

fn start(workers: u32, slots: u32) -> (Arc<Shared>, Vec<std::thread::JoinHandle<u32>>, Arc<AtomicU32>) {
    let pool = Arc::new(Shared::new(slots, workers));
    let cold = Arc::new(AtomicU32::new(0));
    let handles = (0..workers)
        .map(|w| {
            pool.worker(w).occupy(w + 1);
            let (pool, cold) = (pool.clone(), cold.clone());
            std::thread::spawn(move || idle_worker(pool, w, cold))
        })
        .collect();
    (pool, handles, cold)
}

fn stop(pool: &Shared, handles: Vec<std::thread::JoinHandle<u32>>) -> u32 {
    pool.begin_shutdown(shutdown::NOW);
    handles.into_iter().map(|h| h.join().unwrap()).sum()
}

/// 10,000 bursts separated by random sleeps (none, shorter than the hot
/// window, or long enough that every worker has gone cold): every task runs.
#[test]
fn no_lost_wakeup_across_random_idle_gaps() {
    let (pool, handles, cold) = start(3, 32);
    let mut rng = Rng(0x5eed_1d1e);
    let mut total = 0;
    for burst_no in 0..10_000u32 {
        let burst = 1 + rng.below(8) as u32;
        run_burst(&pool, burst, burst_no * 8, &format!("burst {burst_no}"));
        total += burst;
        let gap = match rng.below(16) {
            0..=7 => 0,
            8..=13 => rng.below(800),                      // within the hot window
            _ => 1_000 * HOT_MS as u64 + rng.below(2_000), // past it: cold
        };
        if gap > 0 {
            std::thread::sleep(Duration::from_micros(gap));
        }
    }
    assert_eq!(stop(&pool, handles), total);
    assert!(cold.load(SeqCst) > 100, "the gaps sent workers into cold sleep ({} times)", cold.load(SeqCst));
}

/// The hot → cold transition itself: a task published at every point of it
/// (while workers announce, re-check and hand over their cold sleep) is
/// picked up. Publishing from several threads at once, with gaps around the
/// hot window, lands publishes in that window thousands of times.
#[test]
fn no_lost_wakeup_at_the_hot_to_cold_transition() {
    let (pool, handles, cold) = start(2, 64);
    let producers = 3u32;
    let rounds = 1_500u32;
    std::thread::scope(|s| {
        for p in 0..producers {
            let pool = &pool;
            s.spawn(move || {
                let mut rng = Rng(0xC01D + p as u64);
                for round in 0..rounds {
                    // Around the hot window's end, where workers turn cold.
                    std::thread::sleep(Duration::from_micros(700 + rng.below(700)));
                    let id = loop {
                        if let Some(id) = pool.reserve() {
                            break id;
                        }
                        std::thread::yield_now();
                    };
                    pool.slot(id.slot()).payload[0].store(round, SeqCst);
                    pool.publish(id);
                }
            });
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut got = 0;
        while got < producers * rounds {
            if let Some(id) = pool.pop_completion() {
                assert!(pool.release(id));
                got += 1;
            } else {
                assert!(Instant::now() < deadline, "lost wake-up: {got} of {} tasks ran", producers * rounds);
                std::thread::yield_now();
            }
        }
    });
    assert_eq!(stop(&pool, handles), producers * rounds);
    assert!(cold.load(SeqCst) > 0);
}

/// Shutdown and a kill reach a worker in cold sleep.
#[test]
fn shutdown_and_kill_wake_cold_sleepers() {
    let (pool, handles, cold) = start(2, 8);
    run_burst(&pool, 2, 0, "warm-up");
    let deadline = Instant::now() + Duration::from_secs(10);
    while cold.load(SeqCst) < 2 {
        assert!(Instant::now() < deadline, "workers went cold");
        std::thread::sleep(Duration::from_millis(1));
    }
    pool.worker(1).request_kill();
    pool.wake_all();
    assert_eq!(stop(&pool, handles), 2);
}
