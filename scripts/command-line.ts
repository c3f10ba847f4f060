/**
 * The scripts' command lines: node's `parseArgs` with `--help` (prints the usage, exits 0) and
 * bad options answered with the usage and exit code 2, never a stack trace.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { prepareDatabase } from '../server/server.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export function commandLine<T extends Options>(usage: string, options: T, allowPositionals = false) {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    process.exit(0);
  }
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    console.error(`${(error as Error).message.split('\n')[0].replace(/\. To specify a positional.*$/, '')}\n\n${usage}`);
    process.exit(2);
  }
}

/** Opens and prepares the database, or says why not and exits 1 (no stack trace). */
export async function prepareOrExit(...args: Parameters<typeof prepareDatabase>): ReturnType<typeof prepareDatabase> {
  try {
    return await prepareDatabase(...args);
  } catch (error) {
    console.error(`\ncannot open the database: ${(error as Error).message}`);
    process.exit(1);
  }
}
