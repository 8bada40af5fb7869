import type { ApiEventName, ApiEvents } from '../../shared/api.js';

export type EventListener = <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => void;

/** Fan-out of backend events to every connected transport (IPC window, WebSocket clients, CLI). */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void {
    for (const listener of this.listeners) {
      try {
        listener(event, payload);
      } catch (e) {
        // A broken transport must not stop events reaching the others.
        console.error(`event listener failed for ${event}:`, e);
      }
    }
  }
}
