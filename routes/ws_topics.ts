/**
 * What one /ws client is subscribed to: a list of topic patterns (`mount.status`, `mount.*`,
 * `alert`, `*`), set from `?topics=` at connect and changed by the client's subscribe and
 * unsubscribe messages. A pattern that is malformed or matches no event type is refused naming
 * where it was given (`query.topics`, `topics.2`), and a change with one bad pattern changes
 * nothing, so a client is told rather than silently half-subscribed.
 */
import { badRequest } from "../lib/errors.ts";
import { EVENT_TYPES } from "../core/events.ts";
import type { EventType } from "../core/events.ts";
import { MAX_WS_TOPICS } from "../core/schemas/ws.ts";

type Matcher = (type: EventType) => boolean;

/** The predicate of one pattern; a 400 AppError naming `field` when it is not a usable pattern. */
export function topicMatcher(pattern: string, field: string): Matcher {
  if (!/^[a-z_]+(\.[a-z_]+|\.\*)?$|^\*$/.test(pattern)) {
    throw badRequest(field, `"${pattern}" is not a topic pattern (e.g. "mount.*", "alert")`);
  }
  const test: Matcher = pattern === "*"
    ? () => true
    : pattern.endsWith(".*")
    ? (type) => type.startsWith(pattern.slice(0, -1))
    : (type) => type === pattern;
  if (!EVENT_TYPES.some(test)) throw badRequest(field, `"${pattern}" matches no event type`);
  return test;
}

export class TopicSet {
  readonly #patterns = new Map<string, Matcher>();

  /** From `?topics=`: absent or empty means everything (`*`), as before the protocol existed. */
  static fromQuery(raw: string | undefined): TopicSet {
    const set = new TopicSet();
    const patterns = (raw ?? "").split(",").map((p) => p.trim()).filter((p) => p !== "");
    if (patterns.length > MAX_WS_TOPICS) {
      throw badRequest("query.topics", `at most ${MAX_WS_TOPICS} patterns, got ${patterns.length}`);
    }
    set.add(patterns.length === 0 ? ["*"] : patterns, "query.topics");
    return set;
  }

  get patterns(): string[] {
    return [...this.#patterns.keys()];
  }

  accepts(type: EventType): boolean {
    for (const matcher of this.#patterns.values()) if (matcher(type)) return true;
    return false;
  }

  /**
   * Adds patterns (all or none); `field` names where they came from (`topics` → `topics.<i>`,
   * `query.topics` as is). Returns the event types accepted now that were not before.
   */
  add(patterns: string[], field = "topics"): EventType[] {
    const name = (i: number) => field === "query.topics" ? field : `${field}.${i}`;
    const matchers = patterns.map((p, i) => [p, topicMatcher(p, name(i))] as const);
    const fresh = matchers.filter(([p]) => !this.#patterns.has(p));
    if (this.#patterns.size + fresh.length > MAX_WS_TOPICS) {
      throw badRequest(field, `a socket holds at most ${MAX_WS_TOPICS} patterns`);
    }
    const before = EVENT_TYPES.filter((t) => this.accepts(t));
    for (const [pattern, matcher] of fresh) this.#patterns.set(pattern, matcher);
    return EVENT_TYPES.filter((t) => this.accepts(t) && !before.includes(t));
  }

  /** Removes patterns exactly as subscribed; one that is not held is not an error. */
  remove(patterns: string[]): void {
    for (const pattern of patterns) this.#patterns.delete(pattern);
  }
}

/** `mount.*,alert` → a predicate; a pattern that matches no event type is a 400. */
export function parseTopics(raw: string | undefined): (type: EventType) => boolean {
  const set = TopicSet.fromQuery(raw);
  return (type) => set.accepts(type);
}
