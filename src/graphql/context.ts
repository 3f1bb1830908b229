import type DataLoader from 'dataloader';

import type { Caller } from '../auth/authenticate.js';
import type { ExclusionStore } from '../delivery/exclusion-store.js';
import type { ReceiverGuard } from '../delivery/receiver-guard.js';
import type { Logger } from '../log/logger.js';
import type { DeliveryAttempt } from './hooks/delivery-attempt.type.js';

/** Takes the ids of newly recorded pending deliveries and sends them at once; the Dispatcher in the service. */
export interface DeliveryQueue {
  enqueue(deliveryIds: readonly string[]): void;
}

/** Per-request GraphQL context. */
export interface GraphQLContext {
  caller: Caller;
  requestId: string;
  logger: Logger;
  exclusions: ExclusionStore;
  deliveryQueue: DeliveryQueue;
  /** Checks the addresses of a new hook's receiver host. */
  receiverGuard: ReceiverGuard;
  /** Hours the previous secret still signs deliveries after rotateHookSecret. */
  secretOverlapHours: number;
  /** Hooks one user may own. */
  maxHooksPerUser: number;
  loaders: {
    /** Latest attempt of each hook, batched per request. */
    lastAttemptByHookId: DataLoader<string, DeliveryAttempt | null>;
    /** Attempts of each delivery, oldest first, batched per request. */
    attemptsByDeliveryId: DataLoader<string, DeliveryAttempt[]>;
  };
}
