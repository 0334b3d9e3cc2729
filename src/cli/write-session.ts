/**
 * What `import`, `undo` and `restore` share around a run that writes to SMSC: the credentials, a
 * client per call meter with one pace and visible waits, the progress bar, orderly interrupts
 * (the first stops new requests, the second abandons those in flight), and the hooks that drive them.
 */
import type { SmscClient } from '../smsc/client.js';
import { createSmscClient } from '../smsc/client.js';
import { loadCredentials } from '../smsc/credentials.js';
import type { CallMeter, ImportHooks } from '../write/import.js';
import { createPacedThrottle } from '../write/pace.js';
import { handleWriteInterrupts } from './interrupt.js';
import type { Output } from './output.js';
import { createProgressBar, createWaitNotice } from './progress.js';

export interface WriteSession {
  clientFor(meter: CallMeter): SmscClient;
  /** Aborted by the first interrupt: the run starts no new request. */
  readonly signal: AbortSignal;
  readonly hooks: Required<Pick<ImportHooks, 'onPhase' | 'onProgress'>>;
  close(): void;
}

export function openWriteSession(output: Output, options: { talk: boolean; rate?: number }): WriteSession {
  const credentials = loadCredentials();
  const waits = createWaitNotice(output.isTerminal);
  const throttle = createPacedThrottle({ rate: options.rate, onWait: waits.show });
  const progress = createProgressBar(options.talk);
  const interrupt = handleWriteInterrupts(output.info);
  return {
    clientFor: (meter) => createSmscClient({ ...credentials, ...meter.hooks, throttle, onWait: waits.show, signal: interrupt.abandon }),
    signal: interrupt.stop,
    hooks: {
      onPhase: (phase, detail) => {
        interrupt.onPhase(phase);
        if (options.talk) output.info(`${phase}: ${detail}`);
      },
      onProgress: ({ done, total, retries }) => progress.update(done, total, retries),
    },
    close: () => {
      waits.stop();
      progress.stop();
      interrupt.dispose();
    },
  };
}
