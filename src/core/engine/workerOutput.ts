/**
 * A worker thread's stdout or stderr, read line by line. Always read (a stream nobody reads
 * fills up and stalls the worker) and never copied onto the host's own stdout, which a CLI
 * may be writing JSON to; each non-empty line goes to `onLine` when there is one.
 */
export function forwardLines(stream: NodeJS.ReadableStream, onLine?: (line: string) => void): void {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') onLine?.(line);
  });
}
