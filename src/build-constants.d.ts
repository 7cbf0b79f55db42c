/** Set by vite.config.ts `define`: the sync origins the Content-Security-Policy allows (REHEARSE_SYNC_ORIGINS). */
declare const __SYNC_ORIGINS__: string[];
