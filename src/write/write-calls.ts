/** Counting the write calls of a run (its summary's `writeCalls`, and what an output failure after them says). */
import { WRITE_COMMANDS, type Command } from '../smsc/protocol.js';

export function countWriteCalls(calls: Partial<Record<Command, number>>): number {
  return Object.entries(calls).reduce((sum, [command, count]) => sum + (WRITE_COMMANDS.has(command as Command) ? count : 0), 0);
}
