/**
 * Keeps Crawlee's browser pool from opening a forwarding proxy.
 *
 * `@crawlee/browser-pool` starts a `proxy-chain` server as a side effect of being loaded
 * (`proxy-server.js`): a forwarding HTTP proxy on a random port, listening on every interface, that
 * forwards to anywhere. It exists only so that it can be the default `launchOptions.proxy.server` of
 * each Playwright launch. Every launch here names its own proxy (the black hole, see black-hole.ts),
 * so that module is replaced in Node's module cache with one that starts nothing. This module must be
 * loaded before anything loads `@crawlee/browser-pool` (capture.ts imports it first).
 */
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Never used as a proxy: the launch options always name their own proxy server, which wins. */
const UNUSED_PROXY = 'http://127.0.0.1:9';

type CachedModule = { exports: unknown };
const moduleCache = (Module as unknown as { _cache: Record<string, CachedModule | undefined> })._cache;

const localRequire = createRequire(__filename);
/** the file of `@crawlee/browser-pool` that starts the proxy when loaded */
export const CRAWLEE_PROXY_MODULE = join(dirname(localRequire.resolve('@crawlee/browser-pool')), 'proxy-server.js');

const stub = { getLocalProxyAddress: async () => UNUSED_PROXY, hongdunStub: true };

if (!moduleCache[CRAWLEE_PROXY_MODULE]) {
  const m = new Module(CRAWLEE_PROXY_MODULE);
  m.filename = CRAWLEE_PROXY_MODULE;
  m.loaded = true;
  m.exports = stub;
  moduleCache[CRAWLEE_PROXY_MODULE] = m as unknown as CachedModule;
}

/** True when Crawlee's forwarding proxy was not started in this process (the stub is in place). */
export function crawleeProxyDisabled(): boolean {
  return (moduleCache[CRAWLEE_PROXY_MODULE]?.exports as { hongdunStub?: boolean } | undefined)?.hongdunStub === true;
}
