/**
 * The set of `type` values a wire union's known members use, checked at compile time to list
 * every one of them: `kindSet<Known["type"]>()([...])` fails to compile when a kind is added to
 * the union but not to the list. Used by the type guards that narrow a known member out of a
 * union that also admits unknown kinds (`isKnownInputItem`, `isKnownMessagesBlock`, …).
 */
export function kindSet<U extends string>() {
  return <const L extends readonly U[]>(list: L & ([Exclude<U, L[number]>] extends [never] ? unknown : { missingKinds: Exclude<U, L[number]> })): ReadonlySet<string> =>
    new Set<string>(list);
}
