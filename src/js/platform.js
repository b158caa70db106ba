// What the page side needs from its host, in one place. The defaults are a
// browser's; the Node.js entry (node/runtime.js) installs its own with
// setPlatform before any pool exists.

const noop = () => {};

export const platform = {
  /** Shared memory is always there (Node.js): no cross-origin isolation to ask for. */
  alwaysIsolated: false,
  /**
   * Logical cores (the default number of workers), or undefined if unknown.
   *
   * @type {() => number | undefined}
   */
  cores: () => globalThis.navigator?.hardwareConcurrency,
  /**
   * The absolute URL of a task module given as `module`, or null for the page's rules (page/options.js).
   *
   * @type {(module: string | URL) => string | null}
   */
  taskModuleUrl: (_module) => null,
  /**
   * Keeps the process alive until the returned function is called: a pool
   * holds it while it starts, runs tasks or shuts down (Node.js; a page has
   * no process to keep).
   *
   * @type {() => () => void}
   */
  holdProcess: () => noop,
};

/**
 * Overrides some of `platform` (node/runtime.js).
 *
 * @param {Partial<typeof platform>} overrides
 */
export function setPlatform(overrides) {
  Object.assign(platform, overrides);
}
