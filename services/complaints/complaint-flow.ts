/**
 * The complaint flow as a transition table: which step may follow which status. Every complaint command
 * asks here first; an illegal step is refused naming the current status and the steps it allows, before
 * anything is written.
 *
 * received → accepted (受理) | rejected (不予受理, terminal); accepted → mediating (调解, complaints only);
 * accepted | mediating → resolved (result) → closed (consumer feedback). Raising a clue and reassigning
 * keep the status: they are listed here so that the same table says where they are allowed.
 */
import { type Complaint, ComplaintKind, ComplaintStatus } from '../../entities';
import { UserInputError } from '../errors';

/** A step a caller can take on a complaint (one mutation each). */
export type ComplaintStep = 'acceptComplaint' | 'rejectComplaint' | 'startComplaintMediation' | 'resolveComplaint' | 'closeComplaint' | 'raiseClueFromComplaint' | 'reassignComplaint';

/** status → step → the status it leads to (the same status for raising a clue and reassigning). */
export const COMPLAINT_TRANSITIONS: Readonly<Record<ComplaintStatus, Partial<Record<ComplaintStep, ComplaintStatus>>>> = {
  [ComplaintStatus.RECEIVED]: {
    acceptComplaint: ComplaintStatus.ACCEPTED,
    rejectComplaint: ComplaintStatus.REJECTED,
    reassignComplaint: ComplaintStatus.RECEIVED,
  },
  [ComplaintStatus.ACCEPTED]: {
    startComplaintMediation: ComplaintStatus.MEDIATING,
    resolveComplaint: ComplaintStatus.RESOLVED,
    raiseClueFromComplaint: ComplaintStatus.ACCEPTED,
    reassignComplaint: ComplaintStatus.ACCEPTED,
  },
  [ComplaintStatus.MEDIATING]: { resolveComplaint: ComplaintStatus.RESOLVED, raiseClueFromComplaint: ComplaintStatus.MEDIATING },
  [ComplaintStatus.RESOLVED]: { closeComplaint: ComplaintStatus.CLOSED, raiseClueFromComplaint: ComplaintStatus.RESOLVED },
  [ComplaintStatus.REJECTED]: {},
  [ComplaintStatus.CLOSED]: {},
};

/** Steps that only one kind may take (a report is checked, not mediated). */
const KIND_ONLY: Partial<Record<ComplaintStep, ComplaintKind>> = { startComplaintMediation: ComplaintKind.COMPLAINT };

/** The steps allowed for `complaint` as it stands (its status and kind; a clue is raised once). */
export function allowedSteps(complaint: Pick<Complaint, 'status' | 'kind' | 'clue'>): ComplaintStep[] {
  const status: ComplaintStatus = complaint.status;
  return (Object.keys(COMPLAINT_TRANSITIONS[status]) as ComplaintStep[]).filter(
    (step) => (KIND_ONLY[step] ?? complaint.kind) === complaint.kind && !(step === 'raiseClueFromComplaint' && complaint.clue != null),
  );
}

/** The status `step` leads to from the complaint's status, or a UserInputError naming what is allowed. */
export function nextStatus(complaint: Pick<Complaint, 'id' | 'status' | 'kind' | 'clue'>, step: ComplaintStep): ComplaintStatus {
  const status: ComplaintStatus = complaint.status;
  const to = COMPLAINT_TRANSITIONS[status][step];
  const allowed = allowedSteps(complaint);
  if (to && allowed.includes(step)) return to;
  let why = '';
  if (to && KIND_ONLY[step] && KIND_ONLY[step] !== complaint.kind) why = ` (only a ${KIND_ONLY[step]} is mediated; a ${complaint.kind} is not)`;
  else if (to && step === 'raiseClueFromComplaint') why = ' (a clue was already raised from it)';
  throw new UserInputError(
    `complaint ${complaint.id} is ${complaint.status}: ${step} is not allowed${why}; allowed: ${allowed.length ? allowed.join(', ') : `none (${complaint.status} is final)`}`,
    'id',
  );
}
