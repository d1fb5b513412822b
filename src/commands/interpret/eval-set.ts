// Scoring the interpreter on a JSONL set {"id","lang","text","expected"}: used by the accuracy
// test and by bench/eval-commands.ts, so both count the same way. A line is "all fields right"
// when the intent and every field match exactly and no extra field is present.
import { readFileSync } from 'node:fs';
import type { Command } from '../command.ts';

export type EvalLine = { id: string; lang: string; text: string; expected: Record<string, string> };
export type EvalMiss = { line: EvalLine; got: Command; wrongFields: string[] };
export type EvalScore = { lines: number; intentRight: number; allRight: number; misses: EvalMiss[] };

export function readEvalSet(path: string | URL): EvalLine[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as EvalLine);
}

export function scoreSet(
  lines: EvalLine[],
  interpret: (text: string) => Command,
): EvalScore & { byLang: Record<string, EvalScore> } {
  const total: EvalScore = { lines: 0, intentRight: 0, allRight: 0, misses: [] };
  const byLang: Record<string, EvalScore> = {};
  for (const line of lines) {
    const got = interpret(line.text) as Record<string, unknown> & Command;
    const keys = new Set([...Object.keys(line.expected), ...Object.keys(got)]);
    const wrongFields = [...keys].filter((k) => (line.expected[k] ?? null) !== (got[k] ?? null));
    const lang = (byLang[line.lang] ??= { lines: 0, intentRight: 0, allRight: 0, misses: [] });
    for (const s of [total, lang]) {
      s.lines++;
      if (got.intent === line.expected.intent) s.intentRight++;
      if (!wrongFields.length) s.allRight++;
      else s.misses.push({ line, got, wrongFields });
    }
  }
  return { ...total, byLang };
}
