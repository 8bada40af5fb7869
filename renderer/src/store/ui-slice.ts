import { api } from '../api/client.js';
import type { Slice, UiSlice } from './types.js';

let nextAlertId = 1;
/** Older alerts scroll away; a long session must not pile up hundreds of them. */
const MAX_ALERTS = 5;

export const createUiSlice: Slice<UiSlice> = (set) => ({
  alerts: [],
  busy: {},

  async runCall(busyKey, context, method, params) {
    set((s) => ({ busy: { ...s.busy, [busyKey]: true } }));
    try {
      const result = await api().call(method, params);
      if (!result.ok) {
        const alert = { id: nextAlertId++, context, error: result.error };
        set((s) => ({ alerts: [...s.alerts, alert].slice(-MAX_ALERTS) }));
      }
      return result;
    } finally {
      set((s) => {
        const { [busyKey]: _done, ...rest } = s.busy;
        return { busy: rest };
      });
    }
  },

  dismissAlert(id) {
    set((s) => ({ alerts: s.alerts.filter((a) => a.id !== id) }));
  },
});
