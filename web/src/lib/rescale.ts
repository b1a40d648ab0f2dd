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
