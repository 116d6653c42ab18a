/**
 * The checks of plain input every command shares: required and optional text (trimmed, a length limit)
 * and ids. Each throws a UserInputError naming the field (BAD_USER_INPUT), before anything is written.
 */
import { UserInputError } from './errors';

/** Trimmed text that must be there, at most `max` characters. */
export function requireText(value: string | null | undefined, field: string, max = 10_000): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (!text) throw new UserInputError(`${field}: give a ${field}`, field);
  if (text.length > max) throw new UserInputError(`${field}: at most ${max} characters`, field);
  return text;
}

/** Trimmed text or null when empty, at most `max` characters. */
export function optionalText(value: string | null | undefined, field = 'note', max = 10_000): string | null {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text.length > max) throw new UserInputError(`${field}: at most ${max} characters`, field);
  return text || null;
}

/** A positive whole-number id. */
export function idOf(value: string | number, field: string): number {
  const id = Number(value);
  if (!Number.isInteger(id) || id <= 0) throw new UserInputError(`${field}: not an id`, field);
  return id;
}
