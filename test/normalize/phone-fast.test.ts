import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { fastE164 } from '../../src/normalize/phone-fast.js';
import { normalizeOnePhone } from '../../src/normalize/phone.js';
import { mulberry32 } from '../helpers/random.js';

/** What the fast path stands in for: one libphonenumber parse and its validity. */
function libE164(digits: string, region: CountryCode | undefined): string | undefined {
  const number = region === undefined ? parsePhoneNumberFromString(`+${digits}`) : parsePhoneNumberFromString(digits, region);
  return number?.isValid() ? number.number.slice(1) : undefined;
}

const DRAWS = 1_000_000;
const REGIONS: readonly (CountryCode | undefined)[] = [undefined, 'RU', 'KZ'];

/**
 * Draw `i` → the digits of a number and the parse it goes through. The national part runs over
 * every 4-digit prefix of the 10-digit +7 space (100 draws each, so every range of the RU and KZ
 * plans, assigned or not), written the ways people write +7 numbers — bare, with 7 or 8 in front,
 * with a digit too many or too few, after 00 or 810 — and one draw in eight is a foreign-looking
 * number of 10–12 digits.
 */
function draw(i: number, random: () => number): { digits: string; region: CountryCode | undefined } {
  const region = REGIONS[i % REGIONS.length];
  const randomDigits = (count: number) => {
    let text = '';
    for (let k = 0; k < count; k++) text += String(Math.floor(random() * 10));
    return text;
  };
  const national = String(Math.floor(i / 100) % 10_000).padStart(4, '0') + randomDigits(6);
  const shape = Math.floor(random() * 8);
  const digits =
    shape === 0 ? national
    : shape === 1 ? `7${national}`
    : shape === 2 ? `8${national}`
    : shape === 3 ? national.slice(0, 9)
    : shape === 4 ? `${7 + Math.floor(random() * 2)}${national}${randomDigits(1)}`
    : shape === 5 ? (random() < 0.5 ? `007${national}` : `810${national.slice(0, 8)}`)
    : shape === 6 ? `${1 + Math.floor(random() * 9)}${national}`
    : randomDigits(10 + Math.floor(random() * 3));
  return { digits, region };
}

/** A million libphonenumber parses: ~10 s on an idle core, more when the machine is shared. */
const PROPERTY_TIMEOUT_MS = 180_000;

describe('fastE164 (the RU/KZ fast path) against libphonenumber-js/max', () => {
  it(`agrees on validity and digits on ${DRAWS.toLocaleString('en')} drawn numbers, and answers every valid +7 number of ten or eleven digits`, () => {
    const random = mulberry32(13);
    const disagreements: string[] = [];
    const missed: string[] = [];
    let answered = 0;
    let validPlus7 = 0;
    for (let i = 0; i < DRAWS; i++) {
      const { digits, region } = draw(i, random);
      const fast = fastE164(digits, region);
      const lib = libE164(digits, region);
      if (fast !== undefined) {
        answered++;
        if (fast !== lib && disagreements.length < 10) disagreements.push(`${region ?? '+'} ${digits}: fast ${fast}, libphonenumber ${lib ?? 'invalid'}`);
      }
      // Ten or eleven digits: the shapes the fast path takes (`+7 8 916…` and the like are left to libphonenumber).
      if (lib !== undefined && lib.length === 11 && lib.startsWith('7') && digits.length <= 11) {
        validPlus7++;
        if (fast === undefined && missed.length < 10) missed.push(`${region ?? '+'} ${digits} → ${lib}`);
      }
    }
    expect(disagreements).toEqual([]);
    expect(missed).toEqual([]);
    // The draws reach the valid ranges often enough for the agreement to mean something.
    expect(validPlus7).toBeGreaterThan(DRAWS * 0.05);
    expect(answered).toBe(validPlus7);
  }, PROPERTY_TIMEOUT_MS);

  it('leaves other calling codes and regions to libphonenumber', () => {
    expect(fastE164('4915123456789', undefined)).toBeUndefined();
    expect(fastE164('9161234567', 'GB')).toBeUndefined();
    expect(fastE164('380501234567', 'RU')).toBeUndefined();
  });

  it('is what normalizeOnePhone answers with, formatting and all', () => {
    expect(normalizeOnePhone('8 (916) 123-45-67', 'RU')).toEqual({ ok: true, value: '79161234567', changes: ['«8 (916) 123-45-67» → 79161234567'], warnings: [] });
    expect(normalizeOnePhone('+7 701 234 56 78', 'KZ')).toEqual({ ok: true, value: '77012345678', changes: ['«+7 701 234 56 78» → 77012345678'], warnings: [] });
  });
});
