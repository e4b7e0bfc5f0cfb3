/** Requests of the tiny worker (echoWorker.ts) that workerClient.test.ts drives. */
import * as v from 'valibot';
import { request } from '../../src/protocol/define';

export const echo = request('echo', v.object({ text: v.string() }), v.object({ text: v.string() }));
/** Waits until cancelled; the worker then prints `aborted <tag>` (its stdout reaches onOutput). */
export const waitForCancel = request('waitForCancel', v.object({ tag: v.string() }), v.null());
/** Sends 1..n as progress, then answers n. */
export const count = request('count', v.object({ n: v.number() }), v.number(), v.number());
/** Queued: answers the tags of the queued steps that had finished when it started; `hold` waits for `release`. */
export const step = request('step', v.object({ tag: v.string(), hold: v.boolean() }), v.array(v.string()));
export const release = request('release', v.null(), v.null());
/** Throws outside any handler (the worker's 'error' event), or exits with a code. */
export const crash = request('crash', v.object({ exitCode: v.optional(v.number()) }), v.null());
/** Answers something a worker message cannot carry (a function). */
export const unsendable = request('unsendable', v.null(), v.unknown());
/** Answers a number where a string is declared. */
export const wrongAnswer = request('wrongAnswer', v.null(), v.string());
