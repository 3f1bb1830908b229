/** Item types of the application's entities, as PlanMill names them. */
export const ITEM_TYPES = [
  'Project',
  'Request',
  'Account',
  'Timereport',
  'Task',
  'Team',
  'User',
  'Assignment',
] as const;

export type ItemType = (typeof ITEM_TYPES)[number];

export type EventAction = 'add' | 'update' | 'delete' | 'readyforacceptance';

export interface EventDefinition {
  /** Event name, for example `account.update`. */
  name: string;
  itemType: ItemType;
  action: EventAction;
  description: string;
  supportsEventUser: boolean;
  supportsEventProject: boolean;
}

/**
 * Field holding the user an event is attributed to when the document has no `modifiedBy`.
 * Only the item types whose update events accept filters have one.
 */
export const OWNER_FIELDS: Partial<Record<ItemType, string>> = {
  Timereport: 'person',
  Request: 'responsible',
};

/** Events that accept the eventUser and eventProject filters (PlanMill supports them on these two only). */
const FILTERABLE_EVENTS = new Set(['request.update', 'timereport.update']);

const NOUNS: Record<ItemType, string> = {
  Project: 'A project',
  Request: 'A request',
  Account: 'An account',
  Timereport: 'A time report',
  Task: 'A task',
  Team: 'A team',
  User: 'A user',
  Assignment: 'An assignment',
};

function define(itemType: ItemType, action: EventAction, description: string): EventDefinition {
  const name = `${itemType.toLowerCase()}.${action}`;
  const filterable = FILTERABLE_EVENTS.has(name);
  return { name, itemType, action, description, supportsEventUser: filterable, supportsEventProject: filterable };
}

function standardEvents(itemType: ItemType): EventDefinition[] {
  const noun = NOUNS[itemType];
  return [
    define(itemType, 'add', `${noun} was created.`),
    define(itemType, 'update', `${noun} was changed or replaced.`),
    define(itemType, 'delete', `${noun} was deleted.`),
  ];
}

/** Catalogue of every event Hookmill can deliver, in catalogue order. */
export const EVENT_CATALOGUE: readonly EventDefinition[] = ITEM_TYPES.flatMap((itemType) => {
  const events = standardEvents(itemType);
  if (itemType !== 'Timereport') return events;

  const ready = define(
    itemType,
    'readyforacceptance',
    "A time report's status became the ready-for-acceptance value, on creation or on change; " +
      'it fires in addition to timereport.add or timereport.update.',
  );
  return [events[0]!, ready, ...events.slice(1)];
});

const BY_NAME = new Map(EVENT_CATALOGUE.map((event) => [event.name, event]));

export function findEvent(name: string): EventDefinition | undefined {
  return BY_NAME.get(name);
}

export const EVENT_NAMES: readonly string[] = EVENT_CATALOGUE.map((event) => event.name);
