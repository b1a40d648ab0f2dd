// `/players`: what a player is, for everyone; signed-in members get the way to their own
// My Players page (`/u/{sqid}/player`), where players are registered and controlled.
import Link from 'next/link';
import { Layout } from '@/components/Layout';
import { useAuth } from '@/hooks/useAuth';

export default function Players() {
  const { ready, session } = useAuth();
  return (
    <Layout title="My Players">
      <div className="narrow card">
        <h1>My Players</h1>
        <p>
          A player is a physical pixel-art frame, such as the p3a, that shows art from Makapix Club. It plays
          channels (recent art, promoted art, a hashtag, an artist) and anything you send it from the site.
        </p>
        <p>
          To add one, switch it on: it shows a 6-character code. Enter that code on your My Players page and
          give the player a name. From then on you can send it artworks, pick its channel, skip back and forth,
          and, when the device supports it, pause it or change its brightness and rotation.
        </p>
        {ready && session ? (
          <p><Link className="button" href={`/u/${session.publicSqid}/player`}>Open My Players</Link></p>
        ) : (
          <p>
            <Link href="/auth?redirect=%2Fplayers">Sign in</Link> to register and control your players.
          </p>
        )}
      </div>
    </Layout>
  );
}
