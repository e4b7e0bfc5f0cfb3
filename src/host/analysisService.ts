/**
 * One analysis per open document, recomputed when the text changes. Every editor feature
 * (CodeLens, inline hints, hovers, diagnostics, panels, side view) reads from here, so a
 * keystroke is parsed once however many features show its result.
 */
import * as vscode from 'vscode';
import { analyzeSource, languageForId, type FileAnalysis } from '../core/analysis';
import type { ModelSpec } from '../core/model/spec';
import type { ModelSummary } from '../core/shapes/types';
import { Disposables } from './disposables';

export interface DocumentAnalysis {
  uri: vscode.Uri;
  version: number;
  analysis: FileAnalysis;
}

/** Delay after the last keystroke before listeners hear of a new analysis (VS Code's own UI debounces too). */
const CHANGE_DEBOUNCE_MS = 60;

export class AnalysisService extends Disposables {
  private readonly cache = new Map<string, DocumentAnalysis>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly changed = this.register(new vscode.EventEmitter<vscode.Uri>());
  /** Fires, debounced, when a document's analysis has changed. */
  readonly onDidChange = this.changed.event;

  constructor() {
    super();
    this.register(vscode.workspace.onDidChangeTextDocument((e) => {
      if (!languageForId(e.document.languageId) || e.contentChanges.length === 0) return;
      this.schedule(e.document);
    }));
    this.register(vscode.workspace.onDidCloseTextDocument((d) => {
      this.cache.delete(d.uri.toString());
      this.cancel(d.uri.toString());
    }));
    this.register({ dispose: () => { for (const t of this.timers.values()) clearTimeout(t); this.timers.clear(); } });
  }

  /** The document's analysis, computed now if the cached one is stale; undefined for other languages. */
  get(document: vscode.TextDocument): DocumentAnalysis | undefined {
    const language = languageForId(document.languageId);
    if (!language) return undefined;
    const key = document.uri.toString();
    const cached = this.cache.get(key);
    if (cached?.version === document.version) return cached;
    const result: DocumentAnalysis = {
      uri: document.uri, version: document.version,
      analysis: analyzeSource(document.getText(), language, document.fileName),
    };
    this.cache.set(key, result);
    return result;
  }

  /** The model whose definition is nearest above (or around) a line: what "the model under the cursor" means. */
  modelAt(document: vscode.TextDocument, line: number): { model: ModelSummary; spec: ModelSpec } | undefined {
    const a = this.get(document)?.analysis;
    if (!a || a.models.length === 0) return undefined;
    const oneBased = line + 1;
    const spans = a.models.map((m, i) => {
      const lines = [m.range.start.line, m.range.end.line, ...m.layers.flatMap((l) => [l.range.start.line, l.range.end.line])];
      return { i, from: Math.min(...lines), to: Math.max(...lines) };
    });
    const inside = spans.filter((s) => s.from <= oneBased && oneBased <= s.to).sort((x, y) => (x.to - x.from) - (y.to - y.from))[0];
    const above = spans.filter((s) => s.from <= oneBased).sort((x, y) => y.from - x.from)[0];
    const pick = inside ?? above ?? spans[0];
    return { model: a.models[pick.i], spec: a.specs[pick.i] };
  }

  private schedule(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    this.cancel(key);
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      this.get(document);
      this.changed.fire(document.uri);
    }, CHANGE_DEBOUNCE_MS));
  }

  private cancel(key: string): void {
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
  }
}
