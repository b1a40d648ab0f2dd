// `/settings`: monitored hashtags you want shown, blocked people, password, handle, and
// deleting the account.
import Link from 'next/link';
import { useRouter } from 'next/router';
import { useEffect, useState } from 'react';
import { api } from '@/api/browser';
import { errorMessage } from '@/api/client';
import { MONITORED_HASHTAGS, type BlockPage, type BlockedUser } from '@/api/types';
import { passwordProblem } from '@/components/AuthPanel';
import { Layout } from '@/components/Layout';
import { useRequireAuth } from '@/hooks/useRequireAuth';

function useAction() {
  const [msg, setMsg] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (fn: () => Promise<string>) => {
    setMsg(null);
    setError(null);
    try {
      setMsg(await fn());
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const view = (id: string) => (
    <>
      {msg && <p id={`${id}-ok`} className="notice" role="status">{msg}</p>}
      {error && <p id={`${id}-err`} className="field-error" role="alert">{error}</p>}
    </>
  );
  return { run, view };
}

export default function Settings() {
  const { me, session, reloadMe, signOut } = useRequireAuth();
  const router = useRouter();
  const [shown, setShown] = useState<string[]>([]);
  const [blocks, setBlocks] = useState<BlockedUser[]>([]);
  const [pw, setPw] = useState({ current: '', next: '' });
  const [handle, setHandle] = useState('');
  const [confirmDelete, setConfirmDelete] = useState('');
  const tagsA = useAction();
  const blockA = useAction();
  const pwA = useAction();
  const handleA = useAction();
  const delA = useAction();

  useEffect(() => {
    if (me) {
      setShown(me.user.approved_hashtags);
      setHandle(me.user.handle);
    }
  }, [me]);
  useEffect(() => {
    if (!session) return;
    api().json<BlockPage>('/v1/me/blocks?limit=200').then((p) => setBlocks(p.items)).catch(() => setBlocks([]));
  }, [session]);

  if (!me) return <Layout title="Settings"><h1>Settings</h1><p className="muted">Loading…</p></Layout>;

  return (
    <Layout title="Settings">
      <div className="narrow">
        <h1>Settings</h1>
        <form className="card" onSubmit={(e) => {
          e.preventDefault();
          void tagsA.run(async () => {
            await api().json(`/v1/user/${me.user.user_key}`, { method: 'PATCH', json: { approved_hashtags: shown } });
            await reloadMe();
            return 'Saved. Your players follow the same choice.';
          });
        }}>
          <h2 id="monitored-hashtags">Monitored hashtags</h2>
          <p className="hint">Art with these tags is hidden unless you choose to see it.</p>
          {MONITORED_HASHTAGS.map((t) => (
            <label key={t} className="check">
              <input type="checkbox" checked={shown.includes(t)}
                onChange={(e) => setShown(e.target.checked ? [...shown, t] : shown.filter((x) => x !== t))} />
              Show #{t}
            </label>
          ))}
          <button type="submit" className="button button-small">Save</button>
          {tagsA.view('tags')}
        </form>

        <section className="card" aria-labelledby="blocked-h">
          <h2 id="blocked-h">Blocked users</h2>
          {blocks.length === 0 ? <p className="muted">Nobody.</p> : (
            <ul className="rows">
              {blocks.map((b) => (
                <li key={b.public_sqid}>
                  <Link className="grow" href={`/u/${b.public_sqid}`}>{b.handle}</Link>
                  <button type="button" className="button button-small button-secondary" onClick={() => void blockA.run(async () => {
                    await api().json(`/v1/user/u/${b.public_sqid}/block`, { method: 'DELETE' });
                    setBlocks(blocks.filter((x) => x.public_sqid !== b.public_sqid));
                    return `Unblocked ${b.handle}.`;
                  })}>Unblock</button>
                </li>
              ))}
            </ul>
          )}
          {blockA.view('blocks')}
        </section>

        <form className="card" onSubmit={(e) => {
          e.preventDefault();
          void pwA.run(async () => {
            const p = passwordProblem(pw.next);
            if (p) throw new Error(p);
            await api().json('/v1/auth/change-password', { method: 'POST', json: { current_password: pw.current, new_password: pw.next } });
            setPw({ current: '', next: '' });
            return 'Password changed.';
          });
        }}>
          <h2>Password</h2>
          <label htmlFor="st-cur">Current password</label>
          <input id="st-cur" type="password" autoComplete="current-password" value={pw.current} onChange={(e) => setPw({ ...pw, current: e.target.value })} />
          <label htmlFor="st-new">New password</label>
          <input id="st-new" type="password" autoComplete="new-password" value={pw.next} onChange={(e) => setPw({ ...pw, next: e.target.value })} />
          <button type="submit" className="button button-small" disabled={!pw.current || !pw.next}>Change password</button>
          {pwA.view('pw')}
        </form>

        <form className="card" onSubmit={(e) => {
          e.preventDefault();
          void handleA.run(async () => {
            await api().json('/v1/auth/change-handle', { method: 'POST', json: { new_handle: handle } });
            await reloadMe();
            return `Your handle is ${handle} now.`;
          });
        }}>
          <h2>Handle</h2>
          <label htmlFor="st-handle">Handle (3 to 32 characters)</label>
          <input id="st-handle" value={handle} maxLength={32} onChange={(e) => setHandle(e.target.value)} />
          <button type="submit" className="button button-small" disabled={handle === me.user.handle}>Change handle</button>
          {handleA.view('handle')}
        </form>

        <form className="card" onSubmit={(e) => {
          e.preventDefault();
          void delA.run(async () => {
            await api().json('/v1/user/delete-account', { method: 'POST' });
            await signOut();
            await router.push('/welcome');
            return 'Account deleted.';
          });
        }}>
          <h2>Delete account</h2>
          <p className="hint">Your art, comments and players go with it. Type “delete” to confirm.</p>
          <label htmlFor="st-del">Confirmation</label>
          <input id="st-del" value={confirmDelete} onChange={(e) => setConfirmDelete(e.target.value)} />
          <button type="submit" className="button button-small button-danger" disabled={confirmDelete !== 'delete'}>Delete my account</button>
          {delA.view('del')}
        </form>
      </div>
    </Layout>
  );
}
