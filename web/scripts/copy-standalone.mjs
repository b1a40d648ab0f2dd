// After `next build`: the standalone server does not carry the static assets; copy
// .next/static and public/ next to it so `node .next/standalone/server.js` serves everything.
import { cp, rm } from 'node:fs/promises';
import path from 'node:path';

const web = path.join(import.meta.dirname, '..');
const out = path.join(web, '.next', 'standalone');
await rm(path.join(out, '.next', 'static'), { recursive: true, force: true });
await cp(path.join(web, '.next', 'static'), path.join(out, '.next', 'static'), { recursive: true });
await cp(path.join(web, 'public'), path.join(out, 'public'), { recursive: true });
console.log('copied .next/static and public/ into .next/standalone');
