import { describe, expect, it } from 'vitest';
import { CursorPager, type Page } from '@/lib/pager';

// A stand-in for the approval queue: keyset pages (oldest first) over rows that approvals
// remove on the server, as /v1/admin/pending-approval does. The cursor names the last row sent.
function queue(ids: number[], limit: number) {
  const rows = [...ids];
  const seen: (string | null)[] = [];
  const fetchPage = async (cursor: string | null): Promise<Page<{ id: number }>> => {
    seen.push(cursor);
    const after = cursor === null ? -Infinity : Number(cursor);
    const rest = rows.filter((id) => id > after);
    const page = rest.slice(0, limit);
    const more = rest.length > limit;
    return { items: page.map((id) => ({ id })), next_cursor: more ? String(page[page.length - 1]) : null };
  };
  const approve = (id: number) => rows.splice(rows.indexOf(id), 1);
  return { fetchPage, approve, seen };
}

describe('moderation queue paging', () => {
  it('reaches every post after the first page was approved away', async () => {
    const q = queue([1, 2, 3, 4, 5], 2);
    const pager = new CursorPager(q.fetchPage, (p) => p.id);
    await pager.loadMore();
    for (const { id } of pager.getState().items) {
      q.approve(id);
      pager.remove(id);
    }
    expect(pager.getState().items).toEqual([]);
    expect(pager.getState().done).toBe(false);
    await pager.loadMore();
    expect(pager.getState().items.map((p) => p.id)).toEqual([3, 4]);
    await pager.loadMore();
    expect(pager.getState().items.map((p) => p.id)).toEqual([3, 4, 5]);
    expect(pager.getState().done).toBe(true);
    expect(q.seen).toEqual([null, '2', '4']);
  });

  it('stops at the last page without another request', async () => {
    const q = queue([1, 2], 2);
    const pager = new CursorPager(q.fetchPage, (p) => p.id);
    await pager.loadMore();
    await pager.loadMore();
    expect(pager.getState().done).toBe(true);
    expect(q.seen).toEqual([null]);
  });
});
