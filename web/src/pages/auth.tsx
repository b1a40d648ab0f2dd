// `/auth`: the sign-in/sign-up panel on its own; `?redirect=` (a path on this site) is where
// a successful sign-in goes.
import { useRouter } from 'next/router';
import { useEffect } from 'react';
import { AuthPanel } from '@/components/AuthPanel';
import { Layout } from '@/components/Layout';
import { safeRedirect, useAuth } from '@/hooks/useAuth';

export default function Auth() {
  const { ready, session } = useAuth();
  const router = useRouter();
  const target = safeRedirect(router.query.redirect);
  useEffect(() => {
    if (ready && session) void router.replace(target);
  }, [ready, session, router, target]);
  return (
    <Layout title="Sign in">
      <div className="narrow card">
        <h1>Makapix Club</h1>
        {/* The query is known only after hydration on this static page. */}
        {router.isReady && (
          <AuthPanel
            key={String(router.query.mode)}
            initialMode={router.query.mode === 'register' ? 'register' : 'login'}
            onDone={() => void router.replace(target)}
          />
        )}
      </div>
    </Layout>
  );
}
