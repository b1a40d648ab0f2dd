// Pages for signed-in people send everyone else to /auth, with a way back.
import { useRouter } from 'next/router';
import { useEffect } from 'react';
import { useAuth } from './useAuth';

export function useRequireAuth(to = '/auth'): ReturnType<typeof useAuth> {
  const auth = useAuth();
  const router = useRouter();
  useEffect(() => {
    if (auth.ready && !auth.session) {
      void router.replace(`${to}?redirect=${encodeURIComponent(router.asPath)}`);
    }
  }, [auth.ready, auth.session, router, to]);
  return auth;
}
