// An opt-in trace of the page's steps that wait on another thread with no
// bound of their own (a kill's handshake, shutdown's stages): a page that
// sets `globalThis.__wasmpoolTrace = []` gets one line per step, timestamped.
// The test harness does, and prints the last lines when an evaluation hangs,
// so a rare hang in CI says where it waits. Off (one property read) otherwise;
// never on a per-task path.

/**
 * Appends `line` to the page's trace, if it keeps one.
 * @param {string} line
 */
export function trace(line) {
  /** @type {{ __wasmpoolTrace?: string[] }} */ (globalThis).__wasmpoolTrace?.push(
    `${Math.round(performance.now())} ${line}`,
  );
}
