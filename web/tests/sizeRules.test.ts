import { describe, expect, it } from 'vitest';
import {
  checkArtwork,
  isValidSize,
  nearestValidSize,
  sniffFormat,
  wholeScale,
  MAX_FILE_BYTES,
} from '@/lib/sizeRules';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const GIF = new TextEncoder().encode('GIF89a....');
const WEBP = new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8L');
const BMP = new TextEncoder().encode('BM......');

function apng(): Uint8Array {
  // Signature, an IHDR chunk of 13 bytes, then acTL before any IDAT.
  const b = new Uint8Array(8 + 25 + 20);
  b.set(PNG.subarray(0, 8));
  b.set([0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52], 8);
  b.set([0, 0, 0, 8, 0x61, 0x63, 0x54, 0x4c], 8 + 25);
  return b;
}

describe('isValidSize', () => {
  it('accepts free-form sizes from 128 to 256 on both sides', () => {
    expect(isValidSize(128, 128)).toBe(true);
    expect(isValidSize(256, 256)).toBe(true);
    expect(isValidSize(200, 129)).toBe(true);
  });
  it('rejects anything over 256', () => {
    expect(isValidSize(257, 128)).toBe(false);
    expect(isValidSize(128, 300)).toBe(false);
  });
  it('accepts only whitelisted sizes below 128', () => {
    expect(isValidSize(8, 8)).toBe(true);
    expect(isValidSize(64, 128)).toBe(true);
    expect(isValidSize(128, 64)).toBe(true);
    expect(isValidSize(16, 64)).toBe(false);
    expect(isValidSize(100, 37)).toBe(false);
    expect(isValidSize(127, 127)).toBe(false);
    expect(isValidSize(64, 127)).toBe(false);
  });
  it('rejects nonsense', () => {
    expect(isValidSize(0, 8)).toBe(false);
    expect(isValidSize(8.5, 8)).toBe(false);
  });
});

describe('nearestValidSize', () => {
  it('leaves a valid size alone', () => {
    expect(nearestValidSize(64, 64)).toEqual({ width: 64, height: 64 });
  });
  it('picks the whitelisted size closest in sides and shape', () => {
    expect(nearestValidSize(100, 37)).toEqual({ width: 64, height: 32 });
    expect(nearestValidSize(30, 30)).toEqual({ width: 32, height: 32 });
    expect(nearestValidSize(70, 60)).toEqual({ width: 64, height: 64 });
    expect(nearestValidSize(9, 17)).toEqual({ width: 8, height: 16 });
  });
  it('scales oversized art uniformly into the free-form range', () => {
    expect(nearestValidSize(512, 512)).toEqual({ width: 256, height: 256 });
    expect(nearestValidSize(300, 200)).toEqual({ width: 256, height: 171 });
  });
  it('always returns a valid size', () => {
    for (const [w, h] of [[1, 1], [1000, 3], [3, 1000], [129, 50], [255, 9], [640, 480], [120, 120]]) {
      const s = nearestValidSize(w, h);
      expect(isValidSize(s.width, s.height), `${w}x${h} -> ${s.width}x${s.height}`).toBe(true);
    }
  });
});

describe('sniffFormat', () => {
  it('reads the four formats from their magic bytes', () => {
    expect(sniffFormat(PNG)).toBe('png');
    expect(sniffFormat(GIF)).toBe('gif');
    expect(sniffFormat(WEBP)).toBe('webp');
    expect(sniffFormat(BMP)).toBe('bmp');
  });
  it('refuses text, JPEG and animated PNG', () => {
    expect(sniffFormat(new TextEncoder().encode('hello world'))).toBeNull();
    expect(sniffFormat(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBeNull();
    expect(sniffFormat(apng())).toBeNull();
  });
});

describe('checkArtwork', () => {
  it('reports an unsupported format', () => {
    const c = checkArtwork(new TextEncoder().encode('not an image'), 12, null);
    expect(c.format).toBeNull();
    expect(c.problems[0]).toMatch(/Unsupported format/);
  });
  it('reports a file over 5 MiB', () => {
    const c = checkArtwork(PNG, MAX_FILE_BYTES + 1, { width: 64, height: 64 });
    expect(c.problems).toHaveLength(1);
    expect(c.problems[0]).toMatch(/5 MiB/);
  });
  it('asks for a rescale with the nearest size', () => {
    const c = checkArtwork(PNG, 100, { width: 100, height: 37 });
    expect(c.needsRescale).toBe(true);
    expect(c.suggested).toEqual({ width: 64, height: 32 });
    expect(c.problems[0]).toMatch(/non-standard/);
  });
  it('passes a good file', () => {
    const c = checkArtwork(GIF, 1000, { width: 32, height: 32 });
    expect(c).toEqual({ format: 'gif', problems: [], needsRescale: false, suggested: null });
  });
});

describe('wholeScale', () => {
  it('finds the largest whole factor that fits', () => {
    expect(wholeScale(64, 64, 512)).toBe(8);
    expect(wholeScale(100, 37, 512)).toBe(5);
    expect(wholeScale(256, 128, 512)).toBe(2);
    expect(wholeScale(200, 200, 328)).toBe(1);
  });
});

describe('artScaleCss', async () => {
  const { artScaleCss } = await import('@/components/ArtImage');
  it('starts at the largest whole scale for a 512 px box', () => {
    expect(artScaleCss('art', 32, 32).scale).toBe(16);
    expect(artScaleCss('art', 256, 128).scale).toBe(2);
  });
  it('steps down one whole factor per narrower viewport', () => {
    const { css } = artScaleCss('art', 64, 32);
    // 8× needs 512+72 px; below that 7×, and so on.
    expect(css).toContain('@media (max-width:583px){#art{width:448px;height:224px}}');
    expect(css).toContain('@media (max-width:391px){#art{width:256px;height:128px}}');
    for (const m of css.matchAll(/width:(\d+)px;height:(\d+)px/g)) {
      expect(Number(m[1]) % 64).toBe(0);
      expect(Number(m[2]) % 32).toBe(0);
    }
  });
  it('shows 256 px art 1:1 on phones and doubled on desktops', () => {
    expect(artScaleCss('art', 256, 256)).toEqual({
      scale: 2,
      css: '@media (max-width:583px){#art{width:256px;height:256px}}',
    });
  });
});
