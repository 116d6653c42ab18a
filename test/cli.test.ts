import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUscc } from '../services/registry/uscc';
import { createScratchDatabase } from './support/database';

const CLI = path.resolve(__dirname, '../server/cli.ts');
const ROOT = path.resolve(__dirname, '..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let env: NodeJS.ProcessEnv;
let dir: string;
let server: { url: string; drop(): Promise<void> } | undefined;

function hongdun(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['-r', '@swc-node/register', CLI, ...args], { cwd: ROOT, env, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as NodeJS.ErrnoException & { code?: number }).code as unknown as number) ?? 1 : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hongdun-cli-'));
  env = { ...process.env, LOG_LEVEL: 'error', DEMO: 'false', HONGDUN_ADMIN_PASSWORD: 'correct horse battery' };
  if (process.env.DATABASE_URL) {
    server = await createScratchDatabase(process.env.DATABASE_URL);
    env.DATABASE_URL = server.url;
  } else {
    delete env.DATABASE_URL;
    env.DATA_DIR = path.join(dir, 'db');
  }
});
afterAll(async () => {
  await server?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('hongdun command line', () => {
  const good = makeUscc('370102', 'MA3CKD01');
  const other = makeUscc('370102', 'MA3CKD02');

  it('setup creates the bureau tree and an administrator, and is idempotent', async () => {
    const first = await hongdun('setup', '--admin', 'root-admin');
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('units created: 168; administrator root-admin: created');
    const again = await hongdun('setup', '--admin', 'root-admin');
    expect(again.stdout).toContain('units created: 0; administrator root-admin: already there, unchanged');
  });

  it('imports a register file as a user, shows progress, and re-importing changes nothing', async () => {
    const file = path.join(dir, '经济户口.csv');
    fs.writeFileSync(file, `统一社会信用代码,企业名称,法定代表人,行政区划代码\n${good},历下区甲商行,王伟,370102001\n${other},历下区乙商行,李娜,370102002\n`);
    const first = await hongdun('import', 'entities', file, '--as', 'root-admin');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^committed: 2 rows — 2 created, 0 updated, 0 unchanged, 0 rejected/);
    expect(first.stderr).toContain('importing rows 2/2 (100%)');
    const again = await hongdun('import', 'entities', file, '--as', 'root-admin', '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 'committed', created: 0, updated: 0, unchanged: 2 });
  });

  it('reports bad rows with exit code 1, and rejects the whole file with --strict (exit code 2)', async () => {
    const file = path.join(dir, 'bad.csv');
    const third = makeUscc('370102', 'MA3CKD03');
    fs.writeFileSync(file, `统一社会信用代码,企业名称,行政区划代码\n${third},丙商行,370102001\n${third.slice(0, 17)}0,丁商行,370102001\n`);
    const strict = await hongdun('import', 'entities', file, '--strict');
    expect(strict.code).toBe(2);
    expect(strict.stdout).toMatch(/^rejected: 2 rows/);
    expect(strict.stdout).toMatch(/row 3 \[统一社会信用代码\]: .*check character/);
    const lenient = await hongdun('import', 'entities', file);
    expect(lenient.code).toBe(1);
    expect(lenient.stdout).toMatch(/^committed: 2 rows — 1 created, 0 updated, 0 unchanged, 1 rejected/);
  });

  it('imports registration changes and penalties of registered businesses, idempotently', async () => {
    const changes = path.join(dir, '注销吊销.csv');
    fs.writeFileSync(changes, `统一社会信用代码,企业名称,变更类型,变更日期,登记机关\n${good},历下区甲商行,注销,2025-11-20,济南市历下区市场监督管理局\n`);
    const first = await hongdun('import', 'registration-changes', changes, '--as', 'root-admin');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^committed: 1 rows — 1 created, 0 updated, 0 unchanged, 0 rejected; 1 businesses changed \(batch \d+\)\n$/);
    const again = await hongdun('import', 'registration-changes', changes, '--as', 'root-admin', '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ kind: 'registration_changes', status: 'committed', created: 0, unchanged: 1, entitiesUpdated: 0 });

    const penalties = path.join(dir, '行政处罚.csv');
    const unknown = makeUscc('370102', 'MA3CKD09');
    fs.writeFileSync(
      penalties,
      `行政处罚决定书文号,统一社会信用代码,处罚类别,罚款金额（万元）,处罚决定日期\n济历市监处罚〔2025〕7号,${other},罚款,1.5,2025-06-01\n济历市监处罚〔2025〕8号,${unknown},警告,,2025-06-01\n`,
    );
    const strict = await hongdun('import', 'penalties', penalties, '--strict');
    expect(strict.code).toBe(2);
    expect(strict.stdout).toContain(`row 3 [统一社会信用代码]: ${unknown} is not in the register: import the business first (import entities), then this file again\n`);
    const lenient = await hongdun('import', 'penalties', penalties, '--json');
    expect(lenient.code).toBe(1);
    expect(JSON.parse(lenient.stdout)).toMatchObject({ kind: 'penalties', status: 'committed', created: 1, rejected: 1 });
  });

  it('says plainly what is wrong with a missing file or an unknown user', async () => {
    const missing = await hongdun('import', 'entities', path.join(dir, 'nope.xlsx'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`hongdun: no such file: ${path.join(dir, 'nope.xlsx')}\n`);
    const file = path.join(dir, '经济户口.csv');
    const nobody = await hongdun('import', 'entities', file, '--as', 'nobody');
    expect(nobody.stderr).toBe('hongdun: no active user "nobody"\n');
  });

  it('says plainly when a backup to restore does not exist', async () => {
    const missing = await hongdun('restore', '--from', path.join(dir, 'no-backup.tar.gz'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`hongdun: no such backup: ${path.join(dir, 'no-backup.tar.gz')}\n`);
  });
});
