/**
 * The server's side of the sources' event capability (`capabilities.events`, see
 * src/model/sourceEvents.ts): a source's settings are its section of the config's `events`
 * (`events.<source>`), its context carries the server's secret resolution, environment, abort
 * signal and log. The queue, worker and watcher reach every source through these and name none.
 */
import { SOURCES } from '../../../ingest/sources.js';
import type { SourceEventContext, SourceEvents } from '../../model/sourceEvents.js';
import { type ApiConfig, resolveSecret } from '../config.js';

/** The settings of a source's events (`events.<source>` of the config), or undefined. */
export function eventSettings(config: ApiConfig, source: string): Record<string, unknown> | undefined {
  const v = (config.events as unknown as Record<string, unknown>)[source];
  return v && typeof v === 'object' && SOURCES.has(source) ? (v as Record<string, unknown>) : undefined;
}

/** Whether the server can read a source's subjects again (its `events.<source>.collect` is configured). */
export function canRefresh(config: ApiConfig, source: string): boolean {
  return !!eventSettings(config, source)?.collect && !!SOURCES.get(source)?.capabilities?.events;
}

/** The sources whose subjects the server can read again, in registration order. */
export function refreshableSources(config: ApiConfig): string[] {
  return SOURCES.kinds().filter((s) => canRefresh(config, s));
}

/** Whether the server can read any source's subjects again (without, no refresh ever reads a snapshot's files). */
export function canRefreshAny(config: ApiConfig): boolean {
  return refreshableSources(config).length > 0;
}

/** The context a source's event code runs in. */
export function eventContext(config: ApiConfig, source: string, o: { env: NodeJS.ProcessEnv; signal: AbortSignal; log: SourceEventContext['log'] }): SourceEventContext {
  return {
    settings: eventSettings(config, source),
    secret: (ref, field) => resolveSecret(ref, field, o.env),
    env: o.env,
    signal: o.signal,
    log: o.log,
  };
}

/** A source's event capability (undefined when it has none). */
export async function eventsOf(source: string): Promise<SourceEvents | undefined> {
  return SOURCES.get(source)?.capabilities?.events?.();
}

export interface PollingSource {
  source: string;
  events: SourceEvents;
  ctx: SourceEventContext;
}

/** The sources a watch polls: those whose events can read a log and whose settings allow it, in registration order. */
export async function pollingSources(config: ApiConfig, o: { env: NodeJS.ProcessEnv; signal: AbortSignal; log: SourceEventContext['log'] }): Promise<PollingSource[]> {
  const out: PollingSource[] = [];
  for (const def of SOURCES.all()) {
    if (!def.capabilities?.events || !eventSettings(config, def.kind)) continue;
    const events = await def.capabilities.events();
    const ctx = eventContext(config, def.kind, o);
    if (events.pollLog && (events.canPoll?.(ctx) ?? true)) out.push({ source: def.kind, events, ctx });
  }
  return out;
}
