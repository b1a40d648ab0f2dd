// Small display helpers shared by pages.

export function timeAgo(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  if (d < 30) return `${d} d ago`;
  return new Date(iso).toISOString().slice(0, 10);
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1048576) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1048576).toFixed(1)} MiB`;
}

/** "2026-11-28 • 12 frames × (64×64) • 3.2 KiB GIF" */
export function techLine(p: {
  created_at: string;
  frame_count?: number | null;
  width?: number | null;
  height?: number | null;
  file_bytes?: number | null;
  native_format?: string | null;
}): string {
  const parts = [p.created_at.slice(0, 10)];
  const frames = p.frame_count ?? 1;
  if (p.width && p.height) parts.push(`${frames > 1 ? `${frames} frames × ` : ''}(${p.width}×${p.height})`);
  if (p.file_bytes) parts.push(`${bytes(p.file_bytes)}${p.native_format ? ` ${p.native_format.toUpperCase()}` : ''}`);
  return parts.join(' • ');
}
