// The five reactions with their counts; the caller's own are pressed. Guests react too (the
// api keys them by address). Changes show at once and are undone if the api refuses.
import { useState } from 'react';
import { api } from '@/api/browser';
import { errorMessage } from '@/api/client';
import { EMOJI, type ReactionSummary } from '@/api/types';

export function Reactions({ postId, summary, onChange }: {
  postId: number;
  summary: ReactionSummary;
  onChange(s: ReactionSummary): void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const toggle = async (emoji: string) => {
    const mine = summary.mine.includes(emoji);
    const before = summary;
    const count = (summary.totals[emoji] ?? 0) + (mine ? -1 : 1);
    onChange({
      ...summary,
      totals: { ...summary.totals, [emoji]: Math.max(0, count) },
      mine: mine ? summary.mine.filter((e) => e !== emoji) : [...summary.mine, emoji],
    });
    setBusy(emoji);
    setError(null);
    try {
      await api().json(`/v1/post/${postId}/reactions/${encodeURIComponent(emoji)}`, {
        method: mine ? 'DELETE' : 'PUT',
      });
    } catch (e) {
      onChange(before);
      setError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="reactions">
      <div className="reaction-bar" role="group" aria-label="Reactions">
        {EMOJI.map((e) => {
          const on = summary.mine.includes(e);
          const n = summary.totals[e] ?? 0;
          return (
            <button
              key={e}
              type="button"
              className={on ? 'reaction on' : 'reaction'}
              aria-pressed={on}
              aria-label={`${on ? 'Remove' : 'Add'} ${e} reaction (${n})`}
              disabled={busy === e}
              onClick={() => void toggle(e)}
            >
              <span aria-hidden="true">{e}</span> <span className="count">{n}</span>
            </button>
          );
        })}
      </div>
      {error && <p className="field-error" role="alert">{error}</p>}
    </div>
  );
}
