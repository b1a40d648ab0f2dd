// Editing one's own profile: tagline, bio, website and the avatar image.
import { useState } from 'react';
import { api } from '@/api/browser';
import { errorMessage } from '@/api/client';
import type { Profile, UserFull } from '@/api/types';
import { useAuth } from '@/hooks/useAuth';

export default function ProfileEditor({ profile, onSaved }: { profile: Profile; onSaved(p: Profile): void }) {
  const { reloadMe } = useAuth();
  const [tagline, setTagline] = useState(profile.tagline ?? '');
  const [bio, setBio] = useState(profile.bio ?? '');
  const [website, setWebsite] = useState(profile.website ?? '');
  const [error, setError] = useState<string | null>(null);
  const [avatarError, setAvatarError] = useState<string | null>(null);

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const u = await api().json<UserFull>(`/v1/user/${profile.user_key}`, {
        method: 'PATCH',
        json: { tagline, bio, website: website || null },
      });
      onSaved({ ...profile, tagline: u.tagline, bio: u.bio, website: u.website });
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const upload = async (file: File | undefined) => {
    if (!file) return;
    setAvatarError(null);
    if (file.size > 5 * 1024 * 1024) return setAvatarError('The avatar can be at most 5 MiB.');
    const form = new FormData();
    form.append('image', file);
    try {
      const u = await api().json<UserFull>(`/v1/user/${profile.user_key}/avatar`, { method: 'POST', body: form });
      onSaved({ ...profile, avatar_url: u.avatar_url });
      await reloadMe();
    } catch (err) {
      setAvatarError(errorMessage(err));
    }
  };

  return (
    <form className="card" onSubmit={(e) => void save(e)} aria-label="Edit profile">
      <label htmlFor="pe-avatar">Avatar (PNG, JPEG, GIF or WebP, up to 5 MiB)</label>
      <input id="pe-avatar" type="file" accept="image/png,image/jpeg,image/gif,image/webp"
        onChange={(e) => void upload(e.target.files?.[0])} aria-describedby={avatarError ? 'pe-avatar-err' : undefined} />
      {avatarError && <p id="pe-avatar-err" className="field-error" role="alert">{avatarError}</p>}
      <label htmlFor="pe-tagline">Tagline</label>
      <input id="pe-tagline" value={tagline} maxLength={48} onChange={(e) => setTagline(e.target.value)} />
      <label htmlFor="pe-bio">Bio</label>
      <textarea id="pe-bio" value={bio} maxLength={1000} rows={5} onChange={(e) => setBio(e.target.value)} />
      <label htmlFor="pe-web">Website</label>
      <input id="pe-web" type="text" inputMode="url" value={website} maxLength={500} onChange={(e) => setWebsite(e.target.value)} />
      {error && <p className="field-error" role="alert">{error}</p>}
      <button type="submit" className="button">Save profile</button>
    </form>
  );
}
