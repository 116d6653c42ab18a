/**
 * The case flow (案件) as a transition table: which step may follow which status, and which roles may
 * take each step. Every case command asks here first: a wrong role is refused (FORBIDDEN) naming the
 * roles allowed, an illegal step (BAD_USER_INPUT) naming the current status and the steps it allows.
 */
import { AccessDeniedError, type Case, CaseStatus, currentActor, Role } from '../../entities';
import { UserInputError } from '../errors';

/** A step a caller can take on a case (one mutation each). */
export type CaseStep =
  | 'openCase'
  | 'approveFiling'
  | 'rejectFiling'
  | 'transferCase'
  | 'startInvestigation'
  | 'addEvidence'
  | 'issuePriorNotice'
  | 'decidePenalty'
  | 'recordExecution'
  | 'closeCase';

/** step → the roles that may take it (the GraphQL permission `cases:handle` comes first). */
export const CASE_STEP_ROLES: Readonly<Record<CaseStep, readonly Role[]>> = {
  openCase: [Role.INSPECTOR, Role.ADMIN],
  approveFiling: [Role.LEADER, Role.ADMIN],
  rejectFiling: [Role.LEADER, Role.ADMIN],
  transferCase: [Role.LEADER, Role.ADMIN],
  startInvestigation: [Role.INSPECTOR],
  addEvidence: [Role.INSPECTOR],
  issuePriorNotice: [Role.INSPECTOR, Role.ADMIN],
  decidePenalty: [Role.LEADER, Role.ADMIN],
  recordExecution: [Role.INSPECTOR],
  closeCase: [Role.LEADER, Role.ADMIN],
};

/** status → step → the status it leads to. addEvidence keeps the status. openCase creates a proposed case. */
export const CASE_TRANSITIONS: Readonly<Record<CaseStatus, Partial<Record<CaseStep, CaseStatus>>>> = {
  [CaseStatus.PROPOSED]: { approveFiling: CaseStatus.FILED, rejectFiling: CaseStatus.NOT_FILED, transferCase: CaseStatus.TRANSFERRED },
  [CaseStatus.FILED]: { startInvestigation: CaseStatus.INVESTIGATING, addEvidence: CaseStatus.FILED, transferCase: CaseStatus.TRANSFERRED },
  [CaseStatus.INVESTIGATING]: { addEvidence: CaseStatus.INVESTIGATING, issuePriorNotice: CaseStatus.NOTIFIED, transferCase: CaseStatus.TRANSFERRED },
  [CaseStatus.NOTIFIED]: { decidePenalty: CaseStatus.DECIDED },
  [CaseStatus.DECIDED]: { recordExecution: CaseStatus.EXECUTED },
  [CaseStatus.EXECUTED]: { closeCase: CaseStatus.CLOSED },
  [CaseStatus.CLOSED]: {},
  [CaseStatus.NOT_FILED]: {},
  [CaseStatus.TRANSFERRED]: {},
};

/**
 * How long each stage has once entered (absent: no deadline). Filed: 90 calendar days to decide (kept
 * through the investigation; 《市场监督管理行政处罚程序规定》); notified: 5 working days for the party's
 * statement or request for a hearing, counted on China's working-day calendar (调休 included); decided:
 * 15 calendar days to pay the fine.
 */
export const STAGE_DEADLINES: Readonly<Partial<Record<CaseStatus, { days: number } | { workingDays: number }>>> = {
  [CaseStatus.FILED]: { days: 90 },
  [CaseStatus.NOTIFIED]: { workingDays: 5 },
  [CaseStatus.DECIDED]: { days: 15 },
};

/** The steps allowed from `status`. */
export function allowedCaseSteps(status: CaseStatus): CaseStep[] {
  return Object.keys(CASE_TRANSITIONS[status]) as CaseStep[];
}

/** Refuses the step unless the current actor's role may take it. */
export function requireCaseRole(step: CaseStep): void {
  const actor = currentActor();
  const roles = CASE_STEP_ROLES[step];
  if (!roles.includes(actor.role as Role)) {
    throw new AccessDeniedError(`${step} may be taken by ${roles.join(' or ')} only; you are ${actor.role}`);
  }
}

/** The status `step` leads to from the case's status, or a UserInputError naming what is allowed. */
export function nextCaseStatus(kase: Case, step: CaseStep): CaseStatus {
  const status: CaseStatus = kase.status;
  const to = CASE_TRANSITIONS[status][step];
  if (to) return to;
  const allowed = allowedCaseSteps(status);
  throw new UserInputError(
    `case ${kase.id} is ${kase.status}: ${step} is not allowed; allowed: ${allowed.length ? allowed.join(', ') : `none (${kase.status})`}`,
    'id',
  );
}
