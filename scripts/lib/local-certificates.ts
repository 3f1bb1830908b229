import forge from 'node-forge';

/** A private CA and a server certificate it signs for 127.0.0.1 and localhost, all PEM. */
export interface LocalCertificates {
  caPem: string;
  serverCertPem: string;
  serverKeyPem: string;
}

const VALIDITY_MS = 30 * 24 * 3600_000;

function newCertificate(commonName: string, keys: forge.pki.KeyPair, serial: string): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + VALIDITY_MS);
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  return cert;
}

/** Creates a server certificate for 127.0.0.1, signed by the given CA or, without one, by itself. */
export function createServerCertificate(
  issuer: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } | null,
  serial: string,
): { certPem: string; keyPem: string } {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = newCertificate('127.0.0.1', keys, serial);
  cert.setIssuer(issuer ? issuer.cert.subject.attributes : cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 7, ip: '127.0.0.1' },
        { type: 2, value: 'localhost' },
      ],
    },
  ]);
  cert.sign(issuer?.key ?? keys.privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

/** Creates a CA named `caName` and a server certificate for 127.0.0.1 signed by it. */
export function createLocalCertificates(caName: string): LocalCertificates & { ca: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } } {
  const caKeys = forge.pki.rsa.generateKeyPair(2048);
  const caCert = newCertificate(caName, caKeys, '01');
  caCert.setIssuer(caCert.subject.attributes);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true },
  ]);
  caCert.sign(caKeys.privateKey, forge.md.sha256.create());

  const ca = { cert: caCert, key: caKeys.privateKey };
  const server = createServerCertificate(ca, '02');
  return { ca, caPem: forge.pki.certificateToPem(caCert), serverCertPem: server.certPem, serverKeyPem: server.keyPem };
}
