// A tiny GIF encoder for the end-to-end tests: 4 colours, LZW as GIF89a specifies, and a
// comment block carrying a UUID so every generated file has a new hash (the api refuses
// duplicates).

function lzw(minCodeSize, indices) {
  const clear = 1 << minCodeSize;
  const eoi = clear + 1;
  const bytes = [];
  let acc = 0;
  let nbits = 0;
  let size = minCodeSize + 1;
  const emit = (code) => {
    acc |= code << nbits;
    nbits += size;
    while (nbits >= 8) {
      bytes.push(acc & 0xff);
      acc >>= 8;
      nbits -= 8;
    }
  };
  let table = new Map();
  let next = eoi + 1;
  emit(clear);
  let prefix = indices[0];
  for (let i = 1; i < indices.length; i++) {
    const k = indices[i];
    const key = `${prefix},${k}`;
    if (table.has(key)) {
      prefix = table.get(key);
      continue;
    }
    emit(prefix);
    if (next === 4096) {
      emit(clear);
      table = new Map();
      next = eoi + 1;
      size = minCodeSize + 1;
    } else {
      if (next >= 1 << size) size++;
      table.set(key, next++);
    }
    prefix = k;
  }
  emit(prefix);
  emit(eoi);
  if (nbits > 0) bytes.push(acc & 0xff);
  return bytes;
}

function subBlocks(bytes) {
  const out = [];
  for (let i = 0; i < bytes.length; i += 255) {
    const chunk = bytes.slice(i, i + 255);
    out.push(chunk.length, ...chunk);
  }
  out.push(0);
  return out;
}

/** A w×h GIF; `pixel(x, y)` returns a palette index 0..3. */
export function makeGif(w, h, palette, pixel, comment) {
  const le = (n) => [n & 0xff, (n >> 8) & 0xff];
  const out = [...Buffer.from('GIF89a'), ...le(w), ...le(h), 0x91, 0, 0];
  for (let i = 0; i < 4; i++) out.push(...(palette[i] ?? [0, 0, 0]));
  if (comment) out.push(0x21, 0xfe, ...subBlocks([...Buffer.from(comment)]));
  out.push(0x2c, ...le(0), ...le(0), ...le(w), ...le(h), 0);
  const idx = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) idx.push(pixel(x, y) & 3);
  out.push(2, ...subBlocks(lzw(2, idx)), 0x3b);
  return Buffer.from(out);
}
