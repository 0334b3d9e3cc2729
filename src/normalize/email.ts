import { domainToASCII } from 'node:url';
import type { Cell } from '../read/types.js';
import { memoize } from './memo.js';
import { accepted, normalizeList, rejected, type Normalized } from './result.js';
import { splitList } from './split.js';
import { cleanText } from './text.js';

const SEPARATORS = /[,;]+/;
const MAILTO = /^mailto:/i;
const LOWER_M = 0x6d;
const LOOKS_LIKE_ADDRESS = /^[^@\s]+@[^@\s]+$/;
/** RFC 5322 dot-atom, widened to any letter or digit (RFC 6531 internationalized local parts). */
const LOCAL_PART = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
/** LOCAL_PART for the ASCII letters and digits nearly every address has: a match here is one there, and a regular expression without `u` costs a third. */
const ASCII_LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
/**
 * Letters, digits, hyphens and dots of ASCII, with no punycode label (`xn--`, which the IDNA mapping
 * has to decode): a host name as it is, so the mapping cannot reject it.
 */
const PLAIN_ASCII_DOMAIN = /^(?!.*xn--)[a-z0-9.-]+$/;

/** What is wrong with a domain (`undefined`: nothing); remembered, as files repeat their domains. */
const checkDomain = memoize((domain: string): string | undefined => {
  const labels = domain.split('.');
  if (labels.length < 2) return 'the domain has no dot';
  if (!labels.every((label) => LABEL.test(label))) return 'the domain has an empty or malformed part';
  if (!/^(?:\p{L}{2,}|xn--[a-z0-9-]+)$/u.test(labels.at(-1) ?? '')) return 'the domain ends in no valid top-level domain';
  // The IDNA mapping rejects what cannot be a host name even though it passed the character test.
  if (!PLAIN_ASCII_DOMAIN.test(domain) && domainToASCII(domain) === '') return 'the domain is not a valid internationalized domain name';
  return undefined;
});

/**
 * One address: trimmed and lower-cased. Internationalized domains stay in Unicode (`иван@почта.рф`)
 * because SMSC stores what it is sent and people search for what they typed; the domain is checked
 * to be convertible to punycode.
 */
export function normalizeOneEmail(input: string): Normalized {
  // Asked of every address: the expression only for one that starts with an m.
  const value = ((input.charCodeAt(0) | 0x20) === LOWER_M ? input.replace(MAILTO, '') : input).toLowerCase();
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (at <= 0 || at === value.length - 1) return rejected('MAIL_INVALID', `«${input}» is not an e-mail address: no «name@domain»`);
  if (local.length > 64 || !(ASCII_LOCAL_PART.test(local) || LOCAL_PART.test(local))) return rejected('MAIL_INVALID', `«${input}» is not a valid e-mail address: bad part before «@»`);
  const domainProblem = checkDomain(domain);
  if (domainProblem !== undefined) return rejected('MAIL_INVALID', `«${input}» is not a valid e-mail address: ${domainProblem}`);
  return value === input ? accepted(value) : accepted(value, [`«${input}» → ${value}`]);
}

const hasSpace = (part: string): boolean => /\s/.test(part);

/**
 * `a@x.ru b@y.ru` is a list; `ivan petrov@mail.ru` is one broken address. Taking its last word
 * would make up `petrov@mail.ru`, which may well be someone else's.
 */
function spaceSeparated(part: string): string[] {
  const words = part.split(/\s+/);
  return words.length > 1 && words.every((word) => LOOKS_LIKE_ADDRESS.test(word)) ? words : [part];
}

/** A cell with one or more addresses → comma-joined list; invalid ones among valid ones are dropped with a warning. */
export function normalizeEmails(cell: Cell): Normalized {
  if (typeof cell !== 'string') return rejected('MAIL_INVALID', 'a date cell is not an e-mail address');
  const items = splitList(cleanText(cell), SEPARATORS);
  // Most cells hold addresses without spaces: flatMap alone would cost more than checking one of them.
  const parts = items.some(hasSpace) ? items.flatMap(spaceSeparated) : items;
  if (parts.length === 0) return rejected('MAIL_INVALID', 'no e-mail address');
  return normalizeList(parts, normalizeOneEmail);
}
