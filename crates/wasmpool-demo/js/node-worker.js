// A pool thread of the demo crate in Node.js: the package's Web Worker scope,
// then this crate's worker bundle (as src/js/node/worker.js does for the
// package's).
import '../../../src/js/node/install-scope.js';
import '../pkg/worker.js';
