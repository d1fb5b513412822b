/** Re-executes this process with Parley's V8 flags (bin/node-flags.js). */
export declare const DEFAULT_NODE_FLAGS: string;
export declare function applyNodeFlags(): void;
