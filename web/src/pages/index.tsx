// `/`: Recent, the newest public art, endless. Signed-out visitors get /welcome instead.
import { useRouter } from 'next/router';
import { useEffect } from 'react';
import { api, qs } from '@/api/browser';
import type { Post, PostPage } from '@/api/types';
import { Layout } from '@/components/Layout';
import { PostGrid } from '@/components/PostGrid';
import { useAuth } from '@/hooks/useAuth';
import { useCursorPager } from '@/hooks/useCursorPager';

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
      {session && <PostGrid pager={pager} label="Recent artworks" />}
    </Layout>
  );
}
