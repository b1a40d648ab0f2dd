// The feed pages' PlayerBar (web.md §3.6 item 4): "Play here" sends the page's channel to the
// chosen player, ◀/▶ swap, ⏸ when the device declares pause. Nothing for a member without
// players. Loaded lazily so the feeds' first-load JS stays small.
import { controlsFor, pageChannel, type FeedPage } from '@/lib/players';
import { OutcomeText, sendCommand, sendOpc, useOutcomes } from './actions';
import { PlayerSelect, usePlayerChoice } from './PlayerPicker';

export default function PlayerBar({ me, feed }: { me: string; feed: FeedPage }) {
  const { players, chosen, setChosen, player, patch } = usePlayerChoice(me);
  const { out, busy, run } = useOutcomes();

  if (!player) return null;
  const channel = pageChannel(feed);
  const pause = controlsFor(player.capabilities).pause;
  const paused = !!player.is_paused;

  return (
    <div className="control-row player-bar" role="group" aria-label="Player">
      {players.length > 1 && <PlayerSelect id="pb-player" players={players} chosen={chosen} onChoose={setChosen} />}
      <button type="button" className="button button-small" disabled={busy !== null}
        title={`Play ${channel.label} on ${player.name || 'the player'}`}
        onClick={() => void run('bar', async () => { await sendCommand(me, chosen, channel.body); return `Playing ${channel.label}`; })}>
        Play here
      </button>
      <button type="button" className="button button-small button-secondary" disabled={busy !== null}
        onClick={() => void run('bar', async () => { await sendCommand(me, chosen, { command_type: 'swap_back' }); })}>
        <span aria-hidden="true">◀</span> Previous
      </button>
      {pause && (
        <button type="button" className="button button-small button-secondary" disabled={busy !== null}
          onClick={() => void run('bar', async () => {
            await sendOpc(me, chosen, 'pause', !paused);
            patch(chosen, { is_paused: !paused });
          })}>
          {paused ? <><span aria-hidden="true">▶</span> Resume</> : <><span aria-hidden="true">⏸</span> Pause</>}
        </button>
      )}
      <button type="button" className="button button-small button-secondary" disabled={busy !== null}
        onClick={() => void run('bar', async () => { await sendCommand(me, chosen, { command_type: 'swap_next' }); })}>
        Next <span aria-hidden="true">▶</span>
      </button>
      <OutcomeText o={out.bar} />
    </div>
  );
}
