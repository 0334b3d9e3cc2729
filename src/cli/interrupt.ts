/**
 * Ctrl-C (SIGINT) and SIGTERM in two steps: the first asks the run to stop starting work and let
 * what is in flight settle, so the journal and the report say exactly what was done; the second
 * abandons the work in flight. Commands pass `stop` to the run and `abandon` to the SMSC client.
 */
export interface Interrupt {
  /** Aborted by the first signal. */
  readonly stop: AbortSignal;
  /** Aborted by the second signal (or by `abandonNow`). */
  readonly abandon: AbortSignal;
  /** Abandon at once, e.g. when nothing is in flight that could be settled. */
  abandonNow(): void;
  dispose(): void;
}

export interface InterruptHooks {
  onStop?: (signal: NodeJS.Signals) => void;
  onAbandon?: (signal: NodeJS.Signals) => void;
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

export function handleInterrupts(hooks: InterruptHooks = {}): Interrupt {
  const stop = new AbortController();
  const abandon = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stop.signal.aborted) {
      stop.abort();
      hooks.onStop?.(signal);
    } else if (!abandon.signal.aborted) {
      abandon.abort();
      hooks.onAbandon?.(signal);
    }
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return {
    stop: stop.signal,
    abandon: abandon.signal,
    abandonNow: () => abandon.abort(),
    dispose: () => {
      for (const signal of SIGNALS) process.off(signal, onSignal);
    },
  };
}

/** `Interrupt` of a command that writes (import, restore), told by its phases whether it is writing yet. */
export interface WriteInterrupt extends Interrupt {
  onPhase(phase: string): void;
}

/** Before the writes there is nothing to settle: the first interrupt stops reading at once; during them it lets the requests in flight settle. */
export function handleWriteInterrupts(print: (line: string) => void): WriteInterrupt {
  let writing = false;
  const interrupt = handleInterrupts({
    onStop: () => {
      if (!writing) interrupt.abandonNow();
      else print('\ninterrupting: no new requests; waiting for the ones in flight (interrupt again to abandon them)');
    },
    onAbandon: () => print('abandoning the requests in flight'),
  });
  return { ...interrupt, onPhase: (phase) => void (writing = phase === 'write') };
}
