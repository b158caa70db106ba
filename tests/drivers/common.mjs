// What the engine drivers share: finding an executable, and a browser's pid.
import fs from 'node:fs';

/** The first existing path among $envVar and `candidates`, or an error that says what to install. */
export function findExecutable(envVar, candidates, what) {
  const found = [process.env[envVar], ...candidates].find((c) => c && fs.existsSync(c));
  if (!found) throw new Error(`no ${what} found: install it (npm run setup does) or set ${envVar}`);
  return found;
}

// A driver may not expose the browser's pid: the newest child of this process
// whose executable matches `exeRe` is the one just launched (Debian's
// /usr/bin/chromium is a shell script that execs /usr/lib/chromium/chromium).
export function newestChildPid(exeRe) {
  let best = null;
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[1]) !== process.pid) continue;
      const exe = fs.readlinkSync(`/proc/${name}/exe`);
      if (!exeRe.test(exe)) continue;
      if (best === null || Number(name) > best) best = Number(name);
    } catch {
      /* exited, or not ours */
    }
  }
  return best;
}
