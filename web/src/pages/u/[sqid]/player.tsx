// `/u/{sqid}/player`: My Players. Register a player with the code it shows, then watch and
// steer each one live (web.md §3.6). Rendered in the browser only: it is the owner's alone.
import Link from 'next/link';
import { useRouter } from 'next/router';
import { Layout } from '@/components/Layout';
import { PlayerCard } from '@/components/players/PlayerCard';
import { RegisterForm } from '@/components/players/RegisterForm';
import { usePlayers } from '@/hooks/usePlayers';
import { useRequireAuth } from '@/hooks/useRequireAuth';

const MODE_TEXT = {
  connecting: 'Connecting to live updates…',
  live: 'Live',
  polling: 'Live updates unavailable; refreshing every 5 seconds',
} as const;

export default function MyPlayers() {
  const { ready, session } = useRequireAuth();
  const router = useRouter();
  const sqid = typeof router.query.sqid === 'string' ? router.query.sqid : null;
  const mine = !!session && !!sqid && session.publicSqid === sqid;
  const { players, error, mode, upsert, remove } = usePlayers(mine ? sqid : null);

  if (!ready || !session || !sqid) {
    return <Layout title="My Players"><h1>My Players</h1><p className="muted">Loading…</p></Layout>;
  }
  if (!mine) {
    return (
      <Layout title="My Players">
        <h1>My Players</h1>
        <p>Players can only be seen and controlled by their owner.</p>
        <p><Link href={`/u/${session.publicSqid}/player`}>Go to your players</Link></p>
      </Layout>
    );
  }

  return (
    <Layout title="My Players">
      <div className="narrow">
        <h1>My Players</h1>
        <p className="muted small" role="status" data-testid="live-mode">{MODE_TEXT[mode]}</p>
        <RegisterForm onRegistered={upsert} />
        {error && <p className="field-error" role="alert">{error}</p>}
        {players === null && !error && <p className="muted">Loading your players…</p>}
        {players?.length === 0 && (
          <p className="muted">No players yet. Switch your p3a on and register the code it shows.</p>
        )}
        {players?.map((p) => (
          <PlayerCard key={p.id} sqid={sqid} player={p} onChange={upsert} onDeleted={remove} />
        ))}
        <p className="small muted"><Link href="/players">About players</Link></p>
      </div>
    </Layout>
  );
}
