// `/verify-email?token=`: the link from a sign-up mail.
import Link from 'next/link';
import { useRouter } from 'next/router';
import { useEffect, useState } from 'react';
import { api, qs } from '@/api/browser';
import { errorMessage } from '@/api/client';
import type { VerifiedResponse } from '@/api/types';
import { Layout } from '@/components/Layout';

export default function VerifyEmail() {
  const router = useRouter();
  const [state, setState] = useState<{ ok?: VerifiedResponse; error?: string }>({});
  useEffect(() => {
    if (!router.isReady) return;
    const token = typeof router.query.token === 'string' ? router.query.token : '';
    api()
      .json<VerifiedResponse>(`/v1/auth/verify-email${qs({ token })}`, { auth: 'none' })
      .then((ok) => setState({ ok }))
      .catch((e) => setState({ error: errorMessage(e) }));
  }, [router.isReady, router.query.token]);
  return (
    <Layout title="Verify email">
      <div className="narrow card">
        <h1>Email verification</h1>
        {state.ok && <p role="status">Your email is verified, {state.ok.handle}. <Link href="/auth">Sign in</Link></p>}
        {state.error && <p className="error-alert" role="alert">{state.error}</p>}
        {!state.ok && !state.error && <p className="muted">Checking the link…</p>}
      </div>
    </Layout>
  );
}
