/**
 * Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from a 31-character
 * alphabet (digits and capitals without I, O, Z, S, V):
 *   1 registration authority · 2 entity type · 3–8 administrative division · 9–17 organisation code
 *   (GB 11714, with its own check character) · 18 check character.
 * The 18th character is 31 − (Σ value(cᵢ)·wᵢ mod 31), with 31 written as 0.
 */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
const ORG_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** The check character for the first 17 characters of a USCC. Throws on a character outside the alphabet. */
export function usccCheckChar(first17: string): string {
  if (first17.length !== 17) throw new Error('a USCC check character needs exactly 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_ALPHABET.indexOf(first17[i]);
    if (v < 0) throw new Error(`character "${first17[i]}" is not allowed in a USCC`);
    sum += v * WEIGHTS[i];
  }
  const c = 31 - (sum % 31);
  return USCC_ALPHABET[c === 31 ? 0 : c];
}

/** The check character of an 8-character organisation code body (GB 11714). */
export function orgCodeCheckChar(body8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += ORG_ALPHABET.indexOf(body8[i]) * ORG_WEIGHTS[i];
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** Normalises user input: trims, removes inner spaces, upper-cases. */
export function normalizeUscc(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase();
}

/**
 * Why a (normalised) USCC is invalid, or null when it is valid. Messages are for people filling in
 * a register file.
 */
export function usccProblem(uscc: string): string | null {
  if (uscc.length !== 18) return `must be 18 characters, got ${uscc.length}`;
  for (const ch of uscc) {
    if (!USCC_ALPHABET.includes(ch)) return `character "${ch}" is not allowed (I, O, Z, S, V and lower-case are never used)`;
  }
  if (!/^\d{6}$/.test(uscc.slice(2, 8))) return 'characters 3–8 must be the 6-digit administrative division code';
  const expected = usccCheckChar(uscc.slice(0, 17));
  if (uscc[17] !== expected) return `check character is "${uscc[17]}", expected "${expected}" (GB 32100-2015)`;
  return null;
}

/** True when `uscc` is a valid USCC (after normalisation). */
export function isValidUscc(uscc: string): boolean {
  return usccProblem(normalizeUscc(uscc)) === null;
}

/**
 * Builds a valid USCC: registration authority 9 (market regulation), entity type 1 (enterprise) or 2
 * (individual business), the 6-digit division code and an organisation-code body of 8 characters.
 */
export function makeUscc(divisionCode6: string, orgBody8: string, entityType: '1' | '2' | '3' = '1'): string {
  if (!/^\d{6}$/.test(divisionCode6)) throw new Error('division code must be 6 digits');
  if (!/^[0-9A-HJ-NP-RTUWXY]{8}$/.test(orgBody8)) throw new Error('organisation code body must be 8 USCC characters');
  const org = orgBody8 + orgCodeCheckChar(orgBody8);
  const first17 = `9${entityType}${divisionCode6}${org}`;
  if ([...first17].some((c) => !USCC_ALPHABET.includes(c))) {
    throw new Error('organisation code check character fell outside the USCC alphabet; choose another body');
  }
  return first17 + usccCheckChar(first17);
}
