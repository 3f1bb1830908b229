import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

import { expect } from 'chai';

import { hashApiKey } from '../../src/auth/api-keys.js';
import { authenticate } from '../../src/auth/authenticate.js';
import { HOOKS_RIGHT } from '../../src/auth/rights.js';
import { connectDatabase, disconnectDatabase } from '../../src/db/connect.js';
import { ApiKeyModel } from '../../src/db/models/api-key.model.js';
import { HookModel } from '../../src/db/models/hook.model.js';
import { PAYLOAD_EXCLUSION_ID, PayloadExclusionModel } from '../../src/db/models/settings.model.js';
import { UserModel } from '../../src/db/models/user.model.js';
import { testDatabase } from '../setup/global-hooks.js';
import { freshDatabaseName } from '../support/test-service.js';

const CLI_PATH = fileURLToPath(new URL('../../src/admin/cli.js', import.meta.url));

/** Maximum duration of one CLI run, well above the 3 s server selection timeout of an unreachable database. */
const CLI_TIMEOUT_MS = 15_000;

interface CliResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the compiled CLI with only PATH and `env` set, and kills it after CLI_TIMEOUT_MS. */
function runCli(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`admin cli ${args.join(' ')} did not exit within ${CLI_TIMEOUT_MS} ms; stderr: ${stderr}`));
    }, CLI_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, stdout, stderr });
    });
  });
}

/** Returns a port on 127.0.0.1 that was free a moment ago and has no listener now. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  return address.port;
}

function lineCount(text: string): number {
  return text.trim().split('\n').length;
}

const COMMANDS = [
  'create-user',
  'grant',
  'revoke',
  'create-api-key',
  'list-users',
  'list-hooks',
  'list-api-keys',
  'revoke-api-key',
  'list-gaps',
  'set-exclusion',
  'show-exclusion',
];

describe('admin cli', function () {
  this.timeout(30_000);

  let env: Record<string, string>;
  let nextUserId = 1;

  /** Creates a user through the model, so a test of another command does not depend on create-user. */
  async function insertUser(rights: string[] = []): Promise<number> {
    const userId = nextUserId++;
    await UserModel.create({ userId, name: `User ${userId}`, rights });
    return userId;
  }

  function cli(...args: string[]): Promise<CliResult> {
    return runCli(args, env);
  }

  before(async () => {
    const dbName = freshDatabaseName();
    env = { MONGODB_URI: testDatabase().uri, HOOKMILL_DB_NAME: dbName };
    await connectDatabase(testDatabase().uri, dbName);
  });

  after(async () => {
    await disconnectDatabase();
  });

  context('when asked for help', () => {
    it('prints the command list', async () => {
      const result = await cli('--help');

      expect(result.exitCode).to.equal(0);
      for (const command of COMMANDS) expect(result.stdout).to.include(command);
    });

    for (const command of COMMANDS) {
      it(`prints help for ${command}`, async () => {
        const result = await cli(command, '--help');

        expect(result.exitCode).to.equal(0);
        expect(result.stdout).to.include(`Usage: npm run admin -- ${command}`);
        expect(result.stderr).to.equal('');
      });
    }

    it('names the hooks right in create-user', async () => {
      const result = await cli('create-user', '--help');

      expect(result.stdout).to.include(HOOKS_RIGHT);
    });

    it('rejects a missing command', async () => {
      const result = await cli();

      expect(result.exitCode).to.equal(2);
    });
  });

  context('when creating a user', () => {
    it('stores the user with its rights', async () => {
      const result = await cli('create-user', '--id', '501', '--name', 'Integration bot', '--right', HOOKS_RIGHT, '--right', 'Other');

      expect(result.exitCode).to.equal(0);
      expect(result.stdout).to.include('Created user 501');
      const user = await UserModel.findOne({ userId: 501 }).lean();
      expect(user?.name).to.equal('Integration bot');
      expect(user?.rights).to.deep.equal([HOOKS_RIGHT, 'Other']);
    });

    it('warns about a missing hooks right', async () => {
      const result = await cli('create-user', '--id', '502', '--name', 'No rights');

      expect(result.exitCode).to.equal(0);
      expect(result.stdout).to.include(`lacks the right "${HOOKS_RIGHT}"`);
      expect((await UserModel.findOne({ userId: 502 }).lean())?.rights).to.deep.equal([]);
    });

    it('rejects a duplicate user', async () => {
      const userId = await insertUser();

      const result = await cli('create-user', '--id', String(userId), '--name', 'Again');

      expect(result.exitCode).to.equal(1);
      expect(result.stderr).to.include(`User ${userId} already exists`);
      expect(lineCount(result.stderr)).to.equal(1);
      expect((await UserModel.findOne({ userId }).lean())?.name).to.equal(`User ${userId}`);
    });

    for (const badId of ['abc', '1.5', '-3', '0', '2147483648']) {
      it(`rejects the id "${badId}"`, async () => {
        const result = await cli('create-user', '--id', badId, '--name', 'Bad id');

        expect(result.exitCode).to.equal(2);
        expect(result.stderr).to.include(`'${badId}' is invalid`);
        expect(result.stderr).to.include('a whole number from 1 to 2147483647');
        expect(lineCount(result.stderr)).to.equal(1);
        expect(await UserModel.countDocuments({ name: 'Bad id' })).to.equal(0);
      });
    }

    it('rejects a missing name', async () => {
      const result = await cli('create-user', '--id', '503');

      expect(result.exitCode).to.equal(2);
      expect(result.stderr).to.include("required option '--name <name>' not specified");
    });

    it('rejects an empty right', async () => {
      const result = await cli('create-user', '--id', '504', '--name', 'Empty right', '--right', ' ');

      expect(result.exitCode).to.equal(2);
      expect(result.stderr).to.include('Expected a non-empty right name');
      expect(await UserModel.exists({ userId: 504 })).to.equal(null);
    });
  });

  context('when granting a right', () => {
    it('adds the right', async () => {
      const userId = await insertUser(['Other']);

      const result = await cli('grant', '--user', String(userId), '--right', HOOKS_RIGHT);

      expect(result.exitCode).to.equal(0);
      expect(result.stdout).to.include(`Granted "${HOOKS_RIGHT}" to user ${userId}`);
      expect((await UserModel.findOne({ userId }).lean())?.rights).to.deep.equal(['Other', HOOKS_RIGHT]);
    });

    it('rejects an unknown user', async () => {
      const result = await cli('grant', '--user', '9001', '--right', HOOKS_RIGHT);

      expect(result.exitCode).to.equal(1);
      expect(result.stderr).to.include('User 9001 not found');
      expect(lineCount(result.stderr)).to.equal(1);
    });

    it('rejects a bad user id', async () => {
      const result = await cli('grant', '--user', '1.5', '--right', HOOKS_RIGHT);

      expect(result.exitCode).to.equal(2);
      expect(result.stderr).to.include("'1.5' is invalid");
    });
  });

  context('when revoking a right', () => {
    it('removes the right', async () => {
      const userId = await insertUser([HOOKS_RIGHT, 'Other']);

      const result = await cli('revoke', '--user', String(userId), '--right', 'Other');

      expect(result.exitCode).to.equal(0);
      expect(result.stdout).to.include(`Revoked "Other" from user ${userId}`);
      expect((await UserModel.findOne({ userId }).lean())?.rights).to.deep.equal([HOOKS_RIGHT]);
    });

    it('rejects a right the user lacks', async () => {
      const userId = await insertUser(['Other']);

      const result = await cli('revoke', '--user', String(userId), '--right', HOOKS_RIGHT);

      expect(result.exitCode).to.equal(1);
      expect(result.stderr).to.include(`does not have the right "${HOOKS_RIGHT}"`);
    });

    it('rejects an unknown user', async () => {
      const result = await cli('revoke', '--user', '9002', '--right', 'Other');

      expect(result.exitCode).to.equal(1);
      expect(result.stderr).to.include('User 9002 not found');
    });
  });

  context('when creating an API key', () => {
    let userId: number;
    let result: CliResult;
    let key: string;

    before(async () => {
      userId = await insertUser([HOOKS_RIGHT]);
      result = await cli('create-api-key', '--user', String(userId));
      key = /\bhm_[0-9a-f]{12}_[A-Za-z0-9_-]{43}\b/.exec(result.stdout)?.[0] ?? '';
    });

    it('prints the key', () => {
      expect(result.exitCode).to.equal(0);
      expect(key).to.not.equal('');
    });

    it('prints the key prefix', () => {
      expect(result.stdout).to.include(`prefix ${key.slice(3, 15)}`);
    });

    it('says the key is shown once', () => {
      expect(result.stdout).to.include('cannot be shown again');
    });

    it('explains the Authorization header', () => {
      expect(result.stdout).to.include('Authorization: Bearer <key>');
    });

    it('stores only the hash', async () => {
      const record = await ApiKeyModel.findOne({ userId }).lean();

      expect(record?.hash).to.equal(hashApiKey(key));
      expect(JSON.stringify(record)).to.not.include(key);
    });

    it('authenticates with the printed key', async () => {
      const caller = await authenticate(`Bearer ${key}`);

      expect(caller.userId).to.equal(userId);
    });

    it('rejects an unknown user', async () => {
      const unknown = await cli('create-api-key', '--user', '9003');

      expect(unknown.exitCode).to.equal(1);
      expect(unknown.stderr).to.include('User 9003 not found');
      expect(await ApiKeyModel.countDocuments({ userId: 9003 })).to.equal(0);
    });

    it('rejects a bad user id', async () => {
      const bad = await cli('create-api-key', '--user', 'abc');

      expect(bad.exitCode).to.equal(2);
      expect(bad.stderr).to.include("'abc' is invalid");
    });
  });

  context('when listing users', () => {
    it('prints a table', async () => {
      const userId = await insertUser([HOOKS_RIGHT]);

      const result = await cli('list-users');

      expect(result.exitCode).to.equal(0);
      expect(result.stdout.split('\n')[0]).to.match(/^id\s+name\s+apiKeys\s+created\s+rights$/);
      expect(result.stdout).to.match(new RegExp(`^${userId}\\s+User ${userId}\\s+0\\s`, 'm'));
    });

    it('prints JSON', async () => {
      const userId = await insertUser(['Other']);
      await cli('create-api-key', '--user', String(userId));

      const result = await cli('list-users', '--json');

      expect(result.exitCode).to.equal(0);
      const users = JSON.parse(result.stdout) as { userId: number; rights: string[]; activeApiKeys: number }[];
      const listed = users.find((user) => user.userId === userId);
      expect(listed?.rights).to.deep.equal(['Other']);
      expect(listed?.activeApiKeys).to.equal(1);
    });
  });

  context('when managing API keys', () => {
    let userId: number;
    let key: string;
    let prefix: string;

    before(async () => {
      userId = await insertUser([HOOKS_RIGHT]);
      const created = await cli('create-api-key', '--user', String(userId));
      key = /\bhm_[0-9a-f]{12}_[A-Za-z0-9_-]{43}\b/.exec(created.stdout)?.[0] ?? '';
      prefix = key.slice(3, 15);
    });

    it('lists keys by prefix only', async () => {
      const result = await cli('list-api-keys', '--user', String(userId), '--json');
      const keys = JSON.parse(result.stdout) as { prefix: string; userId: number; revokedAt: string | null }[];

      expect(keys.map((listed) => listed.prefix)).to.deep.equal([prefix]);
      expect(result.stdout).to.not.include(key);
    });

    it('revokes a key so it stops authenticating', async () => {
      const result = await cli('revoke-api-key', '--prefix', prefix);

      expect(result.exitCode).to.equal(0);
      expect(result.stdout).to.include(`Revoked API key ${prefix}.`);
      let message = '';
      await authenticate(`Bearer ${key}`).catch((error: Error) => (message = error.message));
      expect(message).to.equal(`API key ${prefix} was revoked; ask an administrator for a new one.`);
    });

    it('rejects revoking twice', async () => {
      const result = await cli('revoke-api-key', '--prefix', prefix);

      expect(result.exitCode).to.equal(1);
      expect(result.stderr).to.include(`API key ${prefix} was already revoked`);
    });

    it('rejects an unknown prefix', async () => {
      const result = await cli('revoke-api-key', '--prefix', '0123456789ab');

      expect(result.exitCode).to.equal(1);
      expect(result.stderr).to.include('API key 0123456789ab not found');
    });

    it('rejects a lifetime beyond 100 years', async () => {
      const result = await cli('create-api-key', '--user', String(userId), '--expires-in-days', '99999999');

      expect(result.exitCode).to.equal(2);
      expect(result.stderr).to.include('from 1 to 36500');
    });

    it('rejects a misspelled item type right', async () => {
      const result = await cli('grant', '--user', String(userId), '--right', 'System.Hooks.Definitions.acount');

      expect(result.exitCode).to.equal(2);
      expect(result.stderr).to.include('System.Hooks.Definitions.account');
    });

    it('rejects a malformed prefix', async () => {
      const result = await cli('revoke-api-key', '--prefix', 'xyz');

      expect(result.exitCode).to.equal(2);
      expect(result.stderr).to.include('12 hexadecimal characters');
    });

    it('creates a key that expires', async () => {
      const result = await cli('create-api-key', '--user', String(userId), '--expires-in-days', '3');
      const expiring = /\bhm_[0-9a-f]{12}_[A-Za-z0-9_-]{43}\b/.exec(result.stdout)?.[0] ?? '';
      await ApiKeyModel.updateOne({ prefix: expiring.slice(3, 15) }, { $set: { expiresAt: new Date(Date.now() - 1000) } });

      let message = '';
      await authenticate(`Bearer ${expiring}`).catch((error: Error) => (message = error.message));
      expect(result.stdout).to.include('The key expires at');
      expect(message).to.match(/^API key [0-9a-f]{12} expired at /);
    });
  });

  context('when listing hooks', () => {
    const SIGNING_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    let ownerA: number;
    let ownerB: number;
    let hookIds: string[];

    before(async () => {
      ownerA = await insertUser([HOOKS_RIGHT]);
      ownerB = await insertUser([HOOKS_RIGHT]);
      const created = await HookModel.create([
        {
          hook: 'account.update',
          url: 'https://127.0.0.1:9/a',
          ownerId: ownerA,
          secret: SIGNING_SECRET,
          createdAt: new Date('2024-01-01T00:00:00Z'),
        },
        {
          hook: 'timereport.update',
          url: 'https://127.0.0.1:9/t',
          ownerId: ownerB,
          secret: SIGNING_SECRET,
          eventUser: 7,
          eventProject: 8,
          createdAt: new Date('2024-01-02T00:00:00Z'),
        },
      ]);
      hookIds = created.map((hook) => hook._id.toHexString());
    });

    it('prints a table', async () => {
      const result = await cli('list-hooks');

      expect(result.exitCode).to.equal(0);
      expect(result.stdout.split('\n')[0]).to.match(/^id\s+event\s+url\s+eventUser\s+eventProject\s+owner\s+created$/);
      expect(result.stdout).to.match(
        new RegExp(`^${hookIds[1]}\\s+timereport\\.update\\s+https://127\\.0\\.0\\.1:9/t\\s+7\\s+8\\s+${ownerB}\\s+2024-01-02T00:00:00\\.000Z$`, 'm'),
      );
    });

    it('filters by owner', async () => {
      const result = await cli('list-hooks', '--user', String(ownerA));

      expect(result.exitCode).to.equal(0);
      expect(result.stdout).to.include(hookIds[0]);
      expect(result.stdout).to.not.include(hookIds[1]);
    });

    it('prints JSON', async () => {
      const result = await cli('list-hooks', '--user', String(ownerB), '--json');

      expect(result.exitCode).to.equal(0);
      expect(JSON.parse(result.stdout)).to.deep.equal([
        {
          id: hookIds[1],
          hook: 'timereport.update',
          url: 'https://127.0.0.1:9/t',
          eventUser: 7,
          eventProject: 8,
          ownerId: ownerB,
          createdAt: '2024-01-02T00:00:00.000Z',
        },
      ]);
    });

    it('escapes control characters in URLs', async () => {
      const owner = await insertUser([HOOKS_RIGHT]);
      await HookModel.create({
        hook: 'account.add',
        url: 'https://127.0.0.1:9/\u001b]0;title\u0007\u001b[31mred',
        ownerId: owner,
        secret: SIGNING_SECRET,
      });

      const result = await cli('list-hooks', '--user', String(owner));

      expect(result.stdout).to.not.match(/[\u0000-\u0008\u000b-\u001f]/);
      expect(result.stdout).to.include('https://127.0.0.1:9/\\u001b]0;title\\u0007\\u001b[31mred');
    });

    it('leaves out the signing secret', async () => {
      const table = await cli('list-hooks');
      const json = await cli('list-hooks', '--json');

      expect(table.stdout).to.not.include(SIGNING_SECRET);
      expect(json.stdout).to.not.include(SIGNING_SECRET);
    });

    it('reports no hooks for an owner', async () => {
      const result = await cli('list-hooks', '--user', '9004');

      expect(result.exitCode).to.equal(0);
      expect(result.stdout.trim()).to.equal('No hooks owned by user 9004.');
    });

    it('rejects a bad user id', async () => {
      const result = await cli('list-hooks', '--user', '-3');

      expect(result.exitCode).to.equal(2);
      expect(result.stderr).to.include("'-3' is invalid");
    });
  });

  context('when setting payload exclusion', () => {
    async function storedExclusion() {
      return PayloadExclusionModel.findById(PAYLOAD_EXCLUSION_ID).lean();
    }

    it('replaces the excluded fields', async () => {
      const result = await cli('set-exclusion', '--item-type', 'account', '--fields', 'phone, address.street');

      expect(result.exitCode).to.equal(0);
      expect(result.stdout).to.include('Account: phone, address.street');
      const stored = (await storedExclusion())?.fields as unknown as Record<string, string[]>;
      expect(stored.Account).to.deep.equal(['phone', 'address.street']);
    });

    it('clears the excluded fields', async () => {
      await cli('set-exclusion', '--item-type', 'Task', '--fields', 'secret');

      const result = await cli('set-exclusion', '--item-type', 'Task', '--fields', '');

      expect(result.exitCode).to.equal(0);
      expect(result.stdout).to.include('Cleared the excluded fields of Task.');
      const stored = (await storedExclusion())?.fields as unknown as Record<string, string[]>;
      expect(stored.Task).to.deep.equal([]);
    });

    it('turns full exclusion on', async () => {
      const result = await cli('set-exclusion', '--all');

      expect(result.exitCode).to.equal(0);
      expect(result.stdout).to.include('Full payload exclusion: on');
      expect((await storedExclusion())?.excludeAll).to.equal(true);
    });

    it('turns full exclusion off', async () => {
      const result = await cli('set-exclusion', '--none');

      expect(result.exitCode).to.equal(0);
      expect(result.stdout).to.include('Full payload exclusion: off');
      expect((await storedExclusion())?.excludeAll).to.equal(false);
    });

    it('rejects --all with --none', async () => {
      const result = await cli('set-exclusion', '--all', '--none');

      expect(result.exitCode).to.equal(2);
      expect(result.stderr).to.include('exactly one mode');
      expect(result.stderr).to.include('got --all and --none');
      expect(lineCount(result.stderr)).to.equal(1);
    });

    it('rejects --all with --fields', async () => {
      const before = await storedExclusion();

      const result = await cli('set-exclusion', '--all', '--item-type', 'Account', '--fields', 'phone');

      expect(result.exitCode).to.equal(2);
      expect(result.stderr).to.include('got --item-type with --fields and --all');
      expect((await storedExclusion())?.excludeAll).to.equal(before?.excludeAll);
    });

    it('rejects no mode', async () => {
      const result = await cli('set-exclusion');

      expect(result.exitCode).to.equal(2);
      expect(result.stderr).to.include('but got none of them');
    });

    it('rejects --item-type without --fields', async () => {
      const result = await cli('set-exclusion', '--item-type', 'Account');

      expect(result.exitCode).to.equal(2);
      expect(result.stderr).to.include('--item-type needs --fields');
    });

    it('rejects an unknown item type', async () => {
      const result = await cli('set-exclusion', '--item-type', 'Invoice', '--fields', 'total');

      expect(result.exitCode).to.equal(2);
      expect(result.stderr).to.include('Unknown item type "Invoice"');
      expect(result.stderr).to.include('Account');
      expect(lineCount(result.stderr)).to.equal(1);
    });

    it('rejects an invalid field path', async () => {
      const result = await cli('set-exclusion', '--item-type', 'Account', '--fields', 'phone,$where');

      expect(result.exitCode).to.equal(2);
      expect(result.stderr).to.include('Field "$where" is not a valid field path');
    });
  });

  context('when showing payload exclusion', () => {
    before(async () => {
      await cli('set-exclusion', '--none');
      await cli('set-exclusion', '--item-type', 'Project', '--fields', 'budget');
    });

    it('prints the configuration', async () => {
      const result = await cli('show-exclusion');

      expect(result.exitCode).to.equal(0);
      expect(result.stdout).to.include('Full payload exclusion: off');
      expect(result.stdout).to.include('  Project: budget');
    });

    it('prints JSON', async () => {
      const result = await cli('show-exclusion', '--json');

      expect(result.exitCode).to.equal(0);
      const exclusion = JSON.parse(result.stdout) as { excludeAll: boolean; fields: Record<string, string[]> };
      expect(exclusion.excludeAll).to.equal(false);
      expect(exclusion.fields.Project).to.deep.equal(['budget']);
    });
  });

  context('when MONGODB_URI is unset', () => {
    it('uses the embedded database port', async () => {
      const userId = await insertUser();
      const embeddedEnv = { HOOKMILL_EMBEDDED_DB_PORT: String(testDatabase().port), HOOKMILL_DB_NAME: env.HOOKMILL_DB_NAME! };

      const result = await runCli(['list-users', '--json'], embeddedEnv);

      expect(result.exitCode).to.equal(0);
      const users = JSON.parse(result.stdout) as { userId: number }[];
      expect(users.map((user) => user.userId)).to.include(userId);
    });
  });

  context('when the database is unreachable', () => {
    it('explains how to start it', async () => {
      const port = await closedPort();

      const result = await runCli(['list-users'], { MONGODB_URI: `mongodb://127.0.0.1:${port}/`, HOOKMILL_DB_NAME: 'unused' });

      expect(result.exitCode).to.equal(1);
      expect(result.stderr).to.include(`The database at 127.0.0.1:${port} (from MONGODB_URI) is unreachable`);
      expect(result.stderr).to.include('"npm start"');
      expect(result.stderr).to.include('MONGODB_URI');
      expect(lineCount(result.stderr)).to.equal(1);
    });

    it('hides URI credentials', async () => {
      const port = await closedPort();

      const result = await runCli(['grant', '--user', '1', '--right', 'Other'], {
        MONGODB_URI: `mongodb://admin:hunter2@127.0.0.1:${port}/hookmill?authSource=admin`,
      });

      expect(result.exitCode).to.equal(1);
      expect(result.stderr).to.include(`127.0.0.1:${port}`);
      expect(result.stderr).to.not.include('hunter2');
    });

    it('names the embedded database port', async () => {
      const port = await closedPort();

      const result = await runCli(['show-exclusion'], { HOOKMILL_EMBEDDED_DB_PORT: String(port) });

      expect(result.exitCode).to.equal(1);
      expect(result.stderr).to.include(`The database at 127.0.0.1:${port} is unreachable`);
      expect(result.stderr).to.include('Start the service with "npm start" first');
      expect(result.stderr).to.include('set MONGODB_URI');
    });
  });

  context('when the configuration is invalid', () => {
    it('exits with code 2', async () => {
      const result = await runCli(['list-users'], { HOOKMILL_EMBEDDED_DB_PORT: 'abc' });

      expect(result.exitCode).to.equal(2);
      expect(result.stderr).to.include('HOOKMILL_EMBEDDED_DB_PORT="abc" is invalid');
    });

    it('rejects embedded port 0', async () => {
      const result = await runCli(['list-users'], { HOOKMILL_EMBEDDED_DB_PORT: '0' });

      expect(result.exitCode).to.equal(2);
      expect(result.stderr).to.include('HOOKMILL_EMBEDDED_DB_PORT is 0');
    });
  });

  context('when the command is unknown', () => {
    it('exits with code 2', async () => {
      const result = await cli('delete-everything');

      expect(result.exitCode).to.equal(2);
      expect(result.stderr).to.include("unknown command 'delete-everything'");
      expect(lineCount(result.stderr)).to.equal(1);
    });
  });
});
