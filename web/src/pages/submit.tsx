// `/submit`: upload one artwork. The file is checked here first (format from its bytes, 5 MiB,
// canvas size); a canvas the api would refuse can be rescaled nearest-neighbour to the nearest
// valid size before sending.
import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { api } from '@/api/browser';
import { errorMessage } from '@/api/client';
import type { components } from '@/api/schema';
import type { Post, UploadResponse } from '@/api/types';
import { Layout } from '@/components/Layout';
import { useRequireAuth } from '@/hooks/useRequireAuth';
import { isAnimated, rescaleNearest } from '@/lib/rescale';
import { ACCEPTED_EXTENSIONS, MAX_FILE_BYTES, checkArtwork, isValidSize, type FileCheck } from '@/lib/sizeRules';
import { bytes } from '@/lib/format';

type License = components['schemas']['License'];
type LicenseList = components['schemas']['LicenseList'];

/**
 * The licences offered, from `GET /v1/license`. Until they arrive, or if they cannot be
 * fetched, only "All rights reserved" is offered, which needs nothing from the api, so a
 * failed list never blocks an upload.
 */
function useLicenses(): { licenses: License[] | null; error: string | null; retry: () => void } {
  const [licenses, setLicenses] = useState<License[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    // Sent without a token: the list is public and shared caches may keep it.
    api().json<LicenseList>('/v1/license', { auth: 'none' }).then(
      (r) => { if (live) setLicenses(r.items); },
      (e: unknown) => { if (live) setError(errorMessage(e)); },
    );
    return () => { live = false; };
  }, [attempt]);
  return { licenses, error, retry: () => setAttempt((n) => n + 1) };
}

interface Loaded {
  file: File;
  check: FileCheck;
  width: number;
  height: number;
  previewUrl: string;
  animated: boolean;
}

async function inspect(file: File): Promise<Loaded> {
  const head = new Uint8Array(await file.slice(0, 65536).arrayBuffer());
  let dims: { width: number; height: number } | null = null;
  try {
    const bmp = await createImageBitmap(file);
    dims = { width: bmp.width, height: bmp.height };
    bmp.close();
  } catch {
    // Not decodable as an image: the format check below says why.
  }
  const check = checkArtwork(head, file.size, dims);
  // Frames can start past the first 64 KiB, so an animation is looked for in the whole file.
  // Files over the size limit are refused anyway and are not read whole.
  const readAll = (check.format === 'gif' || check.format === 'webp') && file.size <= MAX_FILE_BYTES;
  const whole = readAll ? new Uint8Array(await file.arrayBuffer()) : head;
  return {
    file, check, width: dims?.width ?? 0, height: dims?.height ?? 0,
    previewUrl: URL.createObjectURL(file), animated: isAnimated(whole, check.format),
  };
}

/** Draws the first frame, rescales its pixels nearest-neighbour, and encodes a PNG. */
async function rescaleFile(file: File, width: number, height: number): Promise<File> {
  const bmp = await createImageBitmap(file);
  const src = document.createElement('canvas');
  src.width = bmp.width;
  src.height = bmp.height;
  const sctx = src.getContext('2d');
  if (!sctx) throw new Error('This browser cannot rescale images.');
  sctx.drawImage(bmp, 0, 0);
  const data = sctx.getImageData(0, 0, bmp.width, bmp.height);
  const out = rescaleNearest({ width: data.width, height: data.height, data: data.data }, width, height);
  const dst = document.createElement('canvas');
  dst.width = width;
  dst.height = height;
  const dctx = dst.getContext('2d');
  if (!dctx) throw new Error('This browser cannot rescale images.');
  const img = dctx.createImageData(width, height);
  img.data.set(out.data);
  dctx.putImageData(img, 0, 0);
  const blob = await new Promise<Blob | null>((r) => dst.toBlob(r, 'image/png'));
  if (!blob) throw new Error('Could not encode the rescaled image.');
  return new File([blob], file.name.replace(/\.[^.]+$/, '') + `-${width}x${height}.png`, { type: 'image/png' });
}

export default function Submit() {
  const { session, me } = useRequireAuth();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [hashtags, setHashtags] = useState('');
  const [hidden, setHidden] = useState(false);
  // '' is "All rights reserved": no license_id is sent, as the api stores no licence by default.
  const [license, setLicense] = useState('');
  const licenseList = useLicenses();
  const [target, setTarget] = useState<{ width: number; height: number } | null>(null);
  const [errors, setErrors] = useState<{ file?: string; title?: string; scale?: string; license?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<{ post: Post; message: string } | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => () => {
    if (loaded) URL.revokeObjectURL(loaded.previewUrl);
  }, [loaded]);

  const choose = async (file: File | undefined) => {
    if (!file) return;
    setErrors({});
    const l = await inspect(file);
    setLoaded(l);
    setTarget(l.check.suggested);
    if (!title) setTitle(file.name.replace(/\.[^.]+$/, '').slice(0, 128));
  };

  const applyScale = async () => {
    if (!loaded || !target) return;
    if (!isValidSize(target.width, target.height)) {
      return setErrors({ scale: `${target.width}×${target.height} is not a valid size either.` });
    }
    setErrors({});
    try {
      const f = await rescaleFile(loaded.file, target.width, target.height);
      URL.revokeObjectURL(loaded.previewUrl);
      setLoaded(await inspect(f));
      setTarget(null);
    } catch (e) {
      setErrors({ scale: errorMessage(e) });
    }
  };

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!loaded) return setErrors({ file: 'Choose a file first.' });
    if (!title.trim()) return setErrors({ title: 'A title is required.' });
    if (loaded.check.problems.length > 0) return setErrors({ file: loaded.check.problems.join(' ') });
    setBusy(true);
    setErrors({});
    const form = new FormData();
    form.append('image', loaded.file, loaded.file.name);
    form.append('title', title.trim());
    form.append('description', description);
    form.append('hashtags', hashtags);
    form.append('hidden_by_user', hidden ? 'true' : 'false');
    if (license) form.append('license_id', license);
    form.append('client', 'web');
    form.append('creation_method', 'external_file');
    try {
      const r = await api().json<UploadResponse>('/v1/post/upload', { method: 'POST', body: form });
      setDone(r);
    } catch (err) {
      const msg = errorMessage(err);
      // The api names the licence in its message; show that one next to the select.
      setErrors(/license/i.test(msg) ? { license: msg } : { form: msg });
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    const link = `${window.location.origin}/p/${done.post.public_sqid}`;
    return (
      <Layout title="Posted">
        <div className="narrow card" role="status">
          <h1>{done.post.public_visibility ? 'Live — visible to the whole community' : 'Uploaded — waiting for review'}</h1>
          <p>{done.message}</p>
          <p className="form-links">
            <Link className="button" href={`/p/${done.post.public_sqid}`}>View post</Link>
            <button type="button" className="button button-secondary" onClick={() => void navigator.clipboard?.writeText(link)}>Copy link</button>
            <button type="button" className="button button-secondary" onClick={() => { setDone(null); setLoaded(null); setTitle(''); setDescription(''); setHashtags(''); setLicense(''); }}>
              Post another
            </button>
          </p>
        </div>
      </Layout>
    );
  }

  const c = loaded?.check;
  return (
    <Layout title="New post">
      <div className="narrow">
        <h1>New post</h1>
        {session && me && !me.user.auto_public_approval && (
          <p className="notice">Posts from new members are reviewed before public release.</p>
        )}
        <form onSubmit={(e) => void submit(e)} noValidate>
          <div className="dropzone" onDragOver={(e) => e.preventDefault()}
            onDrop={(e) => { e.preventDefault(); void choose(e.dataTransfer.files[0]); }}>
            <label htmlFor="sub-file">Artwork file (PNG, GIF, WebP or BMP; up to 5 MiB; 8 to 256 px)</label>
            <input ref={inputRef} id="sub-file" type="file" accept={ACCEPTED_EXTENSIONS.join(',')}
              onChange={(e) => void choose(e.target.files?.[0])}
              aria-invalid={!!(errors.file || (c && c.problems.length))} aria-describedby="sub-file-status sub-file-animated" />
            <p className="hint"><Link href="/about#size-rules">Size rules</Link></p>
            <p className="hint" id="sub-file-animated">
              Animated GIF and WebP files must already have a valid size: this page can rescale still
              images only, because the browser hands it just the first frame of an animation.
            </p>
          </div>
          <div id="sub-file-status" aria-live="polite">
            {loaded && c && (
              <div className="preview">
                {c.format && loaded.width > 0 && (
                  <img className="pixel-art" src={loaded.previewUrl} alt="Preview of the chosen file"
                    width={Math.min(256, loaded.width * Math.max(1, Math.floor(128 / Math.max(loaded.width, loaded.height))))} />
                )}
                <p className="small">
                  {c.format ? c.format.toUpperCase() : 'Unknown format'}
                  {loaded.width > 0 && ` · ${loaded.width} × ${loaded.height} px`} · {bytes(loaded.file.size)}
                </p>
              </div>
            )}
            {c?.problems.map((p) => (
              <p key={p} className={c.needsRescale && !/format|MiB/.test(p) ? 'warning' : 'field-error'} role="alert">{p}</p>
            ))}
            {errors.file && <p className="field-error" role="alert">{errors.file}</p>}
          </div>
          {loaded && c?.needsRescale && target && (
            <fieldset aria-label="Image scaling">
              <legend>Image scaling (nearest neighbour)</legend>
              <div className="form-row">
                <label htmlFor="sc-w">Width <input id="sc-w" type="number" min={8} max={256} value={target.width}
                  onChange={(e) => setTarget({ ...target, width: Number(e.target.value) })} /></label>
                <label htmlFor="sc-h">Height <input id="sc-h" type="number" min={8} max={256} value={target.height}
                  onChange={(e) => setTarget({ ...target, height: Number(e.target.value) })} /></label>
              </div>
              {loaded.animated && (
                <p className="warning" role="alert">
                  This file is animated. Rescaling here makes a still PNG of the first frame and the
                  animation is lost; to keep it, resize the animation in your editor to a valid size.
                </p>
              )}
              <button type="button" className="button button-small" onClick={() => void applyScale()}>
                {loaded.animated ? 'Rescale to a still image' : 'Rescale'}
              </button>
              {errors.scale && <p className="field-error" role="alert">{errors.scale}</p>}
            </fieldset>
          )}
          <label htmlFor="sub-title">Title</label>
          <input id="sub-title" value={title} maxLength={128} required onChange={(e) => setTitle(e.target.value)}
            aria-invalid={!!errors.title} aria-describedby={errors.title ? 'sub-title-err' : 'sub-title-count'} />
          <p id="sub-title-count" className="hint">{title.length}/128</p>
          {errors.title && <p id="sub-title-err" className="field-error" role="alert">{errors.title}</p>}
          <label htmlFor="sub-desc">Description</label>
          <textarea id="sub-desc" value={description} maxLength={5000} rows={4} onChange={(e) => setDescription(e.target.value)} />
          <label htmlFor="sub-tags">Hashtags (comma-separated)</label>
          <input id="sub-tags" value={hashtags} placeholder="cat, animation" onChange={(e) => setHashtags(e.target.value)} />
          <label htmlFor="sub-license">Licence</label>
          <select id="sub-license" value={license} onChange={(e) => setLicense(e.target.value)} aria-invalid={!!errors.license}
            aria-busy={licenseList.licenses === null && !licenseList.error}
            aria-describedby={licenseList.error ? 'sub-license-hint sub-license-load' : 'sub-license-hint'}>
            <option value="">All rights reserved</option>
            {licenseList.licenses?.map((l) => (
              <option key={l.id} value={String(l.id)}>{l.identifier} — {l.title}</option>
            ))}
          </select>
          <p id="sub-license-hint" className="hint">Says what others may do with your artwork. Without a licence, all rights stay with you.</p>
          {licenseList.error && (
            <p id="sub-license-load" className="field-error" role="alert">
              The list of licences could not be loaded ({licenseList.error}). You can still post
              as “All rights reserved”.{' '}
              <button type="button" className="button button-small" onClick={licenseList.retry}>Retry</button>
            </p>
          )}
          {errors.license && <p className="field-error" role="alert">{errors.license}</p>}
          <fieldset>
            <legend>Visibility</legend>
            <label className="check"><input type="radio" name="vis" checked={!hidden} onChange={() => setHidden(false)} /> Public</label>
            <label className="check"><input type="radio" name="vis" checked={hidden} onChange={() => setHidden(true)} /> Hidden</label>
          </fieldset>
          <button type="submit" className="button" disabled={busy || !loaded || !title.trim() || (c?.problems.length ?? 0) > 0}>
            {busy ? 'Posting…' : 'Post'}
          </button>
          {errors.form && <p className="error-alert" role="alert">{errors.form}</p>}
        </form>
      </div>
    </Layout>
  );
}
