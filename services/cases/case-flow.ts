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
 * Calendar days each stage has once entered (null: no deadline). Filed: 90 days to decide (kept through
 * the investigation); notified: 7 calendar days for the party's statement (the law's 5 working days,
 * approximated in calendar days); decided: 15 days to execute.
 */
export const STAGE_DEADLINE_DAYS: Readonly<Partial<Record<CaseStatus, number>>> = {
  [CaseStatus.FILED]: 90,
  [CaseStatus.NOTIFIED]: 7,
  [CaseStatus.DECIDED]: 15,
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
