// The unread count and newest notifications, live over the api's SSE stream. EventSource
// cannot send the Authorization header, so the stream is read with fetch(). `timeout` (the
// server's 5-minute cut) reconnects at once; other drops back off 1, 2, 4... s for 5 tries.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api } from '@/api/browser';
import type { Notification, UnreadCount } from '@/api/types';
import { SseParser, backoffMs } from '@/lib/sse';
import { useAuth } from './useAuth';

interface NotificationsState {
  unread: number;
  /** Items that arrived live since the page loaded, newest first, de-duplicated by id. */
  live: Notification[];
  connected: boolean;
  markAllRead(): Promise<void>;
}

const Ctx = createContext<NotificationsState>({
  unread: 0,
  live: [],
  connected: false,
  markAllRead: async () => {},
});

export function NotificationsProvider({ children }: { children: ReactNode }) {
  const { session } = useAuth();
  const [unread, setUnread] = useState(0);
  const [live, setLive] = useState<Notification[]>([]);
  const [connected, setConnected] = useState(false);
  const seen = useRef(new Set<string>());
  const signedIn = session !== null;
  const userId = session?.userId ?? null;

  useEffect(() => {
    if (!signedIn) {
      setUnread(0);
      setLive([]);
      seen.current.clear();
      return;
    }
    const stop = new AbortController();
    let attempt = 0;

    const onEvent = (event: string, data: string) => {
      if (event === 'connected') {
        const n = (JSON.parse(data) as UnreadCount).unread_count;
        setUnread(n);
      } else if (event === 'notification') {
        const item = JSON.parse(data) as Notification;
        if (seen.current.has(item.id)) return;
        seen.current.add(item.id);
        setLive((l) => [item, ...l].slice(0, 50));
        if (!item.is_read) setUnread((n) => n + 1);
      }
    };

    const run = async () => {
      while (!stop.signal.aborted) {
        let clean = false;
        try {
          const res = await api().request('/v1/realtime/notifications', {
            headers: { Accept: 'text/event-stream' },
            signal: stop.signal,
          });
          if (res.status === 401) return;
          if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
          setConnected(true);
          attempt = 0;
          const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
          const parser = new SseParser();
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            for (const ev of parser.push(value)) {
              if (ev.event === 'timeout') clean = true;
              else onEvent(ev.event, ev.data);
            }
          }
          clean = true;
        } catch {
          if (stop.signal.aborted) return;
        }
        setConnected(false);
        if (clean) continue;
        const wait = backoffMs(attempt++);
        if (wait === null) return;
        await new Promise((r) => setTimeout(r, wait));
      }
    };
    void run();

    // The count is authoritative on the server; re-read it when the tab comes back.
    const resync = async () => {
      try {
        const r = await api().json<UnreadCount>('/v1/social-notifications/unread-count');
        setUnread(r.unread_count);
      } catch {
        // The live stream will correct it.
      }
    };
    const onFocus = () => void resync();
    window.addEventListener('focus', onFocus);
    window.addEventListener('online', onFocus);
    return () => {
      stop.abort();
      window.removeEventListener('focus', onFocus);
      window.removeEventListener('online', onFocus);
    };
  }, [signedIn, userId]);

  const markAllRead = useCallback(async () => {
    await api().json('/v1/social-notifications/mark-all-read', { method: 'POST' });
    setUnread(0);
  }, []);

  const value = useMemo(() => ({ unread, live, connected, markAllRead }), [unread, live, connected, markAllRead]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useNotifications(): NotificationsState {
  return useContext(Ctx);
}

/** "Notifications (4 unread)", and 99+ on the badge beyond 99. */
export function badgeText(n: number): string {
  return n > 99 ? '99+' : String(n);
}
