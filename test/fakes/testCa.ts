/**
 * A throw-away certificate authority for the HTTPS fakes, generated at test time with `openssl`
 * (no extra dependency): a CA certificate, and a server certificate it signed for 127.0.0.1 and
 * localhost. The Graph client sends tokens only over HTTPS, so the fakes serve TLS; the collector
 * under test runs as a child process with `NODE_EXTRA_CA_CERTS=<caPath>`, which Node reads at
 * start-up for fetch (undici), node-fetch and @azure/identity alike.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  /** Folder holding the files (removed by the OS tmp cleaner; small). */
  dir: string;
  caPath: string;
  caPem: string;
  certPem: string;
  keyPem: string;
}

let cached: TestCa | undefined;

export function testCa(): TestCa {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'revenant-ca-'));
  const f = (n: string) => join(dir, n);
  const ossl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  ossl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', f('ca.key'));
  ossl(
    'req', '-x509', '-new', '-key', f('ca.key'), '-out', f('ca.pem'), '-days', '3', '-subj', '/CN=Revenant Test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  );
  ossl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', f('server.key'));
  ossl('req', '-new', '-key', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(
    f('ext.cnf'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n',
  );
  ossl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('server.pem'), '-days', '3', '-extfile', f('ext.cnf'));
  cached = {
    dir,
    caPath: f('ca.pem'),
    caPem: readFileSync(f('ca.pem'), 'utf8'),
    certPem: readFileSync(f('server.pem'), 'utf8'),
    keyPem: readFileSync(f('server.key'), 'utf8'),
  };
  return cached;
}
