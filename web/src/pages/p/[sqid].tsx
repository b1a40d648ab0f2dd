// `/p/{sqid}`: one artwork. Rendered on the server with its own Open Graph and Twitter tags
// (title, artist, the pixelated preview), so links unfurl and the art shows without script.
// In the browser it adds reactions, comments, the view count, and owner/moderator tools.
import type { GetServerSideProps } from 'next';
import dynamic from 'next/dynamic';
import Head from 'next/head';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { api } from '@/api/browser';
import { serverGet, siteOrigin } from '@/api/server';
import type { Post, WidgetData } from '@/api/types';
import { ArtImage } from '@/components/ArtImage';
import { Comments } from '@/components/Comments';
import { Layout } from '@/components/Layout';
import { Reactions } from '@/components/Reactions';
import { isModerator, useAuth } from '@/hooks/useAuth';
import { techLine } from '@/lib/format';
import { previewImage } from '@/lib/og';

const PostTools = dynamic(() => import('@/components/PostTools'), { ssr: false });
// Only signed-in members with players see it; keeping it out of the first load keeps the budget.
const SendToPlayer = dynamic(() => import('@/components/players/SendToPlayer'), { ssr: false });

interface Props {
  sqid: string;
  post: Post | null;
  origin: string;
}

export const getServerSideProps: GetServerSideProps<Props> = async ({ params, req, res }) => {
  const sqid = String(params?.sqid ?? '');
  const r = await serverGet<Post>(`/v1/p/${encodeURIComponent(sqid)}`, req);
  // A hidden post may still open for its author once the browser is signed in; say 404 to
  // crawlers but leave the page to try.
  if (!r.body) res.statusCode = r.status === 404 ? 404 : 502;
  return { props: { sqid, post: r.body, origin: siteOrigin(req) } };
};

export default function PostPage({ sqid, post: initial, origin }: Props) {
  const { ready, session, me } = useAuth();
  const [post, setPost] = useState<Post | null>(initial);
  const [missing, setMissing] = useState(initial === null);
  const [widget, setWidget] = useState<WidgetData | null>(null);

  useEffect(() => {
    setPost(initial);
    setMissing(initial === null);
  }, [initial]);

  // Signed in, ask again: the author (or a moderator) may open what anonymous rendering could not.
  useEffect(() => {
    if (!ready || !session || initial) return;
    api()
      .json<Post>(`/v1/p/${encodeURIComponent(sqid)}`)
      .then((p) => {
        setPost(p);
        setMissing(false);
      })
      .catch(() => setMissing(true));
  }, [ready, session, initial, sqid]);

  const postId = post?.id ?? null;
  useEffect(() => {
    if (!ready || postId === null) return;
    api()
      .json<WidgetData>(`/v1/post/${postId}/widget-data`)
      .then(setWidget)
      .catch(() => setWidget(null));
  }, [ready, postId, session?.userId]);

  // One view, 2 s after the art is on screen, never for one's own art.
  const ownerId = post?.owner_id;
  useEffect(() => {
    if (!ready || postId === null) return;
    if (session && session.userId === ownerId) return;
    const t = setTimeout(() => {
      void api().request(`/v1/post/${postId}/view`, { method: 'POST' }).catch(() => undefined);
    }, 2000);
    return () => clearTimeout(t);
  }, [ready, postId, ownerId, session]);

  if (!post) {
    return (
      <Layout title="Not found">
        <h1>{missing ? 'Artwork not found' : 'Loading…'}</h1>
        {missing && <p className="muted">It may have been removed, or it is not public. <Link href="/">Back to Recent</Link></p>}
      </Layout>
    );
  }

  const url = `${origin}/p/${post.public_sqid}`;
  const og = previewImage(post);
  const description = `Pixel art by ${post.owner.handle}${post.width ? ` • ${post.width}×${post.height}` : ''}${
    post.description ? ` — ${post.description.slice(0, 150)}` : ''
  }`;
  const isOwner = !!session && session.userId === post.owner_id;
  const mod = isModerator(me);

  return (
    <Layout title={post.title}>
      <Head>
        <link rel="canonical" href={url} />
        <meta key="description" name="description" content={description} />
        <meta property="og:type" content="article" />
        <meta property="og:title" content={`${post.title} by ${post.owner.handle}`} />
        <meta property="og:description" content={description} />
        <meta property="og:url" content={url} />
        {og && <meta property="og:image" content={og.url} />}
        {og && <meta property="og:image:width" content={String(og.width)} />}
        {og && <meta property="og:image:height" content={String(og.height)} />}
        {og && <meta property="og:image:alt" content={`${post.title}, pixel art by ${post.owner.handle}`} />}
        <meta name="twitter:card" content="summary_large_image" />
        <meta name="twitter:title" content={`${post.title} by ${post.owner.handle}`} />
        <meta name="twitter:description" content={description} />
        {og && <meta name="twitter:image" content={og.url} />}
      </Head>
      <article className="post">
        <div>
          {post.art_url && post.width && post.height ? (
            <ArtImage src={post.art_url} alt={`${post.title} by ${post.owner.handle}`} width={post.width} height={post.height} />
          ) : (
            <p className="muted">The artwork file is not available.</p>
          )}
        </div>
        <div className="post-meta">
          <p>
            {!post.public_visibility && <span className="status-badge">Pending approval</span>}
            {(post.hidden_by_user || post.hidden_by_mod) && <span className="status-badge">Hidden</span>}
            {post.promoted && <span className="status-badge">Promoted</span>}
          </p>
          <h1>{post.title}</h1>
          <p>
            by <Link href={`/u/${post.owner.public_sqid}`}>{post.owner.handle}</Link>
          </p>
          <p className="tech">{techLine(post)}</p>
          <p className="counters">
            <span title="Reactions">⚡ {widget ? Object.values(widget.reactions.totals).reduce((a, b) => a + b, 0) : post.reaction_count}</span>
            <span title="Comments">💬 {widget ? widget.comments.length : post.comment_count}</span>
            <span title="Views">👁 {widget?.views_count ?? post.view_count}</span>
          </p>
          {post.description && <p className="bio">{post.description}</p>}
          {post.hashtags.length > 0 && (
            <ul className="hashtags" aria-label="Hashtags">
              {post.hashtags.map((h) => (
                <li key={h}><Link href={`/hashtags/${encodeURIComponent(h)}`}>#{h}</Link></li>
              ))}
            </ul>
          )}
          {post.license && <p className="small muted">License: {post.license.title}</p>}
          {widget ? (
            <Reactions postId={post.id} summary={widget.reactions} onChange={(r) => setWidget({ ...widget, reactions: r })} />
          ) : (
            <p className="muted small">Loading reactions…</p>
          )}
          <p className="owner-tools">
            <a className="button button-small button-secondary" href={`/api/v1/d/${post.public_sqid}`} download>
              Download
            </a>
            <CopyLink url={url} />
          </p>
          {session && <SendToPlayer me={session.publicSqid} postId={post.id} />}
          {(isOwner || mod) && (
            <PostTools post={post} isOwner={isOwner} isMod={mod} onChange={setPost} />
          )}
        </div>
      </article>
      {widget && (
        <Comments postId={post.id} comments={widget.comments} onChange={(c) => setWidget({ ...widget, comments: c })} />
      )}
    </Layout>
  );
}

function CopyLink({ url }: { url: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      className="button button-small button-secondary"
      onClick={() => {
        void navigator.clipboard?.writeText(url).then(() => setDone(true));
      }}
    >
      {done ? 'Link copied' : 'Copy link'}
    </button>
  );
}
