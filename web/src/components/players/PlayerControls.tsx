// Playback controls of one player: previous/next always, and pause, brightness, rotation and
// mirror only when the device declared them (the api refuses the others anyway).
import { useEffect, useRef, useState } from 'react';
import { controlsFor, type Player } from '@/lib/players';
import { OutcomeText, sendCommand, sendOpc, useOutcomes } from './actions';

export function PlayerControls({ sqid, player }: { sqid: string; player: Player }) {
  const { out, busy, run } = useOutcomes();
  const c = controlsFor(player.capabilities);
  const id = player.id;
  const [brightness, setBrightness] = useState(player.brightness ?? c.brightness?.min ?? 0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const dragging = useRef(false);

  // Follow what the device reports, except while the owner is moving the slider.
  useEffect(() => {
    if (!dragging.current && player.brightness != null) setBrightness(player.brightness);
  }, [player.brightness]);
  useEffect(() => () => { if (timer.current) clearTimeout(timer.current); }, []);

  const onBrightness = (v: number) => {
    setBrightness(v);
    dragging.current = true;
    if (timer.current) clearTimeout(timer.current);
    // One command when the slider rests, not one per pixel of travel.
    timer.current = setTimeout(() => {
      dragging.current = false;
      void run('brightness', async () => { await sendOpc(sqid, id, 'brightness', v); });
    }, 300);
  };

  return (
    <div className="player-controls">
      <div className="control-row" role="group" aria-label="Playback">
        <button type="button" className="button button-small button-secondary" disabled={busy === 'swap'}
          onClick={() => void run('swap', async () => { await sendCommand(sqid, id, { command_type: 'swap_back' }); })}>
          <span aria-hidden="true">◀</span> Previous
        </button>
        {c.pause && (
          <button type="button" className="button button-small button-secondary" disabled={busy === 'swap'}
            onClick={() => void run('swap', async () => { await sendOpc(sqid, id, 'pause', !player.is_paused); })}>
            {player.is_paused ? <><span aria-hidden="true">▶</span> Resume</> : <><span aria-hidden="true">⏸</span> Pause</>}
          </button>
        )}
        <button type="button" className="button button-small button-secondary" disabled={busy === 'swap'}
          onClick={() => void run('swap', async () => { await sendCommand(sqid, id, { command_type: 'swap_next' }); })}>
          Next <span aria-hidden="true">▶</span>
        </button>
        <OutcomeText o={out.swap} />
      </div>
      {c.brightness && (
        <div className="control-row">
          <label htmlFor={`br-${id}`}>Brightness</label>
          <input id={`br-${id}`} type="range" min={c.brightness.min} max={c.brightness.max} step={c.brightness.step}
            value={brightness} onChange={(e) => onBrightness(Number(e.target.value))} />
          <output htmlFor={`br-${id}`} className="small">{brightness}</output>
          <OutcomeText o={out.brightness} />
        </div>
      )}
      {c.rotation && (
        <div className="control-row">
          <label htmlFor={`rot-${id}`}>Rotation</label>
          <select id={`rot-${id}`} value={String(player.rotation ?? '')}
            onChange={(e) => {
              const v = Number(e.target.value);
              void run('rotation', async () => { await sendOpc(sqid, id, 'rotation', v); });
            }}>
            {player.rotation == null && <option value="">Unknown</option>}
            {c.rotation.map((r) => <option key={r} value={String(r)}>{r}°</option>)}
          </select>
          <OutcomeText o={out.rotation} />
        </div>
      )}
      {c.mirror && (
        <div className="control-row">
          <label htmlFor={`mir-${id}`}>Mirror</label>
          <select id={`mir-${id}`} value={player.mirror ?? ''}
            onChange={(e) => {
              const v = e.target.value;
              void run('mirror', async () => { await sendOpc(sqid, id, 'mirror', v); });
            }}>
            {player.mirror == null && <option value="">Unknown</option>}
            {c.mirror.map((m) => <option key={m} value={m}>{m}</option>)}
          </select>
          <OutcomeText o={out.mirror} />
        </div>
      )}
    </div>
  );
}
