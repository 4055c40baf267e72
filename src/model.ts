/**
 * Browser state of the Experiments panel, split by concern: where the panel is (its location and
 * the breadcrumb to it) and which rows are selected (the selection feeds the compare features).
 * Each part has its own small, typed signal. Other extensions see them through IExperimentsPanel
 * (src/tokens.ts) as ILocationModel and ISelectionModel.
 */
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';

/**
 * Where the Experiments panel is in the experiment tree: Home (the experiments), an experiment's
 * trials, a trial's components, or the components of no trial.
 */
export type PanelLocation =
  | { level: 'experiments' }
  | { level: 'trials'; experiment: string }
  | { level: 'components'; experiment: string; trial: string }
  | { level: 'unassigned' };

export type Level = PanelLocation['level'];

/** What a row of a level stands for: the resource kinds of SageMaker. */
export type RowKind = 'Experiment' | 'Trial' | 'TrialComponent';

export const ROW_KIND: Record<Level, RowKind> = {
  experiments: 'Experiment',
  trials: 'Trial',
  components: 'TrialComponent',
  unassigned: 'TrialComponent'
};

export interface ICrumb {
  label: string;
  location: PanelLocation;
}

export const HOME: PanelLocation = { level: 'experiments' };

export function sameLocation(a: PanelLocation, b: PanelLocation): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Where the panel is, and the moves of the breadcrumb and the table (what other extensions see). */
export interface ILocationModel {
  /** The current location; setting it moves the panel there. */
  current: PanelLocation;
  /** Emits the new location, once per actual change. */
  readonly changed: ISignal<ILocationModel, PanelLocation>;
  /** The breadcrumb of the current location: Home › experiment › trial. */
  readonly crumbs: ICrumb[];
  home(): void;
  /** One level down from the current one, into the named row; false below trials. */
  drillDown(name: string): boolean;
  /** One level up; false at Home. */
  up(): boolean;
}

/** Where the user is in Home › experiment › trial. */
export class LocationModel implements ILocationModel {
  private _current: PanelLocation = HOME;
  private _changed = new Signal<this, PanelLocation>(this);
  private _translator: ITranslator;

  constructor(options: { translator?: ITranslator } = {}) {
    this._translator = options.translator ?? nullTranslator;
  }

  get current(): PanelLocation {
    return this._current;
  }

  set current(location: PanelLocation) {
    if (sameLocation(location, this._current)) {
      return;
    }
    this._current = location;
    this._changed.emit(location);
  }

  get changed(): ISignal<this, PanelLocation> {
    return this._changed;
  }

  home(): void {
    this.current = HOME;
  }

  drillDown(name: string): boolean {
    const here = this._current;
    if (here.level === 'experiments') {
      this.current = { level: 'trials', experiment: name };
      return true;
    }
    if (here.level === 'trials') {
      this.current = {
        level: 'components',
        experiment: here.experiment,
        trial: name
      };
      return true;
    }
    return false;
  }

  up(): boolean {
    const here = this._current;
    switch (here.level) {
      case 'experiments':
        return false;
      case 'trials':
      case 'unassigned':
        this.current = HOME;
        return true;
      case 'components':
        this.current = { level: 'trials', experiment: here.experiment };
        return true;
    }
  }

  get crumbs(): ICrumb[] {
    const trans = this._translator.load('smx_lab');
    const here = this._current;
    const crumbs: ICrumb[] = [{ label: trans.__('Home'), location: HOME }];
    if (here.level === 'unassigned') {
      crumbs.push({
        label: trans.__('Unassigned trial components'),
        location: here
      });
    }
    if (here.level === 'trials' || here.level === 'components') {
      crumbs.push({
        label: here.experiment,
        location: { level: 'trials', experiment: here.experiment }
      });
    }
    if (here.level === 'components') {
      crumbs.push({ label: here.trial, location: here });
    }
    return crumbs;
  }
}

/** A selected row: enough for the compare features to act on it without the table. */
export interface ISelectedRow {
  kind: RowKind;
  name: string;
  /** The experiment a trial belongs to (trials only). */
  experiment?: string;
}

export interface IClickModifiers {
  /** Ctrl (Cmd on macOS): add or remove one row. */
  toggle?: boolean;
  /** Shift: select the range from the anchor. */
  range?: boolean;
}

/** Gives the row at an index of the current listing, or undefined while it is not loaded. */
export type RowAt = (index: number) => ISelectedRow | undefined;

/** The rows selected in the panel (what other extensions see). */
export interface ISelectionModel {
  /** The selected rows, in the order they were selected. */
  readonly rows: ISelectedRow[];
  readonly size: number;
  /** Emits whenever the selection or the focused row changes. */
  readonly changed: ISignal<ISelectionModel, void>;
  isSelected(name: string): boolean;
}

/**
 * The rows selected in the current listing, with a focused row (the keyboard cursor) and an
 * anchor (where a Shift-range starts), as in a file browser.
 */
export class SelectionModel implements ISelectionModel {
  private _selected = new Map<string, ISelectedRow>();
  private _focus = -1;
  private _anchor = -1;
  private _changed = new Signal<this, void>(this);

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Index of the focused row, -1 when none. */
  get focus(): number {
    return this._focus;
  }

  get rows(): ISelectedRow[] {
    return [...this._selected.values()];
  }

  get size(): number {
    return this._selected.size;
  }

  isSelected(name: string): boolean {
    return this._selected.has(name);
  }

  /** A click on the row at `index`: plain selects it alone, Ctrl toggles it, Shift extends. */
  click(index: number, rowAt: RowAt, modifiers: IClickModifiers = {}): void {
    const row = rowAt(index);
    if (!row) {
      return;
    }
    if (modifiers.range && this._anchor >= 0) {
      this.selectRange(this._anchor, index, rowAt, !!modifiers.toggle);
    } else if (modifiers.toggle) {
      if (this._selected.has(row.name)) {
        this._selected.delete(row.name);
      } else {
        this._selected.set(row.name, row);
      }
      this._anchor = index;
    } else {
      this._selected.clear();
      this._selected.set(row.name, row);
      this._anchor = index;
    }
    this._focus = index;
    this._changed.emit();
  }

  /**
   * Moves the focus by `delta` rows within `count` rows; with `extend` (Shift+arrow) the range from
   * the anchor is selected, otherwise the focused row alone.
   */
  move(delta: number, count: number, rowAt: RowAt, extend = false): void {
    if (count <= 0) {
      return;
    }
    const start = this._focus < 0 ? (delta > 0 ? -1 : count) : this._focus;
    const target = Math.max(0, Math.min(count - 1, start + delta));
    if (extend) {
      if (this._anchor < 0) {
        this._anchor = this._focus < 0 ? target : this._focus;
      }
      this.selectRange(this._anchor, target, rowAt, false);
      this._focus = target;
      this._changed.emit();
    } else if (rowAt(target)) {
      this.click(target, rowAt);
    } else {
      // A row whose page is still loading takes the focus now and is selected once it loads.
      this._selected.clear();
      this._focus = target;
      this._anchor = target;
      this._changed.emit();
    }
  }

  /** Forgets everything: a new listing has new rows. */
  clear(): void {
    if (this._selected.size === 0 && this._focus < 0 && this._anchor < 0) {
      return;
    }
    this._selected.clear();
    this._focus = -1;
    this._anchor = -1;
    this._changed.emit();
  }

  private selectRange(
    from: number,
    to: number,
    rowAt: RowAt,
    keep: boolean
  ): void {
    if (!keep) {
      this._selected.clear();
    }
    const [low, high] = from <= to ? [from, to] : [to, from];
    for (let index = low; index <= high; index++) {
      const row = rowAt(index);
      // Rows of pages not loaded yet cannot be named; a range over them keeps the loaded ones.
      if (row) {
        this._selected.set(row.name, row);
      }
    }
  }
}
