// `/hashtags/{tag}`: the tag's public art, newest first.
import dynamic from 'next/dynamic';
import { useRouter } from 'next/router';
import { api, qs } from '@/api/browser';
import type { Post, PostPage } from '@/api/types';
import { Layout } from '@/components/Layout';
import { PostGrid } from '@/components/PostGrid';
import { useCursorPager } from '@/hooks/useCursorPager';
import { useRequireAuth } from '@/hooks/useRequireAuth';

const PlayerBar = dynamic(() => import('@/components/players/PlayerBar'), { ssr: false });

export default function HashtagPage() {
  const router = useRouter();
  const tag = typeof router.query.tag === 'string' ? router.query.tag.toLowerCase() : '';
  const { ready, session } = useRequireAuth();
  const pager = useCursorPager<Post>(
    `tag:${tag}:${session?.userId ?? 'anon'}`,
    (cursor) => api().json<PostPage>(`/v1/hashtags/${encodeURIComponent(tag)}/posts${qs({ cursor, limit: 60 })}`),
    (p) => p.id,
    ready && !!session && !!tag,
  );
  return (
    <Layout title={`#${tag}`}>
      <h1>#{tag}</h1>
      {session && tag && <PlayerBar me={session.publicSqid} feed={{ page: 'hashtag', tag }} />}
      {session && <PostGrid pager={pager} label={`Art tagged ${tag}`} empty={`No art tagged #${tag} yet.`} />}
    </Layout>
  );
}
