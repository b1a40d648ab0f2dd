// `/u/{sqid}`: a profile, rendered on the server with its first gallery page and Open Graph
// tags. In the browser: follow, the favourites tab, and for the owner editing and the avatar.
import type { GetServerSideProps } from 'next';
import dynamic from 'next/dynamic';
import Head from 'next/head';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { api, qs } from '@/api/browser';
import { errorMessage } from '@/api/client';
import { serverGet, siteOrigin } from '@/api/server';
import type { FollowState, Post, PostPage, Profile, ReactedPostsPage } from '@/api/types';
import { Layout } from '@/components/Layout';
import { PostGrid } from '@/components/PostGrid';
import { useAuth } from '@/hooks/useAuth';
import { useCursorPager } from '@/hooks/useCursorPager';

const ProfileEditor = dynamic(() => import('@/components/ProfileEditor'), { ssr: false });
const ReportButton = dynamic(() => import('@/components/ReportButton'), { ssr: false });
const PlayerBar = dynamic(() => import('@/components/players/PlayerBar'), { ssr: false });

const GALLERY_LIMIT = 60;

interface Props {
  profile: Profile | null;
  gallery: PostPage | null;
  origin: string;
  sqid: string;
}

export const getServerSideProps: GetServerSideProps<Props> = async ({ params, req, res }) => {
  const sqid = String(params?.sqid ?? '');
  const p = await serverGet<Profile>(`/v1/user/u/${encodeURIComponent(sqid)}/profile`, req);
  let gallery: PostPage | null = null;
  if (p.body) {
    const g = await serverGet<PostPage>(`/v1/post${qs({ owner_id: p.body.user_key, limit: GALLERY_LIMIT })}`, req);
    gallery = g.body;
  } else {
    res.statusCode = p.status === 404 ? 404 : 502;
  }
  return { props: { profile: p.body, gallery, origin: siteOrigin(req), sqid } };
};

export default function ProfilePage(props: Props) {
  if (!props.profile) {
    return (
      <Layout title="Not found">
        <h1>Profile not found</h1>
        <p className="muted">No visible member has this address.</p>
      </Layout>
    );
  }
  return <ProfileView key={props.profile.public_sqid} {...props} profile={props.profile} />;
}

function ProfileView({ profile: initial, gallery, origin }: Props & { profile: Profile }) {
  const { ready, session } = useAuth();
  const [profile, setProfile] = useState<Profile>(initial);
  const [tab, setTab] = useState<'gallery' | 'favourites'>('gallery');
  const [followError, setFollowError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const viewer = session?.userId ?? 'anon';
  const sqid = initial.public_sqid;

  // The viewer-specific fields (is_following, own profile) need the signed-in request.
  useEffect(() => {
    if (!ready || !session) return;
    api().json<Profile>(`/v1/user/u/${sqid}/profile`).then(setProfile).catch(() => undefined);
  }, [ready, session, sqid]);

  const galleryPager = useCursorPager<Post>(
    `gallery:${sqid}:${viewer}`,
    (cursor) => api().json<PostPage>(`/v1/post${qs({ owner_id: initial.user_key, cursor, limit: GALLERY_LIMIT })}`),
    (p) => p.id,
    ready,
    gallery,
  );
  const favPager = useCursorPager<Post>(
    `fav:${sqid}:${viewer}`,
    (cursor) => api().json<ReactedPostsPage>(`/v1/user/u/${sqid}/reacted-posts${qs({ cursor, limit: GALLERY_LIMIT })}`),
    (p) => p.id,
    ready && tab === 'favourites',
  );

  const own = !!session && session.userId === profile.id;
  const follow = async () => {
    setFollowError(null);
    try {
      const s = await api().json<FollowState>(`/v1/user/u/${sqid}/follow`, { method: profile.is_following ? 'DELETE' : 'POST' });
      setProfile({ ...profile, is_following: s.following, stats: { ...profile.stats, follower_count: s.follower_count } });
    } catch (e) {
      setFollowError(errorMessage(e));
    }
  };

  const url = `${origin}/u/${sqid}`;
  const description = profile.tagline || profile.bio?.slice(0, 150) || `${profile.handle} on Makapix Club`;
  return (
    <Layout title={profile.handle}>
      <Head>
        <link rel="canonical" href={url} />
        <meta key="description" name="description" content={description} />
        <meta property="og:type" content="profile" />
        <meta property="og:title" content={`${profile.handle} on Makapix Club`} />
        <meta property="og:description" content={description} />
        <meta property="og:url" content={url} />
        {profile.avatar_url && <meta property="og:image" content={profile.avatar_url} />}
        <meta name="twitter:card" content="summary" />
      </Head>
      <section className="profile-head">
        {profile.avatar_url ? (
          <img className="avatar avatar-lg" src={profile.avatar_url} alt={`${profile.handle}'s avatar`} width={96} height={96} />
        ) : (
          <div className="avatar avatar-lg" aria-hidden="true" />
        )}
        <div>
          <h1>{profile.handle}</h1>
          {profile.tagline && <p className="muted">{profile.tagline}</p>}
          <ul className="stats" aria-label="Statistics">
            <li title="Followers">👤 {profile.stats.follower_count} <span className="sr-only">followers</span></li>
            <li title="Artworks">🖼️ {profile.stats.total_posts} <span className="sr-only">artworks</span></li>
            <li title="Views">👁️ {profile.stats.total_views} <span className="sr-only">views</span></li>
            <li title="Reactions received">🧮 {profile.stats.total_reactions_received} <span className="sr-only">reactions</span></li>
          </ul>
          <div className="owner-tools">
            {session && !own && (
              <button type="button" className="button button-small" onClick={() => void follow()}>
                {profile.is_following ? 'Unfollow' : 'Follow'}
              </button>
            )}
            {!session && ready && (
              <Link className="button button-small" href={`/auth?redirect=${encodeURIComponent(`/u/${sqid}`)}`}>Sign in to follow</Link>
            )}
            {own && (
              <>
                <button type="button" className="button button-small button-secondary" aria-expanded={editing} onClick={() => setEditing((e) => !e)}>
                  Edit profile
                </button>
                <Link className="button button-small button-secondary" href="/settings">Settings</Link>
              </>
            )}
            {session && !own && <ReportButton profile={profile} onBlocked={(b) => setProfile({ ...profile, is_blocked_by_viewer: b })} />}
          </div>
          {followError && <p className="field-error" role="alert">{followError}</p>}
        </div>
      </section>
      {profile.bio && <p className="bio">{profile.bio}</p>}
      {own && editing && <ProfileEditor profile={profile} onSaved={(p) => { setProfile(p); setEditing(false); }} />}
      <div className="tabs" role="tablist" aria-label="Profile lists">
        <button type="button" role="tab" aria-selected={tab === 'gallery'} aria-controls="tab-panel" onClick={() => setTab('gallery')}>
          🖼️ Gallery
        </button>
        <button type="button" role="tab" aria-selected={tab === 'favourites'} aria-controls="tab-panel" onClick={() => setTab('favourites')}>
          ⚡ Favourites
        </button>
      </div>
      {session && (
        <PlayerBar me={session.publicSqid} feed={tab === 'gallery' ? { page: 'profile', userSqid: sqid } : { page: 'reactions', userSqid: sqid }} />
      )}
      <div id="tab-panel" role="tabpanel">
        {tab === 'gallery' ? (
          <PostGrid pager={galleryPager} label={`${profile.handle}'s gallery`} empty="No art yet." />
        ) : (
          <PostGrid pager={favPager} label={`Art ${profile.handle} reacted to`} empty="No favourites yet." />
        )}
      </div>
    </Layout>
  );
}
