// `/mod-dashboard`: the approval queue, open reports and the audit log, for moderators.
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { api, qs } from '@/api/browser';
import { errorMessage } from '@/api/client';
import type { AuditEntry, AuditPage, Post, PostPage, Report, ReportPage } from '@/api/types';
import { Layout } from '@/components/Layout';
import { PagerFooter, PostTile } from '@/components/PostGrid';
import { isModerator } from '@/hooks/useAuth';
import { useCursorPager, type PagerHandle } from '@/hooks/useCursorPager';
import { useRequireAuth } from '@/hooks/useRequireAuth';

type Tab = 'pending' | 'reports' | 'audit';

/** Approving or resolving every loaded row would leave an empty list that reads "nothing
 *  waits" while later pages exist; fetch the next page (by its cursor) instead. */
function useRefillWhenCleared<T>(pager: PagerHandle<T>, active: boolean): void {
  const { loaded, loading, done, error, items, loadMore } = pager;
  useEffect(() => {
    if (active && loaded && !loading && !done && !error && items.length === 0) loadMore();
  }, [active, loaded, loading, done, error, items.length, loadMore]);
}

export default function ModDashboard() {
  const { ready, me } = useRequireAuth();
  const mod = isModerator(me);
  const [tab, setTab] = useState<Tab>('pending');
  const [error, setError] = useState<string | null>(null);
  const pending = useCursorPager<Post>('pending', (cursor) => api().json<PostPage>(`/v1/admin/pending-approval${qs({ cursor, limit: 50 })}`), (p) => p.id, ready && mod && tab === 'pending');
  const reports = useCursorPager<Report>('reports', (cursor) => api().json<ReportPage>(`/v1/report${qs({ status: 'open', cursor, limit: 50 })}`), (r) => r.id, ready && mod && tab === 'reports');
  const audit = useCursorPager<AuditEntry>('audit', (cursor) => api().json<AuditPage>(`/v1/admin/audit-log${qs({ cursor, limit: 50 })}`), (a) => a.id, ready && mod && tab === 'audit');

  useRefillWhenCleared(pending, tab === 'pending');
  useRefillWhenCleared(reports, tab === 'reports');

  const act = async (fn: () => Promise<void>) => {
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  if (ready && me && !mod) {
    return <Layout title="Moderation"><h1>Moderation</h1><p className="error-alert">This page is for moderators.</p></Layout>;
  }
  return (
    <Layout title="Moderation">
      <h1>Moderation</h1>
      <div className="tabs" role="tablist" aria-label="Moderation sections">
        {(['pending', 'reports', 'audit'] as const).map((t) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t} onClick={() => setTab(t)}>
            {t === 'pending' ? 'Pending approval' : t === 'reports' ? 'Reports' : 'Audit log'}
          </button>
        ))}
      </div>
      {error && <p className="error-alert" role="alert">{error}</p>}
      {tab === 'pending' && (
        <>
          <ul className="rows" aria-label="Posts waiting for approval">
            {pending.items.map((p) => (
              <li key={p.id}>
                <ul className="grid" style={{ width: 128 }}><PostTile post={p} /></ul>
                <div className="grow">
                  <Link href={`/p/${p.public_sqid}`}>{p.title}</Link> <span className="muted">by {p.owner.handle}</span>
                </div>
                <button type="button" className="button button-small" aria-label={`Approve ${p.title}`}
                  onClick={() => void act(async () => {
                    await api().json(`/v1/post/${p.id}/approve-public`, { method: 'POST' });
                    pending.remove(p.id);
                  })}>Approve</button>
              </li>
            ))}
          </ul>
          <PagerFooter pager={pending} empty="Nothing waits for approval." />
        </>
      )}
      {tab === 'reports' && (
        <>
          <div className="table-wrap">
            <table>
              <thead><tr><th>When</th><th>Target</th><th>Reason</th><th>Notes</th><th>Action</th></tr></thead>
              <tbody>
                {reports.items.map((r) => (
                  <tr key={r.id}>
                    <td>{r.created_at.slice(0, 16).replace('T', ' ')}</td>
                    <td>{r.target_type === 'user' ? <Link href={`/u/${r.target_id}`}>user {r.target_id}</Link> : `${r.target_type} ${r.target_id}`}</td>
                    <td>{r.reason_code}</td>
                    <td>{r.notes}</td>
                    <td>
                      <button type="button" className="button button-small button-secondary"
                        onClick={() => void act(async () => {
                          await api().json(`/v1/report/${r.id}`, { method: 'PATCH', json: { status: 'resolved', action_taken: 'none' } });
                          reports.remove(r.id);
                        })}>Resolve</button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <PagerFooter pager={reports} empty="No open reports." />
        </>
      )}
      {tab === 'audit' && (
        <>
          <div className="table-wrap">
            <table>
              <thead><tr><th>When</th><th>Action</th><th>Target</th><th>Note</th></tr></thead>
              <tbody>
                {audit.items.map((a) => (
                  <tr key={a.id}>
                    <td>{a.created_at.slice(0, 16).replace('T', ' ')}</td>
                    <td>{a.action}</td>
                    <td>{a.target_type} {a.target_id}</td>
                    <td>{a.note ?? a.reason_code}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <PagerFooter pager={audit} empty="The log is empty." />
        </>
      )}
    </Layout>
  );
}
