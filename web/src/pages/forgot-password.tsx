// `/forgot-password`: asks the api to mail a reset link (the answer never says whether the
// address has an account).
import { useState } from 'react';
import { api } from '@/api/browser';
import { errorMessage } from '@/api/client';
import { Layout } from '@/components/Layout';

export default function ForgotPassword() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api().json('/v1/auth/forgot-password', { method: 'POST', json: { email }, auth: 'none' });
      setSent(true);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <Layout title="Forgot password">
      <div className="narrow card">
        <h1>Forgot your password?</h1>
        {sent ? (
          <p role="status">Check your email. If an account uses {email}, a reset link is on its way; it works for 1 hour.</p>
        ) : (
          <form onSubmit={(e) => void submit(e)}>
            <label htmlFor="fp-email">Email</label>
            <input id="fp-email" type="email" autoComplete="email" required value={email}
              onChange={(e) => setEmail(e.target.value)} aria-describedby={error ? 'fp-err' : undefined} />
            {error && <p id="fp-err" className="field-error" role="alert">{error}</p>}
            <button className="button" type="submit" disabled={!email}>Send the reset link</button>
          </form>
        )}
      </div>
    </Layout>
  );
}
