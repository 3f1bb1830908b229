import { HOOKS_RIGHT } from '../auth/rights.js';
import type { HookRecord } from '../db/models/hook.model.js';
import type { PayloadExclusion } from '../delivery/payload.js';
import { ITEM_TYPES } from '../events/catalogue.js';
import type { UserSummary } from './admin.service.js';

/**
 * Shows control and invisible formatting characters as \u escapes, so text that users stored, such as a
 * hook URL, cannot move the cursor, retitle or recolour the operator's terminal.
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]/g, (character) => {
    return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** Lays out rows under a header with columns padded to their widest cell. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  rows = rows.map((row) => row.map(escapeControlCharacters));
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const formatRow = (row: readonly string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  return [formatRow(header), ...rows.map(formatRow)].join('\n');
}

function cellOf(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : String(value);
}

/** A hook as `list-hooks --json` prints it, with the field names of the GraphQL Hook type. */
export function hookToJson(hook: HookRecord) {
  return {
    id: hook._id.toHexString(),
    hook: hook.hook,
    url: hook.url,
    eventUser: hook.eventUser ?? null,
    eventProject: hook.eventProject ?? null,
    ownerId: hook.ownerId,
    createdAt: hook.createdAt.toISOString(),
  };
}

export function formatHookTable(hooks: readonly HookRecord[]): string {
  const rows = hooks.map((hook) => [
    hook._id.toHexString(),
    hook.hook,
    hook.url,
    cellOf(hook.eventUser),
    cellOf(hook.eventProject),
    String(hook.ownerId),
    hook.createdAt.toISOString(),
  ]);
  return formatTable(['id', 'event', 'url', 'eventUser', 'eventProject', 'owner', 'created'], rows);
}

export function userToJson(user: UserSummary) {
  return { ...user, createdAt: user.createdAt.toISOString() };
}

export function formatUserTable(users: readonly UserSummary[]): string {
  const rows = users.map((user) => [
    String(user.userId),
    user.name,
    String(user.activeApiKeys),
    user.createdAt.toISOString(),
    user.rights.length === 0 ? '-' : user.rights.join(', '),
  ]);
  return formatTable(['id', 'name', 'apiKeys', 'created', 'rights'], rows);
}

export function formatRights(rights: readonly string[]): string {
  return rights.length === 0 ? 'none' : rights.map((right) => `"${right}"`).join(', ');
}

/** Warning for a user whose API keys `authenticate` rejects, with the command that fixes it. */
export function missingHooksRightNote(userId: number): string {
  return (
    `Note: user ${userId} lacks the right "${HOOKS_RIGHT}", so the API rejects its keys. Grant it with:\n` +
    `  npm run admin -- grant --user ${userId} --right "${HOOKS_RIGHT}"`
  );
}

export function formatNewApiKey(userId: number, key: string, prefix: string): string {
  return [
    `Created an API key for user ${userId} (prefix ${prefix}):`,
    '',
    `  ${key}`,
    '',
    'Copy it now: it cannot be shown again, because Hookmill stores only its SHA-256 hash.',
    `Clients send it in the HTTP header "Authorization: Bearer <key>". The prefix ${prefix} identifies the key in logs.`,
  ].join('\n');
}

export function formatExclusion(exclusion: PayloadExclusion): string {
  const lines = [
    exclusion.excludeAll
      ? 'Full payload exclusion: on (payloads contain only hook, url, Id, and eventUser and eventProject on events that have them)'
      : 'Full payload exclusion: off (payloads contain the resource without the excluded fields below)',
  ];

  const itemTypes = ITEM_TYPES.filter((itemType) => (exclusion.fields[itemType] ?? []).length > 0);
  if (itemTypes.length === 0) {
    lines.push('Excluded fields: none');
    return lines.join('\n');
  }
  lines.push('Excluded fields:');
  for (const itemType of itemTypes) lines.push(`  ${itemType}: ${exclusion.fields[itemType]!.join(', ')}`);
  return lines.join('\n');
}
