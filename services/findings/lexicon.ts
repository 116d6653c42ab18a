/**
 * The rule lexicon as data: read (the newest version, else the built-in default) and replaced by a
 * province-level administrator (a command: audited; the access rule refuses anyone below the province).
 * A new version is checked against the shape of the default lexicon, key by key, so the rule engine never
 * meets a lexicon it cannot read.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { DEFAULT_LEXICON, type Lexicon } from '../../kernel/rules';
import { currentActor, RuleLexicon } from '../../entities';
import { runCommand } from '../command';
import { UserInputError } from '../errors';
import { runAsSystem } from '../system-actor';

const MAX_ITEMS = 5000;
const MAX_TEXT = 200;
const MAX_BYTES = 1024 * 1024;

export interface LexiconVersion {
  /** null: the built-in default (never replaced) */
  version: number | null;
  lexicon: Lexicon;
  updatedBy: string | null;
  note: string | null;
  createdAt: Date | null;
}

/** The lexicon in force: the newest version, else the default. Configuration: readable whoever wrote it. */
export async function currentLexicon(em: EntityManager): Promise<LexiconVersion> {
  const [row] = await runAsSystem('read the rule lexicon', () => em.fork().find(RuleLexicon, {}, { orderBy: { id: 'desc' }, limit: 1 }));
  if (!row) return { version: null, lexicon: DEFAULT_LEXICON, updatedBy: null, note: null, createdAt: null };
  return { version: row.id, lexicon: row.lexicon as unknown as Lexicon, updatedBy: row.updatedBy, note: row.note, createdAt: row.createdAt };
}

/** Checks `value` against the shape of `model` (the default lexicon): the same keys, arrays of the same kind, non-empty texts. */
function check(value: unknown, model: unknown, path: string): void {
  if (Array.isArray(model)) {
    if (!Array.isArray(value)) throw new UserInputError(`lexicon.${path}: expected a list`, 'lexicon');
    if (value.length > MAX_ITEMS) throw new UserInputError(`lexicon.${path}: at most ${MAX_ITEMS} entries`, 'lexicon');
    const element = model[0];
    if (element === undefined) return;
    value.forEach((v, i) => check(v, element, `${path}[${i}]`));
    return;
  }
  if (typeof model === 'string') {
    if (typeof value !== 'string' || value.trim() === '') throw new UserInputError(`lexicon.${path}: expected a non-empty text`, 'lexicon');
    if ([...value].length > MAX_TEXT) throw new UserInputError(`lexicon.${path}: at most ${MAX_TEXT} characters`, 'lexicon');
    return;
  }
  if (model && typeof model === 'object') {
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new UserInputError(`lexicon.${path || '(top)'}: expected an object`, 'lexicon');
    const known = Object.keys(model);
    for (const key of Object.keys(value)) {
      if (!known.includes(key) && !(key === 'permits' && path.includes('goods'))) throw new UserInputError(`lexicon.${path ? `${path}.` : ''}${key}: unknown field`, 'lexicon');
    }
    for (const key of known) {
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined) throw new UserInputError(`lexicon.${path ? `${path}.` : ''}${key}: missing`, 'lexicon');
      check(v, (model as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
    }
  }
}

/** Validates a lexicon; returns it typed, or throws a UserInputError naming the first bad field. */
export function validateLexicon(input: unknown): Lexicon {
  if (Buffer.byteLength(JSON.stringify(input ?? null)) > MAX_BYTES) throw new UserInputError(`lexicon: at most ${MAX_BYTES} bytes`, 'lexicon');
  check(input, DEFAULT_LEXICON, '');
  const lexicon = input as Lexicon;
  if (lexicon.absoluteTerms.length === 0) throw new UserInputError('lexicon.absoluteTerms: at least one term', 'lexicon');
  return lexicon;
}

/** Puts a new version of the lexicon in force (province level; audited). */
export async function updateLexicon(em: EntityManager, input: unknown, note?: string | null): Promise<LexiconVersion> {
  const lexicon = validateLexicon(input);
  await runCommand(em, 'updateRuleLexicon', async (tem) => {
    tem.create(RuleLexicon, { lexicon: lexicon as unknown as Record<string, unknown>, updatedBy: currentActor().name.slice(0, 100), note: note?.trim() || null });
  });
  return currentLexicon(em);
}
