// Requests made while rendering on the server (getServerSideProps). They go straight to the
// api (API_INTERNAL_URL, default http://127.0.0.1:8000) and carry the visitor's address in
// X-Forwarded-For, which the api believes from loopback, so rate limits see the visitor and not
// this server.
import type { IncomingMessage } from 'node:http';

const BASE = (process.env.API_INTERNAL_URL ?? 'http://127.0.0.1:8000').replace(/\/$/, '');

export interface ServerResult<T> {
  status: number;
  body: T | null;
}

export async function serverGet<T>(path: string, req: IncomingMessage): Promise<ServerResult<T>> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const xff = req.headers['x-forwarded-for'];
  const peer = req.socket?.remoteAddress;
  const forwarded = (Array.isArray(xff) ? xff.join(', ') : xff) ?? peer;
  if (forwarded) headers['X-Forwarded-For'] = forwarded;
  try {
    const res = await fetch(`${BASE}${path}`, { headers, signal: AbortSignal.timeout(5000) });
    if (!res.ok) return { status: res.status, body: null };
    return { status: res.status, body: (await res.json()) as T };
  } catch {
    return { status: 503, body: null };
  }
}

/** The public origin, for absolute URLs in Open Graph tags. */
export function siteOrigin(req: IncomingMessage): string {
  if (process.env.SITE_URL) return process.env.SITE_URL.replace(/\/$/, '');
  const proto = (req.headers['x-forwarded-proto'] as string | undefined) ?? 'http';
  const host = (req.headers['x-forwarded-host'] as string | undefined) ?? req.headers.host ?? '127.0.0.1:8080';
  return `${proto}://${host}`;
}
