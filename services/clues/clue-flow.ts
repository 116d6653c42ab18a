/**
 * The clue flow as a transition table: which step may follow which status. Every clue command asks
 * here first; an illegal step is refused naming the current status and the steps it allows.
 */
import { type Clue, ClueStatus } from '../../entities';
import { UserInputError } from '../errors';

/** A step a caller can take on a clue (one mutation each). */
export type ClueStep = 'registerClue' | 'assignClue' | 'handleClue' | 'feedbackClue' | 'archiveClue';

/** status → step → the status it leads to. Merging a finding is not a step: it keeps the status. */
export const CLUE_TRANSITIONS: Readonly<Record<ClueStatus, Partial<Record<ClueStep, ClueStatus>>>> = {
  [ClueStatus.RECEIVED]: { registerClue: ClueStatus.REGISTERED, archiveClue: ClueStatus.ARCHIVED },
  [ClueStatus.REGISTERED]: { assignClue: ClueStatus.ASSIGNED, archiveClue: ClueStatus.ARCHIVED },
  [ClueStatus.ASSIGNED]: { handleClue: ClueStatus.HANDLED },
  [ClueStatus.HANDLED]: { feedbackClue: ClueStatus.FED_BACK },
  [ClueStatus.FED_BACK]: { archiveClue: ClueStatus.ARCHIVED },
  [ClueStatus.ARCHIVED]: {},
};

/** The steps allowed from `status`. */
export function allowedSteps(status: ClueStatus): ClueStep[] {
  return Object.keys(CLUE_TRANSITIONS[status]) as ClueStep[];
}

/** The status `step` leads to from the clue's status, or a UserInputError naming what is allowed. */
export function nextStatus(clue: Clue, step: ClueStep): ClueStatus {
  const status: ClueStatus = clue.status;
  const to = CLUE_TRANSITIONS[status][step];
  if (to) return to;
  const allowed = allowedSteps(status);
  throw new UserInputError(
    `clue ${clue.id} is ${clue.status}: ${step} is not allowed; allowed: ${allowed.length ? allowed.join(', ') : 'none (archived)'}`,
    'id',
  );
}
