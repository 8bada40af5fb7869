import { test } from 'node:test';
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { databaseFile, resolveDataDir } from '../../electron/core/paths.js';

const home = '/home/ada';

test('--data-dir wins over IOVLAB_DATA and the platform default', () => {
  const env = { IOVLAB_DATA: '/srv/from-env', XDG_DATA_HOME: '/xdg' };
  assert.equal(resolveDataDir({ flag: '/srv/from-flag', env, platform: 'linux', home }), '/srv/from-flag');
});

test('a relative --data-dir or IOVLAB_DATA is made absolute against the working directory', () => {
  assert.equal(resolveDataDir({ flag: 'lab-data', env: {}, platform: 'linux', home }), resolve('lab-data'));
  assert.equal(resolveDataDir({ env: { IOVLAB_DATA: 'env-data' }, platform: 'linux', home }), resolve('env-data'));
});

test('an empty --data-dir is refused instead of silently using the default', () => {
  assert.throws(() => resolveDataDir({ flag: '', env: {}, platform: 'linux', home }), { code: 'INVALID_ARGUMENT', message: /--data-dir/ });
});

test('IOVLAB_DATA wins over the platform default; an empty one is ignored', () => {
  assert.equal(resolveDataDir({ env: { IOVLAB_DATA: '/srv/iov', XDG_DATA_HOME: '/xdg' }, platform: 'linux', home }), '/srv/iov');
  assert.equal(resolveDataDir({ env: { IOVLAB_DATA: '' }, platform: 'linux', home }), '/home/ada/.local/share/iovlab');
});

test('Linux follows XDG: $XDG_DATA_HOME/iovlab, else ~/.local/share/iovlab; a relative XDG_DATA_HOME is ignored', () => {
  assert.equal(resolveDataDir({ env: { XDG_DATA_HOME: '/data/xdg' }, platform: 'linux', home }), '/data/xdg/iovlab');
  assert.equal(resolveDataDir({ env: {}, platform: 'linux', home }), '/home/ada/.local/share/iovlab');
  assert.equal(resolveDataDir({ env: { XDG_DATA_HOME: 'relative/xdg' }, platform: 'linux', home }), '/home/ada/.local/share/iovlab');
  assert.equal(resolveDataDir({ env: {}, platform: 'freebsd', home }), '/home/ada/.local/share/iovlab');
});

test('macOS uses ~/Library/Application Support/iovlab', () => {
  assert.equal(resolveDataDir({ env: { XDG_DATA_HOME: '/xdg' }, platform: 'darwin', home: '/Users/ada' }), '/Users/ada/Library/Application Support/iovlab');
});

test('Windows uses %APPDATA%\\iovlab, else the roaming folder under the home directory', () => {
  const env = { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' };
  assert.equal(resolveDataDir({ env, platform: 'win32', home: 'C:\\Users\\ada' }), 'C:\\Users\\ada\\AppData\\Roaming\\iovlab');
  assert.equal(resolveDataDir({ env: {}, platform: 'win32', home: 'C:\\Users\\ada' }), 'C:\\Users\\ada\\AppData\\Roaming\\iovlab');
});

test('without options it uses this process\'s environment, platform and home directory', () => {
  const expected = process.env.IOVLAB_DATA ? resolve(process.env.IOVLAB_DATA) : resolveDataDir({ env: process.env, platform: process.platform, home: homedir() });
  assert.equal(resolveDataDir(), expected);
});

test('the database file is iovlab.sqlite inside the data directory', () => {
  assert.equal(databaseFile('/srv/iov'), join('/srv/iov', 'iovlab.sqlite'));
});
