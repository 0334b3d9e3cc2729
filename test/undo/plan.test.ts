/** The undo planner alone: what taking back one journaled write does, against the account as it is now. */
import { describe, expect, it } from 'vitest';
import { changeRecord } from '../../src/write/undo/record.js';
import { planBlacklistUndo, planContactUndo, planRetypeUndo, type Fate } from '../../src/write/undo/plan.js';

const DONE: Fate = { state: 'done' };
const PENDING: Fate = { state: 'pending' };
const anna = { intId: 7, fields: { phone: '79161111111', name: 'Анна', grp: '1,2', tags: 'old' } };

describe('planContactUndo', () => {
  it('sets a changed phone back, finding the contact by its new one', () => {
    const record = changeRecord(anna, { phone: '79162222222', name: 'Анна П.' });
    expect(record).toMatchObject({ find: { phone: '79162222222' }, before: { phone: '79161111111', name: 'Анна' } });
    const now = { intId: 7, fields: { ...anna.fields, phone: '79162222222', name: 'Анна П.' } };
    const decision = planContactUndo(record, DONE, 7, now);
    expect(decision).toMatchObject({ action: 'chg', operation: { action: 'chg', params: { phone: '79162222222', new_phone: '79161111111', name: 'Анна' } } });
  });

  it('reverses a membership the import only added with move_group mode 3', () => {
    const record = changeRecord(anna, { grp: '1,2,3' });
    const decision = planContactUndo(record, DONE, 7, { intId: 7, fields: { ...anna.fields, grp: '1,2,3' } });
    expect(decision).toMatchObject({ action: 'chg', operation: { action: 'move_group', mode: 3, grp: '3' } });
  });

  it('skips a contact changed since, one whose phone is now another contact, and leaves one already back', () => {
    const record = changeRecord(anna, { name: 'Анна П.' });
    expect(planContactUndo(record, DONE, 7, { intId: 7, fields: { ...anna.fields, name: 'Анна С.' } })).toMatchObject({ action: 'skip', code: 'UNDO_CHANGED_SINCE' });
    expect(planContactUndo(record, DONE, 7, { intId: 8, fields: { ...anna.fields, name: 'Анна П.' } })).toMatchObject({ action: 'skip', code: 'UNDO_OTHER_CONTACT' });
    expect(planContactUndo(record, DONE, 7, anna)).toMatchObject({ action: 'unchanged' });
    expect(planContactUndo(record, DONE, 7, undefined)).toMatchObject({ action: 'skip', code: 'UNDO_GONE' });
  });

  it('deletes an added contact only while it holds what was written', () => {
    const wrote = { phone: '79163333333', name: 'Глеб', grp: '5' };
    expect(planContactUndo({ kind: 'add', wrote }, DONE, 9, { intId: 9, fields: { ...wrote, cmt: 'later' } })).toMatchObject({ action: 'delete', operation: { action: 'delete', key: { phone: '79163333333' } } });
    expect(planContactUndo({ kind: 'add', wrote }, DONE, 9, { intId: 9, fields: { ...wrote, grp: '5,6' } })).toMatchObject({ action: 'skip', code: 'UNDO_CHANGED_SINCE' });
    expect(planContactUndo({ kind: 'add', wrote }, DONE, 9, undefined)).toMatchObject({ action: 'unchanged' });
  });

  it('an add cut off before its reply (no id) deletes only a contact exactly as it wrote it; a failed one deletes nothing', () => {
    const wrote = { phone: '79163333333', name: 'Глеб' };
    expect(planContactUndo({ kind: 'add', wrote }, PENDING, undefined, { intId: 9, fields: wrote })).toMatchObject({ action: 'delete' });
    expect(planContactUndo({ kind: 'add', wrote }, PENDING, undefined, { intId: 9, fields: { ...wrote, cmt: 'VIP' } })).toMatchObject({ action: 'skip', code: 'UNDO_NOT_PROVEN', intId: 9 });
    expect(planContactUndo({ kind: 'add', wrote }, { state: 'failed', code: '5' }, undefined, { intId: 9, fields: wrote })).toMatchObject({ action: 'skip', code: 'UNDO_WRITE_FAILED', intId: 9 });
  });
});

describe('planBlacklistUndo', () => {
  it('removes the numbers still listed, in one del_black', () => {
    const record = { kind: 'black' as const, phones: ['79161111111', '79162222222'], type: 0 as const };
    expect(planBlacklistUndo(record, DONE, new Map([['79162222222', { id: 4, type: 0 }]]))).toEqual({ action: 'delete', operation: { action: 'delete_black', phone: '79162222222' }, intId: 4 });
    expect(planBlacklistUndo({ ...record, phones: ['79161111111'] }, DONE, new Map())).toMatchObject({ action: 'unchanged' });
  });

  it('cut off before its reply, removes only entries with the type it wrote; without a journaled type, none', () => {
    const record = { kind: 'black' as const, phones: ['79161111111'], type: 1 as const };
    expect(planBlacklistUndo(record, PENDING, new Map([['79161111111', { id: 4, type: 1 }]]))).toMatchObject({ action: 'delete' });
    expect(planBlacklistUndo(record, PENDING, new Map([['79161111111', { id: 4, type: 2 }]]))).toMatchObject({ action: 'skip', code: 'UNDO_NOT_PROVEN', intId: 4 });
    expect(planBlacklistUndo({ kind: 'black', phones: ['79161111111'] }, PENDING, new Map([['79161111111', { id: 4, type: 1 }]]))).toMatchObject({ action: 'skip', code: 'UNDO_NOT_PROVEN' });
    expect(planBlacklistUndo({ kind: 'black', phones: ['79161111111'] }, DONE, new Map([['79161111111', { id: 4, type: 1 }]]))).toMatchObject({ action: 'delete' });
  });

  it('done, leaves a row with an entry retyped since (the whole row), unless forced', () => {
    const record = { kind: 'black' as const, phones: ['79161111111', '79162222222'], type: 1 as const };
    const listed = new Map([
      ['79161111111', { id: 4, type: 1 }],
      ['79162222222', { id: 5, type: 2 }],
    ]);
    expect(planBlacklistUndo(record, DONE, listed)).toEqual({
      action: 'skip',
      code: 'UNDO_CHANGED_SINCE',
      reason: 'not deleted: changed since the import (79162222222 is listed with type 2, not the 1 it wrote); --force deletes it anyway',
      intId: 4,
    });
    expect(planBlacklistUndo(record, DONE, listed, true)).toMatchObject({ action: 'delete', operation: { action: 'delete_black', phone: '79161111111,79162222222' }, note: expect.stringMatching(/^deleted with --force: changed since the import/) });
    // Not proven to be the import's at all: --force does not take it for its.
    expect(planBlacklistUndo(record, PENDING, listed, true)).toMatchObject({ action: 'skip', code: 'UNDO_NOT_PROVEN' });
  });
});

describe('planRetypeUndo', () => {
  const record = { kind: 'retype' as const, before: { '79161111111': 0 as const }, type: 2 as const, added: ['79162222222'] };
  const listed = (entries: Record<string, number>) => new Map(Object.entries(entries).map(([phone, type], index) => [phone, { id: index + 1, type }]));

  it('gives a retyped number its old type back and removes the number added with it, in one del_black + add_black', () => {
    expect(planRetypeUndo(record, DONE, listed({ '79161111111': 2, '79162222222': 2 }))).toEqual({
      action: 'chg',
      operation: { action: 'retype_black', remove: '79161111111,79162222222', phone: '79161111111', type: 0 },
      changes: [
        { field: 'type', from: '2', to: '0' },
        { field: 'phone', added: [], removed: ['79162222222'] },
      ],
      intId: 1,
    });
    expect(planRetypeUndo(record, DONE, listed({ '79161111111': 0 }))).toMatchObject({ action: 'unchanged' });
  });

  it('skips a row changed since, and lists again a number a failed retype left off the blacklist', () => {
    expect(planRetypeUndo(record, DONE, listed({ '79161111111': 1 }))).toMatchObject({ action: 'skip', code: 'UNDO_CHANGED_SINCE' });
    expect(planRetypeUndo(record, DONE, listed({}))).toMatchObject({ action: 'skip', code: 'UNDO_GONE' });
    expect(planRetypeUndo(record, { state: 'failed', code: 'ERR_BLACKLIST_RETYPE' }, listed({ '79162222222': 0 }))).toMatchObject({
      action: 'chg',
      operation: { action: 'add_black', phone: '79161111111', type: 0 },
    });
    expect(planRetypeUndo(record, { state: 'failed', code: '1' }, listed({}))).toMatchObject({ action: 'skip', code: 'UNDO_WRITE_FAILED' });
  });
});
