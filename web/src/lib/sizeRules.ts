// The artwork rules the api enforces on upload (http-api.md §1.9), checked in the browser first
// so people learn about a bad file before sending 5 MiB, plus the nearest valid canvas size.

export const MAX_FILE_BYTES = 5 * 1024 * 1024;
export const FREE_FORM_MIN = 128;
export const FREE_FORM_MAX = 256;
export const MIN_SIDE = 8;

/** Canvas sizes allowed below 128 px (both orders of each pair). */
export const SMALL_WHITELIST: ReadonlyArray<readonly [number, number]> = [
  [8, 8], [8, 16], [16, 8], [8, 32], [32, 8], [16, 16], [16, 32], [32, 16],
  [32, 32], [32, 64], [64, 32], [64, 64], [64, 128], [128, 64],
];

export type ArtFormat = 'png' | 'gif' | 'webp' | 'bmp';

export const ACCEPTED_EXTENSIONS = ['.png', '.gif', '.webp', '.bmp'] as const;

/** True when the api accepts a canvas of w×h. */
export function isValidSize(w: number, h: number): boolean {
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1) return false;
  if (w > FREE_FORM_MAX || h > FREE_FORM_MAX) return false;
  if (w >= FREE_FORM_MIN && h >= FREE_FORM_MIN) return true;
  return SMALL_WHITELIST.some(([a, b]) => a === w && b === h);
}

/**
 * Reads the format from the file's first bytes, never from its name (a renamed text file must
 * not pass). APNG counts as unsupported, as on the server.
 */
export function sniffFormat(bytes: Uint8Array): ArtFormat | null {
  const b = bytes;
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) {
    return hasChunk(b, 'acTL') ? null : 'png';
  }
  if (b.length >= 6 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38) return 'gif';
  if (
    b.length >= 12 && b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 &&
    b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50
  ) {
    return 'webp';
  }
  if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) return 'bmp';
  return null;
}

/** An animated PNG declares `acTL` before its first `IDAT`. */
function hasChunk(b: Uint8Array, name: string): boolean {
  let off = 8;
  while (off + 8 <= b.length) {
    const len = ((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) >>> 0;
    const type = String.fromCharCode(b[off + 4], b[off + 5], b[off + 6], b[off + 7]);
    if (type === name) return true;
    if (type === 'IDAT') return false;
    off += 12 + len;
  }
  return false;
}

export interface FileCheck {
  format: ArtFormat | null;
  problems: string[];
  /** The canvas size is not one the api accepts; `suggested` is the nearest one that is. */
  needsRescale: boolean;
  suggested: { width: number; height: number } | null;
}

/** Every rule at once, worded for the person choosing the file. */
export function checkArtwork(
  bytes: Uint8Array,
  fileSize: number,
  dims: { width: number; height: number } | null,
): FileCheck {
  const format = sniffFormat(bytes);
  const problems: string[] = [];
  if (!format) {
    problems.push('Unsupported format: use PNG, GIF, WebP or BMP (animated PNG is not accepted).');
  }
  if (fileSize > MAX_FILE_BYTES) {
    problems.push(`The file is ${(fileSize / 1048576).toFixed(1)} MiB; the upload limit is 5 MiB.`);
  }
  let needsRescale = false;
  let suggested: FileCheck['suggested'] = null;
  if (format && dims && !isValidSize(dims.width, dims.height)) {
    needsRescale = true;
    suggested = nearestValidSize(dims.width, dims.height);
    problems.push(
      `${dims.width}×${dims.height} is non-standard. Scaling to a valid size is required.`,
    );
  }
  return { format, problems, needsRescale, suggested };
}

/**
 * The valid canvas closest to w×h. Free-form sizes (128..256 on both sides) are reached by one
 * uniform factor when possible, so the art keeps its shape; otherwise the whitelist entry (or
 * clamped free-form size) with the smallest change of sides and aspect ratio wins.
 */
export function nearestValidSize(w: number, h: number): { width: number; height: number } {
  if (isValidSize(w, h)) return { width: w, height: h };
  const candidates: Array<[number, number]> = SMALL_WHITELIST.map(([a, b]) => [a, b]);
  const lo = Math.max(FREE_FORM_MIN / w, FREE_FORM_MIN / h);
  const hi = Math.min(FREE_FORM_MAX / w, FREE_FORM_MAX / h);
  if (lo <= hi) {
    const s = Math.min(Math.max(1, lo), hi);
    const cw = clamp(Math.round(w * s), FREE_FORM_MIN, FREE_FORM_MAX);
    const ch = clamp(Math.round(h * s), FREE_FORM_MIN, FREE_FORM_MAX);
    candidates.push([cw, ch]);
  }
  candidates.push([clamp(w, FREE_FORM_MIN, FREE_FORM_MAX), clamp(h, FREE_FORM_MIN, FREE_FORM_MAX)]);
  let best = candidates[0];
  let bestCost = Infinity;
  for (const c of candidates) {
    const cost = sizeCost(w, h, c[0], c[1]);
    if (cost < bestCost - 1e-9) {
      best = c;
      bestCost = cost;
    }
  }
  return { width: best[0], height: best[1] };
}

function sizeCost(w: number, h: number, cw: number, ch: number): number {
  const sides = Math.abs(Math.log(cw / w)) + Math.abs(Math.log(ch / h));
  const aspect = Math.abs(Math.log(cw / ch / (w / h)));
  return sides + 2 * aspect;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/**
 * The largest whole-number factor that fits w×h into a box (at least 1), so pixels stay square
 * and equal-sized.
 */
export function wholeScale(w: number, h: number, box: number): number {
  if (w <= 0 || h <= 0) return 1;
  return Math.max(1, Math.floor(box / Math.max(w, h)));
}
