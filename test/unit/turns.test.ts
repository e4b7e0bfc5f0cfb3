import * as assert from 'assert';
import { Turns } from '../../src/core/worker/turns';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('worker turns', () => {
  it('runs work one at a time, first come first served', async () => {
    const turns = new Turns();
    const log: string[] = [];
    const job = (name: string) => turns.run(async () => {
      log.push(`${name} start`);
      await tick();
      log.push(`${name} end`);
    });
    await Promise.all([job('a'), job('b'), job('c')]);
    assert.deepStrictEqual(log, ['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
  });

  it('a long job that yields lets the jobs waiting at that moment run, then resumes before later ones', async () => {
    const turns = new Turns();
    const log: string[] = [];
    const long = turns.run(async () => {
      for (let step = 0; step < 3; step++) {
        log.push(`long ${step}`);
        await tick();
        if (step === 0) void turns.run(() => { log.push('short'); });
        await turns.yieldTurn();
      }
    });
    await long;
    assert.deepStrictEqual(log, ['long 0', 'short', 'long 1', 'long 2']);
  });

  it('a failing job frees the turn', async () => {
    const turns = new Turns();
    await assert.rejects(turns.run(() => { throw new Error('boom'); }), /boom/);
    assert.strictEqual(await turns.run(() => 42), 42);
  });
});
