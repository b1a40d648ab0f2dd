// Unknown addresses.
import Link from 'next/link';
import { Layout } from '@/components/Layout';

export default function NotFound() {
  return (
    <Layout title="Not found">
      <h1>Page not found</h1>
      <p><Link href="/">Back to Recent</Link></p>
    </Layout>
  );
}
