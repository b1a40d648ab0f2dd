// Helpers of the browser tests: where the stack is, the browser, mail from the SMTP sink.
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';

const WEB = path.join(import.meta.dirname, '..');

/** .stack/ of the checkout (STACK_DIR overrides, e.g. for a stack started elsewhere). */
export const STACK_DIR = process.env.STACK_DIR ?? path.join(WEB, '..', '.stack');
export const SHOTS = path.join(WEB, 'test-results', 'screenshots');

export async function stackEnv() {
  const env = {};
  const text = await readFile(path.join(STACK_DIR, 'env'), 'utf8');
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) env[m[1]] = m[2];
  }
  for (const k of Object.keys(env)) if (process.env[k]) env[k] = process.env[k];
  return env;
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

/**
 * A browser context that may only talk to this machine: anything else is aborted and recorded,
 * so a test can prove no request leaves it (no fonts, analytics or CDNs).
 */
export async function localContext(browser, outside, options = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  await ctx.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname) || u.protocol === 'data:' || u.protocol === 'blob:') {
      return route.continue();
    }
    outside.push(u.href);
    return route.abort();
  });
  ctx.setDefaultTimeout(20_000);
  return ctx;
}

/** Waits for the newest verification-code mail to `to` in the sink's directory. */
export async function waitForCode(mailDir, to, since, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    let names = [];
    try {
      names = await readdir(mailDir);
    } catch {
      // Not written yet.
    }
    const found = [];
    for (const n of names.filter((n) => n.endsWith('.eml'))) {
      const p = path.join(mailDir, n);
      const s = await stat(p);
      if (s.mtimeMs < since - 1000) continue;
      const text = await readFile(p, 'utf8');
      if (!new RegExp(`^To: .*${to.replace(/[.+]/g, '\\$&')}`, 'mi').test(text)) continue;
      const body = text.replace(/=\r?\n/g, '');
      const m = /^\s*(\d{6})\s*$/m.exec(body.split(/\r?\n\r?\n/).slice(1).join('\n'));
      if (m) found.push({ t: s.mtimeMs, code: m[1] });
    }
    if (found.length) return found.sort((a, b) => b.t - a.t)[0].code;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`no verification code mailed to ${to} within ${timeoutMs} ms (looked in ${mailDir})`);
}

export async function shot(page, name) {
  await mkdir(SHOTS, { recursive: true });
  // A sticky header would otherwise sit in the middle of a full-page shot of a scrolled page.
  await page.evaluate(() => window.scrollTo(0, 0)).catch(() => undefined);
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: width === 360 ? 740 : 900 });
    await page.waitForTimeout(150);
    await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** Polls `fn` until it returns a truthy value. */
export async function eventually(fn, timeoutMs = 15_000, what = 'condition') {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what} (last value ${JSON.stringify(last)})`);
}
