/** PlanMill's right that lets a user call the API and use hooks. */
export const HOOKS_RIGHT = 'Employeedirectory.Users view api key';

/** Right to see every user's hooks and to change the payload exclusion configuration through the API. */
export const ADMIN_RIGHT = 'System.Hooks.Administration';

/** Right to create and receive hooks for one item type, such as `System.Hooks.Definitions.account`. */
export function itemTypeHookRight(itemType: string): string {
  return `System.Hooks.Definitions.${itemType.toLowerCase()}`;
}
