// Nearest-neighbour rescaling of RGBA pixels: every output pixel copies exactly one input pixel,
// so pixel art keeps its hard edges and palette (no new colours appear).

export interface Pixels {
  width: number;
  height: number;
  /** RGBA, row-major, 4 bytes a pixel (the layout of canvas ImageData). */
  data: Uint8ClampedArray;
}

/** Returns a new w×h image; samples the source at each output pixel's centre. */
export function rescaleNearest(src: Pixels, width: number, height: number): Pixels {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`invalid target size ${width}×${height}`);
  }
  if (src.data.length !== src.width * src.height * 4) {
    throw new RangeError('pixel buffer does not match its size');
  }
  const out = new Uint8ClampedArray(width * height * 4);
  const xs = new Uint32Array(width);
  for (let x = 0; x < width; x++) {
    xs[x] = Math.min(src.width - 1, Math.floor(((x + 0.5) * src.width) / width));
  }
  for (let y = 0; y < height; y++) {
    const sy = Math.min(src.height - 1, Math.floor(((y + 0.5) * src.height) / height));
    const srcRow = sy * src.width * 4;
    const dstRow = y * width * 4;
    for (let x = 0; x < width; x++) {
      const s = srcRow + xs[x] * 4;
      const d = dstRow + x * 4;
      out[d] = src.data[s];
      out[d + 1] = src.data[s + 1];
      out[d + 2] = src.data[s + 2];
      out[d + 3] = src.data[s + 3];
    }
  }
  return { width, height, data: out };
}

// Animated files are not rescaled here: the canvas only ever sees their first frame, and
// re-encoding every frame would need a GIF/WebP encoder the page does not ship. The upload
// form uses this to say so before the artist loses the animation.

/** True when a GIF has more than one frame or a WebP carries an animation. */
export function isAnimated(bytes: Uint8Array, format: string | null): boolean {
  if (format === 'gif') return gifFrameCount(bytes, 2) > 1;
  if (format === 'webp') return webpAnimated(bytes);
  return false;
}

/** Counts GIF image descriptors, stopping at `stopAt`; walks the block structure. */
export function gifFrameCount(b: Uint8Array, stopAt = Infinity): number {
  if (b.length < 13) return 0;
  let i = 13;
  const flags = b[10];
  if (flags & 0x80) i += 3 * (1 << ((flags & 0x07) + 1));
  let frames = 0;
  while (i < b.length) {
    const tag = b[i];
    if (tag === 0x3b) break;
    if (tag === 0x21) {
      i = skipSubBlocks(b, i + 2);
    } else if (tag === 0x2c) {
      frames++;
      if (frames >= stopAt || i + 10 > b.length) break;
      const lf = b[i + 9];
      i += 10;
      if (lf & 0x80) i += 3 * (1 << ((lf & 0x07) + 1));
      i = skipSubBlocks(b, i + 1); // past the LZW minimum code size byte
    } else {
      break; // not a GIF block: the file is damaged; count what was found
    }
  }
  return frames;
}

function skipSubBlocks(b: Uint8Array, i: number): number {
  while (i < b.length) {
    const n = b[i];
    i += 1 + n;
    if (n === 0) break;
  }
  return i;
}

/** An animated WebP is an extended (`VP8X`) file with the animation flag set. */
function webpAnimated(b: Uint8Array): boolean {
  const tag = (o: number) => String.fromCharCode(b[o], b[o + 1], b[o + 2], b[o + 3]);
  if (b.length < 21 || tag(0) !== 'RIFF' || tag(8) !== 'WEBP') return false;
  return tag(12) === 'VP8X' && (b[20] & 0x02) !== 0;
}
