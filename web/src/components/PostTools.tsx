// Owner and moderator actions on a post page, loaded only for those who may use them:
// edit, hide/unhide, delete; approve, promote, hide as moderator.
import { useRouter } from 'next/router';
import { useState } from 'react';
import { api } from '@/api/browser';
import { errorMessage } from '@/api/client';
import type { Post, UpdatePostBody } from '@/api/types';

export default function PostTools({ post, isOwner, isMod, onChange }: {
  post: Post;
  isOwner: boolean;
  isMod: boolean;
  onChange(p: Post): void;
}) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const act = async (fn: () => Promise<Partial<Post> | void>) => {
    setBusy(true);
    setError(null);
    try {
      const patch = await fn();
      if (patch) onChange({ ...post, ...patch });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const hidden = isOwner ? post.hidden_by_user : post.hidden_by_mod;

  return (
    <section aria-label="Manage this post">
      {isOwner && (
        <div className="owner-tools">
          <button type="button" className="button button-small button-secondary" aria-expanded={editing} onClick={() => setEditing((e) => !e)}>
            Edit
          </button>
          <button type="button" className="button button-small button-secondary" disabled={busy}
            onClick={() => void act(async () => {
              await api().json(`/v1/post/${post.id}/hide`, { method: post.hidden_by_user ? 'DELETE' : 'POST', json: { by: 'user' } });
              return { hidden_by_user: !post.hidden_by_user };
            })}>
            {post.hidden_by_user ? 'Unhide' : 'Hide'}
          </button>
          <button type="button" className="button button-small button-danger" disabled={busy}
            onClick={() => {
              if (!window.confirm('Delete this post? This cannot be undone.')) return;
              void act(async () => {
                await api().json(`/v1/post/${post.id}`, { method: 'DELETE' });
                await router.push(`/u/${post.owner.public_sqid}`);
              });
            }}>
            Delete
          </button>
        </div>
      )}
      {isMod && (
        <div className="mod-tools" aria-label="Moderator tools">
          <button type="button" className="button button-small button-secondary" disabled={busy}
            onClick={() => void act(async () => {
              await api().json(`/v1/post/${post.id}/approve-public`, { method: post.public_visibility ? 'DELETE' : 'POST' });
              return { public_visibility: !post.public_visibility };
            })}>
            {post.public_visibility ? 'Revoke approval' : 'Approve'}
          </button>
          <button type="button" className="button button-small button-secondary" disabled={busy}
            onClick={() => void act(async () => {
              await api().json(`/v1/post/${post.id}/promote`, post.promoted ? { method: 'DELETE' } : { method: 'POST', json: { category: 'frontpage' } });
              return { promoted: !post.promoted };
            })}>
            {post.promoted ? 'Demote' : 'Promote'}
          </button>
          {!isOwner && (
            <button type="button" className="button button-small button-secondary" disabled={busy}
              onClick={() => void act(async () => {
                await api().json(`/v1/post/${post.id}/hide`, { method: hidden ? 'DELETE' : 'POST', json: { by: 'mod' } });
                return { hidden_by_mod: !post.hidden_by_mod };
              })}>
              {post.hidden_by_mod ? 'Unhide (mod)' : 'Hide (mod)'}
            </button>
          )}
        </div>
      )}
      {error && <p className="field-error" role="alert">{error}</p>}
      {editing && <EditForm post={post} onSaved={(p) => { onChange(p); setEditing(false); }} />}
    </section>
  );
}

function EditForm({ post, onSaved }: { post: Post; onSaved(p: Post): void }) {
  const [title, setTitle] = useState(post.title);
  const [description, setDescription] = useState(post.description ?? '');
  const [tags, setTags] = useState(post.hashtags.join(', '));
  const [error, setError] = useState<string | null>(null);
  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    const body: UpdatePostBody = {
      title,
      description,
      hashtags: tags.split(',').map((t) => t.trim().replace(/^#/, '')).filter(Boolean),
    };
    try {
      onSaved(await api().json<Post>(`/v1/post/${post.id}`, { method: 'PATCH', json: body }));
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <form className="card" onSubmit={(e) => void save(e)}>
      <label htmlFor="edit-title">Title</label>
      <input id="edit-title" value={title} maxLength={128} required onChange={(e) => setTitle(e.target.value)} />
      <label htmlFor="edit-desc">Description</label>
      <textarea id="edit-desc" value={description} maxLength={5000} rows={4} onChange={(e) => setDescription(e.target.value)} />
      <label htmlFor="edit-tags">Hashtags (comma-separated)</label>
      <input id="edit-tags" value={tags} onChange={(e) => setTags(e.target.value)} />
      {error && <p className="field-error" role="alert">{error}</p>}
      <button type="submit" className="button">Save</button>
    </form>
  );
}
