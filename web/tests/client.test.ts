import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError, errorMessage, type TokenBody } from '@/api/client';

interface Call {
  url: string;
  method: string;
  auth: string | null;
  credentials: RequestCredentials | undefined;
}

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-28T12:00:00Z');

function tokens(token: string, expiresAt: number): TokenBody {
  return {
    token,
    user_id: 7,
    user_key: '00000000-0000-0000-0000-000000000007',
    public_sqid: 'abc',
    user_handle: 'ada',
    expires_at: new Date(expiresAt).toISOString(),
    needs_welcome: false,
  };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

/** A fake api: `/v1/auth/refresh` answers from a script; other paths accept only `valid`. */
function fakeApi(opts: { refresh: Array<() => Response | Promise<Response>>; valid: Set<string> }) {
  const calls: Call[] = [];
  const f = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const headers = new Headers(init?.headers);
    const auth = headers.get('Authorization');
    calls.push({ url, method: init?.method ?? 'GET', auth, credentials: init?.credentials });
    if (url.endsWith('/v1/auth/refresh')) {
      const next = opts.refresh.shift();
      if (!next) throw new Error('unexpected refresh');
      return next();
    }
    if (url.endsWith('/v1/auth/logout')) return new Response(null, { status: 204 });
    const tok = auth?.replace('Bearer ', '') ?? '';
    if (!opts.valid.has(tok)) {
      return json(401, { error: { code: 'unauthorized', message: 'Authentication required' } });
    }
    return json(200, { ok: true, token: tok });
  }) as typeof fetch;
  return { f, calls };
}

class FakeChannel {
  sent: unknown[] = [];
  private fns: Array<(ev: MessageEvent) => void> = [];
  addEventListener(_t: 'message', fn: (ev: MessageEvent) => void) {
    this.fns.push(fn);
  }
  postMessage(m: unknown) {
    this.sent.push(m);
  }
  /** A message from another tab. */
  receive(data: unknown) {
    for (const fn of this.fns) fn({ data } as MessageEvent);
  }
}

describe('ApiClient token handling', () => {
  it('keeps the token in memory and sends it as a bearer header with credentials', async () => {
    const api = fakeApi({ refresh: [], valid: new Set(['t1']) });
    const c = new ApiClient({ baseUrl: '/api', fetch: api.f, now: () => T0 });
    c.signedIn(tokens('t1', T0 + HOUR));
    const body = await c.json<{ token: string }>('/v1/auth/me');
    expect(body.token).toBe('t1');
    expect(api.calls[0]).toMatchObject({ url: '/api/v1/auth/me', auth: 'Bearer t1', credentials: 'include' });
    expect(c.getSession()?.handle).toBe('ada');
  });

  it('refreshes first when the token expires within a minute', async () => {
    const api = fakeApi({ refresh: [() => json(200, tokens('t2', T0 + HOUR))], valid: new Set(['t2']) });
    const c = new ApiClient({ baseUrl: '/api', fetch: api.f, now: () => T0 });
    c.signedIn(tokens('t1', T0 + 30_000));
    await c.json('/v1/auth/me');
    expect(api.calls.map((x) => x.url)).toEqual(['/api/v1/auth/refresh', '/api/v1/auth/me']);
    expect(api.calls[0].credentials).toBe('include');
    expect(api.calls[1].auth).toBe('Bearer t2');
  });

  it('retries once after a 401 with the refreshed token', async () => {
    const api = fakeApi({ refresh: [() => json(200, tokens('t2', T0 + HOUR))], valid: new Set(['t2']) });
    const c = new ApiClient({ baseUrl: '/api', fetch: api.f, now: () => T0 });
    c.signedIn(tokens('stale', T0 + HOUR));
    const res = await c.request('/v1/post/recent');
    expect(res.status).toBe(200);
    expect(api.calls.map((x) => `${x.url} ${x.auth}`)).toEqual([
      '/api/v1/post/recent Bearer stale',
      '/api/v1/auth/refresh null',
      '/api/v1/post/recent Bearer t2',
    ]);
  });

  it('does not retry more than once', async () => {
    // The refreshed token is refused too: one retry, then the 401 is the answer.
    const api = fakeApi({ refresh: [() => json(200, tokens('t2', T0 + HOUR))], valid: new Set() });
    const c = new ApiClient({ baseUrl: '/api', fetch: api.f, now: () => T0 });
    c.signedIn(tokens('t1', T0 + HOUR));
    const res = await c.request('/v1/auth/me');
    expect(res.status).toBe(401);
    expect(api.calls).toHaveLength(3);
  });

  it('merges concurrent refreshes into one request', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const api = fakeApi({
      refresh: [async () => {
        await gate;
        return json(200, tokens('t2', T0 + HOUR));
      }],
      valid: new Set(['t2']),
    });
    const c = new ApiClient({ baseUrl: '/api', fetch: api.f, now: () => T0 });
    c.signedIn(tokens('stale', T0 + HOUR));
    const all = Promise.all([c.request('/v1/a'), c.request('/v1/b'), c.request('/v1/c')]);
    await new Promise((r) => setTimeout(r, 10));
    release();
    const res = await all;
    expect(res.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(api.calls.filter((x) => x.url.endsWith('/refresh'))).toHaveLength(1);
  });

  it('signs out in every tab when the refresh is refused', async () => {
    const api = fakeApi({
      refresh: [() => json(401, { error: { code: 'unauthorized', message: 'Invalid refresh token' } })],
      valid: new Set(),
    });
    const ch = new FakeChannel();
    const c = new ApiClient({ baseUrl: '/api', fetch: api.f, now: () => T0, channel: ch });
    c.signedIn(tokens('t1', T0 + HOUR));
    const seen: Array<string | null> = [];
    c.subscribe((s) => seen.push(s?.token ?? null));
    const res = await c.request('/v1/auth/me');
    expect(res.status).toBe(401);
    expect(c.getSession()).toBeNull();
    expect(seen).toEqual([null]);
    expect(ch.sent).toContainEqual({ type: 'signed-out' });
  });

  it('keeps the session when the refresh fails for a passing reason', async () => {
    const api = fakeApi({
      refresh: [() => json(503, { error: { code: 'internal_error', message: 'down' } })],
      valid: new Set(),
    });
    const c = new ApiClient({ baseUrl: '/api', fetch: api.f, now: () => T0 });
    c.signedIn(tokens('t1', T0 + HOUR));
    await c.request('/v1/auth/me');
    expect(c.getSession()?.token).toBe('t1');
  });

  it('drops its session when another tab signs out', () => {
    const ch = new FakeChannel();
    const c = new ApiClient({ baseUrl: '/api', fetch: fakeApi({ refresh: [], valid: new Set() }).f, channel: ch });
    c.signedIn(tokens('t1', T0 + HOUR));
    ch.receive({ type: 'signed-out' });
    expect(c.getSession()).toBeNull();
  });

  it('sends anonymous requests without refreshing on 401', async () => {
    const api = fakeApi({ refresh: [], valid: new Set() });
    const c = new ApiClient({ baseUrl: '/api', fetch: api.f });
    const res = await c.request('/v1/auth/me');
    expect(res.status).toBe(401);
    expect(api.calls).toHaveLength(1);
  });

  it('logs out with the bearer token and broadcasts it', async () => {
    const api = fakeApi({ refresh: [], valid: new Set() });
    const ch = new FakeChannel();
    const c = new ApiClient({ baseUrl: '/api', fetch: api.f, channel: ch });
    c.signedIn(tokens('t1', T0 + HOUR));
    await c.signOut();
    expect(api.calls[0]).toMatchObject({ url: '/api/v1/auth/logout', method: 'POST', auth: 'Bearer t1' });
    expect(c.getSession()).toBeNull();
    expect(ch.sent).toContainEqual({ type: 'signed-out' });
  });

  it('turns error envelopes into ApiError with the field message', async () => {
    const f = (async () =>
      json(422, {
        error: { code: 'validation_error', message: 'Request validation failed', details: { errors: [{ msg: 'title is required' }] } },
      })) as typeof fetch;
    const c = new ApiClient({ baseUrl: '/api', fetch: f });
    const err = (await c.json('/v1/post/upload', { method: 'POST' }).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('validation_error');
    expect(errorMessage(err)).toBe('Request validation failed: title is required');
  });
});
