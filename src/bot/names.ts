// How the bot calls a customer: the first name ("Meera Nair" → "Meera"), but a title keeps its
// surname ("Dr. Rao" → "Dr. Rao", never "Dr."), and sentences it writes start with a capital.
const TITLE = /^(dr|mr|mrs|ms|miss|mx|prof|sir|shri|smt|adv|er)\.?$/i;

export function callName(name: string | null | undefined): string | null {
  const words = name?.trim().split(/\s+/).filter(Boolean) ?? [];
  if (!words.length) return null;
  if (TITLE.test(words[0])) {
    if (words.length < 2) return null; // "Dr." alone is no name to greet
    const title = words[0].endsWith('.') || !/^(dr|mr|mrs|ms|mx|prof)$/i.test(words[0]) ? words[0] : `${words[0]}.`;
    return `${title.charAt(0).toUpperCase()}${title.slice(1)} ${words.at(-1)}`;
  }
  return words[0];
}

/** The first letter of a text upper-cased (Latin scripts; Devanagari has no case). */
export const capitalize = (text: string) =>
  text.replace(/^(\s*["'(]?)(\p{Ll})/u, (_, pre, c: string) => pre + c.toUpperCase());

/** A reply without its opening "Hi Meera! " / "Namaste Meera ji! " / "नमस्ते! " (the welcome greets already). */
export const withoutGreeting = (text: string) =>
  capitalize(text.replace(/^(?:Hi|Hello|Namaste|नमस्ते)(?: [^!.?\n]{1,40})?! /u, ''));
