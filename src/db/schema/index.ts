export * from './workspaces.ts';
export * from './users.ts';
export * from './leads.ts';
export * from './deals.ts';
export * from './tasks.ts';
export * from './notes.ts';
export * from './activities.ts';
export * from './messaging.ts';
