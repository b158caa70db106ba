// What the engine drivers share: finding an executable, and a browser's pid.
import fs from 'node:fs';
import net from 'node:net';

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

/** A TCP port on 127.0.0.1 that was free a moment ago (for a server this process starts). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** The events the pages of a full driver (playwright, puppeteer) emit. */
export const PAGE_EVENTS = ['console', 'pageerror', 'worker', 'response', 'requestfailed'];

/** `page.goto(url)` of playwright or puppeteer, reduced to what callers read. */
export async function gotoPage(page, url) {
  const r = await page.goto(url);
  return { status: () => r.status(), headers: () => r.headers() };
}
