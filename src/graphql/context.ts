import type DataLoader from 'dataloader';

import type { Caller } from '../auth/authenticate.js';
import type { ExclusionStore } from '../delivery/exclusion-store.js';
import type { Logger } from '../log/logger.js';
import type { DeliveryAttempt } from './hooks/delivery-attempt.type.js';

/** Per-request GraphQL context. */
export interface GraphQLContext {
  caller: Caller;
  requestId: string;
  logger: Logger;
  exclusions: ExclusionStore;
  loaders: {
    /** Latest attempt of each hook, batched per request. */
    lastAttemptByHookId: DataLoader<string, DeliveryAttempt | null>;
  };
}
