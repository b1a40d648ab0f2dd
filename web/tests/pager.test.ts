import { describe, expect, it } from 'vitest';
import { CursorPager, type Page } from '@/lib/pager';

type Item = { id: number };

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('CursorPager', () => {
  it('passes each next_cursor back and stops at null', async () => {
    const calls: Array<string | null> = [];
    const pages: Record<string, Page<Item>> = {
      first: { items: [{ id: 1 }, { id: 2 }], next_cursor: 'c1' },
      c1: { items: [{ id: 3 }], next_cursor: 'c2' },
      c2: { items: [{ id: 4 }], next_cursor: null },
    };
    const p = new CursorPager<Item>(async (c) => {
      calls.push(c);
      return pages[c ?? 'first'];
    }, (i) => i.id);
    await p.loadMore();
    await p.loadMore();
    await p.loadMore();
    await p.loadMore();
    expect(calls).toEqual([null, 'c1', 'c2']);
    expect(p.getState().items.map((i) => i.id)).toEqual([1, 2, 3, 4]);
    expect(p.getState().done).toBe(true);
  });

  it('sends one request at a time', async () => {
    const d = deferred<Page<Item>>();
    let n = 0;
    const p = new CursorPager<Item>(() => {
      n++;
      return d.promise;
    }, (i) => i.id);
    const a = p.loadMore();
    const b = p.loadMore();
    expect(n).toBe(1);
    expect(p.getState().loading).toBe(true);
    d.resolve({ items: [{ id: 1 }], next_cursor: null });
    await Promise.all([a, b]);
    expect(p.getState().items).toHaveLength(1);
  });

  it('drops duplicates that shift between pages', async () => {
    const p = new CursorPager<Item>(async (c) =>
      c === null ? { items: [{ id: 1 }, { id: 2 }], next_cursor: 'x' } : { items: [{ id: 2 }, { id: 3 }], next_cursor: null },
    (i) => i.id);
    await p.loadMore();
    await p.loadMore();
    expect(p.getState().items.map((i) => i.id)).toEqual([1, 2, 3]);
  });

  it('keeps the cursor on error so a retry asks for the same page', async () => {
    const calls: Array<string | null> = [];
    let fail = true;
    const p = new CursorPager<Item>(async (c) => {
      calls.push(c);
      if (c === 'c1' && fail) {
        fail = false;
        throw new Error('HTTP 503');
      }
      return c === null ? { items: [{ id: 1 }], next_cursor: 'c1' } : { items: [{ id: 2 }], next_cursor: null };
    }, (i) => i.id);
    await p.loadMore();
    await p.loadMore();
    expect(p.getState().error).toBe('HTTP 503');
    expect(p.getState().done).toBe(false);
    await p.loadMore();
    expect(calls).toEqual([null, 'c1', 'c1']);
    expect(p.getState().error).toBeNull();
    expect(p.getState().items.map((i) => i.id)).toEqual([1, 2]);
  });

  it('ignores an answer that arrives after a reset', async () => {
    const old = deferred<Page<Item>>();
    const p = new CursorPager<Item>(() => old.promise, (i) => i.id);
    const pending = p.loadMore();
    p.reset(async () => ({ items: [{ id: 9 }], next_cursor: null }));
    await p.loadMore();
    old.resolve({ items: [{ id: 1 }], next_cursor: 'zzz' });
    await pending;
    expect(p.getState().items.map((i) => i.id)).toEqual([9]);
    expect(p.getState().done).toBe(true);
  });

  it('treats a cursor that does not move as the end', async () => {
    let n = 0;
    const p = new CursorPager<Item>(async () => ({ items: [{ id: n++ }], next_cursor: 'same' }), (i) => i.id);
    await p.loadMore();
    await p.loadMore();
    expect(p.getState().done).toBe(true);
    await p.loadMore();
    expect(n).toBe(2);
  });

  it('tells subscribers about every change', async () => {
    const p = new CursorPager<Item>(async () => ({ items: [{ id: 1 }], next_cursor: null }), (i) => i.id);
    let ticks = 0;
    const off = p.subscribe(() => ticks++);
    await p.loadMore();
    off();
    p.remove(1);
    expect(ticks).toBe(2);
    expect(p.getState().items).toHaveLength(0);
  });
});

describe('CursorPager seeded with a server-rendered page', () => {
  it('continues from its cursor without asking for the first page again', async () => {
    const calls: Array<string | null> = [];
    const p = new CursorPager<Item>(async (c) => {
      calls.push(c);
      return { items: [{ id: 2 }, { id: 3 }], next_cursor: null };
    }, (i) => i.id, { items: [{ id: 1 }, { id: 2 }], next_cursor: 'c1' });
    expect(p.getState()).toMatchObject({ loaded: true, done: false, cursor: 'c1' });
    await p.loadMore();
    expect(calls).toEqual(['c1']);
    expect(p.getState().items.map((i) => i.id)).toEqual([1, 2, 3]);
  });
  it('is done at once when the server page was the last', () => {
    const p = new CursorPager<Item>(async () => ({ items: [] }), (i) => i.id, { items: [{ id: 1 }], next_cursor: null });
    expect(p.getState().done).toBe(true);
  });
});
