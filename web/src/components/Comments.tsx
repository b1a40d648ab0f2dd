// Threaded comments (depth 0..2 under the api's rule): reply, like, delete own. Guests may
// comment; they appear as Guest_xxxxxx.
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { api } from '@/api/browser';
import { errorMessage } from '@/api/client';
import type { Comment } from '@/api/types';
import { useAuth, isModerator } from '@/hooks/useAuth';
import { timeAgo } from '@/lib/format';

const MAX_DEPTH = 2;
const MAX_CHARS = 2000;

export function Comments({ postId, comments, onChange }: {
  postId: number;
  comments: Comment[];
  onChange(c: Comment[]): void;
}) {
  const children = useMemo(() => {
    const m = new Map<string | null, Comment[]>();
    for (const c of comments) {
      const k = c.parent_id ?? null;
      m.set(k, [...(m.get(k) ?? []), c]);
    }
    return m;
  }, [comments]);

  const add = (c: Comment) => onChange([...comments, c]);
  const replace = (c: Comment) => onChange(comments.map((x) => (x.id === c.id ? c : x)));

  return (
    <section className="comments" aria-labelledby="comments-h">
      <h2 id="comments-h">Comments ({comments.filter((c) => !c.deleted_by_owner && !c.deleted_by_mod).length})</h2>
      <CommentForm postId={postId} parentId={null} onPosted={add} />
      <Thread parent={null} byParent={children} postId={postId} onAdd={add} onReplace={replace} />
    </section>
  );
}

function Thread({ parent, byParent, postId, onAdd, onReplace }: {
  parent: string | null;
  byParent: Map<string | null, Comment[]>;
  postId: number;
  onAdd(c: Comment): void;
  onReplace(c: Comment): void;
}) {
  const items = byParent.get(parent) ?? [];
  if (items.length === 0) return null;
  return (
    <ul className={parent ? 'thread thread-nested' : 'thread'}>
      {items.map((c) => (
        <li key={c.id} className="comment" data-comment-id={c.id}>
          <CommentItem c={c} postId={postId} onAdd={onAdd} onReplace={onReplace} />
          <Thread parent={c.id} byParent={byParent} postId={postId} onAdd={onAdd} onReplace={onReplace} />
        </li>
      ))}
    </ul>
  );
}

function CommentItem({ c, postId, onAdd, onReplace }: {
  c: Comment;
  postId: number;
  onAdd(c: Comment): void;
  onReplace(c: Comment): void;
}) {
  const { session, me } = useAuth();
  const [replying, setReplying] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const gone = c.deleted_by_owner || c.deleted_by_mod;
  const mine = session !== null && c.author_id === session.userId;
  const guest = c.author_id == null;
  const name = c.author_display_name ?? c.author_handle ?? 'unknown';

  const like = async () => {
    setError(null);
    try {
      await api().json(`/v1/post/comments/${c.id}/like`, { method: c.liked_by_me ? 'DELETE' : 'POST' });
      onReplace({ ...c, liked_by_me: !c.liked_by_me, like_count: c.like_count + (c.liked_by_me ? -1 : 1) });
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const remove = async () => {
    if (!window.confirm('Delete this comment?')) return;
    setError(null);
    try {
      await api().json(`/v1/post/comments/${c.id}`, { method: 'DELETE' });
      onReplace({ ...c, deleted_by_owner: true, body: '[deleted]' });
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <article className="comment-body" aria-label={`Comment by ${name}`}>
      <header className="comment-head">
        {c.author_public_sqid ? <Link href={`/u/${c.author_public_sqid}`}>{name}</Link> : <span>{name}</span>}
        {guest && <span className="tag">guest</span>}
        <time dateTime={c.created_at} title={c.created_at}>{timeAgo(c.created_at)}</time>
      </header>
      <p className={gone ? 'comment-text muted' : 'comment-text'}>{gone ? '[deleted]' : c.body}</p>
      {!gone && (
        <div className="comment-actions">
          {session && (
            <button type="button" className="link-button" aria-pressed={c.liked_by_me} onClick={() => void like()}>
              {c.liked_by_me ? '❤️' : '🤍'} {c.like_count} <span className="sr-only">likes</span>
            </button>
          )}
          {c.depth < MAX_DEPTH && (
            <button type="button" className="link-button" aria-expanded={replying} onClick={() => setReplying((r) => !r)}>
              Reply
            </button>
          )}
          {(mine || isModerator(me)) && (
            <button type="button" className="link-button" onClick={() => void remove()}>
              Delete
            </button>
          )}
        </div>
      )}
      {error && <p className="field-error" role="alert">{error}</p>}
      {replying && (
        <CommentForm
          postId={postId}
          parentId={c.id}
          onPosted={(r) => {
            onAdd(r);
            setReplying(false);
          }}
        />
      )}
    </article>
  );
}

function CommentForm({ postId, parentId, onPosted }: {
  postId: number;
  parentId: string | null;
  onPosted(c: Comment): void;
}) {
  const { session } = useAuth();
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = `comment-${parentId ?? 'root'}`;

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!body.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const c = await api().json<Comment>(`/v1/post/${postId}/comments`, {
        method: 'POST',
        json: { body: body.trim(), parent_id: parentId },
      });
      setBody('');
      onPosted(c);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="comment-form" onSubmit={(e) => void submit(e)}>
      <label htmlFor={id} className="sr-only">{parentId ? 'Your reply' : 'Add a comment'}</label>
      <textarea
        id={id}
        value={body}
        maxLength={MAX_CHARS}
        rows={parentId ? 2 : 3}
        placeholder={parentId ? 'Write a reply…' : session ? 'Add a comment…' : 'Add a comment as a guest…'}
        onChange={(e) => setBody(e.target.value)}
        aria-describedby={error ? `${id}-err` : undefined}
      />
      <div className="form-row">
        <span className="muted small">{body.length}/{MAX_CHARS}</span>
        <button type="submit" className="button button-small" disabled={busy || !body.trim()}>
          {parentId ? 'Post Reply' : 'Post Comment'}
        </button>
      </div>
      {error && <p id={`${id}-err`} className="field-error" role="alert">{error}</p>}
    </form>
  );
}
