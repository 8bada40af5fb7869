import { api } from '../api/client.js';
import { labIdFromHash } from './route.js';
import type { ConnectionSlice, Slice } from './types.js';

export const createConnectionSlice: Slice<ConnectionSlice> = (set, get) => ({
  connection: 'connecting',
  appInfo: null,

  start() {
    const transport = api();
    // Everything the server may have changed while we were away is fetched again.
    const load = async () => {
      const info = await get().runCall('app:info', 'Connect', 'app.info', {});
      if (info.ok) set({ appInfo: info.value });
      const jobs = await get().runCall('jobs:load', 'Load jobs', 'job.list', {});
      if (jobs.ok) for (const job of jobs.value) get().jobProgress(job);
      await get().loadLabs();
    };
    let wasClosed = false;
    const onHash = () => get().openLab(labIdFromHash(window.location.hash));
    window.addEventListener('hashchange', onHash);
    const offs = [
      transport.onStatus((status) => {
        set({ connection: status });
        if (status === 'closed') wasClosed = true;
        if (status === 'open' && wasClosed) void load();
      }),
      transport.on('job.progress', (progress) => get().jobProgress(progress)),
      transport.on('lab.changed', () => void get().loadLabs()),
    ];
    set({ connection: transport.status, currentLabId: labIdFromHash(window.location.hash) });
    // Calls made while the socket is still opening are queued and sent once it is open.
    void load();
    return () => {
      window.removeEventListener('hashchange', onHash);
      for (const off of offs) off();
    };
  },
});
