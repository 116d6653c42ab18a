/**
 * Runs the demo marketplace for humans:
 *
 *   node -r @swc-node/register demo/marketplace/serve.ts [--seed hongdun] [--entities 200] [--day 0] [--port 0] [--host 127.0.0.1] [--slow-ms 5000]
 *
 * prints the URL and serves until Ctrl-C. Environment: MARKETPLACE_SEED, MARKETPLACE_ENTITIES,
 * MARKETPLACE_DAY, MARKETPLACE_PORT, MARKETPLACE_HOST (flags win). Binds 127.0.0.1 unless told otherwise.
 */
import { startMarketplace } from './server';

function option(flag: string, env: string, fallback: string): string {
  const i = process.argv.indexOf(flag);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : (process.env[env] ?? fallback);
}

async function main(): Promise<void> {
  const marketplace = await startMarketplace({
    seed: option('--seed', 'MARKETPLACE_SEED', 'hongdun'),
    entities: Number(option('--entities', 'MARKETPLACE_ENTITIES', '200')),
    day: Number(option('--day', 'MARKETPLACE_DAY', '0')),
    port: Number(option('--port', 'MARKETPLACE_PORT', '0')),
    host: option('--host', 'MARKETPLACE_HOST', '127.0.0.1'),
    slowMs: Number(option('--slow-ms', 'MARKETPLACE_SLOW_MS', '5000')),
  });
  const truth = marketplace.groundTruth();
  process.stdout.write(
    `demo marketplace: ${marketplace.url}/  (day ${marketplace.day}, ${marketplace.shopIds.length} shops, ${truth.violations.length} known violations)\n` +
      marketplace.platforms.map((p) => `  ${p.id.padEnd(11)} ${p.directoryUrl}  (${p.markup}, ${p.shopCount} shops)\n`).join('') +
      `  own sites   ${marketplace.siteDirectoryUrl}  (${marketplace.sites.length} sites)\n`,
  );
  const stop = () => void marketplace.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
