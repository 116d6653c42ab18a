/**
 * Security headers on every response (OWASP ASVS 14.4), set once before any route: a route that serves
 * HTML replaces the default Content-Security-Policy with its own (the dashboard, GraphiQL, the public
 * pages, the stored reports), everything else keeps the default, which lets nothing load or frame it.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../../kernel/config';

/** For answers that are not pages (JSON, files, metrics): nothing may load from, run in or frame them. */
export const DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Browser features no page of the platform uses. */
export const PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), interest-cohort=()';

/**
 * The middleware: nosniff, the default CSP, Referrer-Policy no-referrer (tokens and ids never leave in a
 * Referer), Permissions-Policy, Cross-Origin-Opener-Policy, and HSTS (HSTS_MAX_AGE) when the request came
 * over TLS — `req.secure` honours X-Forwarded-Proto from a proxy trusted by TRUST_PROXY — or when
 * PUBLIC_BASE_URL is https (the platform is then always reached through TLS).
 */
export function securityHeaders(config: Pick<Config, 'hstsMaxAge' | 'publicBaseUrl'>) {
  const hsts = config.hstsMaxAge > 0 ? `max-age=${config.hstsMaxAge}; includeSubDomains` : undefined;
  const alwaysTls = config.publicBaseUrl?.startsWith('https:') ?? false;
  return (req: Request, res: Response, next: NextFunction) => {
    res.set({
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': DEFAULT_CSP,
      'Referrer-Policy': 'no-referrer',
      'Permissions-Policy': PERMISSIONS_POLICY,
      'Cross-Origin-Opener-Policy': 'same-origin',
    });
    if (hsts && (alwaysTls || req.secure)) res.set('Strict-Transport-Security', hsts);
    next();
  };
}
