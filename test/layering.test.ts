/**
 * The layout reads one way: every import between the top-level rooms runs downward, from the composition
 * root to the shared kernel, in the order the README's architecture section states. The graph is read
 * from the sources themselves (static, dynamic and type imports, `require`, `vi.mock` do not count:
 * tests and benches may import everything), so a new arrow against the layering fails here with the
 * file and the import that draws it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..');

/** Bottom to top; a room may import only rooms of a lower layer (and itself). Rooms on one layer are peers that do not import each other. */
const LAYERS: string[][] = [
  ['kernel'],
  ['entities'],
  ['store'],
  ['schema'],
  ['services'],
  ['crawlers', 'analytics'],
  ['resolvers'],
  ['demo'],
  ['server'],
];
const RANK = new Map(LAYERS.flatMap((rooms, rank) => rooms.map((room) => [room, rank] as const)));

const IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)(['"])(\.{1,2}\/[^'"]*)\1/g;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'vendor') out.push(...sources(rel));
    } else if (/\.(ts|js|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** Every import that leaves its room: [file, specifier, room imported]. */
function arrows(rooms: string[]): Array<{ file: string; spec: string; from: string; to: string }> {
  const found: Array<{ file: string; spec: string; from: string; to: string }> = [];
  for (const room of rooms) {
    for (const file of sources(room)) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      for (const m of text.matchAll(IMPORT)) {
        const target = path.relative(ROOT, path.resolve(ROOT, path.dirname(file), m[2]));
        const to = target.split(path.sep)[0];
        if (to !== room) found.push({ file, spec: m[2], from: room, to });
      }
    }
  }
  return found;
}

describe('the import graph follows the layering', () => {
  const rooms = LAYERS.flat();

  it('knows every top-level room that holds code', () => {
    const codeRooms = fs
      .readdirSync(ROOT, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !['node_modules', 'dist', 'data', 'docs', 'deploy', 'test', 'bench', 'dashboard'].includes(e.name) && !e.name.startsWith('.'))
      .filter((e) => sources(e.name).length > 0)
      .map((e) => e.name)
      .sort();
    expect(codeRooms).toEqual([...rooms].sort());
  });

  it('every import between rooms runs to a lower layer', () => {
    const all = arrows(rooms);
    expect(all.length).toBeGreaterThan(100); // the scan sees the real graph
    const against = all
      .filter((a) => !RANK.has(a.to) || (RANK.get(a.to) as number) >= (RANK.get(a.from) as number))
      .map((a) => `${a.file}: ${a.spec} (${a.from} → ${a.to})`);
    expect(against).toEqual([]);
  });

  it('the kernel imports nothing of ours', () => {
    expect(arrows(['kernel']).map((a) => `${a.file}: ${a.spec}`)).toEqual([]);
  });

  it('the dashboard talks only to GraphQL: it imports nothing server-side', () => {
    const out = arrows(['dashboard']).map((a) => `${a.file}: ${a.spec}`);
    expect(out).toEqual([]);
  });

  it("the README's architecture table has one line per room, on its layer", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    LAYERS.forEach((rooms, rank) => {
      for (const room of rooms) expect(readme, room).toContain(`| ${rank} | \`${room}/\` |`);
    });
  });

  it('a violation would be caught (the scan reads real import forms)', () => {
    const sample = `import { a } from '../services/x';\nimport type { B } from "../kernel/y";\nconst c = await import('../demo/z');\nexport { d } from '../store';`;
    expect([...sample.matchAll(IMPORT)].map((m) => m[2])).toEqual(['../services/x', '../kernel/y', '../demo/z', '../store']);
  });
});
