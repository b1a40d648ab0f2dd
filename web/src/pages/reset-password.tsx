// `/reset-password?token=`: the link from the reset mail; sets a new password.
import Link from 'next/link';
import { useRouter } from 'next/router';
import { useState } from 'react';
import { api } from '@/api/browser';
import { errorMessage } from '@/api/client';
import { passwordProblem } from '@/components/AuthPanel';
import { Layout } from '@/components/Layout';

export default function ResetPassword() {
  const router = useRouter();
  const token = typeof router.query.token === 'string' ? router.query.token : '';
  const [pw, setPw] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<{ pw?: string; again?: string; form?: string }>({});
  const [done, setDone] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const p = passwordProblem(pw);
    if (p) return setError({ pw: p });
    if (pw !== again) return setError({ again: 'The two passwords differ.' });
    setError({});
    try {
      await api().json('/v1/auth/reset-password', { method: 'POST', json: { token, new_password: pw }, auth: 'none' });
      setDone(true);
    } catch (err) {
      setError({ form: errorMessage(err) });
    }
  };
  return (
    <Layout title="Reset password">
      <div className="narrow card">
        <h1>Choose a new password</h1>
        {done ? (
          <p role="status">Your password is changed. <Link href="/auth">Sign in</Link></p>
        ) : !token && router.isReady ? (
          <p className="error-alert">This link has no token. Ask for a new one on <Link href="/forgot-password">Forgot password</Link>.</p>
        ) : (
          <form onSubmit={(e) => void submit(e)}>
            <label htmlFor="rp-new">New password</label>
            <input id="rp-new" type="password" autoComplete="new-password" value={pw} onChange={(e) => setPw(e.target.value)}
              aria-invalid={!!error.pw} aria-describedby={error.pw ? 'rp-new-err' : undefined} />
            {error.pw && <p id="rp-new-err" className="field-error" role="alert">{error.pw}</p>}
            <label htmlFor="rp-again">Confirm the new password</label>
            <input id="rp-again" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)}
              aria-invalid={!!error.again} aria-describedby={error.again ? 'rp-again-err' : undefined} />
            {error.again && <p id="rp-again-err" className="field-error" role="alert">{error.again}</p>}
            <button className="button" type="submit">Set the password</button>
            {error.form && <p className="error-alert" role="alert">{error.form}</p>}
          </form>
        )}
      </div>
    </Layout>
  );
}
