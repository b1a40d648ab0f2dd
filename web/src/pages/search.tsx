// `/search?tab=&q=`: people and artworks matching a query (300 ms after typing stops), and the
// hashtag list by popularity.
import Link from 'next/link';
import { useRouter } from 'next/router';
import { useEffect, useState } from 'react';
import { api, qs } from '@/api/browser';
import type { HashtagCount, HashtagPage, Post, SearchItem, SearchPage } from '@/api/types';
import { Layout } from '@/components/Layout';
import { PagerFooter, PostTile } from '@/components/PostGrid';
import { useCursorPager } from '@/hooks/useCursorPager';
import { useRequireAuth } from '@/hooks/useRequireAuth';

type Tab = 'search' | 'hashtags';

export default function Search() {
  const router = useRouter();
  const { ready, session } = useRequireAuth();
  const tab: Tab = router.query.tab === 'hashtags' ? 'hashtags' : 'search';
  const urlQ = typeof router.query.q === 'string' ? router.query.q : '';
  const [q, setQ] = useState(urlQ);
  const [debounced, setDebounced] = useState(urlQ);

  useEffect(() => setQ(urlQ), [urlQ]);
  useEffect(() => {
    const t = setTimeout(() => {
      setDebounced(q.trim());
      if (q !== urlQ) void router.replace({ pathname: '/search', query: { ...router.query, q: q || undefined } }, undefined, { shallow: true });
    }, 300);
    return () => clearTimeout(t);
  }, [q]); // eslint-disable-line react-hooks/exhaustive-deps

  const results = useCursorPager<SearchItem>(
    `search:${debounced}:${session?.userId ?? 'anon'}`,
    (cursor) => api().json<SearchPage>(`/v1/search${qs({ q: debounced, types: 'users,posts', cursor, limit: 40 })}`),
    (i) => (i.type === 'users' ? `u${i.user.id}` : i.type === 'posts' ? `p${i.post.id}` : `l${i.type}`),
    ready && !!session && tab === 'search' && debounced.length > 0,
  );
  const tags = useCursorPager<HashtagCount>(
    `tags:${session?.userId ?? 'anon'}`,
    (cursor) => api().json<HashtagPage>(`/v1/hashtags${qs({ sort: 'popularity', cursor, limit: 100 })}`),
    (t) => t.tag,
    ready && !!session && tab === 'hashtags',
  );

  const users = results.items.flatMap((i) => (i.type === 'users' ? [i.user] : []));
  const posts: Post[] = results.items.flatMap((i) => (i.type === 'posts' ? [i.post] : []));

  return (
    <Layout title="Search">
      <h1>Search</h1>
      <nav className="tabs" aria-label="Search sections">
        <Link href="/search" aria-current={tab === 'search' ? 'page' : undefined}>Search</Link>
        <Link href="/search?tab=hashtags" aria-current={tab === 'hashtags' ? 'page' : undefined}>Hashtags</Link>
      </nav>
      {tab === 'search' ? (
        <>
          <form role="search" onSubmit={(e) => e.preventDefault()}>
            <label htmlFor="search-q" className="sr-only">Search people and artworks</label>
            <input id="search-q" type="search" value={q} placeholder="Search people and artworks" onChange={(e) => setQ(e.target.value)} />
          </form>
          {users.length > 0 && (
            <section aria-label="People">
              <h2>People</h2>
              <ul className="rows">
                {users.map((u) => (
                  <li key={u.id}>
                    {u.avatar_url && <img className="avatar avatar-sm" src={u.avatar_url} alt="" width={28} height={28} />}
                    <Link href={`/u/${u.public_sqid}`}>{u.handle}</Link>
                    {u.tagline && <span className="muted small">{u.tagline}</span>}
                  </li>
                ))}
              </ul>
            </section>
          )}
          {posts.length > 0 && (
            <section aria-label="Artworks">
              <h2>Artworks</h2>
              <ul className="grid">{posts.map((p) => <PostTile key={p.id} post={p} />)}</ul>
            </section>
          )}
          {debounced && <PagerFooter pager={results} empty={`Nothing matches “${debounced}”.`} />}
        </>
      ) : (
        <>
          <ul className="rows" aria-label="Hashtags">
            {tags.items.map((t) => (
              <li key={t.tag}>
                <Link className="grow" href={`/hashtags/${encodeURIComponent(t.tag)}`}>#{t.tag}</Link>
                <span className="muted">{t.count}</span>
              </li>
            ))}
          </ul>
          <PagerFooter pager={tags} empty="No hashtags yet." />
        </>
      )}
    </Layout>
  );
}
