//! Model-based property tests: random operation sequences against the ring
//! and the whole control block, checked against a simple sequential model.
//! (A dependency-free, seeded stand-in for proptest: every failure prints its
//! seed and step, and reruns identically.)

use super::Rng;
use crate::sched::pool::{Completed, Next, Shared};
use crate::sched::queue::{Full, Ring};
use crate::sched::task::{state, TaskId};
use std::collections::{HashMap, VecDeque};

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

/// The control block next to its model, for one seed.
struct Sim {
    pool: Shared,
    slots: u32,
    workers: u32,
    model: HashMap<u32, Model>,
    running: Vec<Option<TaskId>>,
}

impl Sim {
    fn new(slots: u32, workers: u32) -> Sim {
        let pool = Shared::new(slots, workers);
        for w in 0..workers {
            pool.worker(w).occupy(w + 1);
        }
        Sim { pool, slots, workers, model: HashMap::new(), running: vec![None; workers as usize] }
    }

    fn submit(&mut self, ctx: &str) {
        if let Some(id) = self.pool.reserve() {
            assert!(!self.model.contains_key(&id.0), "{ctx}: id reused while live");
            self.pool.publish(id);
            self.model.insert(id.0, Model::Queued);
        } else {
            // Every slot is held: by a live task, or by a cancelled
            // one whose stale id no worker has consumed yet.
            self.forget_released();
            assert_eq!(self.model.len() as u32, self.slots, "{ctx}: reserve failed with a slot free");
        }
    }

    fn cancel(&mut self, rng: &mut Rng, ctx: &str) {
        let queued: Vec<u32> = self.model.iter().filter(|(_, m)| **m == Model::Queued).map(|(k, _)| *k).collect();
        if !queued.is_empty() {
            let id = queued[rng.below(queued.len() as u64) as usize];
            assert!(self.pool.cancel(TaskId(id)), "{ctx}: cancel of a queued task failed");
            self.model.insert(id, Model::Cancelled);
        }
        // Cancelling anything else fails.
        for (id, m) in self.model.iter() {
            if !matches!(m, Model::Queued) {
                assert!(!self.pool.cancel(TaskId(*id)), "{ctx}: cancelled a task in state {m:?}");
            }
        }
    }

    fn claim(&mut self, rng: &mut Rng, ctx: &str) {
        let w = rng.below(self.workers as u64) as u32;
        if self.running[w as usize].is_some() {
            return;
        }
        match self.pool.try_next(w) {
            Next::Task(id) => {
                assert_eq!(self.model.get(&id.0), Some(&Model::Queued), "{ctx}: claimed a task that was not queued");
                self.model.insert(id.0, Model::Running(w));
                self.running[w as usize] = Some(id);
            }
            Next::Empty => {
                assert!(!self.model.values().any(|m| *m == Model::Queued), "{ctx}: Empty while a task is queued");
            }
            other => panic!("{ctx}: unexpected {other:?}"),
        }
    }

    fn complete(&mut self, rng: &mut Rng, ctx: &str) {
        let w = rng.below(self.workers as u64) as u32;
        if let Some(id) = self.running[w as usize].take() {
            assert_ne!(self.pool.complete(w, id), Completed::No, "{ctx}");
            self.model.insert(id.0, Model::Done);
        }
    }

    fn collect(&mut self, ctx: &str) {
        while let Some(id) = self.pool.pop_completion() {
            assert_eq!(self.model.get(&id.0), Some(&Model::Done), "{ctx}: completion of a task not done");
            assert!(self.pool.release(id), "{ctx}");
            self.model.remove(&id.0);
        }
    }

    /// Stale ids of cancelled tasks are consumed by workers and their slots
    /// come back; the model forgets them once the slot state says FREE.
    fn forget_released(&mut self) {
        let pool = &self.pool;
        self.model.retain(|id, m| !(*m == Model::Cancelled && released(pool, TaskId(*id))));
    }
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
        let mut sim = Sim::new(slots, workers);
        for step in 0..3_000 {
            let ctx = format!("seed {seed} step {step}");
            match rng.below(6) {
                0 => sim.submit(&ctx),
                1 => sim.cancel(&mut rng, &ctx),
                2 => sim.claim(&mut rng, &ctx),
                3 => sim.complete(&mut rng, &ctx),
                4 => sim.collect(&ctx),
                _ => sim.forget_released(),
            }
        }
    }
}
