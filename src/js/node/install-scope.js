// Imported first by worker.js: the scope must exist before pkg/worker.js runs.
import { installWorkerScope } from './worker-scope.js';

installWorkerScope();
