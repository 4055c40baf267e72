import { ISelectedRow, LocationModel, SelectionModel } from '../model';
import { bracketing } from './translator';

describe('LocationModel', () => {
  it('starts at Home with a single crumb', () => {
    const model = new LocationModel();
    expect(model.current).toEqual({ level: 'experiments' });
    expect(model.crumbs.map(c => c.label)).toEqual(['Home']);
  });

  it('drills down from an experiment to a trial and shows both in the breadcrumb', () => {
    const model = new LocationModel();
    model.drillDown('mnist');
    model.drillDown('cnn-3');
    expect(model.current).toEqual({
      level: 'components',
      experiment: 'mnist',
      trial: 'cnn-3'
    });
    expect(model.crumbs.map(c => c.label)).toEqual(['Home', 'mnist', 'cnn-3']);
  });

  it('does not drill below trial components', () => {
    const model = new LocationModel();
    model.current = { level: 'components', experiment: 'e', trial: 't' };
    expect(model.drillDown('tc')).toBe(false);
  });

  it('goes up one level at a time and stops at Home', () => {
    const model = new LocationModel();
    model.current = { level: 'components', experiment: 'e', trial: 't' };
    expect(model.up()).toBe(true);
    expect(model.current).toEqual({ level: 'trials', experiment: 'e' });
    expect(model.up()).toBe(true);
    expect(model.current).toEqual({ level: 'experiments' });
    expect(model.up()).toBe(false);
  });

  it('signals a change of location once, and not for the same location', () => {
    const model = new LocationModel();
    const seen: unknown[] = [];
    model.changed.connect((_, location) => seen.push(location));
    model.current = { level: 'trials', experiment: 'e' };
    model.current = { level: 'trials', experiment: 'e' };
    expect(seen).toEqual([{ level: 'trials', experiment: 'e' }]);
  });

  it('names the unassigned level in the breadcrumb', () => {
    const model = new LocationModel();
    model.current = { level: 'unassigned' };
    expect(model.crumbs.map(c => c.label)).toEqual([
      'Home',
      'Unassigned trial components'
    ]);
  });

  it("names Home and the unassigned level in the user's language", () => {
    const model = new LocationModel({ translator: bracketing });
    model.current = { level: 'unassigned' };
    expect(model.crumbs.map(c => c.label)).toEqual([
      '⟨Home⟩',
      '⟨Unassigned trial components⟩'
    ]);
  });

  it('gives each crumb the location it leads to', () => {
    const model = new LocationModel();
    model.current = { level: 'components', experiment: 'e', trial: 't' };
    expect(model.crumbs[1].location).toEqual({
      level: 'trials',
      experiment: 'e'
    });
  });
});

describe('SelectionModel', () => {
  const rows: ISelectedRow[] = ['a', 'b', 'c', 'd', 'e'].map(name => ({
    kind: 'Trial',
    name,
    experiment: 'x'
  }));
  const rowAt = (index: number) => rows[index];
  const names = (selection: SelectionModel) =>
    selection.rows.map(row => row.name).sort();

  it('selects one row on a plain click', () => {
    const selection = new SelectionModel();
    selection.click(1, rowAt);
    selection.click(3, rowAt);
    expect(names(selection)).toEqual(['d']);
    expect(selection.focus).toBe(3);
  });

  it('adds and removes rows with Ctrl/Cmd+click', () => {
    const selection = new SelectionModel();
    selection.click(0, rowAt);
    selection.click(2, rowAt, { toggle: true });
    selection.click(4, rowAt, { toggle: true });
    selection.click(2, rowAt, { toggle: true });
    expect(names(selection)).toEqual(['a', 'e']);
  });

  it('selects the range from the anchor with Shift+click', () => {
    const selection = new SelectionModel();
    selection.click(3, rowAt);
    selection.click(1, rowAt, { range: true });
    expect(names(selection)).toEqual(['b', 'c', 'd']);
  });

  it('keeps the selected row data for the compare features', () => {
    const selection = new SelectionModel();
    selection.click(2, rowAt);
    expect(selection.rows).toEqual([
      { kind: 'Trial', name: 'c', experiment: 'x' }
    ]);
  });

  it('moves the focus with the arrows and selects the focused row', () => {
    const selection = new SelectionModel();
    selection.move(1, rows.length, rowAt);
    expect(selection.focus).toBe(0);
    selection.move(1, rows.length, rowAt);
    selection.move(1, rows.length, rowAt);
    expect(selection.focus).toBe(2);
    expect(names(selection)).toEqual(['c']);
    selection.move(10, rows.length, rowAt);
    expect(selection.focus).toBe(4);
  });

  it('extends the selection with Shift+arrows', () => {
    const selection = new SelectionModel();
    selection.click(1, rowAt);
    selection.move(1, rows.length, rowAt, true);
    selection.move(1, rows.length, rowAt, true);
    expect(names(selection)).toEqual(['b', 'c', 'd']);
    selection.move(-1, rows.length, rowAt, true);
    expect(names(selection)).toEqual(['b', 'c']);
  });

  it('skips rows that are not loaded yet in a range', () => {
    const selection = new SelectionModel();
    const partial = (index: number) => (index === 2 ? undefined : rows[index]);
    selection.click(0, partial);
    selection.click(4, partial, { range: true });
    expect(names(selection)).toEqual(['a', 'b', 'd', 'e']);
  });

  it('is emptied by clear, with a change signal', () => {
    const selection = new SelectionModel();
    let changes = 0;
    selection.changed.connect(() => changes++);
    selection.click(0, rowAt);
    selection.clear();
    expect(selection.size).toBe(0);
    expect(selection.focus).toBe(-1);
    expect(changes).toBe(2);
  });
});
