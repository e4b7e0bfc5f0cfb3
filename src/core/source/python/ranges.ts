/**
 * Offsets in the source text (what the lezer parser reports) to the 1-based line and
 * column positions of the model spec. Columns count UTF-16 code units, like editors'
 * and the parser's offsets do, so no conversion is needed for non-ASCII text.
 */
import type { SourcePosition, SourceRange } from '../../model/spec';

export class LineIndex {
  /** Offset of the first character of each line. */
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      // '\r\n' counts as one line break; a lone '\r' is one too (old Mac files).
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
    }
  }

  position(offset: number): SourcePosition {
    // Binary search for the last line starting at or before the offset.
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }

  /** `to` is the offset just after the last character, so `end` is exclusive. */
  range(from: number, to: number): SourceRange {
    return { start: this.position(from), end: this.position(to) };
  }
}
