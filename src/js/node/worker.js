// A pool thread in Node.js: a worker_threads worker that runs the package's
// worker bundle (pkg/worker.js, the very code of a browser pool thread) in a
// Web Worker scope. The scope module runs first (imports run in order).
import './install-scope.js';
import '../../../pkg/worker.js';
