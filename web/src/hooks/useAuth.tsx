// Who is signed in. On load the tab trades the refresh cookie for an access token (unless the
// user signed out here minutes ago), then keeps the token fresh: a timer five minutes before
// expiry, and a check whenever the tab becomes visible or the network returns.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api } from '@/api/browser';
import type { Session, TokenBody } from '@/api/client';
import type { MeResponse } from '@/api/types';

const LOGGED_OUT_KEY = 'makapix_logged_out_at_ms';
const LOGGED_OUT_QUIET_MS = 10 * 60_000;
const EARLY_MS = 5 * 60_000;

export interface AuthState {
  /** The first refresh attempt is over; before that, gated pages wait. */
  ready: boolean;
  session: Session | null;
  me: MeResponse | null;
  signIn(tokens: TokenBody): Promise<void>;
  signOut(): Promise<void>;
  reloadMe(): Promise<void>;
}

const Ctx = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [ready, setReady] = useState(false);
  const [session, setSession] = useState<Session | null>(null);
  const [me, setMe] = useState<MeResponse | null>(null);

  const loadMe = useCallback(async () => {
    if (!api().getSession()) {
      setMe(null);
      return;
    }
    try {
      setMe(await api().json<MeResponse>('/v1/auth/me'));
    } catch {
      setMe(null);
    }
  }, []);

  useEffect(() => {
    const c = api();
    const off = c.subscribe((s) => {
      setSession(s);
      if (!s) setMe(null);
    });
    let quiet = false;
    try {
      const at = Number(localStorage.getItem(LOGGED_OUT_KEY) ?? 0);
      quiet = Date.now() - at < LOGGED_OUT_QUIET_MS;
    } catch {
      // Storage may be blocked; then always try the cookie.
    }
    const boot = async () => {
      if (!c.getSession() && !quiet) await c.refresh();
      setSession(c.getSession());
      await loadMe();
      setReady(true);
    };
    void boot();
    return () => {
      off();
    };
  }, [loadMe]);

  // Keep the token fresh ahead of expiry, and re-check when the tab wakes up.
  useEffect(() => {
    if (!session) return;
    const c = api();
    const due = Math.max(5_000, session.expiresAt - Date.now() - EARLY_MS);
    const timer = setTimeout(() => void c.refresh(), due);
    const wake = () => {
      const s = c.getSession();
      if (document.visibilityState === 'visible' && s && s.expiresAt - Date.now() < EARLY_MS) {
        void c.refresh();
      }
    };
    document.addEventListener('visibilitychange', wake);
    window.addEventListener('online', wake);
    window.addEventListener('focus', wake);
    return () => {
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', wake);
      window.removeEventListener('online', wake);
      window.removeEventListener('focus', wake);
    };
  }, [session]);

  const signIn = useCallback(
    async (tokens: TokenBody) => {
      api().signedIn(tokens);
      try {
        localStorage.removeItem(LOGGED_OUT_KEY);
      } catch {
        // Not needed for signing in.
      }
      setSession(api().getSession());
      await loadMe();
    },
    [loadMe],
  );

  const signOut = useCallback(async () => {
    try {
      localStorage.setItem(LOGGED_OUT_KEY, String(Date.now()));
    } catch {
      // Without the marker the next load merely asks for a refresh and is refused.
    }
    await api().signOut();
    setMe(null);
  }, []);

  const value = useMemo<AuthState>(
    () => ({ ready, session, me, signIn, signOut, reloadMe: loadMe }),
    [ready, session, me, signIn, signOut, loadMe],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useAuth(): AuthState {
  const v = useContext(Ctx);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}

export function isModerator(me: MeResponse | null): boolean {
  return !!me && (me.roles.includes('moderator') || me.roles.includes('owner'));
}

export { safeRedirect } from '@/lib/redirect';
