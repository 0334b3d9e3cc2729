/** The pure planning rules for list fields: no HTTP, every case the integration tests do not reach. */
import { describe, expect, it } from 'vitest';
import { changeList, listPolicies } from '../../src/write/lists.js';
import { holds, planRow } from '../../src/write/plan.js';

const ADD = listPolicies('add', 'upsert');
const REPLACE = listPolicies('replace', 'upsert');
const REPLACE_GROUPS = listPolicies({ default: 'add', grp: 'replace' }, 'upsert');

describe('changeList', () => {
  it('add: keeps the contact\'s items, appends the new ones, compares phones by digits and e-mails without case', () => {
    expect(changeList('phone', '79161111111,79162222222', '+79162222222,79163333333', 'add')).toEqual({ value: '79161111111,79162222222,79163333333', added: ['79163333333'], removed: [] });
    expect(changeList('mail', 'Anna@Example.ru', 'anna@example.ru', 'add')).toEqual({ value: 'Anna@Example.ru', added: [], removed: [] });
  });

  it('replace: the list becomes the file\'s; a reordering is no change', () => {
    expect(changeList('grp', '5901,5902', '5903,5902', 'replace')).toEqual({ value: '5903,5902', added: ['5903'], removed: ['5901'] });
    expect(changeList('tags', 'a,b', 'b,a', 'replace')).toMatchObject({ added: [], removed: [] });
  });

  it('an empty desired value (emptyCells "clear") empties the list under either policy', () => {
    expect(changeList('tags', 'a,b', '', 'add')).toEqual({ value: '', added: [], removed: ['a', 'b'] });
  });
});

describe('listPolicies', () => {
  it('per field with a default; --mode sync replaces every list whatever the mapping says', () => {
    expect(listPolicies({ default: 'replace', tags: 'add' }, 'update')).toEqual({ phone: 'replace', mail: 'replace', grp: 'replace', tags: 'add', pho: 'replace' });
    expect(listPolicies('add', 'sync')).toEqual(REPLACE);
  });
});

describe('planRow', () => {
  const existing = { intId: 7, fields: { phone: '79161111111,79162222222', name: 'Анна', grp: '5901,5902' } };

  it('a membership-only change is one move_group keyed by one phone: mode 2 adds, 3 removes, 1 replaces', () => {
    const moves = [
      planRow('upsert', { phone: '79161111111', grp: '5903,5904' }, existing, ADD),
      planRow('upsert', { phone: '79161111111', grp: '5901' }, existing, REPLACE_GROUPS),
      planRow('upsert', { phone: '79161111111', grp: '5901,5903' }, existing, REPLACE_GROUPS),
      planRow('upsert', { phone: '79161111111', grp: '' }, existing, ADD),
    ].map((operation) => (operation.action === 'move_group' ? [operation.mode, operation.grp, operation.key] : operation.action));
    const key = { phone: '79161111111' };
    expect(moves).toEqual([
      [2, '5903,5904', key],
      [3, '5902', key],
      [1, '5901,5903', key],
      [3, '5901,5902', key],
    ]);
  });

  it('a change of groups and another field is one chg with the whole list; the target is what a read-back checks', () => {
    const operation = planRow('upsert', { phone: '79161111111', name: 'Анна Н.', grp: '5903' }, existing, ADD);
    expect(operation).toMatchObject({ action: 'chg', params: { phone: existing.fields.phone, name: 'Анна Н.', grp: '5901,5902,5903' }, target: { name: 'Анна Н.', grp: '5901,5902,5903' } });
    const target = operation.action === 'chg' ? operation.target : {};
    expect(holds({ ...existing.fields, name: 'Анна Н.', grp: '5903,5902,5901' }, target)).toBe(true);
    expect(holds(existing.fields, target)).toBe(false);
  });

  it('e-mails of a phone contact are sent as new_mail (mail would be taken for a key)', () => {
    expect(planRow('upsert', { phone: '79161111111', mail: 'a@x.ru' }, existing, ADD)).toMatchObject({ action: 'chg', params: { phone: existing.fields.phone, new_mail: 'a@x.ru' } });
  });

  it('an e-mail contact moves between groups by one address', () => {
    const mailContact = { intId: 8, fields: { mail: 'a@x.ru,b@x.ru', grp: '' } };
    expect(planRow('upsert', { mail: 'b@x.ru', grp: '5901' }, mailContact, ADD)).toMatchObject({ action: 'move_group', mode: 2, key: { mail: 'a@x.ru' } });
  });
});
