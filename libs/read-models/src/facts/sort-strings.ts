/**
 * Sorts `list` in place as `list.sort()` does (by UTF-16 code units) and answers it. Lists of a few
 * ids, sorted for every event (events_v1.actors, statements_v1.parties), go by insertion: V8's sort
 * copies even two elements into a work array first, a new object for every call.
 */
export function sortStrings(list: string[]): string[] {
  if (list.length > SMALL) return list.sort();
  for (let i = 1; i < list.length; i++) {
    const x = list[i];
    let j = i - 1;
    while (j >= 0 && list[j] > x) {
      list[j + 1] = list[j];
      j--;
    }
    list[j + 1] = x;
  }
  return list;
}

const SMALL = 16;
