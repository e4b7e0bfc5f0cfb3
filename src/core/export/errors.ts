/** A model that cannot be exported as asked, or a bad output path: the CLI and panels show it as one line (exit 2). */
export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError'; // the user can fix it (or choose another format): not an internal error
  }
}
