// The post page's "Send to player": a select of the viewer's players and one button sending
// `show_artwork`. Renders nothing for a viewer without players. Loaded lazily by /p/[sqid].
import { useEffect, useState } from 'react';
import { api } from '@/api/browser';
import type { Player, PlayerList } from '@/lib/players';
import { OutcomeText, playerPath, sendCommand, useOutcomes } from './actions';

export default function SendToPlayer({ me, postId }: { me: string; postId: number }) {
  const [players, setPlayers] = useState<Player[]>([]);
  const [chosen, setChosen] = useState('');
  const { out, busy, run } = useOutcomes();

  useEffect(() => {
    let live = true;
    api()
      .json<PlayerList>(playerPath(me))
      .then((l) => {
        if (!live) return;
        setPlayers(l.items);
        setChosen((c) => c || (l.items.find((p) => p.connection_status === 'online') ?? l.items[0])?.id || '');
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [me]);

  if (players.length === 0) return null;
  return (
    <form className="control-row send-to-player" onSubmit={(e) => {
      e.preventDefault();
      void run('send', async () => { await sendCommand(me, chosen, { command_type: 'show_artwork', post_id: postId }); });
    }}>
      <label htmlFor="stp-player">Player</label>
      <select id="stp-player" value={chosen} onChange={(e) => setChosen(e.target.value)}>
        {players.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name || 'Unnamed player'}{p.connection_status === 'online' ? '' : ' (offline)'}
          </option>
        ))}
      </select>
      <button type="submit" className="button button-small" disabled={!chosen || busy === 'send'}>Send to player</button>
      <OutcomeText o={out.send} />
    </form>
  );
}
