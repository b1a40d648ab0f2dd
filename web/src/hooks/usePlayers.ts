// The owner's players, kept live: the list once, then the api's player stream (a single-use
// ticket, then EventSource, which needs no Authorization header). When the stream fails the
// list is polled every 5 s while the stream is retried with back-off.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '@/api/browser';
import { errorMessage } from '@/api/client';
import { applyPlayerEvent, type Player, type PlayerList, type SseTicket } from '@/lib/players';
import { backoffMs } from '@/lib/sse';

export const POLL_MS = 5000;
const EVENTS = ['state', 'capabilities', 'status'] as const;
// The same api prefix the client uses (browser.ts); EventSource does not go through it.
const API_BASE = process.env.NEXT_PUBLIC_API_BASE_URL ?? '/api';

export type LiveMode = 'connecting' | 'live' | 'polling';

export interface PlayersState {
  players: Player[] | null;
  error: string | null;
  mode: LiveMode;
  reload(): Promise<void>;
  /** Puts a player the page just learnt about (registered, renamed) in place or on top. */
  upsert(p: Player): void;
  remove(id: string): void;
}

export function usePlayers(sqid: string | null): PlayersState {
  const [players, setPlayers] = useState<Player[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [mode, setMode] = useState<LiveMode>('connecting');
  const known = useRef(new Set<string>());

  const base = sqid ? `/u/${encodeURIComponent(sqid)}/player` : null;

  const reload = useCallback(async () => {
    if (!base) return;
    try {
      const list = await api().json<PlayerList>(base);
      known.current = new Set(list.items.map((p) => p.id));
      setPlayers(list.items);
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [base]);

  const upsert = useCallback((p: Player) => {
    known.current.add(p.id);
    setPlayers((list) => {
      const l = list ?? [];
      const i = l.findIndex((x) => x.id === p.id);
      if (i < 0) return [p, ...l];
      const out = l.slice();
      out[i] = p;
      return out;
    });
  }, []);

  const remove = useCallback((id: string) => {
    known.current.delete(id);
    setPlayers((l) => (l ? l.filter((p) => p.id !== id) : l));
  }, []);

  useEffect(() => {
    if (!base) return;
    let stopped = false;
    let es: EventSource | null = null;
    let poll: ReturnType<typeof setInterval> | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let attempt = 0;

    const startPolling = () => {
      setMode('polling');
      if (!poll) poll = setInterval(() => void reload(), POLL_MS);
    };
    const stopPolling = () => {
      if (poll) clearInterval(poll);
      poll = null;
    };
    const onEvent = (event: string) => (m: MessageEvent<string>) => {
      let data: unknown;
      try {
        data = JSON.parse(m.data);
      } catch {
        return;
      }
      const id = (data as { player_id?: unknown } | null)?.player_id;
      // A player registered elsewhere (another tab): the list has to be read again.
      if (typeof id === 'string' && !known.current.has(id)) {
        void reload();
        return;
      }
      setPlayers((l) => (l ? applyPlayerEvent(l, { event, data }) : l));
    };

    const open = async () => {
      if (stopped) return;
      try {
        const t = await api().json<SseTicket>(`${base}/sse-ticket`, { method: 'POST' });
        if (stopped) return;
        es = new EventSource(`${API_BASE}${base}/sse?ticket=${encodeURIComponent(t.ticket)}`);
      } catch {
        fail();
        return;
      }
      for (const name of EVENTS) es.addEventListener(name, onEvent(name) as EventListener);
      es.onopen = () => {
        attempt = 0;
        stopPolling();
        setMode('live');
        // Whatever changed between the first read and the subscription.
        void reload();
      };
      // The ticket is single-use, so EventSource's own reconnect cannot succeed: start over.
      es.onerror = () => fail();
    };

    const fail = () => {
      es?.close();
      es = null;
      if (stopped) return;
      startPolling();
      const wait = backoffMs(attempt++, 8) ?? 60_000;
      retry = setTimeout(() => void open(), wait);
    };

    void reload();
    void open();
    return () => {
      stopped = true;
      es?.close();
      stopPolling();
      if (retry) clearTimeout(retry);
    };
  }, [base, reload]);

  return { players, error, mode, reload, upsert, remove };
}
