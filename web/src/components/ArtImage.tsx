// The artwork on its own page, scaled by whole numbers only (every source pixel becomes k×k
// screen pixels). The scale per viewport width comes from media queries written on the server,
// so the page looks right before (and without) JavaScript.

const BOX = 512;
/** Horizontal room around the art on small screens: page padding and the frame's (2 × 16 each), plus slack for a scrollbar. */
const GUTTER = 72;

export function artScaleCss(id: string, w: number, h: number): { scale: number; css: string } {
  const side = Math.max(w, h);
  const top = Math.max(1, Math.floor(BOX / side));
  const rules: string[] = [];
  // Below the width where k×side no longer fits, drop to k-1, down to 1.
  for (let k = top; k > 1; k--) {
    const needs = k * side + GUTTER;
    if (needs <= 300) break;
    rules.push(
      `@media (max-width:${needs - 1}px){#${id}{width:${(k - 1) * w}px;height:${(k - 1) * h}px}}`,
    );
  }
  return { scale: top, css: rules.join('') };
}

export function ArtImage({ src, alt, width, height }: { src: string; alt: string; width: number; height: number }) {
  const id = 'art';
  const { scale, css } = artScaleCss(id, width, height);
  return (
    <div className="art-frame">
      {css && <style>{css}</style>}
      <img
        id={id}
        className="artwork-image pixel-art"
        src={src}
        alt={alt}
        width={width * scale}
        height={height * scale}
      />
    </div>
  );
}
