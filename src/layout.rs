//! The one place where the numbers shared by the Rust core and the JS layer
//! are collected: byte offsets of the words JS reads in place, the bit fields
//! of a slot's state word and of a task id, limits, and the codes the `wp_*`
//! exports return.
//!
//! Nothing here is a new number: every entry refers to the definition the
//! Rust code itself uses (`size_of`/`offset_of!` of the `repr(C)` structs,
//! the consts of `sched`). A unit test renders the table as
//! `src/js/common/layout-constants.js`, which the JS layer imports, and fails
//! if the committed file differs (`WASMPOOL_BLESS=1 cargo test --lib layout`
//! rewrites it). [`LAYOUT_HASH`], exported as `wp_layout_hash()` and as the
//! file's `LAYOUT_HASH`, lets the JS detect a wasm module built from other
//! sources at start-up.
//!
//! Target-independent: compiled natively for the test, on wasm32 for the hash.

use crate::sched::pool::{layout as pool, shutdown, Completed, Next};
use crate::sched::stacks::{THREAD_STACK_ALIGN, THREAD_STACK_BYTES};
use crate::sched::task::{self, layout as slot, state};
use crate::sched::worker::{layout as worker, status};

/// One constant as the JS layer sees it. Values are `i64` so that `u32`
/// offsets and the negative `i32` codes of `wp_worker_next` fit alike.
pub(crate) struct JsConst {
    pub(crate) name: &'static str,
    pub(crate) value: i64,
    /// A comment for the generated file ("" for none).
    #[cfg_attr(not(test), allow(dead_code, reason = "only the test that renders the JS file reads it"))]
    pub(crate) note: &'static str,
}

const fn c(name: &'static str, value: i64, note: &'static str) -> JsConst {
    JsConst { name, value, note }
}

/// Every number the JS layer needs from the core, in the generated file's order.
pub(crate) const JS_CONSTANTS: &[JsConst] = &[
    c("SLOT_BYTES", slot::SLOT_BYTES as i64, "bytes of one task slot (`Slot`, repr(C))"),
    c("SLOT_STATE", slot::STATE as i64, "byte offset of the state word in a slot"),
    c("SLOT_PAYLOAD", slot::PAYLOAD as i64, "byte offset of the payload words"),
    c("PAYLOAD_WORDS", task::PAYLOAD_WORDS as i64, ""),
    c("STATE_MASK", task::STATE_MASK as i64, "state word: worker << 24 | generation << 8 | state"),
    c("GENERATION_SHIFT", task::GENERATION_SHIFT as i64, ""),
    c("GENERATION_MASK", task::GENERATION_MASK as i64, ""),
    c("WORKER_SHIFT", task::WORKER_SHIFT as i64, ""),
    c("TASK_SLOT_MASK", task::TASK_SLOT_MASK as i64, "TaskId: generation << 16 | slot"),
    c("TASK_GENERATION_SHIFT", task::TASK_GENERATION_SHIFT as i64, ""),
    c("MAX_SLOTS", task::MAX_SLOTS as i64, ""),
    c("MAX_WORKERS", task::MAX_WORKERS as i64, ""),
    c("STATE_FREE", state::FREE as i64, "slot states (the state word's low byte)"),
    c("STATE_RESERVED", state::RESERVED as i64, ""),
    c("STATE_QUEUED", state::QUEUED as i64, ""),
    c("STATE_RUNNING", state::RUNNING as i64, ""),
    c("STATE_DONE", state::DONE as i64, ""),
    c("STATE_CANCELLED", state::CANCELLED as i64, ""),
    c("POOL_COMPLETION_EVENT", pool::COMPLETION_EVENT as i64, "byte offsets in the pool's control block (`Shared`)"),
    c("POOL_MAIN_WAITING", pool::MAIN_WAITING as i64, ""),
    c("POOL_SHUTDOWN", pool::SHUTDOWN as i64, ""),
    c("POOL_JOBS_EVENT", pool::JOBS_EVENT as i64, ""),
    c("WORKER_RECORD_BYTES", worker::RECORD_BYTES as i64, "bytes of one worker record (`WorkerRecord`, repr(C))"),
    c("WORKER_STATUS", worker::STATUS as i64, "byte offsets in a worker record"),
    c("WORKER_CURRENT", worker::CURRENT as i64, ""),
    c("WORKER_CRITICAL", worker::CRITICAL as i64, ""),
    c("WORKER_KILL", worker::KILL as i64, ""),
    c("WORKER_TASKS_DONE", worker::TASKS_DONE as i64, ""),
    c("WORKER_UID", worker::UID as i64, ""),
    c("WORKER_TLS_BASE", worker::TLS_BASE as i64, ""),
    c("WORKER_STACK_ALLOC", worker::STACK_ALLOC as i64, ""),
    c("WORKER_THREAD_HEAP", worker::THREAD_HEAP as i64, ""),
    c("WORKER_THREAD_HEAP_BYTES", worker::THREAD_HEAP_BYTES as i64, ""),
    c("STATUS_STARTING", status::STARTING as i64, "worker status: in wasm-bindgen's thread start (invariant 4)"),
    c("NEXT_EXIT", Next::EXIT_CODE as i64, "wp_worker_next/try_next return these instead of a task id"),
    c("NEXT_KILLED", Next::KILLED_CODE as i64, ""),
    c("NEXT_EMPTY", Next::EMPTY_CODE as i64, ""),
    c("NEXT_SLEEP", Next::SLEEP_CODE as i64, ""),
    c("COMPLETED_NO", Completed::No as i64, "wp_worker_complete's result"),
    c("COMPLETED_YES", Completed::Yes as i64, ""),
    c("COMPLETED_MAIN_WAITING", Completed::YesMainWasWaiting as i64, ""),
    c("SHUTDOWN_DRAIN", shutdown::DRAIN as i64, "wp_begin_shutdown's mode"),
    c("SHUTDOWN_NOW", shutdown::NOW as i64, ""),
    c(
        "THREAD_STACK_BYTES",
        THREAD_STACK_BYTES as i64,
        "a worker thread's stack (freed ones are kept for the next: invariant 11)",
    ),
    c("THREAD_STACK_ALIGN", THREAD_STACK_ALIGN as i64, "its alignment (wasm-bindgen's thread start)"),
];

/// FNV-1a (32-bit) over every entry's name (UTF-8) followed by its value (8
/// bytes, little-endian): equal for a wasm module and a JS layer built from
/// the same table.
pub(crate) const LAYOUT_HASH: u32 = fnv1a(JS_CONSTANTS);

const fn fnv1a(table: &[JsConst]) -> u32 {
    const fn eat(mut hash: u32, bytes: &[u8]) -> u32 {
        let mut i = 0;
        while i < bytes.len() {
            hash = (hash ^ bytes[i] as u32).wrapping_mul(0x0100_0193);
            i += 1;
        }
        hash
    }
    let mut hash = 0x811c_9dc5;
    let mut i = 0;
    while i < table.len() {
        hash = eat(hash, table[i].name.as_bytes());
        hash = eat(hash, &table[i].value.to_le_bytes());
        i += 1;
    }
    hash
}

/// The generated JS module, exactly as committed.
#[cfg(test)]
fn render_js() -> String {
    use std::fmt::Write;
    let mut out = String::from(
        "// Generated from src/layout.rs by `WASMPOOL_BLESS=1 cargo test --lib layout`; do not edit.\n\
         // Byte offsets, bit fields and codes of the Rust core that the JS layer reads (src/sched/README.md).\n\n",
    );
    let line = |name: &str, value: i64| format!("export const {name} = {value};");
    let lines: Vec<(String, &str)> = JS_CONSTANTS
        .iter()
        .map(|k| (line(k.name, k.value), k.note))
        .chain([(
            line("LAYOUT_HASH", LAYOUT_HASH.into()),
            "wp_layout_hash() of a wasm module built from the same table",
        )])
        .collect();
    let width = lines.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    for (l, note) in lines {
        match note {
            "" => writeln!(out, "{l}"),
            _ => writeln!(out, "{l:width$} // {note}"),
        }
        .expect("writing to a String");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GENERATED: &str = "src/js/common/layout-constants.js";

    #[test]
    fn layout_constants_js_matches_the_table() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(GENERATED);
        let rendered = render_js();
        if std::env::var_os("WASMPOOL_BLESS").is_some_and(|v| v == "1") {
            std::fs::create_dir_all(path.parent().expect("a parent directory")).expect("creating the directory");
            std::fs::write(&path, &rendered).expect("writing the generated file");
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == rendered,
            "{GENERATED} does not match src/layout.rs (stale, edited or missing): \
             run WASMPOOL_BLESS=1 cargo test --lib layout, and commit the file"
        );
    }

    #[test]
    fn names_are_unique_js_identifiers() {
        let mut names: Vec<&str> = JS_CONSTANTS.iter().map(|k| k.name).collect();
        assert!(names.iter().all(|n| n.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')));
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), JS_CONSTANTS.len(), "a name appears twice");
    }

    #[test]
    fn hash_depends_on_names_and_values() {
        let one = [c("A", 1, "")];
        assert_ne!(fnv1a(&one), fnv1a(&[c("A", 2, "")]));
        assert_ne!(fnv1a(&one), fnv1a(&[c("B", 1, "")]));
        assert_eq!(fnv1a(&one), fnv1a(&[c("A", 1, "a note does not count")]));
    }
}
