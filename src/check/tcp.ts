/** TCP_CHECK: the server is up when a TCP connection to connect_ip:connect_port completes. */
import type { TcpChecker } from '../config/model.js';
import { withConnection } from './connect.js';
import type { CheckEnv, CheckResult, CheckTarget } from './types.js';

export function runTcpCheck(checker: TcpChecker, target: CheckTarget, env: CheckEnv): Promise<CheckResult> {
  return withConnection(target, checker.connectTimeoutMs, env.clock, undefined, (_sock, done) => {
    done({ ok: true });
  }, true);
}
