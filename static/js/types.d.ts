// The API's answers as the pages read them: one home for each shape, for the type check only (the browser never
// loads this file; the scripts name these types in JSDoc, `@import {Vote} from "./types.js"`). Each mirrors the
// marshmallow schema named beside it (voting/web/api/schemas.py, result_schemas.py, codes.py, drills.py, audit.py),
// which the OpenAPI document (/api/openapi.json) publishes: a schema that changes changes its type in the same commit.

// --- staff and meetings ---------------------------------------------------------------------------------------

/** SessionSchema, without the tokens: who is logged in to the console. */
export type User = { name: string; role: string };

/** SessionSchema: the answer of /auth/login and /auth/me (its token only at login; its CSRF token empty for a bearer). */
export type Session = User & { token?: string; csrf_token: string };


/** MeetingSchema. */
export type Meeting = {
  id: number;
  name_zh: string;
  name_en: string;
  plenary_zh: string;
  date: string;
  deputy_count: number;
  present: number;
};

/** DeputySchema: a deputy on a meeting's roster. */
export type Deputy = { id: number; number: number; name: string; delegation?: string | null; checked_in: boolean };

/** AttendanceManySchema. */
export type AttendanceChanged = { changed: number; present: number };

/** ErrorSchema's `rows`: a bad row of a roster import. */
export type RosterProblem = { row: number; field: string; code: string; message: string };

/** ErrorSchema: every refusal's body. */
export type ErrorBody = {
  code?: string;
  message?: string;
  field?: string | null;
  params?: Record<string, unknown>;
  rows?: RosterProblem[];
};

// --- votes and rounds -----------------------------------------------------------------------------------------

/** RulesSchema (as RuleSettings.to_dict gives it). */
export type Rules = {
  seats: number;
  ballot_style: string;
  threshold_basis: string;
  threshold_fraction: string;
  tie_policy: string;
  shortfall_policy: string;
  quorum_fraction: string;
};

/** CandidateSchema: a project on a vote's list. */
export type Candidate = {
  number: number;
  title_zh: string;
  title_en: string;
  detail_zh?: string;
  detail_en?: string;
  department?: string;
  budget?: string;
};

/** VoteSchema. */
export type Vote = {
  id: number;
  meeting_id: number;
  title_zh: string;
  title_en: string;
  training: boolean;
  state: string;
  rules: Rules;
  rules_digest: string | null;
  candidates: Candidate[];
  published_at: string | null;
  result_digest: string | null;
  ballots_digest: string | null;
  audit_head_at_publication: string | null;
};

/** TallyResult.to_dict's project: opposes, abstains and no_choice only on an approve / oppose / abstain ballot. */
export type ProjectCount = {
  number: number;
  approvals: number;
  status: string;
  opposes?: number;
  abstains?: number;
  no_choice?: number;
};

/** Runoff.to_dict: the next round the rules call for. */
export type Runoff = { reason: string; projects: number[]; seats: number };

/** TallyResult.to_dict: a counted round's result (DESIGN section 5). */
export type TallyResult = {
  ballot_style: string;
  ballots: { cast: number; valid: number; invalid: number };
  void: boolean;
  threshold: number;
  seats: number;
  projects: ProjectCount[];
  selected: number[];
  runoff: Runoff | null;
  vacant: number;
};

/** RoundSchema. */
export type Round = {
  id: number;
  vote_id: number;
  number: number;
  kind: string;
  state: string;
  seats: number;
  projects: number[];
  deputy_count: number | null;
  deputies_present: number | null;
  ballots_issued: number | null;
  opened_at: string | null;
  closed_at: string | null;
  audit_head_at_close: string | null;
  secrecy_pending: boolean;
  result: TallyResult | null;
  training: boolean;
};

/** TurnoutSchema: a round's turnout, never a tally. */
export type Turnout = {
  round_number: number;
  state: string;
  deputy_count: number;
  deputies_present: number;
  ballots_issued: number;
  ballots_returned: number;
  electronic: number;
  paper_issued: number;
  paper_entered: number;
  training: boolean;
};

/** MarksSchema: one ballot's marks as lists of project numbers (a paper ballot, a difference's side). */
export type MarkLists = { approvals?: number[]; opposes?: number[]; abstains?: number[] };

/** PaperBatchSchema: a batch's entries and where the two differ. */
export type PaperBatch = {
  batch: string;
  entries: { entry: number; clerk: string; ballots: number }[];
  differences: { position: number; first: MarkLists | null; second: MarkLists | null }[];
  accepted: boolean;
};

// --- voting codes ---------------------------------------------------------------------------------------------

/** CodeHolderSchema: a deputy of the roster and whether they hold a working code for the vote. */
export type CodeHolder = Deputy & { holds_code: boolean };

/** IssuedCodeSchema (CodeSchema, from reissuing one slip, plus the deputy's seat and name). */
export type IssuedCode = { deputy_id: number; code: string; number: number; name: string };

/** BallotAddressSchema: what the QR codes carry. */
export type BallotAddress = { base: string; configured: boolean; problem: string | null };

/** A slip the console holds in memory for printing (slips.js): never sent anywhere. */
export type Slip = { deputy: { id: number; number: number; name: string }; code: string; pick: boolean };

// --- the audit log and drills ---------------------------------------------------------------------------------

/** AuditEntrySchema. */
export type AuditEntry = {
  seq: number;
  at: string;
  actor: string;
  role: string;
  action: string;
  vote_id: number | null;
  // Each action has fields of its own (voting/domain/audit_events.py, one definition per action); the screen
  // reads a few by name and passes the rest to the catalog's sentence, so one map type serves them all.
  details: Record<string, any>;
  prev_hash: string;
  hash: string;
};

/** ChainCheckSchema: the whole hash chain checked by the server. */
export type ChainCheck = { ok: boolean; entries: number; head: string; first_bad: number | null; reason: string };

/** DrillSchema. */
export type Drill = {
  name: string;
  title_zh: string;
  title_en: string;
  expected_zh: string;
  expected_en: string;
  deputies: number;
};

/** DrillRunSchema. */
export type DrillRun = { name: string; vote_id: number; passed: boolean; problems: string[] };

/** fonts.MissingGlyph: a character no installed font draws, on the tally sheet. */
export type MissingGlyph = { character: string; codepoint: string; texts: string[] };

// --- the results page and the hall screen (result_schemas.py) -------------------------------------------------

/** SeatWonSchema: a selected project, with the round it won its seat in. */
export type SeatWon = {
  number: number;
  title_zh: string;
  title_en: string;
  round_number: number;
  round_kind: string;
  approvals: number;
  rate: string;
};

/** ResultRoundSchema: a round, with its rates as read out once counted. */
export type ResultRound = Round & { rates: Record<string, string> | null };

/** VoteResultSchema: GET /api/v1/votes/{id}/result. */
export type VoteResult = {
  vote: Vote;
  meeting: { name_zh: string; name_en: string; plenary_zh: string; date: string } | null;
  official: boolean;
  rounds: ResultRound[];
  selected: number[];
  seats_won: SeatWon[];
  vacant: number;
  decided: boolean;
  training: boolean;
};

/** HallSchema: the hall screen's view, turnout during a round, the result once published. */
export type Hall = {
  vote_id: number;
  title_zh: string;
  title_en: string;
  training: boolean;
  state: string;
  round: {
    number: number;
    kind: string;
    state: string;
    ballots_issued?: number | null;
    ballots_returned?: number | null;
  } | null;
  selected: SeatWon[] | null;
  vacant: number | null;
  published_at: string | null;
  audit_head: { moment: string; round_number: number | null; hash: string; read_out: string } | null;
};

// --- the deputy's ballot and receipt --------------------------------------------------------------------------

/** ProjectOnBallotSchema. */
export type ProjectOnBallot = { number: number; title_zh: string; title_en: string; detail_zh: string; detail_en: string };

/** BallotPaperSchema: POST /api/v1/ballot. */
export type BallotPaper = {
  vote_id: number;
  title_zh: string;
  title_en: string;
  training: boolean;
  round_number: number;
  kind: string;
  seats: number;
  participation: "electronic" | "paper" | null;
  ballot_style: string;
  projects: ProjectOnBallot[];
};

/** ReceiptSchema: POST /api/v1/ballots. */
export type Receipt = { receipt: string; round_number: number; replayed: boolean; training: boolean };

/** ReceiptCheckSchema: GET /api/v1/receipts/{receipt}. */
export type ReceiptCheck = {
  receipt: string;
  vote_id: number;
  round_number: number;
  approvals: number[];
  opposes: number[];
  abstains: number[];
  valid: boolean;
  training: boolean;
};

// --- the pages' own -------------------------------------------------------------------------------------------

/** A click on a button, with the button as currentTarget (the console's `onclick` attributes, `writeButton`). */
export type ButtonClick = MouseEvent & { currentTarget: HTMLButtonElement };
