// For tsconfig.checkjs.json, whose globals are a page's (lib dom): the worker
// global that src/js/embedded.js, the page's and the worker's module at once,
// tests for to know where it runs.
declare var WorkerGlobalScope: unknown;
