// A fake OpenAI-compatible server on 127.0.0.1: POST /v1/chat/completions, answering in OpenAI's
// real Chat Completions format. It records every request and answers the way the request asks:
//   response_format json_schema / json_object → the JSON object as `message.content`
//   tools (+ tool_choice)                     → `message.tool_calls` with the JSON as arguments
//   otherwise                                 → `message.content` as text
// POST /v1/embeddings answers in OpenAI's embeddings format: by default a bag-of-words vector
// (1,024 dimensions), with `synonyms` mapping words onto one another so tests can
// make "bleaching" mean "whitening" — something the lexical legs cannot know.
// What it answers comes from `answer(request)` (tests set it); failNext() queues HTTP errors in
// OpenAI's error shape, hangNext() accepts a request and never answers (timeouts), invalidNext()
// answers with content that is not JSON, rawNext() with any content.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ChatRequest = {
  model: string;
  messages: { role: string; content: unknown }[];
  response_format?:
    | { type: 'json_schema'; json_schema: { name?: string; schema: Record<string, unknown>; strict?: boolean } }
    | { type: 'json_object' }
    | { type: 'text' };
  tools?: { type: 'function'; function: { name: string; parameters?: unknown } }[];
  tool_choice?: 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };
  temperature?: number;
  stream?: boolean;
};

export type RecordedChat = { path: string; headers: Record<string, string | undefined>; body: ChatRequest };

export type FakeOpenAi = {
  /** Base URL to configure (`LLM_BASE_URL`), ending in /v1. */
  url: string;
  requests: RecordedChat[];
  /** What the "model" answers: an object (sent as JSON) or a string (sent as text). */
  answer: (req: ChatRequest, userText: string) => unknown;
  failNext(status: number, times?: number): void;
  hangNext(times?: number): void;
  invalidNext(times?: number): void;
  rawNext(content: string, times?: number): void;
  /** Words the embeddings treat as the same word. */
  synonyms: Record<string, string>;
  /** Texts embedded so far. */
  embedded: string[];
  close(): Promise<void>;
};

export const EMBEDDING_DIMENSIONS = 1024;

// Each word gets its own dimension in order of first sight (no hash collisions for the few
// hundred words a test uses), so similarity is exactly shared words.
const dimensionOf = new Map<string, number>();

/** The fake's embedding of a text: its words (after synonyms) as a bag, L2-normalised. */
export function fakeEmbedding(text: string, synonyms: Record<string, string> = {}): number[] {
  const v = new Array<number>(EMBEDDING_DIMENSIONS).fill(0);
  for (const raw of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const w = synonyms[raw] ?? raw;
    if (!dimensionOf.has(w)) dimensionOf.set(w, dimensionOf.size % EMBEDDING_DIMENSIONS);
    v[dimensionOf.get(w)!] += 1;
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

type Queued = { kind: 'fail'; status: number } | { kind: 'hang' } | { kind: 'raw'; content: string };

const id = (prefix: string, n = 12) => `${prefix}${randomBytes(n).toString('base64url')}`;

/** OpenAI's error bodies, by status. */
function errorBody(status: number) {
  if (status === 401)
    return {
      error: {
        message:
          'Incorrect API key provided: sk-***. You can find your API key at https://platform.openai.com/account/api-keys.',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      },
    };
  if (status === 429)
    return {
      error: {
        message:
          'Rate limit reached for gpt-4o-mini in organization org-test on requests per min (RPM): Limit 3, Used 3, Requested 1.',
        type: 'requests',
        param: null,
        code: 'rate_limit_exceeded',
      },
    };
  if (status === 400)
    return {
      error: {
        message: "Invalid schema for response_format 'command'.",
        type: 'invalid_request_error',
        param: 'response_format',
        code: null,
      },
    };
  return {
    error: {
      message: 'The server had an error while processing your request. Sorry about that!',
      type: 'server_error',
      param: null,
      code: null,
    },
  };
}

const lastUserText = (req: ChatRequest): string => {
  const m = [...(req.messages ?? [])].reverse().find((x) => x.role === 'user');
  if (!m) return '';
  if (typeof m.content === 'string') return m.content;
  if (Array.isArray(m.content))
    return m.content.map((p: { type?: string; text?: string }) => (p.type === 'text' ? (p.text ?? '') : '')).join('');
  return '';
};

function completion(req: ChatRequest, message: Record<string, unknown>, finish: string) {
  const prompt = JSON.stringify(req.messages ?? []).length;
  const completionTokens = JSON.stringify(message).length;
  return {
    id: id('chatcmpl-', 18),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: req.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', refusal: null, annotations: [], ...message },
        logprobs: null,
        finish_reason: finish,
      },
    ],
    usage: {
      prompt_tokens: Math.ceil(prompt / 4),
      completion_tokens: Math.ceil(completionTokens / 4),
      total_tokens: Math.ceil(prompt / 4) + Math.ceil(completionTokens / 4),
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
    service_tier: 'default',
    system_fingerprint: 'fp_fake0001',
  };
}

function respond(req: ChatRequest, value: unknown) {
  const json = typeof value === 'string' ? value : JSON.stringify(value);
  const wantsTool = req.tools?.length && req.tool_choice !== 'none';
  if (wantsTool && typeof value !== 'string') {
    const name = typeof req.tool_choice === 'object' ? req.tool_choice.function.name : req.tools![0].function.name;
    return completion(
      req,
      { content: null, tool_calls: [{ id: id('call_'), type: 'function', function: { name, arguments: json } }] },
      'tool_calls',
    );
  }
  return completion(req, { content: json }, 'stop');
}

export async function startFakeOpenAi(opts: { apiKey?: string } = {}): Promise<FakeOpenAi> {
  const requests: RecordedChat[] = [];
  const queue: Queued[] = [];
  const sockets = new Set<import('node:net').Socket>();

  const fake: FakeOpenAi = {
    url: '',
    requests,
    answer: () => ({}),
    failNext: (status, times = 1) =>
      queue.push(...Array.from({ length: times }, () => ({ kind: 'fail' as const, status }))),
    hangNext: (times = 1) => queue.push(...Array.from({ length: times }, () => ({ kind: 'hang' as const }))),
    invalidNext: (times = 1) =>
      queue.push(
        ...Array.from({ length: times }, () => ({
          kind: 'raw' as const,
          content: '{"intent": "add_activity", "company": "Orbit Tex',
        })),
      ),
    rawNext: (content, times = 1) =>
      queue.push(...Array.from({ length: times }, () => ({ kind: 'raw' as const, content }))),
    synonyms: {},
    embedded: [],
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const s of sockets) s.destroy();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, {
      'content-type': 'application/json',
      'openai-processing-ms': '42',
      'x-request-id': id('req_'),
    });
    res.end(JSON.stringify(body));
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      let body: ChatRequest;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest;
      } catch {
        return send(res, 400, {
          error: {
            message: 'We could not parse the JSON body of your request.',
            type: 'invalid_request_error',
            param: null,
            code: null,
          },
        });
      }
      requests.push({ path: url.pathname, headers, body });
      if (req.method === 'POST' && url.pathname === '/v1/embeddings') {
        if (opts.apiKey && headers.authorization !== `Bearer ${opts.apiKey}`) return send(res, 401, errorBody(401));
        const next = queue.shift();
        if (next?.kind === 'fail') return send(res, next.status, errorBody(next.status));
        const e = body as unknown as { model?: string; input?: string | string[] };
        const inputs = typeof e.input === 'string' ? [e.input] : Array.isArray(e.input) ? e.input : null;
        if (!e.model || !inputs?.length)
          return send(res, 400, {
            error: {
              message: "'input' is a required property",
              type: 'invalid_request_error',
              param: null,
              code: null,
            },
          });
        fake.embedded.push(...inputs);
        const tokens = inputs.reduce((n, t) => n + Math.ceil(t.length / 4), 0);
        return send(res, 200, {
          object: 'list',
          data: inputs.map((t, index) => ({ object: 'embedding', index, embedding: fakeEmbedding(t, fake.synonyms) })),
          model: e.model,
          usage: { prompt_tokens: tokens, total_tokens: tokens },
        });
      }
      if (req.method !== 'POST' || url.pathname !== '/v1/chat/completions')
        return send(res, 404, {
          error: {
            message: `Invalid URL (${req.method} ${url.pathname})`,
            type: 'invalid_request_error',
            param: null,
            code: null,
          },
        });
      if (opts.apiKey && headers.authorization !== `Bearer ${opts.apiKey}`) return send(res, 401, errorBody(401));
      if (!body.model || !Array.isArray(body.messages) || !body.messages.length)
        return send(res, 400, {
          error: {
            message: "Missing required parameter: 'messages'.",
            type: 'invalid_request_error',
            param: 'messages',
            code: 'missing_required_parameter',
          },
        });
      if (body.stream)
        return send(res, 400, {
          error: { message: 'This fake does not stream.', type: 'invalid_request_error', param: 'stream', code: null },
        });
      const next = queue.shift();
      if (next?.kind === 'hang') return; // never answer; the client's timeout must fire
      if (next?.kind === 'fail') return send(res, next.status, errorBody(next.status));
      if (next?.kind === 'raw') return send(res, 200, completion(body, { content: next.content }, 'stop'));
      return send(res, 200, respond(body, fake.answer(body, lastUserText(body))));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return fake;
}
