// `/recommended`: art the moderators promoted, open to everyone.
import dynamic from 'next/dynamic';
import { api, qs } from '@/api/browser';
import type { Post, PostPage } from '@/api/types';
import { Layout } from '@/components/Layout';
import { PostGrid } from '@/components/PostGrid';
import { useAuth } from '@/hooks/useAuth';
import { useCursorPager } from '@/hooks/useCursorPager';

const PlayerBar = dynamic(() => import('@/components/players/PlayerBar'), { ssr: false });

export default function Recommended() {
  const { ready, session } = useAuth();
  const pager = useCursorPager<Post>(
    `promoted:${session?.userId ?? 'anon'}`,
    (cursor) => api().json<PostPage>(`/v1/feed/promoted${qs({ cursor, limit: 60 })}`),
    (p) => p.id,
    ready,
  );
  return (
    <Layout title="Recommended">
      <h1>Recommended</h1>
      {session && <PlayerBar me={session.publicSqid} feed={{ page: 'recommended' }} />}
      <PostGrid pager={pager} label="Recommended artworks" empty="No promoted art yet." />
    </Layout>
  );
}
