// Providers shared by every page: the signed-in session and the live notifications.
import type { AppProps } from 'next/app';
import Head from 'next/head';
import { AuthProvider } from '@/hooks/useAuth';
import { NotificationsProvider } from '@/hooks/useNotifications';
import '@/styles/globals.css';

export default function App({ Component, pageProps }: AppProps) {
  return (
    <AuthProvider>
      <NotificationsProvider>
        <Head>
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>Makapix Club</title>
          <meta key="description" name="description" content="Pixel art, alive on real displays." />
          <meta key="og:site_name" property="og:site_name" content="Makapix Club" />
        </Head>
        <Component {...pageProps} />
      </NotificationsProvider>
    </AuthProvider>
  );
}
