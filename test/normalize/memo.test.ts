import { describe, expect, it } from 'vitest';
import { memoize } from '../../src/normalize/memo.js';

describe('memoize', () => {
  it('computes each key once, an undefined answer included, and forgets everything at the bound', () => {
    const computed: string[] = [];
    const lengthOfLong = memoize((key: string) => {
      computed.push(key);
      return key.length > 1 ? key.length : undefined;
    }, 2);
    expect([lengthOfLong('ab'), lengthOfLong('a'), lengthOfLong('ab'), lengthOfLong('a')]).toEqual([2, undefined, 2, undefined]);
    expect(computed).toEqual(['ab', 'a']);
    lengthOfLong('abc'); // a third answer: the first two are forgotten
    lengthOfLong('ab');
    expect(computed).toEqual(['ab', 'a', 'abc', 'ab']);
  });
});
