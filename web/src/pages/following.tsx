// `/following`: new art from the artists you follow (the original site never showed this feed).
import Link from 'next/link';
import { api, qs } from '@/api/browser';
import type { Post, PostPage } from '@/api/types';
import { Layout } from '@/components/Layout';
import { PostGrid } from '@/components/PostGrid';
import { useCursorPager } from '@/hooks/useCursorPager';
import { useRequireAuth } from '@/hooks/useRequireAuth';

export default function Following() {
  const { ready, session } = useRequireAuth();
  const pager = useCursorPager<Post>(
    `following:${session?.userId ?? 'anon'}`,
    (cursor) => api().json<PostPage>(`/v1/feed/following${qs({ cursor, limit: 100 })}`),
    (p) => p.id,
    ready && !!session,
  );
  return (
    <Layout title="Following">
      <h1>Following</h1>
      {session && (
        <PostGrid
          pager={pager}
          label="Art from people you follow"
          empty="Nothing yet. Follow artists from their profile to see their new art here."
        />
      )}
      {session && pager.loaded && pager.items.length === 0 && (
        <p className="muted">
          Find people on <Link href="/search?tab=users">Search</Link> or in <Link href="/recommended">Recommended</Link>.
        </p>
      )}
    </Layout>
  );
}
