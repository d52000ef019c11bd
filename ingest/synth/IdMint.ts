/**
 * Deterministic identifiers for the synthetic tenant, in the shapes the real APIs use: Entra
 * object ids and key ids as lower-case UUIDv5-like GUIDs, Graph assignment and grant ids as
 * 43-character base64url keys, directory audit ids (`Directory_…`), and Okta ids (`00u…`,
 * `0oa…`, 20 characters, case-sensitive). Every id is a function of (seed, namespace, counter).
 * Within one namespace ids never collide: the first 32 bits are a bijection of the counter
 * (an odd multiplier and MurmurHash3's finaliser are both invertible), and the Okta and hex
 * encodings keep those bits whole.
 */
import { fmix32, hashString, mix } from './prng.js';

const HEX_CODES = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102];
const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B62_CODES = Array.from(B62, (c) => c.charCodeAt(0));
const B64_CODES = Array.from(B64URL, (c) => c.charCodeAt(0));

/**
 * Ids are built as char codes and turned into one flat string at once: a string glued together
 * from pieces is a rope in V8 (hundreds of bytes per id), and the generator keeps 500,000 ids.
 */
const codes: number[] = [];

function pushHex(v: number, digits = 8): void {
  for (let shift = (digits - 1) * 4; shift >= 0; shift -= 4) codes.push(HEX_CODES[(v >>> shift) & 15]);
}

function pushB62(v: number, width: number): void {
  const start = codes.length;
  for (let i = 0; i < width; i++) codes.push(0);
  for (let i = width - 1; i >= 0; i--) {
    codes[start + i] = B62_CODES[v % 62]!;
    v = Math.floor(v / 62);
  }
}

function take(): string {
  const s = String.fromCharCode.apply(null, codes);
  codes.length = 0;
  return s;
}

export class IdMint {
  private salts = new Map<string, number>();
  constructor(readonly seed: number) {}

  private salt(ns: string): number {
    let s = this.salts.get(ns);
    if (s === undefined) {
      s = mix(this.seed, hashString(`id:${ns}`));
      this.salts.set(ns, s);
    }
    return s;
  }

  /** Eight 32-bit lanes; lane 0 is a bijection of `n` within the namespace. */
  private lanes(ns: string, n: number, count: number): number[] {
    const s = this.salt(ns);
    const out = [fmix32((Math.imul(n >>> 0, 0x9e3779b1) + s) >>> 0)];
    for (let k = 1; k < count; k++) out.push(fmix32((out[k - 1] ^ Math.imul(s, k * 2 + 1)) + k));
    return out;
  }

  /** A lower-case GUID with version 5 and the RFC 4122 variant. */
  guid(ns: string, n: number): string {
    const [a, b, c, d] = this.lanes(ns, n, 4) as [number, number, number, number];
    pushHex(a);
    codes.push(45);
    pushHex(b >>> 16, 4);
    codes.push(45, 53);
    pushHex(b & 0xfff, 3);
    codes.push(45, HEX_CODES[8 | ((c >>> 28) & 3)]);
    pushHex((c >>> 16) & 0xfff, 3);
    codes.push(45);
    pushHex(c & 0xffff, 4);
    pushHex(d);
    return take();
  }

  /** An Okta id: a 3-character prefix and 17 base62 characters (20 in all). */
  okta(prefix: string, ns: string, n: number): string {
    const [a, b, c] = this.lanes(ns, n, 3) as [number, number, number];
    for (let i = 0; i < prefix.length; i++) codes.push(prefix.charCodeAt(i));
    pushB62(a, 6);
    pushB62(b, 6);
    pushB62(c % 916132832, 5);
    return take();
  }

  /** A Graph key such as an appRoleAssignment or oAuth2PermissionGrant id (43 base64url chars). */
  graphKey(ns: string, n: number): string {
    const lanes = this.lanes(ns, n, 8);
    let bits = 0;
    let acc = 0;
    for (const lane of lanes) {
      for (let shift = 24; shift >= 0; shift -= 8) {
        acc = (acc << 8) | ((lane >>> shift) & 255);
        bits += 8;
        while (bits >= 6) {
          bits -= 6;
          codes.push(B64_CODES[(acc >>> bits) & 63]);
        }
        acc &= (1 << bits) - 1;
      }
    }
    if (bits > 0) codes.push(B64_CODES[(acc << (6 - bits)) & 63]);
    return take();
  }

  /** A directory audit id: `Directory_` and 20 hex digits. */
  auditId(n: number): string {
    const [a, b, c] = this.lanes('audit', n, 3) as [number, number, number];
    for (const ch of 'Directory_') codes.push(ch.charCodeAt(0));
    pushHex(a);
    pushHex(b);
    pushHex(c >>> 16, 4);
    return take();
  }

  /** A certificate thumbprint (customKeyIdentifier): 40 upper-case hex digits. */
  thumbprint(ns: string, n: number): string {
    for (const v of this.lanes(ns, n, 5)) pushHex(v);
    return take().toUpperCase();
  }
}
