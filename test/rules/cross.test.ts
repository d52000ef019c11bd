/**
 * Unit tests for the cross-source rules and the closure they imply: HR leavers still enabled,
 * other accounts of the same person still active, and what each must not report.
 */
import { describe, expect, it } from 'vitest';
import { analyseSpec, entraUser, guid, oktaUser, summary } from '../support/tenant.js';

const e1 = guid(1);
const e2 = guid(2);
const hr = (employeeId: string | null, email: string | null, status: string, terminationDate: string | null) => ({ employeeId, email, displayName: 'P', status, terminationDate });

describe('hr.leaver-account-enabled', () => {
  it('fires for enabled accounts of a terminated person (past date or no date), never for a future date', async () => {
    const doc = await analyseSpec({
      entra: { users: [entraUser(e1, { employeeId: 'E1' }), entraUser(e2, { employeeId: 'E2' })] },
      okta: { users: [oktaUser('00uA', 'LOCKED_OUT', {}, { employeeNumber: 'e1' }), oktaUser('00uB', 'ACTIVE', {}, { employeeNumber: 'E2' })] },
      hr: { people: [hr('E1', null, 'terminated', null), hr('E2', null, 'terminated', '2026-12-15')] },
    });
    expect(summary(doc)).toEqual([`hr.leaver-account-enabled ${e1}→${e1} live critical`, `hr.leaver-account-enabled 00uA→00uA live critical`]);
  });
  it('fires for an Entra account past its own employeeLeaveDateTime, without HR', async () => {
    const doc = await analyseSpec({ entra: { users: [entraUser(e1, { employeeLeaveDateTime: '2026-10-31T00:00:00Z' })] } });
    expect(summary(doc)).toEqual([`hr.leaver-account-enabled ${e1}→${e1} live critical`]);
    expect(doc.subjects[0].departedAt).toBe('2026-10-31T00:00:00.000Z');
  });
});

describe('person.other-account-active', () => {
  it('reports the enabled alt account of a disabled subject, with the correlation link in the path', async () => {
    const doc = await analyseSpec({ entra: { users: [entraUser(e1, { accountEnabled: false, employeeId: 'N1', signInSessionsValidFromDateTime: '2026-12-01T00:00:00Z' }), entraUser(e2, { employeeId: 'n1 ' })] } });
    expect(summary(doc)).toEqual([`person.other-account-active ${e1}→${e2} live high`]);
    const step = doc.findings[0].path.find((s) => 'edge' in s && s.edge === 'SAME_PERSON');
    expect(step).toMatchObject({ key: 'employeeId', strength: 'strong' });
  });
  it('correlates by mail across sources case-insensitively, and not through a conflicting employee id', async () => {
    const doc = await analyseSpec({
      entra: { users: [entraUser(e1, { accountEnabled: false, mail: 'Quinn.Ray@contoso.com', userPrincipalName: 'qray@contoso.com', signInSessionsValidFromDateTime: '2026-12-01T00:00:00Z' })] },
      okta: { users: [oktaUser('00uQ', 'ACTIVE', {}, { email: 'quinn.ray@contoso.com', login: 'quinn.ray@contoso.com' })] },
    });
    expect(summary(doc)).toEqual([`person.other-account-active ${e1}→00uQ live high`]);
    expect(doc.findings[0].path.find((s) => 'edge' in s)).toMatchObject({ key: 'mail', strength: 'medium' });

    const conflict = await analyseSpec({
      entra: { users: [entraUser(e1, { accountEnabled: false, employeeId: 'A1', mail: 'x@contoso.com', signInSessionsValidFromDateTime: '2026-12-01T00:00:00Z' })] },
      okta: { users: [oktaUser('00uX', 'ACTIVE', {}, { email: 'x@contoso.com', employeeNumber: 'B2' })] },
    });
    expect(summary(conflict)).toEqual([]);
  });
  it('is not reported for an other account that hr.leaver-account-enabled reports, and not for a subject enabled in its own source', async () => {
    const doc = await analyseSpec({
      entra: { users: [entraUser(e1, { accountEnabled: false, employeeId: 'M1', signInSessionsValidFromDateTime: '2026-12-01T00:00:00Z' })] },
      okta: { users: [oktaUser('00uM', 'ACTIVE', {}, { employeeNumber: 'M1' })] },
      hr: { people: [hr('M1', null, 'terminated', '2026-10-01')] },
    });
    expect(summary(doc)).toEqual([`hr.leaver-account-enabled 00uM→00uM live critical`]);
  });
  it('a guest UPN (#EXT#) does not correlate; its mail does', async () => {
    const guest = entraUser(e1, { accountEnabled: false, userPrincipalName: 'ann_x.com#EXT#@contoso.onmicrosoft.com', mail: null, signInSessionsValidFromDateTime: '2026-12-01T00:00:00Z' });
    const other = oktaUser('00uG', 'ACTIVE', {}, { email: 'ann_x.com#ext#@contoso.onmicrosoft.com', login: 'ann@x.com' });
    expect(summary(await analyseSpec({ entra: { users: [guest] }, okta: { users: [other] } }))).toEqual([]);
  });
});

describe('closure and coverage', () => {
  it('never calls a subject closed when a dataset its source needs is partial or missing', async () => {
    const users = [entraUser(e1, { accountEnabled: false, signInSessionsValidFromDateTime: '2026-12-01T00:00:00Z' })];
    const complete = await analyseSpec({ entra: { users } });
    expect(complete.subjects[0].closed).toBe(true);
    const partial = await analyseSpec({ entra: { users }, ledger: { entra: { groupMembers: { status: 'partial', count: 0, reason: '503' } } } });
    expect(partial.subjects[0].closed).toBe(false);
    expect(Object.values(partial.coverage)[0].uncoveredRules.sort()).toEqual(['entra.dormant-membership', 'entra.dormant-role']);
    const absent = await analyseSpec({ entra: { users }, ledger: { entra: { applicationOwners: undefined } } });
    expect(Object.values(absent.coverage)[0].missing).toContain('applicationOwners');
    expect(absent.subjects[0].closed).toBe(false);
  });
  it('an incomplete users dataset uncovers the cross-source rules for every source', async () => {
    const doc = await analyseSpec({
      entra: { users: [entraUser(e1)] },
      okta: { users: [oktaUser('00uZ', 'DEPROVISIONED')] },
      ledger: { entra: { users: { status: 'partial', count: 1, reason: 'throttled' } } },
    });
    for (const c of Object.values(doc.coverage)) expect(c.uncoveredRules).toEqual(expect.arrayContaining(['person.other-account-active', 'hr.leaver-account-enabled']));
    expect(doc.subjects.find((s) => s.id === '00uZ')!.closed).toBe(false);
  });
});
