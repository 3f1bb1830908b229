import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import path from 'node:path';

import { createLocalCertificates } from './lib/local-certificates.js';

/**
 * A local HTTPS receiver for trying Hookmill: prints every POST it gets and responds with 200.
 * Usage: npm run demo-receiver [-- PORT]. Its CA is written to .hookmill/demo-receiver/ca.pem, the
 * file to give Hookmill as HOOKMILL_CA_FILE. It listens on 127.0.0.1 only.
 */
const port = Number(process.argv[2] ?? 9443);
if (!Number.isInteger(port) || port < 1 || port > 65_535) {
  console.error(`Invalid port "${process.argv[2]}": expected a whole number from 1 to 65535.`);
  process.exit(2);
}

const folder = path.resolve('.hookmill', 'demo-receiver');
const files = { ca: path.join(folder, 'ca.pem'), cert: path.join(folder, 'server.pem'), key: path.join(folder, 'server-key.pem') };
if (!existsSync(files.ca) || !existsSync(files.cert) || !existsSync(files.key)) {
  mkdirSync(folder, { recursive: true });
  const certificates = createLocalCertificates('Hookmill demo receiver CA');
  writeFileSync(files.ca, certificates.caPem);
  writeFileSync(files.cert, certificates.serverCertPem);
  writeFileSync(files.key, certificates.serverKeyPem, { mode: 0o600 });
}

const server = createServer({ cert: readFileSync(files.cert), key: readFileSync(files.key) }, (request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    let printed = body;
    try {
      printed = JSON.stringify(JSON.parse(body), null, 2);
    } catch {
      // Not JSON: printed as it arrived.
    }
    const signatureHeaders = Object.entries(request.headers)
      .filter(([name]) => name.startsWith('webhook-'))
      .map(([name, value]) => `${name}: ${String(value)}`);
    console.log(`\n${new Date().toISOString()} ${request.method} ${request.url}`);
    if (signatureHeaders.length > 0) console.log(signatureHeaders.join('\n'));
    console.log(printed);
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
});

server.listen(port, '127.0.0.1', () => {
  console.log(`Demo receiver listening on https://127.0.0.1:${port}/`);
  console.log(
    `Start Hookmill with HOOKMILL_CA_FILE=${path.relative(process.cwd(), files.ca)} HOOKMILL_ALLOWED_RECEIVER_CIDRS=127.0.0.1/32 ` +
      'so it trusts this receiver and may send to 127.0.0.1.',
  );
});
