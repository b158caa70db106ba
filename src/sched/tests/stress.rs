//! Stress and property tests of the scheduling core under real `std::thread`
//! contention: the same code the browser runs, with OS threads as workers.

use super::{run_burst, Rng};
use crate::sched::pool::{shutdown, Completed, Next, Shared};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering::SeqCst};
use std::sync::Arc;

/// Workers "run" a task by writing `payload[0] * 2` into `payload[1]`.
fn spawn_workers(pool: &Arc<Shared>, n: u32, ran: &Arc<AtomicU32>) -> Vec<std::thread::JoinHandle<u32>> {
    (0..n)
        .map(|w| {
            let pool = pool.clone();
            let ran = ran.clone();
            pool.worker(w).occupy(w + 1);
            std::thread::spawn(move || {
                let mut mine = 0;
                loop {
                    match pool.next(w, None) {
                        Next::Task(id) => {
                            let slot = pool.slot(id.slot());
                            let x = slot.payload[0].load(SeqCst);
                            slot.payload[1].store(x.wrapping_mul(2), SeqCst);
                            ran.fetch_add(1, SeqCst);
                            assert_ne!(pool.complete(w, id), Completed::No);
                            mine += 1;
                        }
                        Next::Exit | Next::Killed => {
                            pool.exit(w);
                            return mine;
                        }
                        Next::Empty | Next::Sleep => unreachable!("blocking next never returns Empty or Sleep"),
                    }
                }
            })
        })
        .collect()
}

/// Submit, cancel at random, drain completions, release: every task ends
/// exactly once, either completed with the right result or cancelled, and
/// every slot comes back.
#[test]
fn every_task_settles_exactly_once_with_random_cancellation() {
    for seed in 1..=4u64 {
        let slots = 64;
        let workers = 4;
        let pool = Arc::new(Shared::new(slots, workers));
        let ran = Arc::new(AtomicU32::new(0));
        let handles = spawn_workers(&pool, workers, &ran);
        let mut rng = Rng(seed.wrapping_mul(0x9E3779B97F4A7C15));
        let total = 40_000u32;
        let mut submitted = 0u32;
        let mut live: HashMap<u32, u32> = HashMap::new(); // id -> input
        let (mut completed, mut cancelled) = (0u32, 0u32);
        while completed + cancelled < total {
            if submitted < total {
                if let Some(id) = pool.reserve() {
                    let slot = pool.slot(id.slot());
                    slot.payload[0].store(submitted, SeqCst);
                    pool.publish(id);
                    live.insert(id.0, submitted);
                    submitted += 1;
                    if rng.below(4) == 0 && pool.cancel(id) {
                        live.remove(&id.0);
                        cancelled += 1;
                    }
                }
            }
            while let Some(id) = pool.pop_completion() {
                let Some(input) = live.remove(&id.0) else {
                    panic!("completion for unknown task {:?} slot {} gen {} state {} submitted {submitted} completed {completed} cancelled {cancelled}", id, id.slot(), id.generation(), pool.slot(id.slot()).state())
                };
                assert_eq!(pool.slot(id.slot()).payload[1].load(SeqCst), input.wrapping_mul(2));
                assert!(pool.release(id));
                completed += 1;
            }
        }
        assert!(live.is_empty());
        assert_eq!(ran.load(SeqCst), completed, "cancelled tasks never run");
        pool.begin_shutdown(shutdown::NOW);
        let per_worker: Vec<u32> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        assert_eq!(per_worker.iter().sum::<u32>(), completed);
        // Stale ids of cancelled tasks are released by workers or the drain.
        assert!(pool.drain_queued().is_empty());
        let mut free = 0;
        while pool.reserve().is_some() {
            free += 1;
        }
        assert_eq!(free, slots, "every slot returned to the free ring (seed {seed})");
    }
}

/// DRAIN shutdown runs everything queued before the workers exit.
#[test]
fn drain_shutdown_runs_queued_tasks() {
    let pool = Arc::new(Shared::new(256, 2));
    let ran = Arc::new(AtomicU32::new(0));
    let mut ids = vec![];
    for i in 0..200 {
        let id = pool.reserve().unwrap();
        pool.slot(id.slot()).payload[0].store(i, SeqCst);
        pool.publish(id);
        ids.push(id);
    }
    pool.begin_shutdown(shutdown::DRAIN);
    let handles = spawn_workers(&pool, 2, &ran);
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(ran.load(SeqCst), 200);
    let mut n = 0;
    while pool.pop_completion().is_some() {
        n += 1;
    }
    assert_eq!(n, 200);
}

/// A worker killed while running (it never completes) is settled by
/// `abandon`; one killed while idle has nothing to settle; the kill handshake
/// stops the worker touching the rings.
#[test]
fn abandon_settles_a_dead_workers_task() {
    let pool = Arc::new(Shared::new(8, 2));
    pool.worker(0).occupy(1);
    let id = pool.reserve().unwrap();
    pool.publish(id);
    let claimed = match pool.try_next(0) {
        Next::Task(t) => t,
        other => panic!("expected a task, got {other:?}"),
    };
    assert_eq!(claimed, id);
    pool.worker(0).request_kill();
    assert!(pool.worker(0).safe_to_terminate());
    assert_eq!(pool.try_next(0), Next::Killed);
    assert_eq!(pool.complete(0, id), Completed::No, "a killed worker cannot complete");
    assert_eq!(pool.abandon(0), vec![id]);
    assert!(pool.release(id));
    assert_eq!(pool.abandon(0), vec![], "nothing left to abandon");
}

/// Sleeping workers are woken by publishes from many threads (no lost
/// wake-ups): with a bounded sleep timeout of "forever", the test would hang
/// if a wake-up were lost.
#[test]
fn no_lost_wakeups_under_bursty_load() {
    let pool = Arc::new(Shared::new(16, 3));
    let ran = Arc::new(AtomicU32::new(0));
    let handles = spawn_workers(&pool, 3, &ran);
    let mut rng = Rng(42);
    let mut done = 0;
    for round in 0..3_000 {
        let burst = 1 + rng.below(16) as u32;
        run_burst(&pool, burst, round * 100, &format!("round {round}"));
        done += burst;
        // Let the workers fall asleep now and then, to exercise wake-ups.
        if rng.below(8) == 0 {
            std::thread::sleep(std::time::Duration::from_micros(200));
        }
    }
    pool.begin_shutdown(shutdown::NOW);
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(ran.load(SeqCst), done);
}
