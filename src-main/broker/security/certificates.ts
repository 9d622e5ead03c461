// A local certificate authority and broker certificate for `kafkadesk cluster --secure`, made on
// first use and kept in the data dir. Node can use certificates but not issue them, so they are
// issued by the `openssl` command (present on Linux and macOS; Debian's openssl package): one
// small, well-known tool rather than a crypto library in the app. Keys are unencrypted PKCS#8
// PEM, which both this broker and Kafka (ssl.keystore.type=PEM) read, readable by the user only.
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface LocalCertificates {
  dir: string
  caCert: string
  brokerCert: string
  brokerKey: string
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer }
    if (err.code === 'ENOENT')
      throw new Error('--secure needs the openssl command to issue the local certificates (apt-get install openssl, or brew install openssl)')
    throw new Error(`openssl ${args[0]} failed: ${err.stderr?.toString().trim() ?? err.message}`)
  }
}

/** The CA and broker certificate in `dir`, issued now when missing (valid for localhost and 127.0.0.1, 825 days). */
export function ensureLocalCertificates(dir: string, hosts: string[] = ['localhost', '127.0.0.1']): LocalCertificates {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const out: LocalCertificates = { dir, caCert: join(dir, 'ca.crt'), brokerCert: join(dir, 'broker.crt'), brokerKey: join(dir, 'broker.key') }
  if (existsSync(out.caCert) && existsSync(out.brokerCert) && existsSync(out.brokerKey)) return out
  const san = hosts.map((h) => (/^[\d.]+$|:/.test(h) ? `IP:${h}` : `DNS:${h}`)).join(',')
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '3650',
      '-subj',
      '/CN=Kafkadesk local CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  )
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'broker.key', '-out', 'broker.csr', '-subj', '/CN=localhost/O=Kafkadesk'], dir)
  writeFileSync(join(dir, 'broker.ext'), `subjectAltName=${san}\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n`)
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'broker.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'broker.crt',
      '-days',
      '825',
      '-extfile',
      'broker.ext',
    ],
    dir,
  )
  for (const f of ['ca.key', 'broker.key']) chmodSync(join(dir, f), 0o600)
  return out
}
