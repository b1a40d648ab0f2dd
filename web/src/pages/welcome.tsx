// `/welcome`: what the club is, twelve promoted artworks, and the sign-in/sign-up panel.
import { useRouter } from 'next/router';
import { useEffect, useState } from 'react';
import { api } from '@/api/browser';
import type { Post, PostPage } from '@/api/types';
import { AuthPanel } from '@/components/AuthPanel';
import { Layout } from '@/components/Layout';
import { PostTile } from '@/components/PostGrid';
import { safeRedirect, useAuth } from '@/hooks/useAuth';

export default function Welcome() {
  const { ready, session } = useAuth();
  const router = useRouter();
  const [promoted, setPromoted] = useState<Post[]>([]);
  useEffect(() => {
    if (ready && session) void router.replace(safeRedirect(router.query.redirect));
  }, [ready, session, router]);
  useEffect(() => {
    api()
      .json<PostPage>('/v1/feed/promoted?limit=12')
      .then((p) => setPromoted(p.items))
      .catch(() => setPromoted([]));
  }, []);
  return (
    <Layout title="Welcome">
      <div className="hero">
        <h1>Pixel art, alive on real displays.</h1>
        <p className="muted">Share pixel art, react and comment, and send it to the frame on your wall.</p>
      </div>
      <div className="welcome">
        <section aria-label="Promoted art">
          {promoted.length > 0 ? (
            <ul className="grid">{promoted.map((p) => <PostTile key={p.id} post={p} />)}</ul>
          ) : (
            <p className="muted">Promoted art appears here.</p>
          )}
        </section>
        <section className="card" aria-label="Sign in or register">
          <AuthPanel onDone={() => void router.replace(safeRedirect(router.query.redirect))} />
        </section>
      </div>
    </Layout>
  );
}
