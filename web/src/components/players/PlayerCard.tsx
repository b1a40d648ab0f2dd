// One player: what it is, whether it is online, what it reports, and everything the owner can
// do with it (controls, send art, rename, certificates and their renewal, delete with a
// confirmation).
import { useState } from 'react';
import { api } from '@/api/browser';
import { timeAgo } from '@/lib/format';
import { CERT_FILES, certFile, deviceLine, nameProblem, NAME_MAX, type CertBundle, type CertFileName, type Player } from '@/lib/players';
import { OutcomeText, playerPath, useOutcomes } from './actions';
import { PlayerControls } from './PlayerControls';
import { Renewal } from './Renewal';
import { SendArt } from './SendArt';

interface Props {
  sqid: string;
  player: Player;
  onChange(p: Player): void;
  onDeleted(id: string): void;
}

function download(name: string, type: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function PlayerCard({ sqid, player, onChange, onDeleted }: Props) {
  const { out, busy, run } = useOutcomes();
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState('');
  const [confirming, setConfirming] = useState(false);
  const title = player.name || 'Unnamed player';
  const online = player.connection_status === 'online';
  const path = playerPath(sqid, player.id);

  const rename = () =>
    run('rename', async () => {
      const bad = nameProblem(name);
      if (bad) throw new Error(bad);
      const p = await api().json<Player>(path, { method: 'PATCH', json: { name: name.trim() } });
      onChange(p);
      setRenaming(false);
      return 'Renamed';
    });

  const remove = () =>
    run('delete', async () => {
      await api().json<void>(path, { method: 'DELETE' });
      onDeleted(player.id);
    });

  const cert = (name: CertFileName) =>
    run('certs', async () => {
      // Never a cached bundle: after a renewal the files must be the new ones.
      const bundle = await api().json<CertBundle>(`${path}/certs`, { cache: 'no-store' });
      const f = certFile(bundle, name);
      download(name, f.type, f.text);
      return `Downloaded ${name}`;
    });

  return (
    <article className="card player-card" aria-label={title}>
      <header className="player-head">
        <h2>{title}</h2>
        <span className={`status-badge ${online ? 'online' : 'offline'}`} data-testid="player-status">
          {online ? 'Online' : 'Offline'}
        </span>
      </header>
      <p className="small muted">
        {deviceLine(player)}
        {player.last_seen_at && <> · last seen <time dateTime={player.last_seen_at}>{timeAgo(player.last_seen_at)}</time></>}
        {player.registration_status !== 'registered' && <> · {player.registration_status}</>}
      </p>
      <ul className="player-state small" aria-label="Reported state">
        {player.current_post_id != null && <li>Showing post {player.current_post_id}</li>}
        {player.is_paused != null && <li>{player.is_paused ? 'Paused' : 'Playing'}</li>}
        {player.brightness != null && <li>Brightness {player.brightness}</li>}
        {player.rotation != null && <li>Rotation {player.rotation}°</li>}
        {player.mirror != null && <li>Mirror {player.mirror}</li>}
        {player.cert_expires_at && <li>Certificate until {player.cert_expires_at.slice(0, 10)}</li>}
      </ul>
      <PlayerControls sqid={sqid} player={player} />
      <SendArt sqid={sqid} playerId={player.id} />
      <div className="control-row">
        {renaming ? (
          <form className="control-row" onSubmit={(e) => { e.preventDefault(); void rename(); }}>
            <label htmlFor={`name-${player.id}`}>New name</label>
            <input id={`name-${player.id}`} value={name} maxLength={NAME_MAX} required onChange={(e) => setName(e.target.value)} />
            <button type="submit" className="button button-small" disabled={busy === 'rename'}>Save name</button>
            <button type="button" className="button button-small button-secondary" onClick={() => setRenaming(false)}>Cancel</button>
          </form>
        ) : (
          <button type="button" className="button button-small button-secondary" onClick={() => { setName(player.name ?? ''); setRenaming(true); }}>
            Rename
          </button>
        )}
        <OutcomeText o={out.rename} />
      </div>
      <details className="player-certs">
        <summary>Certificates</summary>
        <p className="hint">For setting a device up by hand. Keep the key private.</p>
        <div className="control-row">
          {CERT_FILES.map((f) => (
            <button key={f} type="button" className="button button-small button-secondary" disabled={busy === 'certs'}
              onClick={() => void cert(f)}>
              Download {f}
            </button>
          ))}
          <OutcomeText o={out.certs} />
        </div>
        <Renewal sqid={sqid} player={player} onChange={onChange} />
      </details>
      <div className="control-row">
        {confirming ? (
          <>
            <span>Delete “{title}”? It is disconnected and its certificate revoked.</span>
            <button type="button" className="button button-small button-danger" disabled={busy === 'delete'} onClick={() => void remove()}>
              Yes, delete
            </button>
            <button type="button" className="button button-small button-secondary" onClick={() => setConfirming(false)}>Keep it</button>
          </>
        ) : (
          <button type="button" className="button button-small button-danger" onClick={() => setConfirming(true)}>Delete</button>
        )}
        <OutcomeText o={out.delete} />
      </div>
    </article>
  );
}
