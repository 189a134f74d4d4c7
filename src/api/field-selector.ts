/**
 * Field selectors are checked here, before the store sees them: each kind supports only the keys
 * its `ResourceDef` declares (plus `metadata.name` and `metadata.namespace`), and any other key is
 * 400 as kube-apiserver answers it.
 */
import { errors } from "../lib/errors.js";
import type { ResourceDef } from "../resources/types.js";

const ALWAYS = ["metadata.name", "metadata.namespace"];

/**
 * The keys of a field selector (`a=b,c!=d,e==f`), honouring `\`-escapes in values. A term
 * without an operator is 400, as in apimachinery's `fields.ParseSelector`.
 */
export function fieldSelectorKeys(selector: string): string[] {
  const keys: string[] = [];
  for (const term of splitTerms(selector)) {
    if (term.trim() === "") continue;
    const m = /^([^=!]*?)\s*(==|!=|=)/.exec(term);
    if (!m) throw errors.badRequest(`invalid field selector: "${selector}": invalid selector: '${term}'; can't understand '${term}'`);
    keys.push(m[1].trim());
  }
  return keys;
}

function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let cur = "";
  for (let i = 0; i < selector.length; i++) {
    const ch = selector[i];
    if (ch === "\\" && i + 1 < selector.length) {
      cur += ch + selector[++i];
    } else if (ch === ",") {
      terms.push(cur);
      cur = "";
    } else {
      cur += ch;
    }
  }
  terms.push(cur);
  return terms;
}

/** Throw 400 if the selector names a field the kind cannot be selected by. */
export function checkFieldSelector(def: ResourceDef, selector: string | undefined, labelSelector: string | undefined): void {
  if (!selector) return;
  const allowed = new Set([...ALWAYS, ...(def.fieldSelectors ?? [])]);
  for (const key of fieldSelectorKeys(selector)) {
    if (!allowed.has(key)) {
      const gvr = `${def.group ? `${def.group}/` : "/"}${def.version}, Resource=${def.plural}`;
      throw errors.badRequest(
        `Unable to find "${gvr}" that match label selector "${labelSelector ?? ""}", field selector "${selector}": field label not supported: ${key}`,
      );
    }
  }
}
