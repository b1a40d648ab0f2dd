// React binding of CursorPager: state through useSyncExternalStore, a new pager when the
// `key` (feed, filters, viewer) changes, and the first page loaded on mount.
import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { CursorPager, type FetchPage, type Page, type PagerState } from '@/lib/pager';

export interface PagerHandle<T> extends PagerState<T> {
  loadMore(): void;
  retry(): void;
  remove(key: string | number): void;
}

export function useCursorPager<T>(
  key: string,
  fetchPage: FetchPage<T>,
  keyOf: (item: T) => string | number,
  enabled = true,
  initial?: Page<T> | null,
): PagerHandle<T> {
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const pagerRef = useRef<CursorPager<T> | null>(null);
  if (!pagerRef.current) {
    pagerRef.current = new CursorPager<T>((c) => fetchRef.current(c), keyOf, initial);
  }
  // The key the server-rendered first page belongs to; that page is not fetched again.
  const seededKey = useRef<string | null>(initial ? key : null);
  const pager = pagerRef.current;
  const state = useSyncExternalStore(pager.subscribe, pager.getState, pager.getState);

  useEffect(() => {
    if (!enabled) return;
    if (seededKey.current === key) return;
    seededKey.current = null;
    pager.reset();
    void pager.loadMore();
  }, [key, enabled, pager]);

  // Stable handlers, so observers that depend on them are not rebuilt on every render.
  const handlers = useMemo(
    () => ({
      loadMore: () => void pager.loadMore(),
      retry: () => void pager.loadMore(),
      remove: (k: string | number) => pager.remove(k),
    }),
    [pager],
  );
  return { ...state, ...handlers };
}
