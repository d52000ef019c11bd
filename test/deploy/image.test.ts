/**
 * The container image and the compose file, checked without a Docker engine (none on these
 * machines): Dockerfile is parsed into stages and instructions, docker-compose.yml with a YAML
 * parser (anchors and merge keys resolved as compose does), and both are held to the deployment
 * rules — a multi-stage build that compiles native modules in the image, runs the project's
 * build and ships production dependencies only as a non-root user; every compose service builds
 * from that Dockerfile or names a pinned image, publishes only on 127.0.0.1, has a healthcheck,
 * and mounts no source tree (so no host node_modules ever runs in a container).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..', '..');

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name: string | null;
  body: Instruction[];
}

/** Dockerfile instructions (comments dropped, `\` continuations joined), grouped by stage. */
function parseDockerfile(text: string): { args: Map<string, string>; stages: Stage[] } {
  const logical: string[] = [];
  let cur = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (!line && !cur)) continue;
    if (line.endsWith('\\')) {
      cur += `${line.slice(0, -1)} `;
      continue;
    }
    cur += line;
    if (cur.trim()) logical.push(cur.trim());
    cur = '';
  }
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const l of logical) {
    const m = /^(\w+)\s+(.*)$/s.exec(l);
    if (!m) continue;
    const op = m[1].toUpperCase();
    const rest = m[2].replace(/\s+/g, ' ');
    if (op === 'FROM') {
      const f = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest)!;
      stages.push({ from: f[1], name: f[2] ?? null, body: [] });
    } else if (stages.length === 0 && op === 'ARG') {
      const [k, v] = rest.split('=');
      args.set(k, v ?? '');
    } else stages.at(-1)?.body.push({ op, args: rest });
  }
  return { args, stages };
}

/** An image reference pinned to a release: a version tag with at least major.minor, or a digest. */
function pinned(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const tag = /^[^:@]+(?::\d+)?\/?[^:@]*:([^:@/]+)$/.exec(image)?.[1];
  return !!tag && /^v?\d+\.\d+(\.\d+)?(-[\w.-]+)?$/.test(tag);
}

const dockerfile = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const composeText = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText, { merge: true }) as { services: Record<string, Record<string, unknown>> };
const dockerignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

function resolveFrom(from: string): string {
  return from.replace(/\$\{?(\w+)\}?/g, (_, k: string) => dockerfile.args.get(k) ?? '');
}

describe('Dockerfile', () => {
  const { stages } = dockerfile;
  const runtime = stages.at(-1)!;
  const runs = (s: Stage) => s.body.filter((i) => i.op === 'RUN').map((i) => i.args).join('\n');

  it('is a multi-stage build from a pinned Node 20 base', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const s of stages) {
      const base = resolveFrom(s.from);
      if (stages.some((o) => o.name === base)) continue;
      expect(pinned(base), `${s.from} → ${base} is not pinned to a release`).toBe(true);
      expect(base).toMatch(/^node:20\./);
    }
  });

  it('builds native modules and the project (console included) in the build stage', () => {
    const builders = stages.slice(0, -1);
    const all = builders.map(runs).join('\n');
    // Native modules compiled inside the image: a toolchain and an npm install or rebuild that runs them.
    expect(all).toMatch(/apt-get install[^\n]*\bg\+\+/);
    expect(all).toMatch(/npm rebuild better-sqlite3|npm ci(?![^\n]*--ignore-scripts)/);
    // The project's own build (which also builds the console), not a hand-picked tsc call.
    expect(all).toMatch(/npm run build/);
    // Sources are copied into the build stage, so the build runs on them.
    const copied = builders.flatMap((s) => s.body.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from=')).map((i) => i.args.split(' ').slice(0, -1)).flat());
    for (const dir of ['src', 'ingest', 'queries', 'bin']) expect(copied).toContain(dir);
    // Every file the project's build command names (scripts, tsconfigs) is in the build context
    // and copied: when the build grows a step, the image follows or this fails.
    const build = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.build;
    const inputs = build.split(/\s+/).filter((t) => /\.(m?js|json|ts)$/.test(t));
    expect(inputs.length).toBeGreaterThan(0);
    for (const f of inputs) {
      const covered = copied.some((c) => f === c || f.startsWith(`${c.replace(/\/$/, '')}/`));
      expect(covered, `${f} (named by npm run build) is not copied into the build stage`).toBe(true);
      const top = f.split('/')[0];
      expect(dockerignore.includes(`!${top}`) || dockerignore.includes(`!${top}/`) || dockerignore.includes(`!${f}`), `${f} is excluded by .dockerignore`).toBe(true);
    }
  });

  it('ships production dependencies only, run by a non-root user', () => {
    const builders = stages.slice(0, -1).map(runs).join('\n');
    expect(builders).toMatch(/npm prune --omit=dev|npm ci[^\n]*--omit=dev/);
    // The runtime stage installs nothing itself and takes node_modules from a build stage.
    expect(runs(runtime)).not.toMatch(/npm (ci|install|i)\b/);
    const copies = runtime.body.filter((i) => i.op === 'COPY').map((i) => i.args);
    expect(copies.some((c) => /--from=\S+ \S*node_modules/.test(c))).toBe(true);
    expect(copies.some((c) => /--from=\S+ \S*dist/.test(c))).toBe(true);
    for (const c of copies.filter((x) => !x.startsWith('--from='))) expect(c).not.toMatch(/node_modules/);
    const user = runtime.body.filter((i) => i.op === 'USER').at(-1)?.args;
    expect(user, 'the runtime stage sets USER').toBeTruthy();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    // The entry point is the CLI; the default command serves the API.
    expect(runtime.body.find((i) => i.op === 'ENTRYPOINT')?.args).toMatch(/bin\/revenant\.js/);
  });

  it('keeps the host tree out of the build context (no host node_modules, no store)', () => {
    // Either everything is excluded and sources are re-included, or node_modules is excluded by name.
    const excludesAll = dockerignore[0] === '**' || dockerignore[0] === '*';
    if (excludesAll) {
      expect(dockerignore.filter((l) => l.startsWith('!')).some((l) => /node_modules|\.revenant|dist/.test(l))).toBe(false);
    } else {
      expect(dockerignore).toContain('node_modules');
      expect(dockerignore).toContain('.revenant');
    }
  });
});

describe('docker-compose.yml', () => {
  const services = Object.entries(compose.services);

  it('has services, and no placeholder comments left', () => {
    expect(services.length).toBeGreaterThanOrEqual(3);
    expect(composeText).not.toMatch(/TO BE ADDED|TODO|placeholder/i);
  });

  it.each(services)('%s builds from the Dockerfile or names a pinned image', (_name, svc) => {
    const build = svc.build as string | { context?: string; dockerfile?: string } | undefined;
    if (build !== undefined) {
      const ctx = typeof build === 'string' ? build : (build.context ?? '.');
      const file = typeof build === 'string' ? 'Dockerfile' : (build.dockerfile ?? 'Dockerfile');
      expect(['.', './']).toContain(ctx);
      expect(file).toBe('Dockerfile');
    } else {
      expect(typeof svc.image).toBe('string');
      expect(pinned(svc.image as string), `${String(svc.image)} is not pinned`).toBe(true);
    }
  });

  it.each(services)('%s publishes only on 127.0.0.1', (_name, svc) => {
    for (const p of (svc.ports ?? []) as (string | { host_ip?: string })[]) {
      if (typeof p === 'string') expect(p).toMatch(/^127\.0\.0\.1:\d+:\d+(\/(tcp|udp))?$/);
      else expect(p.host_ip).toBe('127.0.0.1');
    }
  });

  it.each(services)('%s has a healthcheck', (_name, svc) => {
    const hc = svc.healthcheck as { test?: unknown; disable?: boolean } | undefined;
    expect(hc, 'healthcheck').toBeTruthy();
    expect(hc!.disable).not.toBe(true);
    expect(Array.isArray(hc!.test) ? (hc!.test as unknown[]).length : String(hc!.test ?? '').length).toBeGreaterThan(0);
    expect(hc!.test).not.toEqual(['NONE']);
  });

  it.each(services)('%s mounts no source tree and installs nothing at start', (_name, svc) => {
    for (const v of (svc.volumes ?? []) as (string | { source?: string })[]) {
      const src = typeof v === 'string' ? v.split(':')[0] : (v.source ?? '');
      expect(['.', './', '..'], `volume ${JSON.stringify(v)}`).not.toContain(src.replace(/\/$/, '') || '.');
      expect(src).not.toMatch(/node_modules|^\.\/(src|dist|bin)\b/);
    }
    const cmd = JSON.stringify([svc.entrypoint ?? null, svc.command ?? null]);
    expect(cmd).not.toMatch(/npm (ci|install|i)\b/);
  });

  it('runs every service built from the Dockerfile as a non-root user', () => {
    for (const [name, svc] of services.filter(([, s]) => s.build !== undefined)) {
      const user = String(svc.user ?? '');
      // An explicit user must not be root; none means the image's USER (checked above).
      expect(user, name).not.toMatch(/^(root|0)(:|$)/);
    }
  });
});

describe('the pinned-image rule itself', () => {
  it('accepts releases and digests, refuses floating tags', () => {
    expect(pinned('neo4j:5.26.30-community')).toBe(true);
    expect(pinned('node:20.20.2-bookworm-slim')).toBe(true);
    expect(pinned(`neo4j@sha256:${'a'.repeat(64)}`)).toBe(true);
    expect(pinned('neo4j')).toBe(false);
    expect(pinned('neo4j:latest')).toBe(false);
    expect(pinned('node:20-bookworm-slim')).toBe(false);
    expect(pinned('neo4j:community')).toBe(false);
  });
});
