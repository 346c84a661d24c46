import { randomBytes, timingSafeEqual } from 'node:crypto';

// The dashboard acts with the operator's AWS credentials, so every request
// proves three things before anything is read or done:
// - it was addressed to this dashboard (Host is 127.0.0.1:PORT or
//   localhost:PORT): a DNS-rebinding page, whose requests name its own host,
//   is refused;
// - it comes with the session: the random token printed in the URL, kept
//   after the first visit in an HttpOnly, SameSite=Strict cookie;
// - an action (a POST) also comes from the dashboard's own page: Origin is
//   the dashboard's, and the token is in the request itself, not only in the
//   cookie. Another site in the same browser cannot read the token (the same
//   origin policy), and on 127.0.0.1 another port is the same *site*, so
//   SameSite alone would still send it the cookie.

/** 32 random bytes, URL-safe: the session token in the printed URL. */
export const newToken = (): string => randomBytes(32).toString('base64url');

/** Constant-time comparison of a presented token with the session's. */
export function tokenMatches(presented: string | undefined | null, token: string): boolean {
  if (!presented) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The hosts this dashboard answers to: the loopback address it binds, and localhost, each with its port. */
export const allowedHosts = (port: number): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];

/** Is the Host header one of ours (DNS rebinding: a page on evil.example resolved to 127.0.0.1 sends Host: evil.example)? */
export const hostAllowed = (host: string | undefined, port: number): boolean => host !== undefined && allowedHosts(port).includes(host.toLowerCase());

/** Is the Origin of a state-changing request the dashboard's own? A missing Origin is refused too: every browser sends one with a POST. */
export const originAllowed = (origin: string | undefined, port: number): boolean =>
  origin !== undefined && allowedHosts(port).some((h) => origin.toLowerCase() === `http://${h}`);

/** One cookie per port: two dashboards on one machine (a sandbox, a stage) keep their own sessions, since cookies ignore ports. */
export const cookieName = (port: number) => `shipwatch_dashboard_${port}`;

export const sessionCookie = (port: number, token: string): string => `${cookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;

/** The session token from a Cookie header, if there is one for this port. */
export function cookieToken(header: string | undefined, port: number): string | undefined {
  const name = cookieName(port);
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/**
 * Sent with every answer: only the dashboard's own scripts and styles, no
 * framing (clickjacking), no referrer to other sites, nothing cached (a page
 * shows what the operator's credentials could read). `same-origin`, not
 * `no-referrer`: with no-referrer a browser sends `Origin: null` with a form
 * posted without JavaScript, which the Origin check must refuse. The token
 * never is in a page's own address (the first visit redirects it away).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};
