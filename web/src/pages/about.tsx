// `/about`: what the club is, the size rules for uploads, and the monitored hashtags.
import Link from 'next/link';
import { Layout } from '@/components/Layout';
import { SMALL_WHITELIST } from '@/lib/sizeRules';

export default function About() {
  return (
    <Layout title="About">
      <div className="narrow">
        <h1>About Makapix Club</h1>
        <p>Makapix Club is a home for pixel art that lives on real displays: share your art, react, comment, follow artists, and send art to the frame on your wall.</p>
        <h2 id="size-rules">Size rules</h2>
        <ul>
          <li>PNG, GIF, WebP or BMP (animated PNG is not accepted), at most 5 MiB.</li>
          <li>At most 256 × 256 pixels. Any size from 128 to 256 on both sides is fine.</li>
          <li>Below 128: only {SMALL_WHITELIST.map(([w, h]) => `${w}×${h}`).join(', ')}.</li>
        </ul>
        <h2 id="monitored-hashtags">Monitored hashtags</h2>
        <p>Art tagged #politics, #nsfw, #explicit, #13plus or #violence is hidden unless you choose to see it in <Link href="/settings">Settings</Link>.</p>
      </div>
    </Layout>
  );
}
