/** A worker for workerClient.test.ts: each request exercises one path of serve() and WorkerClient. */
import { answer, serve } from '../../src/core/worker/serve';
import { count, crash, echo, release, step, unsendable, waitForCancel, wrongAnswer } from './echoProtocol';

const finished: string[] = [];
let releaseHeld: (() => void) | undefined;

serve([
  answer(echo, ({ text }) => ({ text })),
  answer(waitForCancel, ({ tag }, { signal }) => new Promise<null>((_, reject) => {
    signal.addEventListener('abort', () => {
      console.log(`aborted ${tag}`);
      reject(new Error('aborted'));
    });
  })),
  answer(count, ({ n }, { progress }) => {
    for (let i = 1; i <= n; i++) progress(i);
    return n;
  }),
  answer(step, async ({ tag, hold }) => {
    const before = [...finished];
    if (hold) await new Promise<void>((resolve) => { releaseHeld = resolve; });
    finished.push(tag);
    return before;
  }, { queued: true }),
  answer(release, () => {
    releaseHeld?.();
    return null;
  }),
  answer(crash, ({ exitCode }) => {
    if (exitCode !== undefined) process.exit(exitCode);
    setImmediate(() => { throw new Error('boom outside the handler\nsecond line'); });
    return new Promise<null>(() => undefined);
  }),
  answer(unsendable, () => ({ f: () => 1 })),
  answer(wrongAnswer, () => 42 as unknown as string),
]);
