import { Role } from '../../entities';

/**
 * What an actor may do. Staff get them through their role; API keys hold an explicit subset (scopes).
 * Each GraphQL operation declares the one permission it needs (`@Authorized(Permission.X)`), checked by
 * the one auth checker in server/graphql.ts; where it may act is the jurisdiction rule's business.
 */
export enum Permission {
  /** read regions, units, the register (entities, shops), counts */
  REGISTRY_READ = 'registry:read',
  /** file shops, maintain them, create and edit entities and shops */
  REGISTRY_WRITE = 'registry:write',
  /** import register files */
  REGISTRY_IMPORT = 'registry:import',
  /** read the audit log */
  AUDIT_READ = 'audit:read',
  /** issue and revoke API keys */
  API_KEYS_MANAGE = 'apikeys:manage',
  /** create staff logins, deactivate them, reset their passwords */
  USERS_MANAGE = 'users:manage',
  /** add stations (市场监管所) under a county bureau */
  UNITS_MANAGE = 'units:manage',
  /** read the watched market: snapshots, listings, prices, changes, crawl runs, daily indexes */
  MARKET_READ = 'market:read',
  /** start crawls (discovery, shops, listings) in one's jurisdiction */
  CRAWL_START = 'crawl:start',
  /** switch rule checks on or off for a region; dismiss findings */
  RULES_MANAGE = 'rules:manage',
  /** read clues (线索), their history and the counts per unit */
  CLUES_READ = 'clues:read',
  /** raise, enter, register, assign, handle, feed back and archive clues */
  CLUES_HANDLE = 'clues:handle',
  /** read cases (案件), their evidence, history and documents */
  CASES_READ = 'cases:read',
  /** take steps on cases; which role may take which step is the case flow's table (services/cases/case-flow.ts) */
  CASES_HANDLE = 'cases:handle',
  /** read patrol plans, tasks, records and coverage (巡查) */
  PATROLS_READ = 'patrols:read',
  /** create and close patrol plans and special campaigns (专项), generate their tasks */
  PATROLS_PLAN = 'patrols:plan',
  /** file patrol records (online and on-site) for tasks and shops in one's jurisdiction */
  PATROLS_HANDLE = 'patrols:handle',
  /** read complaints (投诉举报); the complainant's personal data only for the handling unit and its superiors */
  COMPLAINTS_READ = 'complaints:read',
  /** take in complaints and take them through acceptance, mediation, result and feedback */
  COMPLAINTS_HANDLE = 'complaints:handle',
  /** read the office work of one's unit and the units below: reports, notices, logins, training, publicity, warnings, staffing, equipment, work plans */
  OFFICE_READ = 'office:read',
  /** do one's unit's office work: draft and submit reports, read and answer notices, write messages, record training, publicity, warnings, staffing and equipment */
  OFFICE_WORK = 'office:work',
  /** review reports from below (approve, return, forward), send notices down the tree, publish consumer warnings and the annual work plan */
  OFFICE_REVIEW = 'office:review',
  /** read the supervision metrics (指标) of one's unit and the units below, and the indicator catalog */
  METRICS_READ = 'metrics:read',
  /** set the province's hand-set working days (holidays and adjusted working days the holiday package lacks); province level only, by the access rule */
  CALENDAR_MANAGE = 'calendar:manage',
  /** read the annual assessment (年度考核) of one's unit and the units below: scores, ranks, explanations, the schemes */
  ASSESSMENT_READ = 'assessment:read',
  /** save new versions of the assessment scheme and run the assessment of a year; province level only, by the access rule */
  ASSESSMENT_MANAGE = 'assessment:manage',
  /** list and download the monthly statistical reports (月度统计报表) of one's unit and the units below */
  REPORTS_READ = 'reports:read',
  /** (re)generate the monthly statistical report of a past month for one's unit and the units below */
  REPORTS_GENERATE = 'reports:generate',
  /**
   * report the shops on one's platform (平台报送, E-commerce Law art. 28): held only by a platform's reporting
   * key (createPlatformApiKey), never by a staff role
   */
  PLATFORM_REPORT = 'platforms:report',
}

export const ALL_PERMISSIONS: readonly Permission[] = Object.values(Permission);

/** Permissions of each staff role. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  [Role.LEADER]: [
    Permission.REGISTRY_READ,
    Permission.AUDIT_READ,
    Permission.MARKET_READ,
    Permission.CLUES_READ,
    Permission.CASES_READ,
    Permission.CASES_HANDLE,
    Permission.PATROLS_READ,
    Permission.PATROLS_PLAN,
    Permission.COMPLAINTS_READ,
    Permission.OFFICE_READ,
    Permission.OFFICE_WORK,
    Permission.OFFICE_REVIEW,
    Permission.METRICS_READ,
    Permission.ASSESSMENT_READ,
    Permission.REPORTS_READ,
    Permission.REPORTS_GENERATE,
  ],
  [Role.ANALYST]: [
    Permission.REGISTRY_READ,
    Permission.MARKET_READ,
    Permission.CRAWL_START,
    Permission.CLUES_READ,
    Permission.CASES_READ,
    Permission.PATROLS_READ,
    Permission.COMPLAINTS_READ,
    Permission.OFFICE_READ,
    Permission.OFFICE_WORK,
    Permission.METRICS_READ,
    Permission.ASSESSMENT_READ,
    Permission.REPORTS_READ,
    Permission.REPORTS_GENERATE,
  ],
  [Role.INSPECTOR]: [
    Permission.REGISTRY_READ,
    Permission.REGISTRY_WRITE,
    Permission.REGISTRY_IMPORT,
    Permission.MARKET_READ,
    Permission.CLUES_READ,
    Permission.CLUES_HANDLE,
    Permission.CASES_READ,
    Permission.CASES_HANDLE,
    Permission.PATROLS_READ,
    Permission.PATROLS_HANDLE,
    Permission.COMPLAINTS_READ,
    Permission.COMPLAINTS_HANDLE,
    Permission.OFFICE_READ,
    Permission.OFFICE_WORK,
    Permission.METRICS_READ,
    Permission.REPORTS_READ,
  ],
  [Role.ADMIN]: [
    Permission.REGISTRY_READ,
    Permission.REGISTRY_WRITE,
    Permission.REGISTRY_IMPORT,
    Permission.AUDIT_READ,
    Permission.API_KEYS_MANAGE,
    Permission.USERS_MANAGE,
    Permission.UNITS_MANAGE,
    Permission.MARKET_READ,
    Permission.CRAWL_START,
    Permission.RULES_MANAGE,
    Permission.CLUES_READ,
    Permission.CLUES_HANDLE,
    Permission.CASES_READ,
    Permission.CASES_HANDLE,
    Permission.PATROLS_READ,
    Permission.PATROLS_PLAN,
    Permission.PATROLS_HANDLE,
    Permission.COMPLAINTS_READ,
    Permission.COMPLAINTS_HANDLE,
    Permission.OFFICE_READ,
    Permission.OFFICE_WORK,
    Permission.OFFICE_REVIEW,
    Permission.METRICS_READ,
    Permission.CALENDAR_MANAGE,
    Permission.ASSESSMENT_READ,
    Permission.ASSESSMENT_MANAGE,
    Permission.REPORTS_READ,
    Permission.REPORTS_GENERATE,
  ],
  [Role.SYSTEM]: [],
};

/**
 * Scopes an API key may be given: reading and, for trusted systems, writing the register; reading patrols
 * and complaints (complainants' personal data always masked for keys); taking in complaints forwarded by
 * another system (the national 12315 platform).
 */
export const API_KEY_SCOPES: readonly Permission[] = [
  Permission.REGISTRY_READ,
  Permission.REGISTRY_WRITE,
  Permission.REGISTRY_IMPORT,
  Permission.MARKET_READ,
  Permission.PATROLS_READ,
  Permission.COMPLAINTS_READ,
  Permission.COMPLAINTS_HANDLE,
  Permission.OFFICE_READ,
  Permission.METRICS_READ,
  Permission.ASSESSMENT_READ,
  Permission.REPORTS_READ,
]

/** Marker for operations open to any authenticated caller (`me`, `logout`). */
export const authenticatedOnly = 'authenticated';

/** Whether `actor` holds `permission` (system actors hold every one). */
export function holds(actor: { permissions: ReadonlySet<string> }, permission: Permission): boolean {
  return actor.permissions.has(permission) || actor.permissions.has('*');
}
