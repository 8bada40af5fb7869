// What a call threw, as "CODE: message" for one assertion ("no error" when it returned); any
// other exception is a bug in the test's subject and is rethrown.
import { isAppError } from '../../shared/result.js';

export function appErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isAppError(e)) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'no error';
}
