/** Stable reasons a stack operation fails; the CLI prints the message, callers may branch on `code`. */
export type StackErrorCode =
  | 'JAVA_MISSING'
  | 'MAVEN_MISSING'
  | 'PROVISION_FAILED'
  | 'PORT_TAKEN'
  | 'ENGINE_DIED'
  | 'ENGINE_TIMEOUT'
  | 'MODE_CONFLICT'
  | 'BAD_OPTION'
  | 'USER_SETUP_FAILED'
  | 'LOCK_TIMEOUT'
  | 'KAFKA_FORMAT_FAILED';

/** One error family for the local stack, so a failing test run says exactly which engine failed and why. */
export class StackError extends Error {
  override readonly name = 'StackError';
  constructor(
    readonly code: StackErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
