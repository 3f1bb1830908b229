import { Command } from 'commander';

import { HOOKS_RIGHT } from '../auth/rights.js';
import { DEFAULTS } from '../config/config.js';
import { ITEM_TYPES, type ItemType } from '../events/catalogue.js';
import {
  createApiKey,
  createUser,
  getExclusion,
  getUser,
  grantRight,
  hasHooksRight,
  listApiKeys,
  listGaps,
  listHooks,
  listUsers,
  revokeApiKey,
  revokeRight,
  setExcludeAll,
  setExcludedFields,
} from './admin.service.js';
import {
  collectRight,
  parseFieldListOption,
  parseItemTypeOption,
  parseDays,
  parseKeyPrefix,
  parseName,
  parsePositiveId,
  parseRight,
} from './cli-arguments.js';
import { withDatabase } from './cli-database.js';
import {
  formatExclusion,
  formatHookTable,
  formatNewApiKey,
  formatRights,
  formatTable,
  formatUserTable,
  hookToJson,
  missingHooksRightNote,
  userToJson,
} from './cli-format.js';

/** Command prefix that administrators type, shown in Commander's usage lines. */
export const CLI_NAME = 'npm run admin --';

/** Exit code of invalid usage or configuration. Commander's own usage errors get it too. */
export const EXIT_USAGE = 2;

const ENVIRONMENT_HELP = `
Environment:
  MONGODB_URI                MongoDB connection string. When unset, the CLI connects to the embedded
                             database that "npm start" runs on 127.0.0.1:HOOKMILL_EMBEDDED_DB_PORT.
  HOOKMILL_EMBEDDED_DB_PORT  port of the embedded database (default ${DEFAULTS.HOOKMILL_EMBEDDED_DB_PORT})
  HOOKMILL_DB_NAME           database name when MONGODB_URI names none (default ${DEFAULTS.HOOKMILL_DB_NAME})

Exit codes: 0 success, 1 failed operation (such as an unknown user or an unreachable database),
2 invalid usage or configuration.`;

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2));
}

/**
 * Makes a command print its usage errors on one line, followed by the help command to run.
 * Commander puts suggestions such as "(Did you mean --id?)" on a second line, so newlines become spaces.
 */
function addUsageHint(command: Command, helpCommand: string): Command {
  return command.configureOutput({
    outputError: (message, write) => {
      const oneLine = message.trim().replace(/\s*\n\s*/g, ' ');
      const sentence = /[.?!]$/.test(oneLine) ? oneLine : `${oneLine}.`;
      write(`${sentence} Run "${helpCommand}" for usage.\n`);
    },
  });
}

function addSubcommand(program: Command, name: string, description: string): Command {
  const command = program.command(name).description(description);
  addUsageHint(command, `${CLI_NAME} ${name} --help`);
  return command;
}

function addUserCommands(program: Command): void {
  addSubcommand(program, 'create-user', 'Create an API user with a numeric id, a name and optional rights.')
    .requiredOption('--id <id>', 'user id, a positive whole number such as 42', parsePositiveId)
    .requiredOption('--name <name>', 'display name of the user', parseName)
    .option('--right <right>', 'right to give the user; repeat the option to give several rights', collectRight)
    .addHelpText(
      'after',
      `\nThe API accepts a user's keys only when the user has the right "${HOOKS_RIGHT}".\n\n` +
        `Example:\n  ${CLI_NAME} create-user --id 42 --name "Integration bot" --right "${HOOKS_RIGHT}"`,
    )
    .action(async (options: { id: number; name: string; right?: string[] }) => {
      const user = await withDatabase(() => createUser(options.id, options.name, options.right ?? []));
      print(`Created user ${user.userId} (${user.name}) with rights: ${formatRights(user.rights)}.`);
      if (!hasHooksRight(user)) print(missingHooksRightNote(user.userId));
    });

  addSubcommand(program, 'grant', 'Give a right to an existing user; granting a right the user has changes nothing.')
    .requiredOption('--user <id>', 'id of the user, a positive whole number', parsePositiveId)
    .requiredOption('--right <right>', `right to give, such as "${HOOKS_RIGHT}"`, parseRight)
    .action(async (options: { user: number; right: string }) => {
      const user = await withDatabase(() => grantRight(options.user, options.right));
      print(`Granted "${options.right}" to user ${user.userId}. Rights now: ${formatRights(user.rights)}.`);
      if (!hasHooksRight(user)) print(missingHooksRightNote(user.userId));
    });

  addSubcommand(program, 'revoke', 'Take a right away from an existing user.')
    .requiredOption('--user <id>', 'id of the user, a positive whole number', parsePositiveId)
    .requiredOption('--right <right>', 'right to take away, exactly as the user has it', parseRight)
    .action(async (options: { user: number; right: string }) => {
      const user = await withDatabase(() => revokeRight(options.user, options.right));
      print(`Revoked "${options.right}" from user ${user.userId}. Rights now: ${formatRights(user.rights)}.`);
      if (!hasHooksRight(user)) print(missingHooksRightNote(user.userId));
    });

  addSubcommand(program, 'create-api-key', 'Create an API key for a user and print it once.')
    .requiredOption('--user <id>', 'id of the user who owns the key, a positive whole number', parsePositiveId)
    .option('--expires-in-days <days>', 'days until the key stops working, from 1 to 36500; without it the key does not expire', parseDays)
    .addHelpText(
      'after',
      '\nThe key is printed once and cannot be shown again, because only its SHA-256 hash is stored.\n' +
        'Clients send it in the HTTP header "Authorization: Bearer <key>".',
    )
    .action(async (options: { user: number; expiresInDays?: number }) => {
      const { key, prefix, expiresAt, user } = await withDatabase(async () => {
        const created = await createApiKey(options.user, options.expiresInDays);
        return { ...created, user: await getUser(options.user) };
      });
      print(formatNewApiKey(user.userId, key, prefix));
      if (expiresAt) print(`The key expires at ${expiresAt.toISOString()}.`);
      if (!hasHooksRight(user)) print(missingHooksRightNote(user.userId));
    });

  addSubcommand(program, 'list-api-keys', 'List API keys by prefix, with owner, creation, last use, expiry and revocation; whole keys are never stored.')
    .option('--user <id>', 'list only the keys of this user; a positive whole number', parsePositiveId)
    .option('--json', 'print a JSON array instead of a table')
    .action(async (options: { user?: number; json?: boolean }) => {
      const keys = await withDatabase(() => listApiKeys(options.user));
      if (options.json) printJson(keys);
      else if (keys.length === 0) print('No API keys.');
      else {
        const time = (value: Date | null) => (value ? value.toISOString() : '-');
        print(
          formatTable(
            ['prefix', 'user', 'created', 'last used', 'expires', 'revoked'],
            keys.map((key) => [key.prefix, String(key.userId), time(key.createdAt), time(key.lastUsedAt), time(key.expiresAt), time(key.revokedAt)]),
          ),
        );
      }
    });

  addSubcommand(program, 'revoke-api-key', 'Revoke an API key by its prefix; requests with it get HTTP 401 from then on.')
    .requiredOption('--prefix <prefix>', 'the 12 hexadecimal characters after "hm_" in the key, as list-api-keys shows them', parseKeyPrefix)
    .action(async (options: { prefix: string }) => {
      await withDatabase(() => revokeApiKey(options.prefix));
      print(`Revoked API key ${options.prefix}.`);
    });

  addSubcommand(program, 'list-users', 'List every user with its rights and its number of unrevoked API keys.')
    .option('--json', 'print a JSON array instead of a table')
    .action(async (options: { json?: boolean }) => {
      const users = await withDatabase(() => listUsers());
      if (options.json) printJson(users.map(userToJson));
      else if (users.length === 0) print('No users. Create one with create-user.');
      else print(formatUserTable(users));
    });
}

function addHookCommands(program: Command): void {
  addSubcommand(program, 'list-hooks', 'List registered hooks, oldest first.')
    .option('--user <id>', 'list only the hooks this user owns; a positive whole number', parsePositiveId)
    .option('--json', 'print a JSON array with the fields of the GraphQL Hook type instead of a table')
    .action(async (options: { user?: number; json?: boolean }) => {
      const hooks = await withDatabase(() => listHooks(options.user));
      if (options.json) printJson(hooks.map(hookToJson));
      else if (hooks.length === 0) print(options.user === undefined ? 'No hooks.' : `No hooks owned by user ${options.user}.`);
      else print(formatHookTable(hooks));
    });

  addSubcommand(program, 'list-gaps', 'List spans of changes the watcher lost because the change stream history no longer reached back.')
    .option('--json', 'print a JSON array instead of lines')
    .action(async (options: { json?: boolean }) => {
      const gaps = await withDatabase(() => listGaps());
      if (options.json) printJson(gaps);
      else if (gaps.length === 0) print('No gaps: the watcher has read every change since it started.');
      else print(gaps.map(formatGap).join('\n'));
    });
}

function formatGap(gap: { collectionName: string; lostSince: Date | null; detectedAt: Date; error: string }): string {
  const since = gap.lostSince ? gap.lostSince.toISOString() : 'an unknown time';
  return `${gap.collectionName}: changes from ${since} to ${gap.detectedAt.toISOString()} were not delivered (${gap.error})`;
}

interface SetExclusionOptions {
  itemType?: ItemType;
  fields?: string[];
  all?: boolean;
  none?: boolean;
}

/** Returns why the options of set-exclusion are not exactly one complete mode, or undefined when they are. */
function exclusionModeProblem(options: SetExclusionOptions): string | undefined {
  const modes: string[] = [];
  if (options.itemType !== undefined || options.fields !== undefined) modes.push('--item-type with --fields');
  if (options.all) modes.push('--all');
  if (options.none) modes.push('--none');

  if (modes.length !== 1) {
    const received = modes.length === 0 ? 'none of them' : modes.join(' and ');
    return `set-exclusion takes exactly one mode (--item-type with --fields, --all, or --none), but got ${received}`;
  }
  if (options.all || options.none) return undefined;
  if (options.itemType === undefined) return 'option --fields needs --item-type to say which item type it applies to';
  if (options.fields === undefined) return 'option --item-type needs --fields with the field list; pass --fields "" to clear it';
  return undefined;
}

function addExclusionCommands(program: Command): void {
  addSubcommand(program, 'set-exclusion', 'Change which data webhook payloads leave out, in one of three modes.')
    .option('--item-type <type>', `item type whose excluded fields --fields replaces: ${ITEM_TYPES.join(', ')}`, parseItemTypeOption)
    .option(
      '--fields <list>',
      'comma-separated field paths to leave out of that item type\'s payloads, such as "phone,address.street"; ' +
        '"" clears the list',
      parseFieldListOption,
    )
    .option('--all', 'turn full payload exclusion on: payloads contain only hook, url, Id and the event filters')
    .option('--none', 'turn full payload exclusion off, so payloads contain the resource without the excluded fields')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        `  ${CLI_NAME} set-exclusion --item-type Account --fields "phone,address.street"\n` +
        `  ${CLI_NAME} set-exclusion --item-type Account --fields ""\n` +
        `  ${CLI_NAME} set-exclusion --all`,
    )
    .action(async (options: SetExclusionOptions, command: Command) => {
      const problem = exclusionModeProblem(options);
      if (problem) command.error(`error: ${problem}`, { exitCode: EXIT_USAGE, code: 'hookmill.invalidExclusionMode' });

      const exclusion = await withDatabase(() => {
        if (options.all) return setExcludeAll(true);
        if (options.none) return setExcludeAll(false);
        return setExcludedFields(options.itemType!, options.fields!);
      });

      if (options.all) print('Full payload exclusion is now on.');
      else if (options.none) print('Full payload exclusion is now off.');
      else if (options.fields!.length === 0) print(`Cleared the excluded fields of ${options.itemType}.`);
      else print(`Replaced the excluded fields of ${options.itemType}.`);
      print(formatExclusion(exclusion));
    });

  addSubcommand(program, 'show-exclusion', 'Print the current payload exclusion configuration.')
    .option('--json', 'print it as JSON instead of text')
    .action(async (options: { json?: boolean }) => {
      const exclusion = await withDatabase(() => getExclusion());
      print(options.json ? JSON.stringify(exclusion, null, 2) : formatExclusion(exclusion));
    });
}

/** Builds the admin CLI. Commander errors are thrown as CommanderError instead of exiting, so cli.ts sets the exit code. */
export function buildProgram(): Command {
  const program = new Command()
    .name(CLI_NAME)
    .description('Administer Hookmill: users, rights, API keys, hooks and payload exclusion.')
    .exitOverride()
    .addHelpText('after', ENVIRONMENT_HELP);
  addUsageHint(program, `${CLI_NAME} --help`);

  addUserCommands(program);
  addHookCommands(program);
  addExclusionCommands(program);
  return program;
}
