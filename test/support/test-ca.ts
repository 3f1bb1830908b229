import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import forge from 'node-forge';

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

function newCertificate(subjectCn: string, keys: forge.pki.KeyPair, serial: string): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 7 * 24 * 3600_000);
  cert.setSubject([{ name: 'commonName', value: subjectCn }]);
  return cert;
}

const SERVER_NAMES = [
  { type: 7, ip: '127.0.0.1' },
  { type: 2, value: 'localhost' },
];

function serverCertificate(issuerCert: forge.pki.Certificate | null, issuerKey: forge.pki.rsa.PrivateKey | null, serial: string) {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = newCertificate('127.0.0.1', keys, serial);
  cert.setIssuer(issuerCert ? issuerCert.subject.attributes : cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: SERVER_NAMES },
  ]);
  cert.sign(issuerKey ?? keys.privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

let cached: TestCertificates | undefined;

/** Creates, once per test run, a CA, a server certificate it signs, and an untrusted self-signed one. */
export function testCertificates(): TestCertificates {
  if (cached) return cached;

  const caKeys = forge.pki.rsa.generateKeyPair(2048);
  const caCert = newCertificate('Hookmill Test CA', caKeys, '01');
  caCert.setIssuer(caCert.subject.attributes);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true },
  ]);
  caCert.sign(caKeys.privateKey, forge.md.sha256.create());
  const caPem = forge.pki.certificateToPem(caCert);

  const server = serverCertificate(caCert, caKeys.privateKey, '02');
  const untrusted = serverCertificate(null, null, '03');

  const folder = mkdtempSync(path.join(tmpdir(), 'hookmill-ca-'));
  const caFile = path.join(folder, 'ca.pem');
  writeFileSync(caFile, caPem);

  cached = {
    caPem,
    caFile,
    serverCertPem: server.certPem,
    serverKeyPem: server.keyPem,
    untrustedCertPem: untrusted.certPem,
    untrustedKeyPem: untrusted.keyPem,
  };
  return cached;
}
