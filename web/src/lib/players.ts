// The pure rules of the My Players page: what a registration code may hold, how a pasted
// artwork reference becomes a post, which controls a device's declared features allow, how a
// live event changes the cards, and which words an api refusal deserves. No React, no fetch.
import type { components } from '@/api/schema';

export type Player = components['schemas']['PlayerPublic'];
export type PlayerList = components['schemas']['PlayerList'];
export type CommandRequest = components['schemas']['CommandRequest'];
export type CommandSent = components['schemas']['CommandSent'];
export type CertBundle = components['schemas']['CertBundle'];
export type SseTicket = components['schemas']['SseTicket'];

/** The device shows 6 characters, A–Z and 0–9; anything else typed or pasted is dropped. */
export function normaliseCode(input: string): string {
  return input.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 6);
}

export const NAME_MAX = 100;

/** Why a player name cannot be sent, or null when it can. */
export function nameProblem(name: string): string | null {
  const n = name.trim();
  if (!n) return 'Give the player a name.';
  if ([...n].length > NAME_MAX) return `The name can have at most ${NAME_MAX} characters.`;
  return null;
}

/** What a pasted artwork reference points at: a numeric post id or a post sqid. */
export type ArtworkRef = { kind: 'id'; postId: number } | { kind: 'sqid'; sqid: string };

const SQID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Reads a post page link (`https://…/p/{sqid}` or `/p/{sqid}`), a bare sqid, or a numeric post
 * id. Digits alone are taken as an id, as the player protocol numbers posts that way.
 */
export function parseArtworkRef(input: string): ArtworkRef | null {
  const text = input.trim();
  if (!text) return null;
  if (/^\d{1,15}$/.test(text)) {
    const postId = Number(text);
    return postId > 0 ? { kind: 'id', postId } : null;
  }
  const path = /^(?:https?:\/\/[^/]+)?\/?p\/([^/?#]+)\/?(?:[?#].*)?$/i.exec(text);
  if (path) return SQID.test(path[1]) ? { kind: 'sqid', sqid: path[1] } : null;
  if (text.includes('/') || text.includes(':')) return null;
  return SQID.test(text) ? { kind: 'sqid', sqid: text } : null;
}

export interface BrightnessRange {
  min: number;
  max: number;
  step: number;
}

/** The optional controls a card shows, from the features the device declared. */
export interface Controls {
  pause: boolean;
  brightness: BrightnessRange | null;
  rotation: number[] | null;
  mirror: string[] | null;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/**
 * `capabilities` on PlayerPublic is the stored `features` object (`{pause:{}, brightness:
 * {min,max,step}, rotation:{values}, mirror:{values}}`); a manifest that still wraps it in
 * `features` is read the same way. Malformed specs give no control, as the api refuses them.
 */
export function controlsFor(capabilities: unknown): Controls {
  const none: Controls = { pause: false, brightness: null, rotation: null, mirror: null };
  if (!isObj(capabilities)) return none;
  const f = isObj(capabilities.features) ? capabilities.features : capabilities;
  const out = { ...none };
  if (isObj(f.pause)) out.pause = true;
  if (isObj(f.brightness)) {
    const b = f.brightness;
    const min = b.min ?? 0;
    const max = b.max ?? 100;
    const step = b.step ?? 1;
    if (isInt(min) && isInt(max) && isInt(step) && min < max && step > 0) out.brightness = { min, max, step };
  }
  if (isObj(f.rotation) && Array.isArray(f.rotation.values)) {
    const v = f.rotation.values;
    if (v.length > 0 && v.every(isInt)) out.rotation = v;
  }
  if (isObj(f.mirror) && Array.isArray(f.mirror.values)) {
    const v = f.mirror.values;
    if (v.length > 0 && v.every((x) => typeof x === 'string')) out.mirror = v as string[];
  }
  return out;
}

/** The channels "Play channel" offers. */
export type ChannelChoice = 'all' | 'promoted' | 'hashtag' | 'by_user';

/** The `play_channel` body for a choice, or the words saying what is missing. */
export function channelCommand(
  choice: ChannelChoice,
  hashtag: string,
  userSqid: string,
): { ok: true; body: CommandRequest } | { ok: false; error: string } {
  if (choice === 'hashtag') {
    const tag = hashtag.trim().replace(/^#+/, '').toLowerCase();
    if (!tag) return { ok: false, error: 'Type the hashtag to play.' };
    return { ok: true, body: { command_type: 'play_channel', hashtag: tag } };
  }
  if (choice === 'by_user') {
    if (!userSqid) return { ok: false, error: 'Sign in to play your own art.' };
    return { ok: true, body: { command_type: 'play_channel', user_sqid: userSqid } };
  }
  return { ok: true, body: { command_type: 'play_channel', channel_name: choice } };
}

/** Words for a refused registration (404: unknown, expired or used code). */
export function registerErrorText(status: number, code: string, message: string): string {
  if (status === 404) return 'This code is invalid or has expired.';
  if (code === 'player_limit_reached') return message;
  if (status === 400 || status === 409) return /already/i.test(message) ? message : 'This player is already registered.';
  return message;
}

/** One event of the owner's player stream (`state`, `capabilities`, `status`). */
export interface PlayerEvent {
  event: string;
  data: unknown;
}

/**
 * The cards after a live event. Unknown players and events change nothing (the list is
 * reloaded when a new player appears); returns the same array when nothing changed.
 */
export function applyPlayerEvent(players: Player[], ev: PlayerEvent): Player[] {
  if (!isObj(ev.data) || typeof ev.data.player_id !== 'string') return players;
  const d = ev.data;
  const i = players.findIndex((p) => p.id === d.player_id);
  if (i < 0) return players;
  const p = players[i];
  let next: Player | null = null;
  if (ev.event === 'state' && isObj(d.state)) {
    const s = d.state;
    next = { ...p };
    if (typeof s.is_paused === 'boolean') next.is_paused = s.is_paused;
    if (isInt(s.brightness)) next.brightness = s.brightness;
    if (isInt(s.rotation)) next.rotation = s.rotation;
    if (typeof s.mirror === 'string') next.mirror = s.mirror;
  } else if (ev.event === 'capabilities') {
    next = { ...p, capabilities: isObj(d.capabilities) ? (d.capabilities as Player['capabilities']) : null };
    if (typeof d.firmware_version === 'string') next.firmware_version = d.firmware_version;
  } else if (ev.event === 'status') {
    next = { ...p };
    if (typeof d.connection_status === 'string') next.connection_status = d.connection_status;
    if (typeof d.last_seen_at === 'string') next.last_seen_at = d.last_seen_at;
    if (d.current_post_id === null || isInt(d.current_post_id)) next.current_post_id = d.current_post_id;
  }
  if (!next) return players;
  const out = players.slice();
  out[i] = next;
  return out;
}

/** "p3a · firmware 1.1.1", or what is known of it. */
export function deviceLine(p: Pick<Player, 'device_model' | 'firmware_version'>): string {
  const parts = [p.device_model || 'Unknown model'];
  if (p.firmware_version) parts.push(`firmware ${p.firmware_version}`);
  return parts.join(' · ');
}

/** The files a device set up by hand needs, in the order the card offers them. */
export const CERT_FILES = ['ca.pem', 'client.crt', 'client.key', 'player.json'] as const;
export type CertFileName = (typeof CERT_FILES)[number];

/** One file of the certificate bundle: its MIME type and text. */
export function certFile(b: CertBundle, name: CertFileName): { type: string; text: string } {
  const pem = 'application/x-pem-file';
  switch (name) {
    case 'ca.pem': return { type: pem, text: b.ca_pem };
    case 'client.crt': return { type: pem, text: b.cert_pem };
    case 'client.key': return { type: pem, text: b.key_pem };
    case 'player.json': return { type: 'application/json', text: JSON.stringify(b, null, 2) };
  }
}

export type OwnerRenewed = components['schemas']['OwnerRenewed'];
export type RotatedToken = components['schemas']['RotatedToken'];

/** The api's default renewal window (`cert_renewal_threshold_days`). */
export const RENEWAL_WINDOW_DAYS = 90;
const DAY_MS = 86_400_000;

/**
 * Whether the api will renew the certificate now, and the words saying so. Days are counted
 * as the api counts them (whole days, rounded down), so "due" matches its refusal rule.
 */
export function renewalInfo(
  certExpiresAt: string | null | undefined,
  now: Date,
  windowDays = RENEWAL_WINDOW_DAYS,
): { due: boolean; text: string } {
  const exp = certExpiresAt ? Date.parse(certExpiresAt) : NaN;
  if (Number.isNaN(exp)) return { due: true, text: 'No certificate on record: renewal is open.' };
  const left = Math.floor((exp - now.getTime()) / DAY_MS);
  if (left < 0) return { due: true, text: `Expired ${-left} ${left === -1 ? 'day' : 'days'} ago: renewal is open.` };
  if (left <= windowDays) return { due: true, text: `${left} ${left === 1 ? 'day' : 'days'} left: renewal is open.` };
  const opens = left - windowDays;
  return {
    due: false,
    text: `${left} days left. Renewal opens ${windowDays} days before expiry, in ${opens} ${opens === 1 ? 'day' : 'days'}.`,
  };
}

/** A feed page a PlayerBar sits on; each plays as one channel. */
export type FeedPage =
  | { page: 'recent' }
  | { page: 'recommended' }
  | { page: 'hashtag'; tag: string }
  | { page: 'profile'; userSqid: string }
  | { page: 'reactions'; userSqid: string };

/** The `play_channel` body "Play here" sends for a page, and words naming what it plays. */
export function pageChannel(p: FeedPage): { body: CommandRequest; label: string } {
  switch (p.page) {
    case 'recent':
      return { body: { command_type: 'play_channel', channel_name: 'all' }, label: 'recent art' };
    case 'recommended':
      return { body: { command_type: 'play_channel', channel_name: 'promoted' }, label: 'recommended art' };
    case 'hashtag': {
      const tag = p.tag.trim().replace(/^#+/, '').toLowerCase();
      return { body: { command_type: 'play_channel', channel_name: 'hashtag', hashtag: tag }, label: `#${tag}` };
    }
    case 'profile':
      return { body: { command_type: 'play_channel', channel_name: 'by_user', user_sqid: p.userSqid }, label: 'this gallery' };
    case 'reactions':
      return { body: { command_type: 'play_channel', channel_name: 'reactions', user_sqid: p.userSqid }, label: 'these favourites' };
  }
}
