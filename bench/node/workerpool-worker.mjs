// workerpool's worker (worker_threads mode): the same tiny task, registered by name.
import workerpool from 'workerpool';
import { identity } from './tasks.mjs';

workerpool.worker({ identity });
