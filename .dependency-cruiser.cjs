// The import rules of docs/architecture.md, checked by `npm run lint` (depcruise). Each rule names
// the folder it constrains; `pathNot` lists what that folder may import besides itself.
const folder = (name) => `^src/${name}/`;

/** A folder may import only itself and the listed folders (node_modules always). */
const only = (name, allowed, comment) => ({
  name: `${name}-imports`,
  comment,
  severity: 'error',
  from: { path: folder(name) },
  to: {
    path: '^src/',
    pathNot: [folder(name), ...allowed.map((a) => (a.endsWith('.ts') ? `^src/${a}$` : folder(a)))],
  },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Data flows one way: no module may import itself back, even through types.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    only('lib', [], 'lib/ is small pure helpers: it imports nothing of the app.'),
    only('db', ['lib', 'ops/data-lock.ts', 'ops/startup.ts'], 'db/ is the client, the schema and the migrations.'),
    only('ops', ['db', 'lib', 'config.ts'], 'The process and its data folder: lock, start-up checks, backups.'),
    only('channels', ['lib'], 'A provider is one folder behind the contract: provider JSON never leaves parse().'),
    only('crm', ['db', 'lib'], 'crm/ knows nothing of channels, HTTP or jobs.'),
    only('privacy', ['crm', 'db', 'lib'], 'Export and erasure work on the CRM and the messages.'),
    only('auth', ['crm', 'db', 'lib', 'config.ts'], 'Accounts, sessions and roles.'),
    only(
      'jobs',
      ['db', 'lib', 'inbound', 'knowledge', 'outbound', 'nurture', 'deps.ts'],
      'jobs/queue.ts is the one pg-boss import; jobs/index.ts lists the jobs.',
    ),
    only(
      'channel-accounts',
      ['channels', 'crm', 'db', 'lib', 'config.ts'],
      'Connected accounts: rows, env sync, sealed secrets, cache.',
    ),
    only(
      'outbound',
      ['channels', 'channel-accounts', 'db', 'jobs', 'lib', 'config.ts'],
      'The outbox: queueReplies writes rows, send delivers them.',
    ),
    only(
      'nurture',
      ['crm', 'db', 'jobs', 'lib', 'outbound/queue.ts', 'config.ts'],
      'Message Master produces replies; the outbox sends them.',
    ),
    only(
      'knowledge',
      ['crm', 'db', 'jobs', 'lib', 'config.ts'],
      'CRM links: fetch, flatten, chunk, index, search; the bots call it, it calls nobody back.',
    ),
    only(
      'conversations',
      [
        'channels',
        'crm',
        'db',
        'lib',
        'channel-accounts',
        // A lead captured from a conversation is enrolled as a new lead is (set-based per routing round).
        'nurture/lead-created.ts',
        'nurture/enroll.ts',
        'outbound/queue.ts',
        'deps.ts',
      ],
      'The inbox, linking, analytics and media of conversations.',
    ),
    only(
      'commands',
      ['crm', 'db', 'lib', 'conversations', 'knowledge', 'nurture', 'outbound/queue.ts', 'jobs/queue.ts', 'config.ts'],
      'Commands call crm/ and return replies; they never import channels/ or outbound/send.',
    ),
    only(
      'bot',
      [
        'crm',
        'db',
        'lib',
        'knowledge',
        'conversations/linking.ts',
        'outbound/queue.ts',
        'config.ts',
        // The day-and-time reader the team bot uses: a customer's "tomorrow 11am" reads the same.
        'commands/interpret/dates.ts',
        'commands/interpret/dates',
        // Business hours and the next opening (pure): when a person will answer a handoff.
        'nurture/schedule.ts',
      ],
      'The customer bot calls crm/ and returns replies; it never imports channels/ or outbound/send.',
    ),
    only(
      'inbound',
      [
        'bot',
        'channels',
        'channel-accounts',
        'commands',
        'conversations',
        'crm',
        'db',
        'jobs',
        // Whether a workspace has knowledge sources, asked once per routing batch.
        'knowledge/answer.ts',
        'lib',
        'outbound/queue.ts',
        'privacy',
        'config.ts',
      ],
      'Receive, ingest and route: the start of the flow.',
    ),
    {
      name: 'nothing-imports-http',
      comment: 'http/ is the edge: handlers call services, services never call http/.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/http/', '^src/app\\.ts$', '^src/main\\.ts$'] },
      to: { path: '^src/http/' },
    },
    {
      name: 'only-deps-wires',
      comment: 'Only deps.ts builds things (and main.ts, which calls it); nothing imports them back.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/main\\.ts$', '^src/app\\.ts$', '^src/cli-tools\\.ts$'] },
      to: { path: '^src/(main|app)\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
