// `/`: Recent, the newest public art, endless. Signed-out visitors get /welcome instead.
import dynamic from 'next/dynamic';
import { useRouter } from 'next/router';
import { useEffect } from 'react';
import { api, qs } from '@/api/browser';
import type { Post, PostPage } from '@/api/types';
import { Layout } from '@/components/Layout';
import { PostGrid } from '@/components/PostGrid';
import { useAuth } from '@/hooks/useAuth';
import { useCursorPager } from '@/hooks/useCursorPager';

const PlayerBar = dynamic(() => import('@/components/players/PlayerBar'), { ssr: false });

export default function Recent() {
  const { ready, session } = useAuth();
  const router = useRouter();
  useEffect(() => {
    if (ready && !session) void router.replace('/welcome');
  }, [ready, session, router]);
  const pager = useCursorPager<Post>(
    `recent:${session?.userId ?? 'anon'}`,
    (cursor) => api().json<PostPage>(`/v1/post/recent${qs({ cursor, limit: 60 })}`),
    (p) => p.id,
    ready && !!session,
  );
  return (
    <Layout title="Recent">
      <h1>Recent</h1>
      {session && <PlayerBar me={session.publicSqid} feed={{ page: 'recent' }} />}
      {session && <PostGrid pager={pager} label="Recent artworks" />}
    </Layout>
  );
}
