// A grid of artwork tiles over a cursor pager, loading the next page when the sentinel below
// the grid scrolls into view (with a button as the keyboard and no-observer fallback).
import Link from 'next/link';
import { useEffect, useRef } from 'react';
import type { Post } from '@/api/types';
import type { PagerHandle } from '@/hooks/useCursorPager';

const TILE = 128;

export function PostTile({ post }: { post: Pick<Post, 'public_sqid' | 'title' | 'art_url' | 'width' | 'height' | 'owner'> }) {
  const w = post.width ?? TILE;
  const h = post.height ?? TILE;
  // Whole-number upscales where they fit; large art shrinks to the tile.
  const k = Math.max(w, h) <= TILE ? Math.floor(TILE / Math.max(w, h)) : TILE / Math.max(w, h);
  return (
    <li className="tile">
      <Link href={`/p/${post.public_sqid}`} className="tile-link" title={`${post.title} by ${post.owner.handle}`}>
        {post.art_url ? (
          <img
            className="artwork-image pixel-art"
            src={post.art_url}
            alt={`${post.title} by ${post.owner.handle}`}
            width={Math.round(w * k)}
            height={Math.round(h * k)}
            loading="lazy"
            decoding="async"
          />
        ) : (
          <span className="tile-missing">{post.title}</span>
        )}
      </Link>
    </li>
  );
}

export function PostGrid({
  pager,
  empty = 'Nothing here yet. 🐣',
  label,
}: {
  pager: PagerHandle<Post>;
  empty?: string;
  label: string;
}) {
  return (
    <section aria-label={label}>
      {pager.items.length > 0 && (
        <ul className="grid" aria-label={label}>
          {pager.items.map((p) => (
            <PostTile key={p.id} post={p} />
          ))}
        </ul>
      )}
      <PagerFooter pager={pager} empty={empty} />
    </section>
  );
}

export function PagerFooter<T>({ pager, empty }: { pager: PagerHandle<T>; empty: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const { loadMore, done, loading, error, loaded } = pager;
  useEffect(() => {
    const el = ref.current;
    // The first page is the hook's to load (it knows when the viewer is known); only later
    // pages follow the scroll.
    if (!el || !loaded || done || error || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) loadMore();
      },
      { rootMargin: '600px 0px' },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [loadMore, loaded, done, error, pager.items.length]);

  return (
    <div ref={ref} className="pager-footer" aria-live="polite">
      {error && (
        <p className="error-alert" role="alert">
          Could not load more: {error}{' '}
          <button type="button" className="button button-small" onClick={pager.retry}>
            Retry
          </button>
        </p>
      )}
      {loading && <p className="muted">Loading…</p>}
      {pager.loaded && !loading && pager.items.length === 0 && !error && <p className="empty">{empty}</p>}
      {!done && !loading && !error && pager.loaded && (
        <button type="button" className="button button-small" onClick={loadMore}>
          Load more
        </button>
      )}
    </div>
  );
}
