// The picture link previews show for an artwork: the worker's nearest-neighbour enlargement
// (`{key}_upscaled.webp`, longer side at most 768 px by a whole factor) once it exists, else
// the original file.

const PREVIEW_MAX = 768;

export interface OgImage {
  url: string;
  width: number;
  height: number;
}

export function previewImage(p: {
  art_url?: string | null;
  width?: number | null;
  height?: number | null;
  files: Array<{ format: string }>;
}): OgImage | null {
  if (!p.art_url || !p.width || !p.height) return null;
  if (p.files.some((f) => f.format === 'upscaled_webp')) {
    const k = Math.max(1, Math.floor(PREVIEW_MAX / Math.max(p.width, p.height)));
    return {
      url: p.art_url.replace(/\.[a-z0-9]+$/i, '_upscaled.webp'),
      width: p.width * k,
      height: p.height * k,
    };
  }
  return { url: p.art_url, width: p.width, height: p.height };
}
