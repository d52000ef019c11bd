/**
 * Writes the `hr/` source folder of a synthetic tenant: one roster record per person who has one
 * (employees; not guests or most contractors), in the project's neutral `people` shape. Some
 * active people have a termination date in the future (notice periods), a few records carry
 * stray white space or capitals (correlation trims and ignores case), leavers carry what the
 * planner decided, and people who left long ago (accounts purged) stay on the roster.
 */
import type { SourceWriter } from '../collection/SourceWriter.js';
import { DAY, dateOnly } from './clock.js';
import type { HrRecord, LeaverPerson } from './model.js';
import { F_HR, F_HR_CAPS, F_HR_FUTURE } from './People.js';
import type { SynthEnv } from './SynthEnv.js';

export async function writeHr(env: SynthEnv, persons: readonly LeaverPerson[], sw: SourceWriter): Promise<void> {
  const ppl = env.people;
  const h = env.h;
  const w = sw.dataset('people');
  const byP = new Map<number, HrRecord[]>();
  for (const person of persons) {
    if (!person.hr) continue;
    const list = byP.get(person.p) ?? [];
    list.push(person.hr);
    byP.set(person.p, list);
  }
  for (let p = 0; p < ppl.n; p++) {
    if (ppl.isLeaver[p]) {
      for (const rec of byP.get(p) ?? []) await w.write(rec);
      continue;
    }
    const f = ppl.flags[p];
    if (!(f & F_HR)) continue;
    const mail = ppl.mail(p);
    const future = (f & F_HR_FUTURE) !== 0;
    await w.write({
      employeeId: ppl.employeeId(p),
      email: f & F_HR_CAPS ? mail.toUpperCase() : mail,
      displayName: ppl.name(p).display,
      status: future ? 'terminated' : 'active',
      terminationDate: future ? dateOnly(env.at + (1 + h.int('hrfuture', p, 60)) * DAY) : null,
    });
  }
  // Left long ago: still on the roster, no account anywhere.
  for (let k = 0; k < env.hrOnly; k++) {
    const q = ppl.n + k;
    await w.write({
      employeeId: ppl.employeeId(q),
      email: ppl.mail(q),
      displayName: ppl.name(q).display,
      status: 'terminated',
      terminationDate: dateOnly(env.at - (400 + h.int('hronly', q, 2000)) * DAY),
    });
  }
  await sw.finish('people', 'complete');
}
