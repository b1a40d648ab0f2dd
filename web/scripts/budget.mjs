// First-load JavaScript budget, measured on the output of `next build` (docs/web.md).
// First load = every script the page's HTML loads: _app's chunks, the page's own chunks, the
// polyfill/root files and the small build manifests, each gzipped (level 9), counted once.
//   npm run budget                      checks /p/[sqid] against 150 KB and prints all pages
//   BUDGET_KB=120 npm run budget        another limit
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const root = path.join(import.meta.dirname, '..', '.next');
const LIMIT_KB = Number(process.env.BUDGET_KB ?? 150);
const PAGE = process.env.BUDGET_PAGE ?? '/p/[sqid]';

let manifest;
try {
  manifest = JSON.parse(await readFile(path.join(root, 'build-manifest.json'), 'utf8'));
} catch {
  console.error('No .next/build-manifest.json: run `npm run build` first.');
  process.exit(2);
}

const sizes = new Map();
async function gz(file) {
  if (!sizes.has(file)) {
    const buf = await readFile(path.join(root, file));
    sizes.set(file, { raw: buf.length, gz: gzipSync(buf, { level: 9 }).length });
  }
  return sizes.get(file);
}

async function firstLoad(page) {
  const files = new Set(
    [
      ...(manifest.polyfillFiles ?? []),
      ...(manifest.lowPriorityFiles ?? []),
      ...(manifest.rootMainFiles ?? []),
      ...(manifest.pages['/_app'] ?? []),
      ...(manifest.pages[page] ?? []),
    ].filter((f) => f.endsWith('.js')),
  );
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const s = await gz(f);
    raw += s.raw;
    gzip += s.gz;
  }
  return { files: files.size, raw, gzip };
}

if (!manifest.pages[PAGE]) {
  console.error(`${PAGE} is not in the build manifest.`);
  process.exit(2);
}
const kb = (n) => (n / 1024).toFixed(1);
console.log('First-load JS (gzip level 9):');
for (const page of Object.keys(manifest.pages).filter((p) => p !== '/_app').sort()) {
  const s = await firstLoad(page);
  console.log(`  ${page.padEnd(22)} ${kb(s.gzip).padStart(7)} KB gzip  (${kb(s.raw)} KB raw, ${s.files} files)`);
}
const target = await firstLoad(PAGE);
const ok = target.gzip <= LIMIT_KB * 1024;
console.log(`${PAGE}: ${kb(target.gzip)} KB gzipped, budget ${LIMIT_KB} KB: ${ok ? 'OK' : 'OVER BUDGET'}`);
process.exit(ok ? 0 : 1);
