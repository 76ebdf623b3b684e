/**
 * The entry module of every imaging worker: it serves the task registry of worker_tasks.ts. The
 * pool starts it with `new Worker(new URL("./worker.ts", import.meta.url), { type: "module" })`;
 * nothing else imports it.
 */
import { serveTasks } from "./worker_protocol.ts";
import { workerTasks } from "./worker_tasks.ts";

serveTasks(workerTasks);
