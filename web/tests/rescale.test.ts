import { describe, expect, it } from 'vitest';
import { gifFrameCount, isAnimated, rescaleNearest, type Pixels } from '@/lib/rescale';

function img(w: number, h: number, px: number[][]): Pixels {
  const data = new Uint8ClampedArray(w * h * 4);
  px.forEach((p, i) => data.set(p, i * 4));
  return { width: w, height: h, data };
}
const R = [255, 0, 0, 255];
const G = [0, 255, 0, 255];
const B = [0, 0, 255, 255];
const T = [0, 0, 0, 0];

function pixel(p: Pixels, x: number, y: number): number[] {
  const i = (y * p.width + x) * 4;
  return Array.from(p.data.slice(i, i + 4));
}

describe('rescaleNearest', () => {
  it('doubles every pixel on a 2× upscale', () => {
    const src = img(2, 2, [R, G, B, T]);
    const out = rescaleNearest(src, 4, 4);
    expect(out.width).toBe(4);
    expect(pixel(out, 0, 0)).toEqual(R);
    expect(pixel(out, 1, 1)).toEqual(R);
    expect(pixel(out, 2, 0)).toEqual(G);
    expect(pixel(out, 3, 1)).toEqual(G);
    expect(pixel(out, 0, 3)).toEqual(B);
    expect(pixel(out, 3, 3)).toEqual(T);
  });
  it('is the identity at the same size', () => {
    const src = img(3, 1, [R, G, B]);
    expect(Array.from(rescaleNearest(src, 3, 1).data)).toEqual(Array.from(src.data));
  });
  it('samples pixel centres when shrinking', () => {
    const src = img(4, 1, [R, R, G, G]);
    const out = rescaleNearest(src, 2, 1);
    expect(pixel(out, 0, 0)).toEqual(R);
    expect(pixel(out, 1, 0)).toEqual(G);
  });
  it('never invents a colour (100×37 to 64×32)', () => {
    const w = 100;
    const h = 37;
    const pal = [R, G, B, T];
    const px = Array.from({ length: w * h }, (_, i) => pal[(i * 7) % 4]);
    const out = rescaleNearest(img(w, h, px), 64, 32);
    const allowed = new Set(pal.map((p) => p.join(',')));
    for (let y = 0; y < 32; y++) for (let x = 0; x < 64; x++) expect(allowed.has(pixel(out, x, y).join(','))).toBe(true);
    expect(out.data.length).toBe(64 * 32 * 4);
  });
  it('refuses a bad size or buffer', () => {
    expect(() => rescaleNearest(img(1, 1, [R]), 0, 1)).toThrow(RangeError);
    expect(() => rescaleNearest({ width: 2, height: 2, data: new Uint8ClampedArray(4) }, 1, 1)).toThrow(RangeError);
  });
});

/** A minimal GIF: 2×2, global palette of 2, `frames` image blocks, optional extension first. */
function gif(frames: number, withComment = false): Uint8Array {
  const out: number[] = [...'GIF89a'].map((c) => c.charCodeAt(0));
  out.push(2, 0, 2, 0, 0x80, 0, 0); // 2×2, global table of 2 entries
  out.push(0, 0, 0, 255, 255, 255);
  if (withComment) out.push(0x21, 0xfe, 3, 0x2c, 0x2c, 0x2c, 0); // bytes that look like descriptors
  for (let f = 0; f < frames; f++) {
    out.push(0x21, 0xf9, 4, 0, 10, 0, 0, 0); // graphic control: 100 ms
    out.push(0x2c, 0, 0, 0, 0, 2, 0, 2, 0, 0);
    out.push(2, 2, 0x44, 0x01, 0); // LZW min size 2, one sub-block, terminator
  }
  out.push(0x3b);
  return new Uint8Array(out);
}

function webp(flags: number): Uint8Array {
  const b = new Uint8Array(30);
  b.set([...'RIFF'].map((c) => c.charCodeAt(0)), 0);
  b.set([...'WEBP'].map((c) => c.charCodeAt(0)), 8);
  b.set([...'VP8X'].map((c) => c.charCodeAt(0)), 12);
  b[20] = flags;
  return b;
}

describe('isAnimated', () => {
  it('counts the frames of a GIF by walking its blocks', () => {
    expect(gifFrameCount(gif(1))).toBe(1);
    expect(gifFrameCount(gif(3))).toBe(3);
    expect(isAnimated(gif(1), 'gif')).toBe(false);
    expect(isAnimated(gif(2), 'gif')).toBe(true);
  });

  it('is not fooled by descriptor bytes inside an extension', () => {
    expect(gifFrameCount(gif(1, true))).toBe(1);
  });

  it('reads the animation flag of an extended WebP', () => {
    expect(isAnimated(webp(0x02), 'webp')).toBe(true);
    expect(isAnimated(webp(0x10), 'webp')).toBe(false);
  });

  it('never calls a PNG or BMP animated', () => {
    expect(isAnimated(gif(2), 'png')).toBe(false);
  });
});
