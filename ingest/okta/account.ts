/**
 * How an Okta user's state and departure are read, for the source registry: disabled when
 * SUSPENDED or DEPROVISIONED (D: `statusChanged`), usable when ACTIVE, PASSWORD_EXPIRED,
 * LOCKED_OUT or RECOVERY; a what-if deactivates it (DEPROVISIONED). Its correlation keys
 * (employeeNumber; email and login) and the same predicates in Cypher for the Neo4j engine.
 */
import { NodeKind } from '../../src/model/schema.js';
import type { AccountKindDef, CorrelationKeys, Departure, OwnAccountState } from '../../src/model/source.js';
import { instant } from '../../src/model/time.js';
import type { GraphNode } from '../../src/model/types.js';
import { propsOf } from '../../src/model/props.js';

export const OKTA_USABLE: ReadonlySet<string> = new Set(['ACTIVE', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'RECOVERY']);
export const OKTA_DISABLED: ReadonlySet<string> = new Set(['SUSPENDED', 'DEPROVISIONED']);

const s = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function own(node: GraphNode): OwnAccountState {
  const p = propsOf(node, NodeKind.OktaUser);
  const disabled = OKTA_DISABLED.has(p.status);
  return {
    disabled,
    usable: OKTA_USABLE.has(p.status),
    status: p.status,
    because: disabled ? [`status=${p.status}`] : [],
    leaveDeparted: false,
    departure(): Departure | null {
      return disabled && instant(p.statusChanged) !== null ? { at: instant(p.statusChanged), from: 'statusChanged' } : null;
    },
  };
}

function correlation(props: Record<string, unknown>): CorrelationKeys {
  return { employeeId: s(props.employeeNumber), mails: [s(props.email), s(props.login)].filter((x): x is string => !!x) };
}

export const OKTA_ACCOUNT: AccountKindDef = {
  kind: NodeKind.OktaUser,
  reach: 'oktaUser',
  own,
  whatIf: { because: 'assumed deactivated (what-if)', status: 'DEPROVISIONED' },
  correlation,
  disable: (id) => [`POST /api/v1/users/${id}/lifecycle/suspend`, `POST /api/v1/users/${id}/lifecycle/deactivate (removes app assignments and admin roles)`],
  cypher: {
    departedOwn: (u) => `coalesce(${u}.status IN $k.oktaDisabled, false)`,
    disabledOwn: (u) => `coalesce(${u}.status IN $k.oktaDisabled, false)`,
    usable: (u) => `coalesce(${u}.status IN $k.oktaUsable, false)`,
    constants: { oktaUsable: [...OKTA_USABLE], oktaDisabled: [...OKTA_DISABLED] },
  },
};
