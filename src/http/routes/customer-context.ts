import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { contactKey, contextSummary, getCustomerContext, profileOf } from '../../bot/context.ts';
import { isAdmin, seesAll } from '../../crm/actor.ts';
import { getWorkspace } from '../../crm/workspaces.ts';
import { leads } from '../../db/schema/index.ts';
import type { Deps } from '../../deps.ts';
import { badRequest, forbidden } from '../../lib/errors.ts';
import { normalizePhone } from '../../lib/phone.ts';
import type { App } from '../app-types.ts';
import { requireAuth } from '../auth.ts';
import { ErrorSchema } from '../schemas.ts';

const ContextResponse = z.object({
  status: z.literal('success'),
  data: z.object({
    phone_number: z.string(),
    contact_id: z.string().nullable(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    company: z.string().nullable(),
    position: z.string().nullable(),
    lead_status: z.string().nullable(),
    lead_score: z.number().nullable(),
    source: z.string().nullable(),
    notes: z.string().nullable(),
    is_new_customer: z.boolean(),
    deals: z.array(
      z.object({
        title: z.string(),
        value: z.number(),
        currency: z.string(),
        stage: z.string(),
        probability: z.number(),
      }),
    ),
    pending_tasks: z.array(
      z.object({
        title: z.string(),
        description: z.string().nullable(),
        due_date: z.string().nullable(),
        priority: z.string(),
      }),
    ),
    context_summary: z.string(),
    profile: z.record(z.string(), z.unknown()),
  }),
});

/** Special notes (medical, fears, allergies…) are for owners and admins; others see the alert, not the text. */
export function redactProfile(profile: Record<string, unknown>, canReadNotes: boolean): Record<string, unknown> {
  if (canReadNotes || !Array.isArray(profile.special_notes)) return profile;
  return {
    ...profile,
    special_notes: (profile.special_notes as { category: string }[]).map((n) => ({
      category: n.category,
      text: null,
      alert: true,
    })),
  };
}

export function customerContextRoutes(app: App, deps: Deps) {
  app.get(
    '/api/customer-context/:phone',
    {
      schema: {
        tags: ['customer bot'],
        summary: 'What the bot knows about a customer, by phone in any format (or WhatsApp user id)',
        params: z.object({ phone: z.string().min(3).max(80) }),
        response: { 200: ContextResponse, 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      const ws = await getWorkspace(deps.db, actor.workspaceId);
      const contact = contactKey(req.params.phone, ws.phoneRegion);
      // Not a phone number: then it must look like a provider's user id (a WhatsApp BSUID such as
      // IN.1648738043044942, a Messenger PSID), or it is a typo the caller should hear about.
      if (!normalizePhone(req.params.phone, ws.phoneRegion) && !/^([A-Z]{2}\.)?\d{6,30}$/.test(contact))
        throw badRequest('Not a phone number or a WhatsApp/Messenger user id', {
          phone: 'a phone number in any format, or a provider user id',
        });
      if (!seesAll(actor)) {
        const [lead] = await deps.db
          .select({ assigneeId: leads.assigneeId })
          .from(leads)
          .where(and(eq(leads.workspaceId, actor.workspaceId), eq(leads.phone, contact)));
        if (lead && lead.assigneeId !== actor.userId) throw forbidden('This customer is assigned to someone else');
      }
      const ctx = await getCustomerContext(deps.db, actor.workspaceId, contact);
      const known = !!ctx?.leadId;
      return {
        status: 'success' as const,
        data: {
          phone_number: contact,
          contact_id: ctx?.leadId ?? null,
          name: ctx?.name ?? null,
          email: ctx?.email ?? null,
          company: ctx?.company ?? null,
          position: ctx?.position ?? null,
          lead_status: ctx?.status ?? null,
          lead_score: ctx?.score ?? null,
          source: ctx?.source ?? null,
          notes: ctx?.notes ?? null,
          is_new_customer: !known,
          deals: ctx?.deals ?? [],
          pending_tasks: (ctx?.tasks ?? []).map(({ title, description, due_date, priority }) => ({
            title,
            description,
            due_date,
            priority,
          })),
          context_summary: contextSummary(ctx),
          profile: redactProfile(profileOf(ctx?.facts ?? []), isAdmin(actor)),
        },
      };
    },
  );
}
