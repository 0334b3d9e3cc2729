import { createInterface } from 'node:readline/promises';

/** A yes/no question on the terminal (stdin + stderr); undefined when either is not a terminal. */
export function terminalQuestion(): ((question: string) => Promise<boolean>) | undefined {
  if (process.stdin.isTTY !== true || process.stderr.isTTY !== true) return undefined;
  return async (question) => {
    const terminal = createInterface({ input: process.stdin, output: process.stderr });
    try {
      // Ctrl-C at the question is a no.
      const answer = await new Promise<string>((resolve) => {
        terminal.once('SIGINT', () => resolve(''));
        terminal.question(question).then(resolve, () => resolve(''));
      });
      return /^(y|yes|д|да)$/i.test(answer.trim());
    } finally {
      terminal.close();
    }
  };
}
