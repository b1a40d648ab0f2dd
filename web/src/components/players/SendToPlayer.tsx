// The post page's "Send to player": a select of the viewer's players and one button sending
// `show_artwork`. Renders nothing for a viewer without players. Loaded lazily by /p/[sqid].
import { OutcomeText, sendCommand, useOutcomes } from './actions';
import { PlayerSelect, usePlayerChoice } from './PlayerPicker';

export default function SendToPlayer({ me, postId }: { me: string; postId: number }) {
  const { players, chosen, setChosen } = usePlayerChoice(me);
  const { out, busy, run } = useOutcomes();

  if (players.length === 0) return null;
  return (
    <form className="control-row send-to-player" onSubmit={(e) => {
      e.preventDefault();
      void run('send', async () => { await sendCommand(me, chosen, { command_type: 'show_artwork', post_id: postId }); });
    }}>
      <PlayerSelect id="stp-player" players={players} chosen={chosen} onChoose={setChosen} />
      <button type="submit" className="button button-small" disabled={!chosen || busy === 'send'}>Send to player</button>
      <OutcomeText o={out.send} />
    </form>
  );
}
