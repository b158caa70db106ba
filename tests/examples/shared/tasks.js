// A task module: every worker of a pool created with
// new Pool({ module: new URL('./tasks.js', import.meta.url) }) imports it, and
// pool.submit('triple', 7) runs its export there. Keep it free of imports: the
// bundlers copy a file named by new URL() as it is, they do not bundle it.
export function triple(x) {
  return x * 3;
}

export async function whereAmI() {
  return typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope ? 'worker' : 'page';
}
