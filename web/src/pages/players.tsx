// `/players`: My Players. Registering and controlling players arrives with the device API
// (phase 2); this page holds the place in the navigation.
import Link from 'next/link';
import { Layout } from '@/components/Layout';

export default function Players() {
  return (
    <Layout title="My Players">
      <div className="narrow card">
        <h1>My Players</h1>
        <p>
          Physical pixel-art frames such as the p3a show art from Makapix Club. Registering a player with the
          6-character code it displays, and sending it art, will be available here soon.
        </p>
        <p className="muted">Coming in the next release.</p>
        <p><Link href="/">Back to Recent</Link></p>
      </div>
    </Layout>
  );
}
