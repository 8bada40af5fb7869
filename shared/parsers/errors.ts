// A tool's output that cannot be turned into a result: the tool reported an error, the
// output is truncated, or it is not what the tool prints. The CLI maps it to exit code 3;
// the backend lets it cross the API boundary as a PARSE_ERROR.
import { AppError } from '../result.js';

export class ToolParseError extends AppError {
  readonly tool: string;
  readonly reason: string;
  constructor(tool: string, reason: string) {
    super('PARSE_ERROR', `${tool}: ${reason}`, { tool, reason });
    this.name = 'ToolParseError';
    this.tool = tool;
    this.reason = reason;
  }
}

export function isToolParseError(e: unknown): e is ToolParseError {
  return e instanceof ToolParseError;
}

/** A `fail` bound to one tool, so parsers read as `fail('no summary line')`. */
export function failer(tool: string): (reason: string) => never {
  return (reason: string) => {
    throw new ToolParseError(tool, reason);
  };
}
