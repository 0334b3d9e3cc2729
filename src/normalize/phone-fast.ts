/**
 * A fast path for the numbers most files hold: Russian and Kazakh numbers (calling code +7). It
 * answers what one `parsePhoneNumberFromString(…)` + `isValid()` of libphonenumber-js/max would,
 * for the digit shapes people write those numbers in, from the patterns of libphonenumber's own
 * *max* metadata compiled to RegExps at load (no table of ours). Anything else — another calling
 * code, an unusual shape, a number it does not find valid — is `undefined`: ask libphonenumber.
 * test/normalize/phone-fast.test.ts holds it to libphonenumber on a million drawn numbers.
 */
import { Metadata, type CountryCode } from 'libphonenumber-js/core';
import metadataJson from 'libphonenumber-js/metadata.max.json';

const CALLING_CODE = '7';
/** The order libphonenumber's getNumberType tries the types in (FIXED_LINE first). */
const TYPES = ['FIXED_LINE', 'MOBILE', 'PREMIUM_RATE', 'TOLL_FREE', 'SHARED_COST', 'VOIP', 'PERSONAL_NUMBER', 'PAGER', 'UAN', 'VOICEMAIL'] as const;

/** The parts of libphonenumber's Metadata class this reads (its typings only declare a few). */
interface NumberingPlanAccess {
  leadingDigits(): string | undefined;
  nationalNumberPattern(): string;
  nationalPrefixForParsing(): string | undefined;
  possibleLengths(): number[];
  IDDPrefix(): string;
  type(name: string): { pattern(): string | undefined; possibleLengths(): number[] | undefined } | undefined;
}
interface MetadataAccess {
  selectNumberingPlan(country: string): void;
  getCountryCodesForCallingCode(callingCode: string): string[] | undefined;
  numberingPlan: NumberingPlanAccess;
}

interface Plan {
  country: string;
  /** The national number pattern: a number that does not match it has no type. */
  general: RegExp;
  /** The country's leading digits, when it has them: a match decides the country. */
  leading: RegExp | undefined;
  types: { pattern: RegExp; lengths: readonly number[] | undefined }[];
  lengths: readonly number[];
  nationalPrefix: RegExp | undefined;
  idd: RegExp;
}

const whole = (pattern: string): RegExp => new RegExp(`^(?:${pattern})$`);
const start = (pattern: string): RegExp => new RegExp(`^(?:${pattern})`);

function compilePlans(): Map<string, Plan> {
  const metadata = new Metadata(metadataJson) as unknown as MetadataAccess;
  const plans = new Map<string, Plan>();
  for (const country of metadata.getCountryCodesForCallingCode(CALLING_CODE) ?? []) {
    metadata.selectNumberingPlan(country);
    const plan = metadata.numberingPlan;
    const leading = plan.leadingDigits();
    const prefix = plan.nationalPrefixForParsing();
    const types = TYPES.flatMap((name) => {
      const type = plan.type(name);
      const pattern = type?.pattern();
      return type && pattern ? [{ pattern: whole(pattern), lengths: type.possibleLengths() }] : [];
    });
    plans.set(country, {
      country,
      general: whole(plan.nationalNumberPattern()),
      leading: leading ? start(leading) : undefined,
      types,
      lengths: plan.possibleLengths(),
      nationalPrefix: prefix ? start(prefix) : undefined,
      idd: start(plan.IDDPrefix()),
    });
  }
  return plans;
}

const PLANS = compilePlans();
/** The calling code's main country: whose plan libphonenumber uses when no country is known. */
const MAIN = PLANS.values().next().value;

/** libphonenumber's getNumberType(…) !== undefined. */
function hasType(national: string, plan: Plan): boolean {
  if (!plan.general.test(national)) return false;
  return plan.types.some((type) => (type.lengths === undefined || type.lengths.includes(national.length)) && type.pattern.test(national));
}

/** libphonenumber's getCountryByCallingCode for +7: leading digits decide, else the first country with a type. */
function countryOf(national: string): Plan | undefined {
  for (const plan of PLANS.values()) {
    if (plan.leading ? plan.leading.test(national) : hasType(national, plan)) return plan;
  }
  return undefined;
}

/**
 * libphonenumber strips a trunk prefix (RU/KZ `8`) from a national number when what is left could
 * be a whole number (libphonenumber's isPossibleIncompleteNationalNumber): `812…` of St Petersburg
 * keeps its 8 because no +7 number has nine digits. When that could go either way, the fast path
 * does not answer.
 */
function mayLoseTrunkPrefix(national: string, plan: Plan): boolean {
  const prefix = plan.nationalPrefix?.exec(national);
  if (!prefix) return false;
  const left = national.length - prefix[0].length;
  return [...PLANS.values()].some(({ lengths }) => lengths.includes(left) || left > Math.max(...lengths));
}

/** `+7<national>` digits when the number is valid; `fallback` is the country libphonenumber assumes when none fits. */
function validE164(national: string, fallback: Plan): string | undefined {
  if (mayLoseTrunkPrefix(national, fallback) || (MAIN !== undefined && mayLoseTrunkPrefix(national, MAIN))) return undefined;
  return hasType(national, countryOf(national) ?? fallback) ? CALLING_CODE + national : undefined;
}

/**
 * International digits (without `+`) of a valid number, as `parsePhoneNumberFromString(text,
 * region)` would give them — `text` being `+<digits>` when `region` is undefined, else `<digits>`
 * — or `undefined` when this path cannot tell (the number may still be valid: ask libphonenumber).
 */
export function fastE164(digits: string, region: CountryCode | undefined): string | undefined {
  if (MAIN === undefined || digits.length < 10 || digits.length > 11) return undefined;
  if (region === undefined) {
    return digits.length === 11 && digits.startsWith(CALLING_CODE) ? validE164(digits.slice(1), MAIN) : undefined;
  }
  const plan = PLANS.get(region);
  if (plan === undefined || plan.idd.test(digits)) return undefined;
  if (digits.length === 10) {
    // A 10-digit number starting with 7 that the plan does not take as national would lose its 7.
    return !digits.startsWith(CALLING_CODE) || plan.general.test(digits) ? validE164(digits, plan) : undefined;
  }
  const national = digits.slice(1);
  // `8…`: the trunk prefix, stripped when what is left is a whole number.
  if (plan.nationalPrefix?.test(digits)) return plan.general.test(digits) ? undefined : validE164(national, plan);
  // `7…` with no `+`: the calling code, taken off when the rest fits the plan and the whole does not.
  if (digits.startsWith(CALLING_CODE) && !plan.general.test(digits) && plan.general.test(national)) return validE164(national, MAIN);
  return undefined;
}
