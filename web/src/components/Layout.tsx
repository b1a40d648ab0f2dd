// The frame of every page: skip link, header with navigation, and the main landmark.
import Head from 'next/head';
import type { ReactNode } from 'react';
import { Header } from './Header';

export function Layout({ title, children, wide }: { title?: string; children: ReactNode; wide?: boolean }) {
  const full = title ? `${title} - Makapix Club` : 'Makapix Club';
  return (
    <>
      <Head>
        <title>{full}</title>
      </Head>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header />
      <main id="main" className={wide ? 'main main-wide' : 'main'} tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
