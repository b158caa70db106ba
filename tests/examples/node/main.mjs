// The README's Node.js example (tests/examples/run.sh runs it from the packed
// tarball): it must print its results and exit by itself.
import { Pool } from 'wasmpool';

const pool = new Pool({ module: new URL('./tasks.js', import.meta.url) });
const tripled = await pool.map('triple', [1, 2, 3]); // a task-module export, by name
const sum = await pool.submit((a, b) => a + b, 2, 3); // an inline function
console.log(JSON.stringify({ tripled, sum, workers: pool.workers }));
await pool.shutdown();
