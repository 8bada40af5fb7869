import type { ApiClient } from '../../shared/api.js';

declare global {
  interface Window {
    /** Present inside the Electron app: the preload exposes exactly the API contract. */
    iovlab?: ApiClient;
  }
}

export {};
