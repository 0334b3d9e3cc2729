import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { EtlError } from '../../src/errors.js';
import { SmscError, SmscThrottledError, SmscTransportError, SmscUnknownOutcomeError, apiError, isSmscError, type AnySmscError } from '../../src/smsc/errors.js';

describe('SMSC errors', () => {
  it('form a family under EtlError with literal codes the union narrows on', () => {
    const error: AnySmscError = new SmscThrottledError({ command: 'chg', serverText: 'duplicate request, wait a minute' });
    expect(error).toBeInstanceOf(SmscError);
    expect(error).toBeInstanceOf(EtlError);
    expect(isSmscError(error)).toBe(true);
    expect(isSmscError(new Error('x'))).toBe(false);
    expect(error.name).toBe('SmscThrottledError');
    expect(error.message).toBe('chg: SMSC asks to slow down (error 9): "duplicate request, wait a minute"');
    if (error.code === 'ERR_SMSC_THROTTLED') expect(error.retryAfterMs).toBe(60_000);
  });

  it('set exit codes: fatal errors abort, row errors count as failed rows', () => {
    expect(apiError(2).exitCode).toBe(3);
    expect(apiError(4).exitCode).toBe(3);
    expect(apiError(5).exitCode).toBe(1);
  });

  it('keep fields enumerable and small, the transport cause attached to an unknown outcome', () => {
    const cause = new SmscTransportError('connection failed (ECONNRESET)', { command: 'add', sent: true });
    const error = new SmscUnknownOutcomeError({ command: 'add', cause });
    expect(JSON.parse(JSON.stringify(error))).toEqual({ code: 'ERR_SMSC_UNKNOWN_OUTCOME', exitCode: 1, name: 'SmscUnknownOutcomeError', apiCode: undefined, command: 'add' });
    expect(error.cause).toBe(cause);
    expect(inspect(error)).toContain('ECONNRESET');
  });

  it('cuts long server text', () => {
    expect(apiError(1, { serverText: 'x'.repeat(500) }).message.length).toBeLessThan(300);
  });
});
