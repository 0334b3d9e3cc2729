/** The undo planner alone: what taking back one journaled write does, against the account as it is now. */
import { describe, expect, it } from 'vitest';
import { changeRecord } from '../../src/write/undo/record.js';
import { planBlacklistUndo, planContactUndo } from '../../src/write/undo/plan.js';

const anna = { intId: 7, fields: { phone: '79161111111', name: 'Анна', grp: '1,2', tags: 'old' } };

describe('planContactUndo', () => {
  it('sets a changed phone back, finding the contact by its new one', () => {
    const record = changeRecord(anna, { phone: '79162222222', name: 'Анна П.' });
    expect(record).toMatchObject({ find: { phone: '79162222222' }, before: { phone: '79161111111', name: 'Анна' } });
    const now = { intId: 7, fields: { ...anna.fields, phone: '79162222222', name: 'Анна П.' } };
    const decision = planContactUndo(record, 7, now);
    expect(decision).toMatchObject({ action: 'chg', operation: { action: 'chg', params: { phone: '79162222222', new_phone: '79161111111', name: 'Анна' } } });
  });

  it('reverses a membership the import only added with move_group mode 3', () => {
    const record = changeRecord(anna, { grp: '1,2,3' });
    const decision = planContactUndo(record, 7, { intId: 7, fields: { ...anna.fields, grp: '1,2,3' } });
    expect(decision).toMatchObject({ action: 'chg', operation: { action: 'move_group', mode: 3, grp: '3' } });
  });

  it('skips a contact changed since, one whose phone is now another contact, and leaves one already back', () => {
    const record = changeRecord(anna, { name: 'Анна П.' });
    expect(planContactUndo(record, 7, { intId: 7, fields: { ...anna.fields, name: 'Анна С.' } })).toMatchObject({ action: 'skip', code: 'UNDO_CHANGED_SINCE' });
    expect(planContactUndo(record, 7, { intId: 8, fields: { ...anna.fields, name: 'Анна П.' } })).toMatchObject({ action: 'skip', code: 'UNDO_OTHER_CONTACT' });
    expect(planContactUndo(record, 7, anna)).toMatchObject({ action: 'unchanged' });
    expect(planContactUndo(record, 7, undefined)).toMatchObject({ action: 'skip', code: 'UNDO_GONE' });
  });

  it('deletes an added contact only while it holds what was written (a lost id is not checked)', () => {
    const wrote = { phone: '79163333333', name: 'Глеб', grp: '5' };
    expect(planContactUndo({ kind: 'add', wrote }, undefined, { intId: 9, fields: wrote })).toMatchObject({ action: 'delete', operation: { action: 'delete', key: { phone: '79163333333' } } });
    expect(planContactUndo({ kind: 'add', wrote }, 9, { intId: 9, fields: { ...wrote, grp: '5,6' } })).toMatchObject({ action: 'skip', code: 'UNDO_CHANGED_SINCE' });
    expect(planContactUndo({ kind: 'add', wrote }, 9, undefined)).toMatchObject({ action: 'unchanged' });
  });
});

describe('planBlacklistUndo', () => {
  it('removes the numbers still listed, in one del_black', () => {
    expect(planBlacklistUndo(['79161111111', '79162222222'], new Map([['79162222222', { id: 4, type: 0 }]]))).toEqual({ action: 'delete', operation: { action: 'delete_black', phone: '79162222222' }, intId: 4 });
    expect(planBlacklistUndo(['79161111111'], new Map())).toMatchObject({ action: 'unchanged' });
  });
});
