/**
 * `compute` (a pure function of a string) remembering its answers: contact files repeat their
 * values — a handful of mail providers hold most addresses — and some checks cost a microsecond.
 * Forgets everything at `kept` answers, so memory stays bounded whatever the file.
 */
export function memoize<T>(compute: (key: string) => T, kept = 4096): (key: string) => T {
  const answers = new Map<string, T>();
  return (key) => {
    const known = answers.get(key);
    if (known !== undefined || answers.has(key)) return known as T;
    const answer = compute(key);
    if (answers.size >= kept) answers.clear();
    answers.set(key, answer);
    return answer;
  };
}
