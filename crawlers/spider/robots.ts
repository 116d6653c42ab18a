/**
 * robots.txt per site prefix. The demo marketplace (and many hosted shop platforms) serve one
 * robots.txt per site under the site's path prefix (`/p/<platform>/robots.txt`,
 * `/site/<domain>/robots.txt`) besides the host's root one. The spider asks the file of the URL's
 * scope first and falls back to the root file when the scope has none (404). Parsing is Crawlee's
 * `RobotsTxtFile` (robots-parser: `*` and `$` wildcards, longest match wins).
 */
import { RobotsTxtFile } from '@crawlee/utils';

/** Maps a URL to the path prefix whose robots.txt governs it (ends with `/`). */
export type RobotsScope = (url: URL) => string;

/**
 * Default scope: `/p/<name>/` and `/site/<name>/` are sites of their own (the demo marketplace's
 * layout); anything else is governed by the host's `/robots.txt`.
 */
export const defaultRobotsScope: RobotsScope = (url) => {
  const m = /^\/(p|site)\/[^/]+\//u.exec(url.pathname);
  return m ? m[0] : '/';
};

/** Fetches robots.txt over HTTP; only ever called with URLs the caller has checked against the allowed origins. */
export type RobotsFetch = (url: string) => Promise<{ status: number; body: string }>;

/**
 * Caches robots.txt files by URL for one crawl. A missing file (4xx) allows everything; an unreachable
 * one (5xx, network error) disallows the scope (RFC 9309 §2.3.1.4: assume complete disallow).
 */
export class RobotsCache {
  private readonly files = new Map<string, Promise<RobotsTxtFile | 'allow-all' | 'disallow-all'>>();
  /** robots.txt URLs fetched (for the crawl's request log) */
  readonly fetched: string[] = [];

  constructor(
    private readonly fetchText: RobotsFetch,
    private readonly scope: RobotsScope = defaultRobotsScope,
    private readonly userAgent = '*',
  ) {}

  /** Whether `url` may be fetched. */
  async isAllowed(url: URL): Promise<boolean> {
    const prefix = this.scope(url);
    let file = await this.load(url.origin, prefix);
    if (file === 'allow-all' && prefix !== '/') file = await this.load(url.origin, '/');
    if (file === 'allow-all') return true;
    if (file === 'disallow-all') return false;
    return file.isAllowed(url.href, this.userAgent);
  }

  private load(origin: string, prefix: string): Promise<RobotsTxtFile | 'allow-all' | 'disallow-all'> {
    const robotsUrl = `${origin}${prefix}robots.txt`;
    let file = this.files.get(robotsUrl);
    if (!file) {
      this.fetched.push(robotsUrl);
      file = this.fetchText(robotsUrl).then(
        ({ status, body }) => (status >= 200 && status < 300 ? RobotsTxtFile.from(robotsUrl, body) : status >= 400 && status < 500 ? 'allow-all' : 'disallow-all'),
        () => 'disallow-all' as const,
      );
      this.files.set(robotsUrl, file);
    }
    return file;
  }
}
