// The pure rules of the My Players page (lib/players.ts).
import { describe, expect, it } from 'vitest';
import {
  applyPlayerEvent,
  CERT_FILES,
  certFile,
  channelCommand,
  controlsFor,
  deviceLine,
  nameProblem,
  normaliseCode,
  pageChannel,
  parseArtworkRef,
  registerErrorText,
  renewalInfo,
  type CertBundle,
  type Player,
} from '@/lib/players';

const player = (over: Partial<Player> = {}): Player => ({
  id: 'p1',
  player_key: 'k1',
  name: 'Kitchen',
  connection_status: 'offline',
  registration_status: 'registered',
  created_at: '2026-01-01T00:00:00Z',
  ...over,
});

describe('normaliseCode', () => {
  it('upper-cases, keeps A–Z and 0–9 only, and stops at 6', () => {
    expect(normaliseCode('a3f-8x 2')).toBe('A3F8X2');
    expect(normaliseCode('abcdefgh')).toBe('ABCDEF');
    expect(normaliseCode('é!?_')).toBe('');
  });
});

describe('nameProblem', () => {
  it('requires a name of 1 to 100 characters after trimming', () => {
    expect(nameProblem('   ')).toMatch(/name/);
    expect(nameProblem('x'.repeat(100))).toBeNull();
    expect(nameProblem('x'.repeat(101))).toMatch(/100/);
    expect(nameProblem('  Hall  ')).toBeNull();
  });
});

describe('parseArtworkRef', () => {
  it('reads post links, bare sqids and numeric ids', () => {
    expect(parseArtworkRef('https://makapix.club/p/abC12')).toEqual({ kind: 'sqid', sqid: 'abC12' });
    expect(parseArtworkRef('http://127.0.0.1:8080/p/k3Xa/?ref=x')).toEqual({ kind: 'sqid', sqid: 'k3Xa' });
    expect(parseArtworkRef('/p/Zz9')).toEqual({ kind: 'sqid', sqid: 'Zz9' });
    expect(parseArtworkRef('  Zz9  ')).toEqual({ kind: 'sqid', sqid: 'Zz9' });
    expect(parseArtworkRef('1234')).toEqual({ kind: 'id', postId: 1234 });
  });
  it('refuses what names no post', () => {
    expect(parseArtworkRef('')).toBeNull();
    expect(parseArtworkRef('0')).toBeNull();
    expect(parseArtworkRef('https://makapix.club/u/abc')).toBeNull();
    expect(parseArtworkRef('two words')).toBeNull();
    expect(parseArtworkRef('javascript:alert(1)')).toBeNull();
  });
});

describe('controlsFor', () => {
  it('shows the p3a its pause, brightness and rotation but no mirror', () => {
    const c = controlsFor({ pause: {}, brightness: { min: 0, max: 100, step: 1 }, rotation: { values: [0, 90, 180, 270] } });
    expect(c).toEqual({ pause: true, brightness: { min: 0, max: 100, step: 1 }, rotation: [0, 90, 180, 270], mirror: null });
  });
  it('reads a manifest still wrapped in features, and defaults brightness bounds', () => {
    const c = controlsFor({ features: { brightness: {}, mirror: { values: ['none', 'horizontal'] } } });
    expect(c.brightness).toEqual({ min: 0, max: 100, step: 1 });
    expect(c.mirror).toEqual(['none', 'horizontal']);
    expect(c.pause).toBe(false);
  });
  it('drops malformed specs and offers nothing without capabilities', () => {
    expect(controlsFor(null)).toEqual({ pause: false, brightness: null, rotation: null, mirror: null });
    const c = controlsFor({ pause: true, brightness: { min: 10, max: 5 }, rotation: { values: [] }, mirror: { values: [1] } });
    expect(c).toEqual({ pause: false, brightness: null, rotation: null, mirror: null });
  });
});

describe('channelCommand', () => {
  it('builds play_channel bodies', () => {
    expect(channelCommand('all', '', 'me')).toEqual({ ok: true, body: { command_type: 'play_channel', channel_name: 'all' } });
    expect(channelCommand('promoted', '', 'me')).toEqual({ ok: true, body: { command_type: 'play_channel', channel_name: 'promoted' } });
    expect(channelCommand('hashtag', ' #Cats ', 'me')).toEqual({ ok: true, body: { command_type: 'play_channel', hashtag: 'cats' } });
    expect(channelCommand('by_user', '', 'abc')).toEqual({ ok: true, body: { command_type: 'play_channel', user_sqid: 'abc' } });
  });
  it('says what is missing', () => {
    expect(channelCommand('hashtag', '#', 'me')).toEqual({ ok: false, error: 'Type the hashtag to play.' });
  });
});

describe('registerErrorText', () => {
  it('puts the api refusals in words', () => {
    expect(registerErrorText(404, 'not_found', 'Invalid or expired registration code')).toBe('This code is invalid or has expired.');
    expect(registerErrorText(400, 'bad_request', 'Player already registered')).toBe('Player already registered');
    expect(registerErrorText(400, 'bad_request', 'nope')).toBe('This player is already registered.');
    expect(registerErrorText(400, 'player_limit_reached', 'You can register at most 128 players')).toBe('You can register at most 128 players');
  });
});

describe('applyPlayerEvent', () => {
  const list = [player(), player({ id: 'p2', name: 'Hall' })];
  it('applies status, state and capabilities to the right card only', () => {
    let l = applyPlayerEvent(list, { event: 'status', data: { type: 'status', player_id: 'p1', connection_status: 'online', last_seen_at: '2026-02-02T00:00:00Z', current_post_id: 9 } });
    expect(l[0]).toMatchObject({ connection_status: 'online', last_seen_at: '2026-02-02T00:00:00Z', current_post_id: 9 });
    expect(l[1]).toBe(list[1]);
    l = applyPlayerEvent(l, { event: 'state', data: { player_id: 'p1', state: { brightness: 42, is_paused: true } } });
    expect(l[0]).toMatchObject({ brightness: 42, is_paused: true, connection_status: 'online' });
    l = applyPlayerEvent(l, { event: 'capabilities', data: { player_id: 'p1', capabilities: { pause: {} }, firmware_version: '2.0' } });
    expect(l[0]).toMatchObject({ capabilities: { pause: {} }, firmware_version: '2.0', brightness: 42 });
  });
  it('ignores unknown players, events and bad payloads', () => {
    expect(applyPlayerEvent(list, { event: 'status', data: { player_id: 'zz', connection_status: 'online' } })).toBe(list);
    expect(applyPlayerEvent(list, { event: 'other', data: { player_id: 'p1' } })).toBe(list);
    expect(applyPlayerEvent(list, { event: 'state', data: 'nonsense' })).toBe(list);
    const l = applyPlayerEvent(list, { event: 'state', data: { player_id: 'p1', state: { brightness: 'high' } } });
    expect(l[0].brightness).toBeUndefined();
  });
});

describe('deviceLine and certFile', () => {
  it('describes the device', () => {
    expect(deviceLine({ device_model: 'p3a', firmware_version: '1.1.1' })).toBe('p3a · firmware 1.1.1');
    expect(deviceLine({ device_model: null, firmware_version: null })).toBe('Unknown model');
  });
  it('splits the certificate bundle into its files', () => {
    const b = { ca_pem: 'CA', cert_pem: 'CERT', key_pem: 'KEY', broker: { host: 'h', port: 8883 }, https_api: { base_url: 'u' } } as unknown as CertBundle;
    expect(CERT_FILES.map((f) => certFile(b, f).text.slice(0, 4))).toEqual(['CA', 'CERT', 'KEY', '{\n  ']);
    expect(JSON.parse(certFile(b, 'player.json').text).key_pem).toBe('KEY');
  });
});

describe('renewalInfo', () => {
  const now = new Date('2026-06-01T12:00:00Z');
  const inDays = (d: number) => new Date(now.getTime() + d * 86_400_000).toISOString();

  it('is closed beyond the 90-day window and says when it opens', () => {
    const r = renewalInfo(inDays(100.5), now);
    expect(r.due).toBe(false);
    expect(r.text).toBe('100 days left. Renewal opens 90 days before expiry, in 10 days.');
  });

  it('opens at exactly 90 whole days left, counting days down like the api', () => {
    expect(renewalInfo(inDays(90.9), now)).toEqual({ due: true, text: '90 days left: renewal is open.' });
    expect(renewalInfo(inDays(91), now).due).toBe(false);
  });

  it('is open for an expired certificate or none at all', () => {
    expect(renewalInfo(inDays(-1.5), now)).toEqual({ due: true, text: 'Expired 2 days ago: renewal is open.' });
    expect(renewalInfo(null, now).due).toBe(true);
    expect(renewalInfo('not a date', now).due).toBe(true);
  });

  it('follows a configured window', () => {
    expect(renewalInfo(inDays(20), now, 30).due).toBe(true);
    expect(renewalInfo(inDays(40), now, 30).text).toContain('in 10 days');
  });
});

describe('pageChannel', () => {
  it('plays all on Recent and promoted on Recommended', () => {
    expect(pageChannel({ page: 'recent' }).body).toEqual({ command_type: 'play_channel', channel_name: 'all' });
    expect(pageChannel({ page: 'recommended' }).body).toEqual({ command_type: 'play_channel', channel_name: 'promoted' });
  });

  it('plays the hashtag of a hashtag page, without # and lower-cased', () => {
    const c = pageChannel({ page: 'hashtag', tag: '#Cats' });
    expect(c.body).toEqual({ command_type: 'play_channel', channel_name: 'hashtag', hashtag: 'cats' });
    expect(c.label).toBe('#cats');
  });

  it('plays a profile as by_user and its favourites as reactions, with the user sqid', () => {
    expect(pageChannel({ page: 'profile', userSqid: 'k3' }).body).toEqual({
      command_type: 'play_channel', channel_name: 'by_user', user_sqid: 'k3',
    });
    expect(pageChannel({ page: 'reactions', userSqid: 'k3' }).body).toEqual({
      command_type: 'play_channel', channel_name: 'reactions', user_sqid: 'k3',
    });
  });
});
