/** The checker function for each checker type, and keepalived's log wording for each. */
import type { Checker, CheckerType } from '../config/model.js';
import { runDnsCheck } from './dns.js';
import { runFileCheck } from './file.js';
import { runHttpCheck } from './http.js';
import { runMiscCheck } from './misc.js';
import { runPingCheck } from './ping.js';
import { runSmtpCheck } from './smtp.js';
import { runTcpCheck } from './tcp.js';
import { runUdpCheck } from './udp.js';
import type { CheckFn } from './types.js';

export type Runners = Readonly<Partial<Record<CheckerType, CheckFn>>>;

/** The real checkers. BFD_CHECK has none: kad has no BFD process (see docs/errors.md). */
export const defaultRunners: Runners = {
  TCP_CHECK: runTcpCheck as CheckFn,
  HTTP_GET: runHttpCheck as CheckFn,
  SSL_GET: runHttpCheck as CheckFn,
  MISC_CHECK: runMiscCheck as CheckFn,
  SMTP_CHECK: runSmtpCheck as CheckFn,
  DNS_CHECK: runDnsCheck as CheckFn,
  UDP_CHECK: runUdpCheck as CheckFn,
  PING_CHECK: runPingCheck as CheckFn,
  FILE_CHECK: runFileCheck as CheckFn,
};

const LABEL: Readonly<Record<CheckerType, string>> = {
  TCP_CHECK: 'TCP connection',
  HTTP_GET: 'HTTP status code',
  SSL_GET: 'HTTP status code',
  MISC_CHECK: 'Misc check',
  SMTP_CHECK: 'SMTP connection',
  DNS_CHECK: 'DNS check',
  UDP_CHECK: 'UDP connection',
  PING_CHECK: 'ICMP connection',
  FILE_CHECK: 'File check',
  BFD_CHECK: 'BFD check',
};

/** "TCP connection to [10.0.0.2]:tcp:80 success." */
export function successText(c: Checker, name: string): string {
  return `${LABEL[c.type]} to ${name} success.`;
}

/** One failed attempt: "TCP connection to [10.0.0.2]:tcp:80 failed (refused: ECONNREFUSED)." */
export function attemptFailureText(c: Checker, name: string, detail: string): string {
  return `${LABEL[c.type]} to ${name} failed (${detail}).`;
}

/** Retries exhausted: "TCP_CHECK on service [10.0.0.2]:tcp:80 failed after 1 retries." */
export function serviceFailureText(c: Checker, name: string, retries: number): string {
  return `${c.type} on service ${name} failed after ${retries} retries.`;
}
