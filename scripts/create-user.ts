/**
 * `npm run create-user -- --username NAME --role ROLE [--departments 13,84]`
 * Creates an account; the password is read from the SILLAGE_NEW_PASSWORD variable or from
 * standard input (never from the command line, which other users of the machine can see).
 */
import { commandLine, prepareOrExit } from './command-line.js';
import { loadConfig } from '../server/config.js';
import { createUser } from '../server/services/auth.js';
import { roles, type Role } from '../server/domain/access.js';
import { DomainError } from '../server/errors.js';

const usage = `usage: npm run create-user -- --username NAME --role ROLE [--departments 13,84]

Creates an account. The password is read from SILLAGE_NEW_PASSWORD or from standard input (never
from the command line, which other users of the machine can see); at least 12 characters.
  --role          one of ${roles.join(', ')}
  --departments   the departments of a departmental role, comma-separated INSEE codes`;
const { values } = commandLine(usage, { username: { type: 'string' }, role: { type: 'string' }, departments: { type: 'string' } });
if (!values.username || !values.role) {
  console.error(usage);
  process.exit(2);
}
async function readPassword(): Promise<string> {
  if (process.env.SILLAGE_NEW_PASSWORD) return process.env.SILLAGE_NEW_PASSWORD;
  if (process.stdin.isTTY) process.stdout.write('password (at least 12 characters): ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split('\n')[0];
}
const password = await readPassword();
const database = await prepareOrExit({ ...loadConfig(), loadDemo: false });
try {
  const departments = values.departments ? values.departments.split(',').map((d) => d.trim()).filter(Boolean) : [];
  const { id } = await createUser(database.pool, { username: values.username, password, role: values.role as Role, departments });
  console.log(`created user ${values.username} (id ${id}, ${values.role}${departments.length ? `, departments ${departments.join(', ')}` : ''})`);
} catch (error) {
  if (error instanceof DomainError) console.error(`not created: ${error.message}`);
  else console.error(`not created: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await database.close();
}
