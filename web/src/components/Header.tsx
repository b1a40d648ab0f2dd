// The site header: the logo opens a menu (About, My Players, sign-out), then the main
// sections, the notification bell with its live badge, and the moderator dashboard.
import Link from 'next/link';
import { useRouter } from 'next/router';
import { useEffect, useRef, useState } from 'react';
import { isModerator, useAuth } from '@/hooks/useAuth';
import { badgeText, useNotifications } from '@/hooks/useNotifications';

const NAV = [
  { href: '/', label: 'Recent', icon: '🕒' },
  { href: '/recommended', label: 'Recommended', icon: '⭐' },
  { href: '/following', label: 'Following', icon: '👥', auth: true },
  { href: '/search', label: 'Search', icon: '🔎', auth: true },
  { href: '/submit', label: 'Submit', icon: '➕', auth: true },
];

export function Header() {
  const { session, me, signOut } = useAuth();
  const { unread } = useNotifications();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const menuRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    const onClick = (e: MouseEvent) => {
      if (!menuRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onClick);
    menuRef.current?.querySelector<HTMLElement>('[role=menuitem]')?.focus();
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onClick);
    };
  }, [open]);

  useEffect(() => setOpen(false), [router.asPath]);

  const here = (href: string) => (href === '/' ? router.pathname === '/' : router.pathname.startsWith(href));
  const bellLabel = unread > 0 ? `Notifications (${unread} unread)` : 'Notifications';

  return (
    <header className="header">
      <div className="header-inner">
        <div className="menu-wrap" ref={menuRef}>
          <button
            ref={buttonRef}
            type="button"
            className="logo-link"
            aria-label="Open menu"
            aria-haspopup="menu"
            aria-expanded={open}
            aria-controls="site-menu"
            onClick={() => setOpen((o) => !o)}
          >
            <span className="logo-mark" aria-hidden="true">▦</span>
            <span className="logo-text">Makapix</span>
          </button>
          {open && (
            <div id="site-menu" className="menu-panel" role="menu" aria-label="Site menu">
              <Link role="menuitem" href="/about">About</Link>
              <Link role="menuitem" href={session ? `/u/${session.publicSqid}/player` : '/players'}>My Players</Link>
              {session && <Link role="menuitem" href="/settings">Settings</Link>}
              {session ? (
                <button role="menuitem" type="button" onClick={() => void signOut().then(() => router.push('/welcome'))}>
                  Log out
                </button>
              ) : (
                <Link role="menuitem" href={`/auth?redirect=${encodeURIComponent(router.asPath)}`}>Sign in</Link>
              )}
            </div>
          )}
        </div>
        <nav className="nav" aria-label="Main">
          {NAV.filter((n) => !n.auth || session).map((n) => (
            <Link key={n.href} href={n.href} className="nav-item" aria-current={here(n.href) ? 'page' : undefined}>
              <span aria-hidden="true">{n.icon}</span>
              <span className="nav-label">{n.label}</span>
            </Link>
          ))}
        </nav>
        <div className="header-end">
          {session ? (
            <>
              {isModerator(me) && (
                <Link href="/mod-dashboard" className="icon-link" aria-label="Moderator dashboard">🎛️</Link>
              )}
              <Link href="/notifications" className="icon-link bell" aria-label={bellLabel}>
                <span aria-hidden="true">🔔</span>
                {unread > 0 && <span className="badge" aria-hidden="true" data-testid="notification-badge">{badgeText(unread)}</span>}
              </Link>
              <Link href={`/u/${session.publicSqid}`} className="icon-link me-link" aria-label={`Your profile (${session.handle})`}>
                {me?.user.avatar_url ? (
                  <img className="avatar avatar-sm pixel-art" src={me.user.avatar_url} alt="" width={28} height={28} />
                ) : (
                  <span aria-hidden="true">🙂</span>
                )}
              </Link>
            </>
          ) : (
            <Link href={`/auth?redirect=${encodeURIComponent(router.asPath)}`} className="button button-small">
              Sign in
            </Link>
          )}
        </div>
      </div>
    </header>
  );
}
