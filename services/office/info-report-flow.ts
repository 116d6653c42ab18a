/**
 * The review flow of information reports (信息报送审核) as a transition table: which step may follow which
 * status. Every report command asks here first; an illegal step is refused naming the current status and
 * the steps it allows, before anything is written.
 */
import { type InfoReport, InfoReportStatus } from '../../entities';
import { UserInputError } from '../errors';

/** A step a caller can take on a report (one mutation each). */
export type InfoReportStep = 'reviseInfoReport' | 'submitInfoReport' | 'forwardInfoReport' | 'approveInfoReport' | 'returnInfoReport';

/**
 * status → step → the status it leads to. Revising keeps the status (a draft stays a draft, a returned
 * report stays returned until it is resubmitted); forwarding keeps it submitted, with the next reviewer.
 */
export const INFO_REPORT_TRANSITIONS: Readonly<Record<InfoReportStatus, Partial<Record<InfoReportStep, InfoReportStatus>>>> = {
  [InfoReportStatus.DRAFT]: { reviseInfoReport: InfoReportStatus.DRAFT, submitInfoReport: InfoReportStatus.SUBMITTED },
  [InfoReportStatus.SUBMITTED]: {
    forwardInfoReport: InfoReportStatus.SUBMITTED,
    approveInfoReport: InfoReportStatus.APPROVED,
    returnInfoReport: InfoReportStatus.RETURNED,
  },
  [InfoReportStatus.RETURNED]: { reviseInfoReport: InfoReportStatus.RETURNED, submitInfoReport: InfoReportStatus.SUBMITTED },
  [InfoReportStatus.APPROVED]: {},
};

/** Steps taken by the author unit; the others by the unit the report sits with for review. */
export const AUTHOR_STEPS: ReadonlySet<InfoReportStep> = new Set(['reviseInfoReport', 'submitInfoReport']);

/** The steps allowed from `status`. */
export function allowedInfoReportSteps(status: InfoReportStatus): InfoReportStep[] {
  return Object.keys(INFO_REPORT_TRANSITIONS[status]) as InfoReportStep[];
}

/** The status `step` leads to from the report's status, or a UserInputError naming what is allowed. */
export function nextInfoReportStatus(report: InfoReport, step: InfoReportStep): InfoReportStatus {
  const status: InfoReportStatus = report.status;
  const to = INFO_REPORT_TRANSITIONS[status][step];
  if (to) return to;
  const allowed = allowedInfoReportSteps(status);
  throw new UserInputError(
    `info report ${report.id} is ${report.status}: ${step} is not allowed; allowed: ${allowed.length ? allowed.join(', ') : 'none (approved)'}`,
    'id',
  );
}
