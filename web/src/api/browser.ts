// The one ApiClient of a browser tab. Same-origin `/api` behind Caddy unless
// NEXT_PUBLIC_API_BASE_URL says otherwise (baked in at build time).
import { ApiClient } from './client';

let client: ApiClient | null = null;

export function api(): ApiClient {
  if (!client) {
    const channel =
      typeof BroadcastChannel !== 'undefined' ? new BroadcastChannel('makapix-auth') : null;
    client = new ApiClient({
      baseUrl: process.env.NEXT_PUBLIC_API_BASE_URL ?? '/api',
      channel,
    });
  }
  return client;
}

/** `?a=1&b=2` from the defined entries only. */
export function qs(params: Record<string, string | number | boolean | null | undefined>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  }
  const s = u.toString();
  return s ? `?${s}` : '';
}
