// A simulated p3a for the browser tests: runs the `player-sim` binary of the test-support
// crate (built on first use), which provisions, waits to be registered, connects over mTLS
// and prints one JSON line per event (provisioned, connected, command).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = path.join(import.meta.dirname, '..', '..');
const TARGET = process.env.CARGO_TARGET_DIR ?? path.join(ROOT, 'target');
const BIN = path.join(TARGET, 'debug', 'player-sim');

function ensureBuilt() {
  if (existsSync(BIN)) return;
  const r = spawnSync('cargo', ['build', '-p', 'test-support', '--bin', 'player-sim'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`cargo build of player-sim failed (exit ${r.status})`);
}

/** A fresh loopback address: provisioning allows 10 an hour per address. */
function freshLoopback() {
  const b = () => Math.floor(Math.random() * 254) + 1;
  return `127.${b()}.${b()}.${Math.max(2, b())}`;
}

/**
 * Starts the simulator against `api` (the site's `/api` prefix). `events` holds every line
 * so far; `waitFor(pred, ms)` resolves with the first event matching `pred`, past or future.
 */
export function startPlayerSim({ api, vault, bindIp = freshLoopback() }) {
  ensureBuilt();
  const args = ['--api', api, '--bind-ip', bindIp];
  if (vault) args.push('--vault', vault);
  const child = spawn(BIN, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const events = [];
  const waiters = new Set();
  let stderr = '';
  let exited = null;

  const settle = () => {
    for (const w of waiters) {
      const hit = events.find(w.pred);
      if (hit) {
        waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve(hit);
      } else if (exited) {
        waiters.delete(w);
        clearTimeout(w.timer);
        w.reject(new Error(`player-sim exited (${exited}) before the event: ${stderr.trim()}`));
      }
    }
  };

  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      events.push(JSON.parse(line));
    } catch {
      stderr += `unreadable line: ${line}\n`;
    }
    settle();
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  child.on('exit', (code, signal) => {
    exited = signal ? `signal ${signal}` : `code ${code}`;
    settle();
  });

  return {
    events,
    get stderr() {
      return stderr;
    },
    waitFor(pred, timeoutMs = 20_000, what = 'a player-sim event') {
      return new Promise((resolve, reject) => {
        const w = { pred, resolve, reject };
        w.timer = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`timed out waiting for ${what}; events so far ${JSON.stringify(events)}; stderr ${stderr.trim()}`));
        }, timeoutMs);
        waiters.add(w);
        settle();
      });
    },
    /** Closes stdin (the simulator disconnects cleanly) and waits for it to exit. */
    async stop() {
      if (exited) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.stdin.end();
      const t = setTimeout(() => child.kill('SIGTERM'), 5000);
      await gone;
      clearTimeout(t);
    },
  };
}
