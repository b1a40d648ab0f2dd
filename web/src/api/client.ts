// The browser's api client. The access token lives in this object's memory only (never in
// localStorage, where injected script could read it); the refresh token is the api's HttpOnly
// cookie. Refreshes are silent, merged when several requests need one at once, and a request
// answered 401 is retried once after a refresh. A refused refresh signs the user out in every
// tab (BroadcastChannel), because the cookie they share is dead.

export interface TokenBody {
  token: string;
  user_id: number;
  user_key: string;
  public_sqid: string;
  user_handle: string;
  expires_at: string;
  needs_welcome: boolean;
}

export interface Session {
  token: string;
  /** Expiry of the access token, in ms since the epoch. */
  expiresAt: number;
  userId: number;
  userKey: string;
  publicSqid: string;
  handle: string;
  needsWelcome: boolean;
}

/** An error answer of the api: `{"error":{"code","message","details"}}` under /v1. */
export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The words to show next to a control: the api's message plus the first field error. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) {
    const errs = (e.details as { errors?: Array<{ msg?: string }> } | undefined)?.errors;
    const first = Array.isArray(errs) && errs[0]?.msg;
    return first ? `${e.message}: ${first}` : e.message;
  }
  if (e instanceof Error) return e.message;
  return 'Something went wrong.';
}

/** The part of BroadcastChannel the client uses (a fake in tests). */
export interface Channel {
  postMessage(msg: unknown): void;
  addEventListener(type: 'message', fn: (ev: MessageEvent) => void): void;
}

export interface ClientOptions {
  /** Prefix of the api through the site, `/api` behind Caddy. */
  baseUrl: string;
  fetch?: typeof fetch;
  now?: () => number;
  /** Cross-tab channel; a BroadcastChannel in browsers, absent in tests unless given. */
  channel?: Channel | null;
  /** Refresh this long before the access token expires. */
  refreshMarginMs?: number;
}

type AuthMode = 'auto' | 'none';

export interface RequestOptions extends Omit<RequestInit, 'body'> {
  body?: BodyInit | null;
  json?: unknown;
  auth?: AuthMode;
}

/** The outcome of a refresh: a session, none (the cookie was refused), or a transient failure. */
type RefreshResult = { kind: 'ok'; session: Session } | { kind: 'refused' } | { kind: 'unavailable' };

export class ApiClient {
  private session: Session | null = null;
  private inflight: Promise<RefreshResult> | null = null;
  private listeners = new Set<(s: Session | null) => void>();
  private readonly f: typeof fetch;
  private readonly now: () => number;
  private readonly margin: number;
  private readonly channel: Channel | null;

  constructor(private opts: ClientOptions) {
    this.f = opts.fetch ?? ((...a) => fetch(...a));
    this.now = opts.now ?? (() => Date.now());
    this.margin = opts.refreshMarginMs ?? 60_000;
    this.channel = opts.channel ?? null;
    if (this.channel) {
      this.channel.addEventListener('message', (ev) => {
        const msg = ev.data as { type?: string } | null;
        if (msg?.type === 'signed-out') this.setSession(null, false);
        if (msg?.type === 'signed-in' && !this.session) void this.refresh();
      });
    }
  }

  getSession = (): Session | null => this.session;

  subscribe = (fn: (s: Session | null) => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  /** Adopts the tokens of a sign-in (login, code verification, GitHub exchange). */
  signedIn(body: TokenBody): Session {
    const s = toSession(body);
    this.setSession(s, false);
    this.channel?.postMessage({ type: 'signed-in' });
    return s;
  }

  /** Trades the cookie for a new access token; concurrent callers share one request. */
  refresh(): Promise<RefreshResult> {
    if (!this.inflight) {
      this.inflight = this.doRefresh().finally(() => {
        this.inflight = null;
      });
    }
    return this.inflight;
  }

  private async doRefresh(): Promise<RefreshResult> {
    let res: Response;
    try {
      res = await this.f(`${this.opts.baseUrl}/v1/auth/refresh`, {
        method: 'POST',
        credentials: 'include',
        headers: { Accept: 'application/json' },
      });
    } catch {
      return { kind: 'unavailable' };
    }
    if (res.ok) {
      const s = toSession((await res.json()) as TokenBody);
      this.setSession(s, false);
      return { kind: 'ok', session: s };
    }
    if (res.status === 401 || res.status === 403) {
      // Only a session that existed here is news for the other tabs.
      this.setSession(null, this.session !== null);
      return { kind: 'refused' };
    }
    return { kind: 'unavailable' };
  }

  /** Signs out here and in every other tab; the api revokes the refresh family. */
  async signOut(): Promise<void> {
    const token = this.session?.token;
    this.setSession(null, true);
    if (!token) return;
    try {
      await this.f(`${this.opts.baseUrl}/v1/auth/logout`, {
        method: 'POST',
        credentials: 'include',
        headers: { Authorization: `Bearer ${token}` },
      });
    } catch {
      // The local session is gone either way; the cookie expires on its own.
    }
  }

  /**
   * One api request (path relative to the api, e.g. `/v1/post/recent`). Refreshes first when the
   * token is about to expire; on a 401 refreshes once and retries once.
   */
  async request(path: string, o: RequestOptions = {}): Promise<Response> {
    const auth = o.auth ?? 'auto';
    if (auth === 'auto' && this.session && this.session.expiresAt - this.now() < this.margin) {
      await this.refresh();
    }
    const sentToken = auth === 'auto' ? (this.session?.token ?? null) : null;
    const res = await this.send(path, o, sentToken);
    if (res.status !== 401 || sentToken === null) return res;
    const r = await this.refresh();
    if (r.kind !== 'ok') return res;
    return this.send(path, o, r.session.token);
  }

  /** A request whose JSON answer is returned; an error answer is thrown as ApiError. */
  async json<T>(path: string, o: RequestOptions = {}): Promise<T> {
    const res = await this.request(path, o);
    if (!res.ok) throw await toApiError(res);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private send(path: string, o: RequestOptions, token: string | null): Promise<Response> {
    const headers = new Headers(o.headers);
    if (!headers.has('Accept')) headers.set('Accept', 'application/json');
    if (token) headers.set('Authorization', `Bearer ${token}`);
    let body = o.body ?? null;
    if (o.json !== undefined) {
      headers.set('Content-Type', 'application/json');
      body = JSON.stringify(o.json);
    }
    const { json: _j, auth: _a, ...rest } = o;
    return this.f(`${this.opts.baseUrl}${path}`, {
      ...rest,
      headers,
      body,
      credentials: 'include',
    });
  }

  private setSession(s: Session | null, broadcastSignOut: boolean): void {
    const changed = s?.token !== this.session?.token;
    this.session = s;
    if (broadcastSignOut && s === null) this.channel?.postMessage({ type: 'signed-out' });
    if (changed) for (const fn of this.listeners) fn(s);
  }
}

function toSession(b: TokenBody): Session {
  const exp = Date.parse(b.expires_at);
  return {
    token: b.token,
    expiresAt: Number.isFinite(exp) ? exp : Date.now() + 55 * 60_000,
    userId: b.user_id,
    userKey: b.user_key,
    publicSqid: b.public_sqid,
    handle: b.user_handle,
    needsWelcome: b.needs_welcome,
  };
}

/** Reads either error shape (the /v1 envelope or the device plane's `{detail}`). */
export async function toApiError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // Not JSON (a proxy's page); the status says enough.
  }
  const env = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
  if (env) return new ApiError(res.status, env.code ?? 'error', env.message ?? res.statusText, env.details);
  const detail = (body as { detail?: unknown } | null)?.detail;
  if (typeof detail === 'string') return new ApiError(res.status, 'error', detail);
  if (detail && typeof detail === 'object') {
    const d = detail as { code?: string; message?: string };
    return new ApiError(res.status, d.code ?? 'error', d.message ?? res.statusText, detail);
  }
  return new ApiError(res.status, 'http_' + res.status, res.statusText || `HTTP ${res.status}`);
}
