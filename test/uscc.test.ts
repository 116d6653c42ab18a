import { describe, expect, it } from 'vitest';
import { isValidUscc, makeUscc, normalizeUscc, USCC_ALPHABET, usccCheckChar, usccProblem } from '../services/registry/uscc';

/** Real codes of well-known companies, published on their registration records. */
const REAL_CODES = ['91110000802100433B', '91440300708461136T', '91110108551385082Q'];

describe('USCC (GB 32100-2015)', () => {
  it.each(REAL_CODES)('accepts the real code %s', (code) => {
    expect(usccProblem(code)).toBeNull();
    expect(isValidUscc(code)).toBe(true);
    expect(usccCheckChar(code.slice(0, 17))).toBe(code[17]);
  });

  it('rejects every wrong check character and names the expected one', () => {
    const code = REAL_CODES[0];
    for (const ch of USCC_ALPHABET) {
      if (ch === code[17]) continue;
      expect(usccProblem(code.slice(0, 17) + ch)).toBe(`check character is "${ch}", expected "B" (GB 32100-2015)`);
    }
  });

  it('catches a single changed character and two swapped neighbours', () => {
    expect(usccProblem('91110000802100434B')).toMatch(/^check character/);
    expect(usccProblem('91440300708461163T')).toMatch(/^check character/);
  });

  it.each(['I', 'O', 'Z', 'S', 'V'])('refuses the forbidden letter %s', (letter) => {
    const code = `91110000802100${letter}33B`;
    expect(usccProblem(code)).toBe(`character "${letter}" is not allowed (I, O, Z, S, V and lower-case are never used)`);
  });

  it('refuses lower case unless normalised, wrong lengths and a non-numeric division code', () => {
    expect(usccProblem('91110000802100433b')).toMatch(/character "b" is not allowed/);
    expect(usccProblem(normalizeUscc(' 9111 0000 8021 0043 3b '))).toBeNull();
    expect(usccProblem('91110000802100433')).toBe('must be 18 characters, got 17');
    expect(usccProblem('')).toBe('must be 18 characters, got 0');
    expect(usccProblem('91A10000802100433B')).toBe('characters 3–8 must be the 6-digit administrative division code');
  });

  it('makeUscc builds codes that validate, for many bodies and entity types (round trip)', () => {
    const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    let made = 0;
    for (let i = 0; i < 600; i++) {
      const body = Array.from({ length: 8 }, (_, k) => alphabet[(i * 7 + k * 13 + ((i * k) % 5)) % alphabet.length]).join('');
      for (const type of ['1', '2', '3'] as const) {
        let code: string;
        try {
          code = makeUscc('370102', body, type);
        } catch (error) {
          expect((error as Error).message).toMatch(/outside the USCC alphabet/);
          continue;
        }
        made++;
        expect(code).toHaveLength(18);
        expect(code.slice(0, 8)).toBe(`9${type}370102`);
        expect(code.slice(8, 16)).toBe(body);
        expect(usccProblem(code)).toBeNull();
      }
    }
    expect(made).toBeGreaterThan(1500);
  });

  it('makeUscc refuses bad input', () => {
    expect(() => makeUscc('3701', 'MA3C0000')).toThrow('division code must be 6 digits');
    expect(() => makeUscc('370102', 'MA3C000O')).toThrow('organisation code body must be 8 USCC characters');
  });
});
