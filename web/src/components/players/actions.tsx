// The api calls behind the player controls, and a small per-control status ("Sent" or the
// api's words) so each answer shows next to the control that caused it.
import { useCallback, useState } from 'react';
import { api } from '@/api/browser';
import { errorMessage } from '@/api/client';
import type { Post } from '@/api/types';
import { parseArtworkRef, type CommandRequest, type CommandSent } from '@/lib/players';

export function playerPath(sqid: string, playerId?: string): string {
  const base = `/u/${encodeURIComponent(sqid)}/player`;
  return playerId ? `${base}/${encodeURIComponent(playerId)}` : base;
}

export function sendCommand(sqid: string, playerId: string, body: CommandRequest): Promise<CommandSent> {
  return api().json<CommandSent>(`${playerPath(sqid, playerId)}/command`, { method: 'POST', json: body });
}

/** The Optional Player Commands: `pause {paused}`, `brightness|rotation|mirror {value}`. */
export function sendOpc(
  sqid: string,
  playerId: string,
  what: 'pause' | 'brightness' | 'rotation' | 'mirror',
  value: boolean | number | string,
): Promise<CommandSent> {
  const json = what === 'pause' ? { paused: value } : { value };
  return api().json<CommandSent>(`${playerPath(sqid, playerId)}/${what}`, { method: 'POST', json });
}

/** The post id of a pasted link, sqid or id; sqids are looked up (the api checks visibility). */
export async function resolvePostId(input: string): Promise<number> {
  const ref = parseArtworkRef(input);
  if (!ref) throw new Error('Paste a post link (…/p/abc123), its code, or a post number.');
  if (ref.kind === 'id') return ref.postId;
  try {
    const post = await api().json<Post>(`/v1/p/${encodeURIComponent(ref.sqid)}`);
    return post.id;
  } catch (e) {
    throw new Error(`No artwork found for “${ref.sqid}”: ${errorMessage(e)}`);
  }
}

export interface Outcome {
  ok?: string;
  error?: string;
}

/** One outcome per control key; `run` clears it, awaits, and records "Sent" or the error. */
export function useOutcomes() {
  const [out, setOut] = useState<Record<string, Outcome>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const run = useCallback(async (key: string, fn: () => Promise<string | void>) => {
    setBusy(key);
    setOut((o) => ({ ...o, [key]: {} }));
    try {
      const msg = await fn();
      setOut((o) => ({ ...o, [key]: { ok: msg || 'Sent' } }));
    } catch (e) {
      setOut((o) => ({ ...o, [key]: { error: errorMessage(e) } }));
    } finally {
      setBusy(null);
    }
  }, []);
  return { out, busy, run };
}

/** The words next to a control; polite for success, an alert for errors. */
export function OutcomeText({ o }: { o: Outcome | undefined }) {
  if (o?.error) return <span className="field-error" role="alert">{o.error}</span>;
  if (o?.ok) return <span className="sent small" role="status">{o.ok}</span>;
  return null;
}
