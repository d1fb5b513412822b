// Settings: workspace, team and roles, channels, API keys, canned replies, privacy.
import { useNavigate, useSearch } from '@tanstack/react-router';
import { PageHeader, cx } from '../../components/ui.tsx';
import { ChannelSettings } from './channels.tsx';
import { PrivacySettings } from './privacy.tsx';
import { ApiKeySettings, TeamSettings } from './team.tsx';
import { CannedSettings, WorkspaceSettings } from './workspace.tsx';

const tabs = [
  { id: 'workspace', label: 'Workspace', view: WorkspaceSettings },
  { id: 'team', label: 'Team', view: TeamSettings },
  { id: 'channels', label: 'Channels', view: ChannelSettings },
  { id: 'api-keys', label: 'API keys', view: ApiKeySettings },
  { id: 'canned', label: 'Canned replies', view: CannedSettings },
  { id: 'privacy', label: 'Privacy', view: PrivacySettings },
] as const;

export function SettingsPage() {
  const { tab } = useSearch({ strict: false }) as { tab?: string };
  const navigate = useNavigate();
  const current = tabs.find((t) => t.id === tab) ?? tabs[0];
  const View = current.view;
  return (
    <div className="flex h-full min-h-0 flex-col">
      <PageHeader title="Settings" />
      <div
        role="tablist"
        aria-label="Settings sections"
        className="flex gap-1 overflow-x-auto border-b border-slate-200 bg-white px-4 md:px-6"
      >
        {tabs.map((t) => (
          <button
            key={t.id}
            role="tab"
            aria-selected={t.id === current.id}
            onClick={() => void navigate({ to: '/settings', search: { tab: t.id }, replace: true })}
            className={cx(
              'border-b-2 px-3 py-2 text-sm whitespace-nowrap',
              t.id === current.id ? 'border-teal-700 font-medium text-teal-800' : 'border-transparent text-slate-600',
            )}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-label={current.label} className="min-h-0 flex-1 overflow-auto p-4 md:p-6">
        <View />
      </div>
    </div>
  );
}
