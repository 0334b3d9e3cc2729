import { describe, expect, it } from 'vitest';
import { normalizeEmails } from '../../src/normalize/email.js';

function ok(cell: string) {
  const result = normalizeEmails(cell);
  if (!result.ok) throw new Error(`expected ${cell} to be accepted, got ${result.code}: ${result.reason}`);
  return result;
}

describe('normalizeEmails', () => {
  it('trims and lower-cases, saying so', () => {
    const result = ok('  Ivan.Petrov@Mail.RU ');
    expect(result.value).toBe('ivan.petrov@mail.ru');
    expect(result.changes).toEqual(['«Ivan.Petrov@Mail.RU» → ivan.petrov@mail.ru']);
  });

  it('keeps an internationalized domain in Unicode, lower-cased', () => {
    expect(ok('Иван@Почта.РФ').value).toBe('иван@почта.рф');
  });

  it('accepts a punycode domain as written', () => {
    expect(ok('info@xn--80a1acny.xn--p1ai').value).toBe('info@xn--80a1acny.xn--p1ai');
  });

  it('splits several addresses into a list and strips mailto:', () => {
    expect(ok('a@x.ru; mailto:B@y.com,\nc@z.org').value).toBe('a@x.ru,b@y.com,c@z.org');
  });

  it.each([
    ['ivan.mail.ru', 'no «name@domain»'],
    ['ivan@', 'no «name@domain»'],
    ['@mail.ru', 'no «name@domain»'],
    ['ivan..petrov@mail.ru', 'bad part before «@»'],
    ['ivan@localhost', 'the domain has no dot'],
    ['ivan@mail..ru', 'empty or malformed part'],
    ['ivan@-mail.ru', 'empty or malformed part'],
    ['ivan@mail.r', 'no valid top-level domain'],
    ['ivan@mail.123', 'no valid top-level domain'],
  ])('rejects %s (%s)', (cell, reason) => {
    const result = normalizeEmails(cell);
    expect(result).toMatchObject({ ok: false, code: 'MAIL_INVALID' });
    expect(result.ok ? '' : result.reason).toContain(reason);
  });

  it('keeps lists separated by «; », «, » or spaces between addresses', () => {
    expect(ok('a@x.ru; b@y.ru').value).toBe('a@x.ru,b@y.ru');
    expect(ok('a@x.ru, b@y.ru').value).toBe('a@x.ru,b@y.ru');
    expect(ok('a@x.ru b@y.ru').value).toBe('a@x.ru,b@y.ru');
  });

  it('takes a cell whose words are not all addresses as one invalid address, never its last word', () => {
    expect(normalizeEmails('ivan petrov@mail.ru')).toEqual({ ok: false, code: 'MAIL_INVALID', reason: '«ivan petrov@mail.ru» is not a valid e-mail address: bad part before «@»' });
    const mixed = ok('anna@x.ru, ivan petrov@mail.ru');
    expect(mixed.value).toBe('anna@x.ru');
    expect(mixed.warnings.map((warning) => warning.reason)).toEqual(['«ivan petrov@mail.ru» is not a valid e-mail address: bad part before «@»']);
  });

  it('drops an invalid address among valid ones with a warning', () => {
    const result = ok('good@mail.ru, bad@');
    expect(result.value).toBe('good@mail.ru');
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]?.code).toBe('MAIL_INVALID');
  });
});
