// Replay scenarios (test/fixtures/replay/*.jsonl) run against the pure core with a manual clock.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario, runScenario } from '../../../helpers/vrrp/replay.js';

const dir = new URL('../../../fixtures/replay/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();

describe('replay scenarios', () => {
  it('the fixture glob matched at least 40 scenarios', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  it.each(files)('%s', (file) => {
    const result = runScenario(parseScenario(readFileSync(new URL(file, dir), 'utf8')));
    expect(result.failures).toEqual([]);
    expect(result.checks).toBeGreaterThan(0);
  });
});

describe('replay runner', () => {
  const head = '{"scenario":"t","instances":[{"name":"VI_1","primary":"10.0.0.1"}]}';
  const run = (...lines: string[]) => runScenario(parseScenario([head, ...lines].join('\n')));

  it('reports a wrong expectation instead of passing', () => {
    const r = run('{"at":0,"do":"start"}', '{"at":0,"expect":"state","state":"MASTER"}');
    expect(r.failures).toEqual(['at 0 ms: VI_1 state BACKUP, want MASTER']);
  });

  it('reports output, count, stats, receive and master mismatches', () => {
    const r = run(
      '{"at":0,"do":"start"}',
      '{"at":0,"expect":"outputs","outputs":[{"kind":"advert"}]}',
      '{"at":0,"expect":"count","kind":"advert","count":1}',
      '{"at":0,"expect":"stats","stats":{"advert_sent":1}}',
      '{"at":0,"expect":"receive","reason":"advertAccepted"}',
      '{"at":0,"expect":"oneMaster"}',
      '{"at":0,"expect":"masters","masters":["VI_1"]}',
      '{"at":0,"expect":"state","state":"BACKUP","priority":7}',
    );
    expect(r.failures).toHaveLength(7);
    expect(r.checks).toBe(7);
  });

  it('rejects unknown lines, unknown instances and time going backwards', () => {
    const r = run(
      '// a comment',
      '{"at":5,"do":"dance"}',
      '{"at":4,"expect":"magic"}',
      '{"at":6,"wat":1}',
      '{"at":7,"do":"start","instance":"nope"}',
    );
    expect(r.failures).toEqual([
      'at 5 ms: unknown input dance',
      'at 4 ms: time goes backwards (4 < 5)',
      'at 4 ms: unknown expectation magic',
      'at 6 ms: line has neither "do" nor "expect"',
      'at 7 ms: unknown instance nope',
    ]);
    expect(runScenario(parseScenario('{"syncGroups":{"G":["x"]}}')).failures[0]).toMatch(/^setup: unknown instance x/);
  });
});
