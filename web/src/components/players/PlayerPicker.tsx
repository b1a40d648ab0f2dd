// The signed-in member's players for the post page and the PlayerBar: read once, one chosen
// (the first online one by default), and a labelled select shown only when there is a choice.
import { useEffect, useState } from 'react';
import { api } from '@/api/browser';
import type { Player, PlayerList } from '@/lib/players';
import { playerPath } from './actions';

export function usePlayerChoice(me: string) {
  const [players, setPlayers] = useState<Player[]>([]);
  const [chosen, setChosen] = useState('');

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

  /** Keeps what a command changed (pause) until the list is read again. */
  const patch = (id: string, over: Partial<Player>) =>
    setPlayers((l) => l.map((p) => (p.id === id ? { ...p, ...over } : p)));

  return { players, chosen, setChosen, player: players.find((p) => p.id === chosen), patch };
}

export function PlayerSelect({ id, players, chosen, onChoose }: {
  id: string;
  players: Player[];
  chosen: string;
  onChoose(id: string): void;
}) {
  return (
    <>
      <label htmlFor={id}>Player</label>
      <select id={id} value={chosen} onChange={(e) => onChoose(e.target.value)}>
        {players.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name || 'Unnamed player'}{p.connection_status === 'online' ? '' : ' (offline)'}
          </option>
        ))}
      </select>
    </>
  );
}
