import { describe, expect, it } from 'vitest';
import { SseParser, backoffMs } from '@/lib/sse';

describe('SseParser', () => {
  it('splits events across chunk boundaries and skips comments', () => {
    const p = new SseParser();
    expect(p.push('event: connected\ndata: {"unread_')).toEqual([]);
    expect(p.push('count":3}\n\n: keepalive\n\nevent: notif')).toEqual([
      { event: 'connected', data: '{"unread_count":3}' },
    ]);
    expect(p.push('ication\r\ndata: {"id":"a"}\r\n\r\n')).toEqual([
      { event: 'notification', data: '{"id":"a"}' },
    ]);
  });
  it('joins multi-line data and defaults the event name', () => {
    const p = new SseParser();
    expect(p.push('data: a\ndata: b\nid: 7\n\n')).toEqual([{ event: 'message', data: 'a\nb', id: '7' }]);
  });
});

describe('backoffMs', () => {
  it('doubles from one second for five tries', () => {
    expect([0, 1, 2, 3, 4].map((n) => backoffMs(n))).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(backoffMs(5)).toBeNull();
  });
});
