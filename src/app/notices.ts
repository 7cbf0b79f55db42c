/** How long an informational notice ("Ready to work offline") stays up before it leaves by itself. */
export const NOTICE_MS = 6_000;
