import { boolean, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from './columns.ts';

export const workspaces = pgTable('workspaces', {
  id: id(),
  name: text('name').notNull(),
  timeZone: text('time_zone').notNull().default('Asia/Kolkata'),
  phoneRegion: text('phone_region').notNull().default('IN'),
  /** Persona, business hours and other settings that later features read. */
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  /** The workspace that environment-configured channels and the admin account belong to. */
  isDefault: boolean('is_default').notNull().default(false),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});
