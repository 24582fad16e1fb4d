// vrrp_strict from config text to running instance: the model strict mode pins (silent on a
// lower-priority advert, no lower-priority GARP repeats, no advert before yielding) drives the
// instance, against the same config without vrrp_strict.
import { describe, expect, it } from 'vitest';
import { runScenario, type ScenarioLine } from '../../../helpers/vrrp/replay.js';
import { parseText } from '../../config/mem-io.js';

const GLOBALS = ' vrrp_garp_lower_prio_repeat 3\n vrrp_garp_lower_prio_delay 0\n vrrp_higher_prio_send_advert\n';

function instance(strict: boolean): ScenarioLine {
  const r = parseText(`global_defs {\n${strict ? ' vrrp_strict\n' : ''}${GLOBALS}}\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority 100\n accept\n version 3\n virtual_ipaddress {\n 10.0.0.100/24\n }\n}\n`);
  expect(r.exitCode).toBe(0);
  return { ...JSON.parse(JSON.stringify(r.config!.vrrpInstances[0]!)), primary: '10.0.0.1' };
}

/** MASTER after the down timer, then a lower-priority advert, then a higher one. */
function scenario(strict: boolean, lower: ScenarioLine[], higher: ScenarioLine[]): ScenarioLine[] {
  return [
    { scenario: strict ? 'strict' : 'loose', instances: [instance(strict)] },
    { at: 0, do: 'start' },
    { at: 3609.375, expect: 'state', state: 'MASTER' },
    { at: 3609.375, expect: 'outputs', outputs: [{ kind: 'removeVips' }, { kind: 'notify' }, { kind: 'advert' }, { kind: 'addVips' }, { kind: 'garp', times: 5 }, { kind: 'notify', state: 'MASTER' }] },
    { at: 4000, do: 'advert', from: '10.0.0.2', priority: 50 },
    ...lower.map((l) => ({ at: 4000, ...l })),
    { at: 4500, do: 'advert', from: '10.0.0.2', priority: 150 },
    ...higher.map((l) => ({ at: 4500, ...l })),
    { at: 4500, expect: 'state', state: 'BACKUP' },
  ];
}

describe('vrrp_strict at run time', () => {
  it('strict: silent on a lower priority, no GARP repeat, yields without an advert', () => {
    const r = runScenario(scenario(true,
      [{ expect: 'receive', reason: 'lowerPriorityDiscarded' }, { expect: 'outputs', outputs: [{ kind: 'rxLower' }] }],
      [{ expect: 'outputs', outputs: [{ kind: 'removeVips' }, { kind: 'notify', state: 'BACKUP' }] }]));
    expect(r.failures).toEqual([]);
  });

  it('without strict the same globals apply: answer, 3 GARPs, an advert before yielding', () => {
    const r = runScenario(scenario(false,
      [{ expect: 'receive', reason: 'lowerPriorityAnswered' }, { expect: 'outputs', outputs: [{ kind: 'advert', priority: 100 }, { kind: 'garp', times: 3 }, { kind: 'rxLower' }] }],
      [{ expect: 'outputs', outputs: [{ kind: 'advert', priority: 100 }, { kind: 'removeVips' }, { kind: 'notify', state: 'BACKUP' }] }]));
    expect(r.failures).toEqual([]);
  });
});
