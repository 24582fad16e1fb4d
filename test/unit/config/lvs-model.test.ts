import { describe, expect, it } from 'vitest';
import { codes, parseText } from './mem-io.js';

const VS = `virtual_server 10.0.0.100 80 {
    delay_loop 6
    lb_algo wrr
    lb_kind DR
    persistence_timeout
    protocol TCP
    sorry_server 10.0.9.9 8080
    real_server 10.0.1.1 80 {
        weight 3
        inhibit_on_failure
        HTTP_GET {
            url {
                path /health
                digest FF20AD2481F97B1754EF3E12ECD3A9CC
                status_code 200 300-399
            }
            connect_timeout 2
            nb_get_retry 4
        }
        TCP_CHECK {
            connect_port 81
        }
    }
}
`;

describe('virtual_server model', () => {
  it('accepts the legacy spellings and inherits timing RS → VS → defaults', () => {
    const r = parseText(VS);
    const vs = r.config!.virtualServers[0]!;
    expect(vs).toMatchObject({
      key: { kind: 'ip', address: '10.0.0.100', port: 80, family: 4 }, name: '[10.0.0.100]:tcp:80', protocol: 'TCP',
      scheduler: 'wrr', forwarding: { method: 'DR' }, persistenceTimeoutS: 360, delayLoopMs: 6000, quorum: 1,
      sorryServer: { address: '10.0.9.9', port: 8080, inhibit: false },
    });
    const rs = vs.realServers[0]!;
    expect(rs).toMatchObject({ address: '10.0.1.1', port: 80, weight: 3, inhibitOnFailure: true, forwarding: { method: 'DR' } });
    expect(rs.checkers[0]).toMatchObject({
      type: 'HTTP_GET', connectTimeoutMs: 2000, retry: 4, delayBeforeRetryMs: 3000, delayLoopMs: 6000, warmupMs: 6000,
      urls: [{ path: '/health', digest: 'ff20ad2481f97b1754ef3e12ecd3a9cc', statusCodes: [[200, 200], [300, 399]] }],
    });
    expect(rs.checkers[1]).toMatchObject({ type: 'TCP_CHECK', connectPort: 81, connectTimeoutMs: 5000, retry: 1, delayBeforeRetryMs: 1000 });
    expect(codes(r)).toEqual(['KAD_WARN_CONFIG_DEPRECATED']);
    expect(r.exitCode).toBe(5);
  });

  it('parses fwmark and group services and virtual_server_group entries', () => {
    const r = parseText(`virtual_server_group web {
  10.0.0.1 80
  10.0.0.10-20 80
  fwmark 7
}
virtual_server group web {
  lvs_sched rr
  lvs_method NAT
  protocol TCP
  real_server 10.0.1.1 80 {
  }
}
virtual_server fwmark 5 {
  lvs_sched sh
  lvs_method TUN type gue port 6080
  real_server 10.0.1.2 {
    MISC_CHECK {
      misc_path "/usr/local/bin/check 'a b'"
      misc_dynamic
    }
  }
}`);
    expect(r.config!.virtualServerGroups[0]!.entries).toEqual([
      { kind: 'ip', address: '10.0.0.1', family: 4, port: 80 },
      { kind: 'range', address: '10.0.0.10', lastAddress: '20', family: 4, port: 80 },
      { kind: 'fwmark', fwmark: 7, family: 4 },
    ]);
    const [g, fw] = r.config!.virtualServers;
    expect(g!.name).toBe('group web');
    expect(fw).toMatchObject({ name: 'FWM 5', forwarding: { method: 'TUN', tunnelType: 'gue', tunnelPort: 6080 } });
    expect(fw!.realServers[0]!.checkers[0]).toMatchObject({ type: 'MISC_CHECK', dynamic: true, retry: 0, script: { argv: ['/usr/local/bin/check', 'a b'] } });
    expect(codes(r)).toEqual(['KAD_WARN_CONFIG_SCRIPT_NOT_FOUND']);
  });

  it('reports what keepalived reports for a half-written service', () => {
    const r = parseText('virtual_server 10.0.0.1 80 {\n lb_algo foo\n}\nvirtual_server 10.0.0.300 80 {\n}\n');
    expect(codes(r)).toEqual([
      'KAD_ERR_CONFIG_INVALID_VALUE', 'KAD_ERR_CONFIG_INVALID_ADDRESS', 'KAD_ERR_CONFIG_MISSING_REQUIRED',
      'KAD_ERR_CONFIG_MISSING_REQUIRED', 'KAD_ERR_CONFIG_MISSING_REQUIRED', 'KAD_ERR_CONFIG_MISSING_REQUIRED',
    ]);
    expect(r.diagnostics[0]!.message).toContain("'foo' is not one of rr|wrr|");
  });

  it('flags an HTTP_GET without any url (keepalived 2.2.7 crashes on it)', () => {
    const r = parseText('virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n real_server 10.0.1.1 80 {\n  HTTP_GET {\n  }\n }\n}\n');
    expect(codes(r)).toEqual(['KAD_ERR_CONFIG_MISSING_REQUIRED']);
    expect(r.exitCode).toBe(5);
  });
});
