import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { createLocalCertificates, createServerCertificate } from '../../scripts/lib/local-certificates.js';

export interface TestCertificates {
  /** PEM of the test certificate authority; Hookmill trusts it through HOOKMILL_CA_FILE. */
  caPem: string;
  caFile: string;
  /** Server certificate for 127.0.0.1 and localhost, signed by the test CA. */
  serverCertPem: string;
  serverKeyPem: string;
  /** A self-signed certificate for 127.0.0.1 that no one trusts. */
  untrustedCertPem: string;
  untrustedKeyPem: string;
}

let cached: TestCertificates | undefined;

/** Creates, once per test run, a CA, a server certificate it signs, and an untrusted self-signed one. */
export function testCertificates(): TestCertificates {
  if (cached) return cached;

  const local = createLocalCertificates('Hookmill Test CA');
  const untrusted = createServerCertificate(null, '03');
  const folder = mkdtempSync(path.join(tmpdir(), 'hookmill-ca-'));
  const caFile = path.join(folder, 'ca.pem');
  writeFileSync(caFile, local.caPem);

  cached = {
    caPem: local.caPem,
    caFile,
    serverCertPem: local.serverCertPem,
    serverKeyPem: local.serverKeyPem,
    untrustedCertPem: untrusted.certPem,
    untrustedKeyPem: untrusted.keyPem,
  };
  return cached;
}
