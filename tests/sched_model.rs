//! Model-based property tests: random operation sequences against the ring
//! and the whole control block, checked against a simple sequential model.
//! (A dependency-free, seeded stand-in for proptest: every failure prints its
//! seed and step, and reruns identically.)

use std::collections::{HashMap, VecDeque};
use wasmpool::sched::pool::Completed;
use wasmpool::sched::queue::{Full, Ring};
use wasmpool::sched::task::state;
use wasmpool::sched::{Next, Shared, TaskId};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[test]
fn ring_matches_a_vecdeque() {
    for seed in 1..200u64 {
        let mut rng = Rng(seed.wrapping_mul(0x2545F4914F6CDD1D));
        let cap = 1 << (1 + rng.below(5));
        let ring = Ring::with_capacity(cap);
        let mut model = VecDeque::new();
        for step in 0..2_000 {
            if rng.below(2) == 0 {
                let v = rng.next() as u32;
                let r = ring.push(v);
                if model.len() < cap as usize {
                    assert_eq!(r, Ok(()), "seed {seed} step {step}");
                    model.push_back(v);
                } else {
                    assert_eq!(r, Err(Full(v)), "seed {seed} step {step}");
                }
            } else {
                assert_eq!(ring.pop(), model.pop_front(), "seed {seed} step {step}");
            }
            assert_eq!(ring.len() as usize, model.len());
        }
    }
}

/// Whether a cancelled task's slot has been given back (its stale id consumed).
fn released(pool: &Shared, id: TaskId) -> bool {
    let slot = pool.slot(id.slot());
    slot.generation() != id.generation() || slot.state() == state::FREE
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Model {
    Queued,
    Running(u32),
    Done,
    Cancelled,
}

/// Random interleavings of every operation of the control block, one thread
/// playing the page and all workers. Checks: tasks are claimed only while
/// queued and at most once, cancellation succeeds exactly when queued,
/// completions are exactly the completed tasks, slots are never lost.
#[test]
fn control_block_matches_the_model() {
    for seed in 1..300u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E3779B97F4A7C15) | 1);
        let slots = 1 + rng.below(8) as u32;
        let workers = 1 + rng.below(3) as u32;
        let pool = Shared::new(slots, workers);
        for w in 0..workers {
            pool.worker(w).occupy(w + 1);
        }
        let mut model: HashMap<u32, Model> = HashMap::new();
        let mut running: Vec<Option<TaskId>> = vec![None; workers as usize];
        for step in 0..3_000 {
            let ctx = format!("seed {seed} step {step}");
            match rng.below(6) {
                0 => {
                    if let Some(id) = pool.reserve() {
                        assert!(!model.contains_key(&id.0), "{ctx}: id reused while live");
                        pool.publish(id);
                        model.insert(id.0, Model::Queued);
                    } else {
                        // Every slot is held: by a live task, or by a cancelled
                        // one whose stale id no worker has consumed yet.
                        model.retain(|id, m| !(*m == Model::Cancelled && released(&pool, TaskId(*id))));
                        assert_eq!(model.len() as u32, slots, "{ctx}: reserve failed with a slot free");
                    }
                }
                1 => {
                    let queued: Vec<u32> =
                        model.iter().filter(|(_, m)| **m == Model::Queued).map(|(k, _)| *k).collect();
                    if !queued.is_empty() {
                        let id = queued[rng.below(queued.len() as u64) as usize];
                        assert!(pool.cancel(TaskId(id)), "{ctx}: cancel of a queued task failed");
                        model.insert(id, Model::Cancelled);
                    }
                    // Cancelling anything else fails.
                    for (id, m) in model.iter() {
                        if !matches!(m, Model::Queued) {
                            assert!(!pool.cancel(TaskId(*id)), "{ctx}: cancelled a task in state {m:?}");
                        }
                    }
                }
                2 => {
                    let w = rng.below(workers as u64) as u32;
                    if running[w as usize].is_none() {
                        match pool.try_next(w) {
                            Next::Task(id) => {
                                assert_eq!(
                                    model.get(&id.0),
                                    Some(&Model::Queued),
                                    "{ctx}: claimed a task that was not queued"
                                );
                                model.insert(id.0, Model::Running(w));
                                running[w as usize] = Some(id);
                            }
                            Next::Empty => {
                                assert!(
                                    !model.values().any(|m| *m == Model::Queued),
                                    "{ctx}: Empty while a task is queued"
                                );
                            }
                            other => panic!("{ctx}: unexpected {other:?}"),
                        }
                    }
                }
                3 => {
                    let w = rng.below(workers as u64) as u32;
                    if let Some(id) = running[w as usize].take() {
                        assert_ne!(pool.complete(w, id), Completed::No, "{ctx}");
                        model.insert(id.0, Model::Done);
                    }
                }
                4 => {
                    while let Some(id) = pool.pop_completion() {
                        assert_eq!(model.get(&id.0), Some(&Model::Done), "{ctx}: completion of a task not done");
                        assert!(pool.release(id), "{ctx}");
                        model.remove(&id.0);
                    }
                }
                _ => {
                    // Stale ids of cancelled tasks are consumed by workers and
                    // their slots come back; the model forgets them once the
                    // slot state says FREE.
                    model.retain(|id, m| !(*m == Model::Cancelled && released(&pool, TaskId(*id))));
                }
            }
        }
    }
}
