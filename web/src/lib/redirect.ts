// Where to go after signing in: only a path on this site, so `?redirect=` cannot send people
// to another host.

/** A `?redirect=` target that stays on this site (a path, never `//host` or a scheme). */
export function safeRedirect(raw: unknown, fallback = '/'): string {
  if (typeof raw !== 'string' || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) {
    return fallback;
  }
  return raw;
}
