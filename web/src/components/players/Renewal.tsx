// A card's certificate renewal and device-token rotation. Renewal keeps the old certificate
// working, so it needs no confirmation; rotation cuts the device off until it is given the new
// token, so it asks first and shows the token this one time.
import { useState } from 'react';
import { api } from '@/api/browser';
import { renewalInfo, type OwnerRenewed, type Player, type RotatedToken } from '@/lib/players';
import { OutcomeText, playerPath, useOutcomes } from './actions';

export function Renewal({ sqid, player, onChange }: { sqid: string; player: Player; onChange(p: Player): void }) {
  const { out, busy, run } = useOutcomes();
  const [confirming, setConfirming] = useState(false);
  const [token, setToken] = useState<string | null>(null);
  const path = playerPath(sqid, player.id);
  const info = renewalInfo(player.cert_expires_at, new Date());

  const renew = () =>
    run('renew', async () => {
      const r = await api().json<OwnerRenewed>(`${path}/renew-cert`, { method: 'POST' });
      onChange({ ...player, cert_expires_at: r.cert_expires_at });
      return `${r.message} New certificate valid until ${r.cert_expires_at.slice(0, 10)}.`;
    });

  const rotate = () =>
    run('rotate', async () => {
      const r = await api().json<RotatedToken>(`${path}/rotate-token`, { method: 'POST' });
      setConfirming(false);
      setToken(r.api_token);
      return 'Token rotated';
    });

  return (
    <div className="player-renewal">
      <div className="control-row">
        <button type="button" className="button button-small button-secondary" disabled={busy === 'renew'} onClick={() => void renew()}>
          Renew certificate
        </button>
        <span className="small muted" data-testid="renewal-window">{info.text}</span>
        <OutcomeText o={out.renew} />
      </div>
      <div className="control-row">
        {confirming ? (
          <>
            <span>Replace the device token? The current one stops working at once.</span>
            <button type="button" className="button button-small button-danger" disabled={busy === 'rotate'} onClick={() => void rotate()}>
              Yes, rotate
            </button>
            <button type="button" className="button button-small button-secondary" onClick={() => setConfirming(false)}>Keep it</button>
          </>
        ) : (
          <button type="button" className="button button-small button-secondary" onClick={() => { setToken(null); setConfirming(true); }}>
            Rotate device token
          </button>
        )}
        <OutcomeText o={out.rotate} />
      </div>
      {token && (
        <div className="new-token" role="region" aria-label="Rotated device token">
          <label htmlFor={`tok-${player.id}`}>New device token</label>
          <input id={`tok-${player.id}`} readOnly value={token} onFocus={(e) => e.target.select()} />
          <p className="hint">
            Shown only this once. The old token no longer works: update the device with this one
            (in its player.json, or by registering it again) before it can reach the server.
          </p>
          <button type="button" className="button button-small button-secondary" onClick={() => setToken(null)}>Done</button>
        </div>
      )}
    </div>
  );
}
