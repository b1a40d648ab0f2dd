// Next.js configuration of the Makapix Club web front end (docs/web.md).
// Telemetry stays off whatever the caller's environment says: no request may leave the machine.
process.env.NEXT_TELEMETRY_DISABLED = '1';

/** @type {import('next').NextConfig} */
const nextConfig = {
  output: 'standalone',
  reactStrictMode: true,
  poweredByHeader: false,
  // The art is shown as-is (pixelated); Next's image optimiser would blur and re-encode it.
  images: { unoptimized: true },
  // The page lives in web/, the lockfile too; keep Next from guessing a monorepo root.
  outputFileTracingRoot: import.meta.dirname,
  turbopack: { root: import.meta.dirname },
  // Paths the original site used (web.md): `/contribute` was the upload page, and each
  // member's settings lived under their profile.
  async redirects() {
    return [
      { source: '/contribute', destination: '/submit', permanent: true },
      { source: '/u/:sqid/settings', destination: '/settings', permanent: false },
    ];
  },
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
          { key: 'X-Frame-Options', value: 'DENY' },
        ],
      },
    ];
  },
};

export default nextConfig;
