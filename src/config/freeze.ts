/**
 * Deep-freezing of the configuration model (pure), apart from the loader so that a child
 * process, which receives the validated model from its parent, freezes it without loading the
 * parser.
 */

/** Deep-freezes a JSON-shaped value (iteratively: no recursion limit). */
export function deepFreeze<T>(value: T): T {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || Object.isFrozen(v)) continue;
    Object.freeze(v);
    for (const k of Object.keys(v)) stack.push((v as Record<string, unknown>)[k]);
  }
  return value;
}
