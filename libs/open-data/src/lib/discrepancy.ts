export type Severity = 'error' | 'warning';

export interface Discrepancy {
  code: string;
  severity: Severity;
  /** What it is about: `rating <id>`, `note <id>`, `root <root>`, `run <id>`… */
  subject: string;
  message: string;
}

/** How a check reports what it found (an error unless it says otherwise). */
export type ReportDiscrepancy = (
  code: string,
  subject: string,
  message: string,
  severity?: Severity,
) => void;
