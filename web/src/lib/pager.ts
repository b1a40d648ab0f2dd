// Cursor pagination over the api's `{items, next_cursor}` pages, independent of React so the
// rules are testable: one request at a time, cursors passed back untouched (they are opaque),
// items de-duplicated by id, a stale answer after `reset` ignored, errors kept for a retry.

export interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

export interface PagerState<T> {
  items: T[];
  /** Cursor of the next page; null before the first page and after the last. */
  cursor: string | null;
  loading: boolean;
  done: boolean;
  error: string | null;
  /** At least one page arrived (distinguishes "empty feed" from "not loaded yet"). */
  loaded: boolean;
}

export type FetchPage<T> = (cursor: string | null) => Promise<Page<T>>;

export class CursorPager<T> {
  private state: PagerState<T> = initialState();
  private generation = 0;
  private listeners = new Set<() => void>();
  private seen = new Set<string>();

  constructor(
    private fetchPage: FetchPage<T>,
    private keyOf: (item: T) => string | number,
    initial?: Page<T> | null,
  ) {
    // A first page rendered on the server: continue from its cursor instead of refetching it.
    if (initial) {
      for (const it of initial.items) this.seen.add(String(keyOf(it)));
      const next = initial.next_cursor ?? null;
      this.state = { ...initialState<T>(), items: [...initial.items], cursor: next, done: next === null, loaded: true };
    }
  }

  getState = (): PagerState<T> => this.state;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  /** Loads the next page unless one is in flight or the end was reached. */
  async loadMore(): Promise<void> {
    const s = this.state;
    if (s.loading || s.done) return;
    const gen = this.generation;
    this.set({ ...s, loading: true, error: null });
    try {
      const page = await this.fetchPage(this.state.loaded ? s.cursor : null);
      if (gen !== this.generation) return;
      const fresh = page.items.filter((it) => {
        const k = String(this.keyOf(it));
        if (this.seen.has(k)) return false;
        this.seen.add(k);
        return true;
      });
      const next = page.next_cursor ?? null;
      // A cursor that does not move would loop forever; treat it as the end.
      const stuck = next !== null && next === s.cursor;
      this.set({
        items: [...this.state.items, ...fresh],
        cursor: next,
        loading: false,
        done: next === null || stuck,
        error: null,
        loaded: true,
      });
    } catch (e) {
      if (gen !== this.generation) return;
      this.set({ ...this.state, loading: false, error: errorText(e) });
    }
  }

  /** Starts over (new filters, new viewer); an answer to an older request is dropped. */
  reset(fetchPage?: FetchPage<T>): void {
    if (fetchPage) this.fetchPage = fetchPage;
    this.generation++;
    this.seen.clear();
    this.set(initialState());
  }

  /** Removes one item locally (e.g. after the owner deleted it). */
  remove(key: string | number): void {
    this.set({ ...this.state, items: this.state.items.filter((i) => this.keyOf(i) !== key) });
  }

  private set(next: PagerState<T>): void {
    this.state = next;
    for (const fn of this.listeners) fn();
  }
}

function initialState<T>(): PagerState<T> {
  return { items: [], cursor: null, loading: false, done: false, error: null, loaded: false };
}

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return 'Something went wrong.';
}
