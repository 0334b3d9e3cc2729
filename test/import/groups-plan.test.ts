import { describe, expect, it } from 'vitest';
import { createGroupPlanner, parseGroupRow, type AccountGroup } from '../../src/write/targets/groups-plan.js';

const ACCOUNT: AccountGroup[] = [
  { id: 5901, name: 'VIP', num: 10, type: 0 },
  { id: 5902, name: 'Клиенты', type: 0 },
];

describe('groups planner', () => {
  it('matches a row by id, else (an id from another account too) by name ignoring case', () => {
    const planner = createGroupPlanner('upsert', ACCOUNT);
    expect(planner.plan({ id: 5901, name: 'VIP клуб' })).toEqual({ action: 'chg', grp: 5901, name: 'VIP клуб', num: undefined, type: 0, changes: [{ field: 'name', from: 'VIP', to: 'VIP клуб' }] });
    expect(planner.plan({ id: 7001, name: 'клиенты', num: 3 })).toMatchObject({ action: 'chg', grp: 5902, changes: [{ field: 'name', from: 'Клиенты', to: 'клиенты' }, { field: 'num', from: '', to: '3' }] });
    expect(planner.plan({ id: 7002, name: 'Новая', type: 1 })).toEqual({ action: 'add', group: { id: 7002, name: 'Новая', type: 1 } });
    expect(planner.unmatched()).toEqual([]);
  });

  it('honours the modes: add only creates, update only changes', () => {
    expect(createGroupPlanner('add', ACCOUNT).plan({ name: 'VIP', num: 11 })).toMatchObject({ action: 'skip', code: 'IN_ACCOUNT', id: 5901 });
    expect(createGroupPlanner('update', ACCOUNT).plan({ name: 'Новая' })).toMatchObject({ action: 'skip', code: 'NOT_IN_ACCOUNT' });
  });

  it('leaves num and type alone when the row has none, and lists the groups no row matched', () => {
    const planner = createGroupPlanner('sync', ACCOUNT);
    expect(planner.plan({ name: 'VIP' })).toEqual({ action: 'unchanged', id: 5901 });
    expect(planner.plan({ name: 'Новая' })).toMatchObject({ action: 'add' });
    expect(planner.plan({ name: 'новая' })).toMatchObject({ action: 'skip', code: 'DUPLICATE_GROUP' });
    expect(planner.unmatched().map(({ id }) => id)).toEqual([5902]);
  });
});

describe('parseGroupRow', () => {
  it('reads name, id, num and type, stripping a formula guard and spaces', () => {
    expect(parseGroupRow({ id: ' 5901 ', name: "'=Акция ", num: '12', type: '1' })).toEqual({ ok: true, group: { id: 5901, name: '=Акция', num: 12, type: 1 } });
    expect(parseGroupRow({ name: 'VIP', num: '', type: '' })).toEqual({ ok: true, group: { name: 'VIP' } });
  });
});
