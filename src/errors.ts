/**
 * Harness errors: the harness or the cluster could not run (exit 3), or the
 * input was invalid (exit 2). Expected failures of the system under test are
 * results, never exceptions.
 */
export type HarnessErrorCode =
  | 'MISSING_BINARY'
  | 'PORT_IN_USE'
  | 'CLUSTER_UNHEALTHY'
  | 'COMPONENT_EXITED'
  | 'NOT_FOUND'
  | 'FAULT_FAILED'
  | 'INTERRUPTED'
  /** The cluster runs a component version the scenario's `requires:` excludes (found once started or attached). */
  | 'UNMET_REQUIREMENT'
  | 'INTERNAL';

export class HarnessError extends Error {
  constructor(
    readonly code: HarnessErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HarnessError';
  }
}

export const EXIT = { pass: 0, slaViolated: 1, invalidInput: 2, harness: 3 } as const;

/** The exit code of the CLI contract for an error that escaped a command. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof Error && (err as { code?: unknown }).code === 'INVALID_INPUT') return EXIT.invalidInput;
  return EXIT.harness;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
