/**
 * Writes the `okta/` source folder of a synthetic tenant through SourceWriter: every dataset of
 * the collection format, in the shapes the Okta Management API returns (see
 * ../../shared/scenarios), streamed line by line. Group members and app users of background
 * people are expanded from stride selections; an app assigned to a group lists every member of
 * that group as a GROUP-scoped app user (leavers included, as planted), and direct users of an
 * app are never members of its group, so each (app, user) pair appears once. The System Log
 * (90 days) is collected, sorted oldest first as Okta pages it, and written last.
 */
import type { DatasetWriter, SourceWriter } from '../collection/SourceWriter.js';
import { OKTA_DATASETS } from '../okta/datasets.js';
import { DAY, HOUR, MINUTE, oktaTime, wholeSeconds } from './clock.js';
import type { LeaverPerson, OktaAccount, OktaApp, OktaGroup, OktaRoleAssign, PlantedAppUser } from './model.js';
import { LOG_DAYS } from './OktaPlanter.js';
import { F_EMPNO, F_FEDERATED, F_GUEST, F_SOCIAL } from './People.js';
import { Prng } from './prng.js';
import { type SynthEnv, modInverse, selAt, selHas } from './SynthEnv.js';
import type { TenantPlan } from './TenantPlan.js';

type Writers = Record<(typeof OKTA_DATASETS)[number], DatasetWriter>;

interface LogLine {
  time: number;
  line: Record<string, unknown>;
}

export class OktaWriter {
  private w!: Writers;
  private logs: LogLine[] = [];
  private readonly byP = new Map<number, LeaverPerson[]>();
  private readonly accounts: OktaAccount[] = [];
  private readonly userType: string;

  constructor(
    readonly env: SynthEnv,
    readonly plan: TenantPlan,
    readonly persons: readonly LeaverPerson[],
  ) {
    for (const person of persons) {
      const list = this.byP.get(person.p) ?? [];
      list.push(person);
      this.byP.set(person.p, list);
      this.accounts.push(...person.okta);
    }
    this.userType = env.ids.okta('oty', 'usertype', 0);
  }

  async write(sw: SourceWriter): Promise<void> {
    this.w = Object.fromEntries(OKTA_DATASETS.map((d) => [d, sw.dataset(d)])) as Writers;
    await this.users();
    await this.groups();
    await this.apps();
    await this.appUsers();
    await this.tokensAndRoles();
    await this.idps();
    await this.logLines();
    for (const d of OKTA_DATASETS) await sw.finish(d, 'complete');
  }

  private href(path: string): string {
    return `${this.env.oktaOrg}/api/v1/${path}`;
  }

  // ------------------------------------------------------------------------------------------

  private userLine(u: {
    id: string;
    status: string;
    created: number;
    statusChanged: number;
    lastLogin: number | null;
    first: string;
    last: string;
    login: string;
    email: string;
    employeeNumber: string | null;
    provider: string;
  }): Record<string, unknown> {
    const staged = u.status === 'STAGED' || u.status === 'PROVISIONED';
    const credentials: Record<string, unknown> =
      u.provider === 'OKTA'
        ? { password: {}, provider: { type: 'OKTA', name: 'OKTA' } }
        : u.provider === 'SOCIAL'
          ? { provider: { type: 'SOCIAL', name: 'Google Workspace' } }
          : { provider: { type: 'FEDERATION', name: 'FEDERATION' } };
    return {
      id: u.id,
      status: u.status,
      created: oktaTime(u.created),
      activated: staged ? null : oktaTime(u.created + 5 * MINUTE),
      statusChanged: oktaTime(u.statusChanged),
      lastLogin: staged || u.lastLogin === null ? null : oktaTime(u.lastLogin),
      lastUpdated: oktaTime(Math.max(u.statusChanged, u.created)),
      passwordChanged: u.provider === 'OKTA' && !staged ? oktaTime(u.created + 10 * MINUTE) : null,
      type: { id: this.userType },
      profile: {
        firstName: u.first,
        lastName: u.last,
        mobilePhone: null,
        secondEmail: null,
        login: u.login,
        email: u.email,
        employeeNumber: u.employeeNumber,
      },
      credentials,
      _links: { self: { href: this.href(`users/${u.id}`) } },
    };
  }

  private bgLogin(p: number): string {
    const ppl = this.env.people;
    return ppl.has(p, F_GUEST) ? ppl.guestMail(p) : ppl.mail(p);
  }

  private async users(): Promise<void> {
    const { env } = this;
    const ppl = env.people;
    const h = env.h;
    const at = env.at;
    for (let p = 0; p < ppl.n; p++) {
      if (ppl.isLeaver[p]) {
        for (const person of this.byP.get(p) ?? []) {
          for (const a of person.okta) {
            await this.w.users.write(
              this.userLine({
                id: a.id,
                status: a.status,
                created: a.created,
                statusChanged: a.statusChanged,
                lastLogin: Math.min(a.statusChanged, at) - (1 + (h.int('ologin', p, 72))) * HOUR,
                first: a.firstName,
                last: a.lastName,
                login: a.login,
                email: a.email,
                employeeNumber: a.employeeNumber,
                provider: a.provider,
              }),
            );
          }
        }
        continue;
      }
      const id = ppl.oktaId[p];
      if (!id) continue;
      const name = ppl.name(p);
      const login = this.bgLogin(p);
      const created = wholeSeconds(at - (60 + h.int('ocreated', p, 2500)) * DAY);
      const status = ppl.oktaStatusOf(p);
      const f = ppl.flags[p];
      await this.w.users.write(
        this.userLine({
          id,
          status,
          created,
          statusChanged: status === 'ACTIVE' ? created + 5 * MINUTE : wholeSeconds(at - (1 + h.int('ostatus', p, 60)) * DAY),
          lastLogin: wholeSeconds(at - (1 + h.int('ologin', p, 30)) * HOUR),
          first: name.first,
          last: name.last,
          login,
          email: login,
          employeeNumber: f & F_EMPNO && !(f & F_GUEST) ? ppl.employeeId(p) : null,
          provider: f & F_FEDERATED ? 'FEDERATION' : f & F_SOCIAL ? 'SOCIAL' : 'OKTA',
        }),
      );
    }
  }

  // ------------------------------------------------------------------------------------------

  private async groups(): Promise<void> {
    const { env, plan } = this;
    const ppl = env.people;
    const ids = ppl.oktaId;
    const len = ppl.bgOkta.length;
    for (const g of plan.okta.groups) {
      await this.w.groups.write({
        id: g.id,
        created: oktaTime(g.created),
        lastUpdated: oktaTime(g.created),
        lastMembershipUpdated: oktaTime(env.at - 2 * DAY),
        objectClass: [g.type === 'APP_GROUP' ? 'okta:windows_security_principal' : 'okta:user_group'],
        type: g.type,
        profile: { name: g.name, description: g.description },
      });
      const m = this.w.groupMembers;
      if (g.sel) for (let i = 0; i < g.sel.size; i++) await m.write({ groupId: g.id, user: { id: ids[ppl.bgOkta[selAt(g.sel, len, i)]] } });
      for (const p of g.explicitPersons) await m.write({ groupId: g.id, user: { id: ids[p] } });
      for (const id of g.planted) await m.write({ groupId: g.id, user: { id } });
      for (const r of g.roles) await this.w.groupRoles.write({ groupId: g.id, role: this.roleLine(r, 'GROUP', `groups/${g.id}`) });
    }
  }

  private roleLine(r: OktaRoleAssign, assignmentType: string, assignee: string): Record<string, unknown> {
    return {
      id: r.id,
      label: r.label,
      type: r.type,
      status: 'ACTIVE',
      created: oktaTime(r.created),
      lastUpdated: oktaTime(r.created),
      assignmentType,
      _links: { assignee: { href: this.href(assignee) } },
    };
  }

  // ------------------------------------------------------------------------------------------

  private appLine(app: OktaApp): Record<string, unknown> {
    const credentials: Record<string, unknown> = { userNameTemplate: { template: '${source.login}', type: 'BUILT_IN' }, signing: {} };
    if (app.scheme) {
      credentials.scheme = app.scheme;
      credentials.revealPassword = app.revealPassword ?? false;
    }
    const settings: Record<string, unknown> = {};
    if (app.oauth) {
      credentials.oauthClient = { client_id: app.id, autoKeyRotation: true, token_endpoint_auth_method: app.oauth.authMethod };
      const grants =
        app.oauth.type === 'service' ? ['client_credentials'] : app.oauth.type === 'web' ? ['authorization_code', 'refresh_token'] : ['authorization_code', 'refresh_token'];
      settings.oauthClient = {
        application_type: app.oauth.type,
        grant_types: grants,
        response_types: app.oauth.type === 'service' ? ['token'] : ['code'],
      };
    }
    return {
      id: app.id,
      name: app.name,
      label: app.label,
      status: 'ACTIVE',
      signOnMode: app.signOnMode,
      features: app.features,
      created: oktaTime(app.created),
      lastUpdated: oktaTime(app.created + 30 * DAY),
      credentials,
      visibility: { autoSubmitToolbar: false, hide: { iOS: false, web: app.oauth?.type === 'service' } },
      settings,
    };
  }

  private async apps(): Promise<void> {
    const { env, plan } = this;
    const admins = plan.okta.admins;
    for (const [k, app] of plan.okta.apps.entries()) {
      await this.w.apps.write(this.appLine(app));
      if (app.group) {
        await this.w.appGroups.write({
          appId: app.id,
          appGroup: {
            id: app.group.id,
            lastUpdated: oktaTime(app.created + DAY),
            priority: 0,
            profile: {},
            _links: { app: { href: this.href(`apps/${app.id}`) }, group: { href: this.href(`groups/${app.group.id}`) } },
          },
        });
      }
      if (app.provisioningRecord) {
        await this.w.appFeatures.write({
          appId: app.id,
          feature: {
            name: 'USER_PROVISIONING',
            status: 'ENABLED',
            description: 'User provisioning settings from Okta to a downstream app',
            capabilities: {
              create: { lifecycleCreate: { status: 'ENABLED' } },
              update: {
                profile: { status: 'ENABLED' },
                lifecycleDeactivate: { status: app.provisioningRecord.lifecycleDeactivate },
                password: { status: 'DISABLED', seed: 'RANDOM', change: 'KEEP_EXISTING' },
              },
            },
          },
        });
      }
      for (const g of app.grants) {
        await this.w.appGrants.write({
          id: g.id,
          status: 'ACTIVE',
          created: oktaTime(g.created),
          lastUpdated: oktaTime(g.created),
          issuer: env.oktaOrg,
          clientId: app.id,
          scopeId: g.scope,
          source: 'ADMIN',
          createdBy: { id: admins.length ? env.people.oktaId[admins[k % admins.length]] : app.id, type: admins.length ? 'User' : 'Client' },
        });
      }
      for (const s of app.secrets) {
        await this.w.appSecrets.write({
          appId: app.id,
          secret: {
            id: s.id,
            status: s.status,
            created: oktaTime(s.created),
            lastUpdated: oktaTime(s.created),
            _links: { deactivate: { href: this.href(`apps/${app.id}/credentials/secrets/${s.id}/lifecycle/deactivate`) } },
          },
        });
      }
      for (const j of app.jwks) {
        await this.w.appJwks.write({
          appId: app.id,
          jwk: { id: j.id, kid: j.kid, status: j.status, created: oktaTime(j.created), lastUpdated: oktaTime(j.created), kty: 'RSA', alg: 'RS256', use: 'sig', e: 'AQAB' },
        });
      }
      for (const r of app.clientRoles) await this.w.clientRoles.write({ clientId: app.id, role: this.roleLine(r, 'CLIENT', `apps/${app.id}`) });
    }
  }

  private appUserLine(app: OktaApp, u: PlantedAppUser): Record<string, unknown> {
    const created = oktaTime(u.created);
    const synced = u.externalId !== null;
    return {
      appId: app.id,
      appUser: {
        id: u.userId,
        externalId: u.externalId,
        created,
        lastUpdated: created,
        scope: u.scope,
        status: u.status,
        statusChanged: created,
        passwordChanged: null,
        syncState: synced ? 'SYNCHRONIZED' : 'DISABLED',
        lastSync: synced ? oktaTime(this.env.at - 2 * DAY) : null,
        credentials: { userName: u.login },
        profile: {},
        _links: { app: { href: this.href(`apps/${app.id}`) }, user: { href: this.href(`users/${u.userId}`) } },
      },
    };
  }

  private bgAppUser(app: OktaApp, p: number, scope: 'USER' | 'GROUP'): PlantedAppUser {
    const { env } = this;
    const ext = app.externalIds ? `${app.externalPrefix}${String(env.h.int('bgext', p, 1e9, env.h.u32('appsalt', 0, app.id.length + app.name.length))).padStart(9, '0')}` : null;
    return {
      userId: env.people.oktaId[p],
      login: this.bgLogin(p),
      scope,
      externalId: ext,
      status: ext ? 'PROVISIONED' : 'ACTIVE',
      created: wholeSeconds(env.at - (2 + env.h.int('appusercreated', p, 700)) * DAY),
    };
  }

  private async appUsers(): Promise<void> {
    const { env, plan } = this;
    const ppl = env.people;
    const len = ppl.bgOkta.length;
    const w = this.w.appUsers;
    for (const app of plan.okta.apps) {
      const g = app.group;
      if (g) {
        if (g.sel) for (let i = 0; i < g.sel.size; i++) await w.write(this.appUserLine(app, this.bgAppUser(app, ppl.bgOkta[selAt(g.sel, len, i)], 'GROUP')));
        for (const p of g.explicitPersons) await w.write(this.appUserLine(app, this.bgAppUser(app, p, 'GROUP')));
      }
      if (app.direct && len > 0) {
        const gsel = g?.sel ?? null;
        const inv = gsel ? modInverse(gsel.stride, len) : 0;
        const explicit = new Set(g?.explicitPersons ?? []);
        for (let i = 0; i < app.direct.size; i++) {
          const pos = selAt(app.direct, len, i);
          if (gsel && selHas(gsel, len, pos, inv)) continue;
          const p = ppl.bgOkta[pos];
          if (explicit.has(p)) continue;
          await w.write(this.appUserLine(app, this.bgAppUser(app, p, 'USER')));
        }
      }
      for (const u of app.planted) await w.write(this.appUserLine(app, u));
    }
  }

  // ------------------------------------------------------------------------------------------

  private async tokensAndRoles(): Promise<void> {
    const { env, plan } = this;
    const ppl = env.people;
    const at = env.at;
    const r = new Prng(env.seed, 'okta-tokens');
    for (const { p, role } of plan.okta.userRoles) await this.w.userRoles.write({ userId: ppl.oktaId[p], role: this.roleLine(role, 'USER', `users/${ppl.oktaId[p]}`) });
    for (const a of this.accounts) for (const role of a.userRoles) await this.w.userRoles.write({ userId: a.id, role: this.roleLine(role, 'USER', `users/${a.id}`) });

    const token = (id: string, name: string, userId: string, expiresAt: number, created: number) =>
      this.w.apiTokens.write({
        name,
        userId,
        tokenWindow: 'P30D',
        network: { connection: 'ANYWHERE' },
        id,
        clientName: 'Okta API',
        expiresAt: oktaTime(expiresAt),
        created: oktaTime(created),
        lastUpdated: oktaTime(created),
      });
    for (const [i, p] of plan.okta.admins.entries()) {
      if (!r.chance(0.4)) continue;
      await token(env.ids.okta('00T', 'apitoken:bg', i), `${ppl.name(p).first.toLowerCase()}-automation`, ppl.oktaId[p], at + r.range(1, 29) * DAY, at - r.range(40, 600) * DAY);
    }
    for (const a of this.accounts) for (const t of a.apiTokens) await token(t.id, t.name, a.id, t.expiresAt, t.created);

    const rt = (id: string, status: string, created: number, expiresAt: number | null, app: OktaApp, userId: string) =>
      this.w.refreshTokens.write({
        id,
        status,
        created: oktaTime(created),
        lastUpdated: oktaTime(created),
        expiresAt: expiresAt === null ? null : oktaTime(expiresAt),
        issuer: `${env.oktaOrg}/oauth2/default`,
        clientId: app.id,
        userId,
        scopes: ['openid', 'offline_access', 'profile'],
      });
    const clients = plan.okta.apps.filter((x) => x.oauth && (x.oauth.type === 'web' || x.oauth.type === 'native'));
    const len = ppl.bgOkta.length;
    const sel = env.sel('bgrefresh', 0, len, Math.round(len * 0.08));
    if (sel && clients.length) {
      for (let i = 0; i < sel.size; i++) {
        const p = ppl.bgOkta[selAt(sel, len, i)];
        const app = clients[env.h.int('bgrefreshapp', p, clients.length)];
        const x = env.h.unit('bgrefreshstate', p);
        await rt(env.ids.okta('oar', 'refresh:bg', i), x < 0.15 ? 'REVOKED' : 'ACTIVE', at - (1 + env.h.int('bgrefreshcreated', p, 80)) * DAY, x < 0.5 ? null : at + (1 + env.h.int('bgrefreshexp', p, 80)) * DAY, app, ppl.oktaId[p]);
      }
    }
    for (const a of this.accounts) for (const t of a.refreshTokens) await rt(t.id, t.status, t.created, t.expiresAt, t.app, a.id);

    const ug = env.sel('bgusergrant', 0, len, Math.max(1, Math.round(len / 50)));
    const portal = plan.okta.appByName.get('customer_portal')!;
    if (ug) {
      for (let i = 0; i < ug.size; i++) {
        const p = ppl.bgOkta[selAt(ug, len, i)];
        const created = at - (1 + env.h.int('ugcreated', p, 300)) * DAY;
        await this.w.userGrants.write({
          id: env.ids.okta('oag', 'usergrant', i),
          status: 'ACTIVE',
          created: oktaTime(created),
          lastUpdated: oktaTime(created),
          issuer: `${env.oktaOrg}/oauth2/default`,
          clientId: portal.id,
          userId: ppl.oktaId[p],
          scopeId: 'okta.users.read.self',
          source: 'END_USER',
        });
      }
    }
  }

  private async idps(): Promise<void> {
    for (const idp of this.plan.okta.idps) {
      await this.w.idps.write({
        id: idp.id,
        type: idp.type,
        name: idp.name,
        status: 'ACTIVE',
        created: oktaTime(this.env.at - 1500 * DAY),
        lastUpdated: oktaTime(this.env.at - 400 * DAY),
        protocol: { type: idp.protocol },
        policy: {
          provisioning: {
            action: 'AUTO',
            profileMaster: false,
            groups: { action: 'NONE' },
            conditions: { deprovisioned: { action: idp.deprovisioned }, suspended: { action: idp.suspended } },
          },
          subject: { matchType: 'USERNAME' },
          maxClockSkew: 120000,
        },
      });
    }
  }

  // ------------------------------------------------------------------------------------------
  // System Log

  private log(time: number, eventType: string, displayMessage: string, actor: { id: string; type: string; alternateId: string; displayName: string }, targets: { id: string; type: string; alternateId: string; displayName: string }[]): void {
    const n = this.env.next('log:line');
    this.logs.push({
      time,
      line: {
        uuid: this.env.ids.guid('log:uuid', n),
        published: oktaTime(time),
        eventType,
        version: '0',
        severity: 'INFO',
        displayMessage,
        legacyEventType: null,
        actor,
        outcome: { result: 'SUCCESS', reason: null },
        target: targets.map((t) => ({ ...t, detailEntry: null })),
        transaction: { type: 'WEB', id: this.env.ids.guid('log:tx', n), detail: {} },
      },
    });
  }

  private async logLines(): Promise<void> {
    const { env, plan } = this;
    const ppl = env.people;
    const at = env.at;
    const r = new Prng(env.seed, 'okta-logs');
    const windowStart = at - LOG_DAYS * DAY + HOUR;
    const adminActor = () => {
      const p = plan.okta.admins[r.int(plan.okta.admins.length)];
      return { id: ppl.oktaId[p], type: 'User', alternateId: this.bgLogin(p), displayName: ppl.name(p).display };
    };
    const appTarget = (app: OktaApp) => ({ id: app.id, type: 'AppInstance', alternateId: app.name, displayName: app.label });
    const messages: Record<string, string> = {
      'app.oauth2.credentials.lifecycle.create': 'Create client credential',
      'app.oauth2.credentials.lifecycle.activate': 'Activate client credential',
      'app.oauth2.credentials.lifecycle.deactivate': 'Deactivate client credential',
      'app.oauth2.client.read_client_secret': 'Read client secret',
    };
    for (const a of this.accounts) {
      const actor = { id: a.id, type: 'User', alternateId: a.login, displayName: `${a.firstName} ${a.lastName}` };
      for (const ev of a.svcEvents) this.log(ev.time, ev.eventType, messages[ev.eventType] ?? ev.eventType, actor, [appTarget(ev.app)]);
      if ((a.status === 'SUSPENDED' || a.status === 'DEPROVISIONED') && a.statusChanged >= windowStart) {
        const type = a.status === 'SUSPENDED' ? 'user.lifecycle.suspend' : 'user.lifecycle.deactivate';
        this.log(a.statusChanged, type, a.status === 'SUSPENDED' ? 'Suspend Okta user' : 'Deactivate Okta user', adminActor(), [
          { id: a.id, type: 'User', alternateId: a.login, displayName: `${a.firstName} ${a.lastName}` },
        ]);
      }
    }
    const services = plan.okta.apps.filter((x) => x.oauth?.type === 'service');
    const noise = Math.max(30, Math.round(ppl.n / 10));
    const len = ppl.bgOkta.length;
    for (let k = 0; k < noise && len > 0; k++) {
      const t = wholeSeconds(windowStart + r.unit() * (at - MINUTE - windowStart));
      const p = ppl.bgOkta[r.int(len)];
      const user = { id: ppl.oktaId[p], type: 'User', alternateId: this.bgLogin(p), displayName: ppl.name(p).display };
      const x = r.unit();
      if (x < 0.5) this.log(t, 'user.session.start', 'User login to Okta', user, []);
      else if (x < 0.85) {
        const app = r.pick(plan.okta.apps.filter((a) => a.oauth?.type !== 'service'));
        this.log(t, 'user.authentication.sso', 'User single sign on to app', user, [appTarget(app)]);
      } else if (x < 0.97) {
        const g = plan.okta.pickZipfGroup(r);
        this.log(t, 'group.user_membership.add', 'Add user to group membership', adminActor(), [user, { id: g.id, type: 'UserGroup', alternateId: 'unknown', displayName: g.name }]);
      } else if (services.length) {
        const app = r.pick(services);
        this.log(t, r.pick(Object.keys(messages)), 'Client credential event', adminActor(), [appTarget(app)]);
      }
    }
    this.logs.sort((a, b) => a.time - b.time || (String(a.line.uuid) < String(b.line.uuid) ? -1 : 1));
    for (const l of this.logs) await this.w.logs.write(l.line);
    this.logs = [];
  }
}

export type { OktaGroup };
