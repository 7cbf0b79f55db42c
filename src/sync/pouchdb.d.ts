// PouchDB 9 ships no types; src/sync/sync-engine.ts declares the few calls it makes (Mirror).
declare module 'pouchdb-browser' {
  const PouchDB: unknown;
  export default PouchDB;
}
declare module 'pouchdb-adapter-memory' {
  const plugin: unknown;
  export default plugin;
}
