/**
 * `revenant evidence` as a library call: build the attestation of one leaver and write
 * `evidence-<name>.json`, `.html`, and `.pdf` when a Chromium is available (playwright-core with
 * Debian's chromium; otherwise the PDF is skipped and the reason returned), plus
 * `evidence-<name>.sha256` listing each file's SHA-256 in `sha256sum -c` form.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { findChromium, htmlToPdf } from './chromium.js';
import { type Attestation, buildAttestation } from './evidence.js';
import { writeFileAtomic } from './jsonFile.js';
import { renderEvidenceHtml } from './renderEvidenceHtml.js';

export interface WriteEvidenceOptions {
  subject: string;
  out: string;
  store?: string;
  snapshot?: string;
  /** `auto` (default): PDF when a Chromium is found; `never`; `always` (fail without Chromium). */
  pdf?: 'auto' | 'never' | 'always';
  now?: Date;
}

export interface WriteEvidenceResult {
  attestation: Attestation;
  files: string[];
  pdfSkipped: string | null;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9._@-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'subject';
}

export async function writeEvidence(o: WriteEvidenceOptions): Promise<WriteEvidenceResult> {
  const attestation = buildAttestation({ subject: o.subject, store: o.store, snapshot: o.snapshot, now: o.now });
  const out = resolve(o.out);
  const base = join(out, `evidence-${slug(o.subject)}`);
  const json = `${JSON.stringify(attestation, null, 2)}\n`;
  const jsonHash = sha256(json);
  const page = renderEvidenceHtml(attestation, jsonHash);
  writeFileAtomic(`${base}.json`, json);
  writeFileAtomic(`${base}.html`, page);
  const files = [`${base}.json`, `${base}.html`];
  let pdfSkipped: string | null = null;
  const mode = o.pdf ?? 'auto';
  if (mode !== 'never') {
    const exe = findChromium();
    if (!exe) {
      pdfSkipped = 'no Chromium found (install Debian\'s chromium: apt-get install chromium, or set REVENANT_CHROMIUM)';
      if (mode === 'always') throw new Error(`evidence: --pdf: ${pdfSkipped}`);
    } else {
      await htmlToPdf(exe, `${base}.html`, `${base}.pdf`);
      files.push(`${base}.pdf`);
    }
  }
  const sums = files.map((f) => `${sha256(f.endsWith('.json') ? json : readFileSync(f))}  ${basename(f)}`).join('\n');
  writeFileAtomic(`${base}.sha256`, `${sums}\n`);
  files.push(`${base}.sha256`);
  return { attestation, files, pdfSkipped };
}
