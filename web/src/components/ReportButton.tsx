// Block/unblock and report a member, from their profile.
import { useState } from 'react';
import { api } from '@/api/browser';
import { errorMessage } from '@/api/client';
import type { Profile } from '@/api/types';

const REASONS = [
  ['spam', 'Spam'],
  ['harassment', 'Harassment or bullying'],
  ['hate', 'Hate speech'],
  ['sexual_explicit', 'Sexually explicit content'],
  ['copyright', 'Copyright infringement'],
  ['other', 'Other'],
] as const;

export default function ReportButton({ profile, onBlocked }: { profile: Profile; onBlocked(b: boolean): void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState<string>('spam');
  const [notes, setNotes] = useState('');
  const [msg, setMsg] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const block = async () => {
    setError(null);
    const blocked = profile.is_blocked_by_viewer;
    if (!blocked && !window.confirm(`Block ${profile.handle}? You will no longer see each other's activity.`)) return;
    try {
      await api().json(`/v1/user/u/${profile.public_sqid}/block`, { method: blocked ? 'DELETE' : 'POST' });
      onBlocked(!blocked);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const report = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api().json('/v1/report', {
        method: 'POST',
        json: { target_type: 'user', target_id: profile.public_sqid, reason_code: reason, notes: notes || null },
      });
      setMsg('Thank you. A moderator will look at it.');
      setOpen(false);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <>
      <button type="button" className="button button-small button-secondary" onClick={() => void block()}>
        {profile.is_blocked_by_viewer ? 'Unblock' : 'Block'}
      </button>
      <button type="button" className="button button-small button-secondary" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        Report
      </button>
      {open && (
        <form className="card" onSubmit={(e) => void report(e)} aria-label={`Report ${profile.handle}`}>
          <label htmlFor="rp-reason">Reason</label>
          <select id="rp-reason" value={reason} onChange={(e) => setReason(e.target.value)}>
            {REASONS.map(([c, l]) => <option key={c} value={c}>{l}</option>)}
          </select>
          <label htmlFor="rp-notes">Details (optional)</label>
          <textarea id="rp-notes" value={notes} maxLength={1000} rows={3} onChange={(e) => setNotes(e.target.value)} />
          <button type="submit" className="button button-small">Send report</button>
        </form>
      )}
      {msg && <p role="status" className="notice">{msg}</p>}
      {error && <p className="field-error" role="alert">{error}</p>}
    </>
  );
}
