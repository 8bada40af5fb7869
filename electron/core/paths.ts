// Where iovlab keeps its data: --data-dir, then IOVLAB_DATA, then the platform's convention
// for per-user application data (XDG on Linux and other Unixes).
import { homedir } from 'node:os';
import path from 'node:path';
import { AppError } from '../../shared/result.js';

export interface DataDirOptions {
  /** Value of --data-dir, if given. */
  flag?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
}

const APP_DIR = 'iovlab';

export function resolveDataDir(opts: DataDirOptions = {}): string {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const paths = platform === 'win32' ? path.win32 : path.posix;
  if (opts.flag !== undefined) {
    // An empty flag is usually an unset shell variable; silently using the default
    // directory would mix that run's labs into the user's own.
    if (opts.flag.trim() === '') throw new AppError('INVALID_ARGUMENT', '--data-dir needs a directory, got an empty value');
    return paths.resolve(opts.flag);
  }
  const fromEnv = env.IOVLAB_DATA?.trim();
  if (fromEnv) return paths.resolve(fromEnv);
  const home = opts.home ?? homedir();
  switch (platform) {
    case 'darwin':
      return paths.join(home, 'Library', 'Application Support', APP_DIR);
    case 'win32':
      return paths.join(env.APPDATA || paths.join(home, 'AppData', 'Roaming'), APP_DIR);
    default: {
      // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
      const xdg = env.XDG_DATA_HOME;
      return xdg && paths.isAbsolute(xdg) ? paths.join(xdg, APP_DIR) : paths.join(home, '.local', 'share', APP_DIR);
    }
  }
}

export function databaseFile(dataDir: string): string {
  return path.join(dataDir, 'iovlab.sqlite');
}
