/**
 * The client → server half of /ws: what a client may send to change its topics without opening
 * a new socket, or to check the link, and the control frames it is answered with. Control frames
 * keep the event shape `{ type, ts, data }` (types `ws.*`, never in the event catalogue and never
 * filtered by topics), so a client parses one kind of message.
 */
import { z } from "zod";

/** Patterns per message, and per socket: far more than the catalogue has types. */
export const MAX_WS_TOPICS = 64;
/** A longer text frame is refused unread (an error frame), like PHD2's 1024-byte request limit. */
export const MAX_WS_MESSAGE_BYTES = 4096;

const RequestId = z.union([z.string().max(64), z.number()])
  .describe("any id; echoed in the answer so a client can pair them");
const Topics = z.array(z.string().max(64)).min(1).max(MAX_WS_TOPICS)
  .describe('topic patterns as in ?topics=: "mount.status", "mount.*", "alert", "*"');

export const WsClientMessage = z.discriminatedUnion("op", [
  z.strictObject({ op: z.literal("subscribe"), topics: Topics, id: RequestId.optional() })
    .describe("adds patterns; the latest value of each status event they newly match follows"),
  z.strictObject({ op: z.literal("unsubscribe"), topics: Topics, id: RequestId.optional() })
    .describe("removes patterns exactly as they were subscribed"),
  z.strictObject({ op: z.literal("ping"), id: RequestId.optional() })
    .describe("answered with ws.pong: a liveness check the client controls"),
]);
export type WsClientMessage = z.infer<typeof WsClientMessage>;

const EchoedId = z.union([z.string(), z.number()]).nullable();

export const WS_CONTROL_SCHEMAS = {
  "ws.ack": z.object({
    id: EchoedId,
    op: z.enum(["subscribe", "unsubscribe"]),
    topics: z.array(z.string()).describe("every pattern now subscribed, in order; [] = none"),
  }),
  "ws.pong": z.object({ id: EchoedId }),
  "ws.error": z.object({
    id: EchoedId,
    code: z.enum(["bad_message", "validation_failed"]),
    message: z.string(),
    details: z.object({
      issues: z.array(z.object({ field: z.string(), reason: z.string() })),
    }).optional(),
  }),
};
export type WsControlType = keyof typeof WS_CONTROL_SCHEMAS;
export type WsControlFrame<T extends WsControlType = WsControlType> = T extends WsControlType
  ? { type: T; ts: number; data: z.infer<typeof WS_CONTROL_SCHEMAS[T]> }
  : never;
