import type { RelayTimer } from '../../src/domain/notifications/notification-relay.js';

/** A relay timer that never fires: the relay looks only when a test calls poll() or settled() (or a NOTIFY wakes it). */
export const NO_TIMER: RelayTimer = { setInterval: () => 0, clearInterval: () => {} };
