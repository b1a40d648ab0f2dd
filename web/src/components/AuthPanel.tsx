// Sign-in and sign-up in one panel. Sign-up takes a password, then the 6-digit code the api
// mails, then signs in by itself. An unverified account trying to sign in is sent a fresh code
// and taken to the code step. Errors appear under the field they concern.
import Link from 'next/link';
import { useState } from 'react';
import { api } from '@/api/browser';
import { ApiError, errorMessage, type TokenBody } from '@/api/client';
import type { RegisterResponse } from '@/api/types';
import { useAuth } from '@/hooks/useAuth';
import { passwordProblem } from '@/lib/password';

type Mode = 'login' | 'register' | 'code';

export { passwordProblem } from '@/lib/password';

export function AuthPanel({ onDone, initialMode = 'login' }: { onDone(): void; initialMode?: 'login' | 'register' }) {
  const { signIn } = useAuth();
  const [mode, setMode] = useState<Mode>(initialMode);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<{ email?: string; password?: string; code?: string; form?: string }>({});
  const [notice, setNotice] = useState<string | null>(null);

  const login = async () => {
    const t = await api().json<TokenBody>('/v1/auth/login', { method: 'POST', json: { email, password }, auth: 'none' });
    await signIn(t);
    onDone();
  };

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setErrors({});
    setNotice(null);
    if (mode === 'register') {
      const p = passwordProblem(password);
      if (p) return setErrors({ password: p });
    }
    if (mode === 'code' && !/^\d{6}$/.test(code)) return setErrors({ code: 'Enter the 6 digits from the email.' });
    setBusy(true);
    try {
      if (mode === 'login') {
        await login();
      } else if (mode === 'register') {
        const r = await api().json<RegisterResponse>('/v1/auth/register', {
          method: 'POST',
          json: { email, password },
          auth: 'none',
        });
        setNotice(`We sent a 6-digit code to ${r.email}.`);
        setMode('code');
      } else {
        await api().json('/v1/auth/email-otp/verify', { method: 'POST', json: { email, code }, auth: 'none' });
        await login();
      }
    } catch (err) {
      if (err instanceof ApiError && err.code === 'email_not_verified') {
        await requestCode();
        setMode('code');
      } else if (mode === 'code') {
        setErrors({ code: errorMessage(err) });
      } else if (err instanceof ApiError && err.code === 'weak_password') {
        setErrors({ password: err.message });
      } else if (err instanceof ApiError && (err.status === 409 || /email/i.test(err.message))) {
        setErrors({ email: errorMessage(err) });
      } else {
        setErrors({ form: errorMessage(err) });
      }
    } finally {
      setBusy(false);
    }
  };

  const requestCode = async () => {
    try {
      await api().json('/v1/auth/email-otp/request', { method: 'POST', json: { email }, auth: 'none' });
      setNotice(`If ${email} has an account waiting, a new code is on its way.`);
    } catch (err) {
      setErrors({ code: errorMessage(err) });
    }
  };

  const github = async () => {
    setErrors({});
    try {
      const r = await fetch('/api/v1/auth/github/login', { redirect: 'manual' });
      if (r.status === 404) return setErrors({ form: 'GitHub sign-in is not enabled on this server.' });
    } catch {
      // A redirect we may not follow from script; the navigation below handles it.
    }
    window.location.href = '/api/v1/auth/github/login';
  };

  return (
    <div className="auth-panel">
      {mode !== 'code' && (
        <div className="tabs" role="tablist" aria-label="Sign in or register">
          <button type="button" role="tab" aria-selected={mode === 'login'} onClick={() => setMode('login')}>
            Sign in
          </button>
          <button type="button" role="tab" aria-selected={mode === 'register'} onClick={() => setMode('register')}>
            Register
          </button>
        </div>
      )}
      <form onSubmit={(e) => void submit(e)} noValidate>
        {mode === 'code' ? (
          <>
            <h2>Enter your code</h2>
            {notice && <p className="notice" role="status">{notice}</p>}
            <label htmlFor="auth-code">6-digit code</label>
            <input
              id="auth-code"
              inputMode="numeric"
              autoComplete="one-time-code"
              value={code}
              pattern="[0-9]{6}"
              onChange={(e) => setCode(e.target.value.replace(/\D/g, '').slice(0, 6))}
              aria-invalid={!!errors.code}
              aria-describedby={errors.code ? 'auth-code-err' : undefined}
            />
            {errors.code && <p id="auth-code-err" className="field-error" role="alert">{errors.code}</p>}
            <button type="submit" className="button" disabled={busy || code.length !== 6}>
              Verify and sign in
            </button>
            <div className="form-links">
              <button type="button" className="link-button" onClick={() => void requestCode()}>Resend the code</button>
              <button type="button" className="link-button" onClick={() => { setMode('register'); setCode(''); }}>
                Use a different email
              </button>
            </div>
          </>
        ) : (
          <>
            <label htmlFor="auth-email">Email</label>
            <input
              id="auth-email"
              type="email"
              autoComplete="email"
              value={email}
              required
              onChange={(e) => setEmail(e.target.value)}
              aria-invalid={!!errors.email}
              aria-describedby={errors.email ? 'auth-email-err' : undefined}
            />
            {errors.email && <p id="auth-email-err" className="field-error" role="alert">{errors.email}</p>}
            <label htmlFor="auth-password">Password</label>
            <input
              id="auth-password"
              type="password"
              autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
              value={password}
              required
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={!!errors.password}
              aria-describedby={errors.password ? 'auth-password-err' : mode === 'register' ? 'auth-password-hint' : undefined}
            />
            {mode === 'register' && !errors.password && (
              <p id="auth-password-hint" className="hint">At least 8 characters, with a letter and a number.</p>
            )}
            {errors.password && <p id="auth-password-err" className="field-error" role="alert">{errors.password}</p>}
            <button type="submit" className="button" disabled={busy || !email || !password}>
              {mode === 'login' ? 'Login' : 'Create account'}
            </button>
            {mode === 'login' && (
              <p className="form-links"><Link href="/forgot-password">Forgot your password?</Link></p>
            )}
            <button type="button" className="button button-secondary" onClick={() => void github()}>
              Sign in with GitHub
            </button>
          </>
        )}
        {errors.form && <p className="error-alert" role="alert">{errors.form}</p>}
      </form>
    </div>
  );
}
