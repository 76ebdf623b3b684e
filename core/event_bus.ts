/**
 * In-process publish/subscribe for the event catalogue. Producers (the hub, services) publish;
 * the WebSocket layer and the services that react to events subscribe. With `validate` on (tests,
 * development), every payload is checked against its schema so a producer cannot drift from the
 * catalogue unnoticed.
 */
import type { Clock } from "../lib/clock.ts";
import { EVENT_CATALOGUE } from "./events.ts";
import type { EventPayload, EventType, WsEvent } from "./events.ts";

export type EventListener = (event: WsEvent) => void;

export class EventBus {
  #listeners = new Set<EventListener>();
  #clock: Pick<Clock, "now">;
  #validate: boolean;

  constructor(options: { clock: Pick<Clock, "now">; validate?: boolean }) {
    this.#clock = options.clock;
    this.#validate = options.validate ?? false;
  }

  publish<T extends EventType>(type: T, data: EventPayload<T>): void {
    if (this.#validate) {
      const result = EVENT_CATALOGUE[type].schema.safeParse(data);
      if (!result.success) {
        throw new TypeError(`event ${type} does not match its schema: ${result.error.message}`);
      }
    }
    const event = { type, ts: this.#clock.now(), data } as WsEvent;
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (err) {
        console.error(`event listener failed on ${type}`, err);
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves with the first event of `type` matching `predicate` (tests and services). */
  next<T extends EventType>(
    type: T,
    predicate: (data: EventPayload<T>) => boolean = () => true,
    signal?: AbortSignal,
  ): Promise<WsEvent<T>> {
    return new Promise((resolve, reject) => {
      const stop = this.subscribe((event) => {
        if (event.type === type && predicate(event.data as EventPayload<T>)) {
          stop();
          resolve(event as WsEvent<T>);
        }
      });
      signal?.addEventListener("abort", () => {
        stop();
        reject(signal.reason);
      }, { once: true });
    });
  }
}
