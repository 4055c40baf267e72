import { act, waitFor } from '@testing-library/react';
import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import { ITranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';
import { ChartsWidget } from '../charts/widget';
import { CommandIDs } from '../commands';
import { PAGE_SIZE } from '../compare/pagedCache';
import { registerCompare } from '../compare/register';
import { ISelectedRow } from '../model';
import { ExperimentsPanel } from '../sidebar/panel';
import { TrialComponentList } from '../compare/widget';
import { bracketing, compareServer, RUNS } from './compareFixtures';

// jsdom has no canvas: vega measures text without one (it estimates), as it does in Node.
beforeAll(() => {
  jest
    .spyOn(HTMLCanvasElement.prototype, 'getContext')
    .mockImplementation(() => null);
});

/** The compare commands over a fake shell and a sidebar whose selection is `rows`. */
function setUp(rows: ISelectedRow[], translator?: ITranslator) {
  const server = compareServer(RUNS);
  const added: Widget[] = [];
  const app = {
    commands: new CommandRegistry(),
    shell: {
      add: (widget: Widget) => {
        added.push(widget);
        Widget.attach(widget, document.body);
      },
      activateById: jest.fn()
    }
  } as unknown as JupyterFrontEnd;
  const panel = {
    selection: { rows, size: rows.length }
  } as unknown as ExperimentsPanel;
  registerCompare({
    app,
    client: server.client,
    panel,
    copy: jest.fn(),
    chartPoints: () => 500,
    translator
  });
  return { server, app, added };
}

describe('the compare commands', () => {
  it('chart the selection with the chart types of one info request', async () => {
    const { server, app, added } = setUp([
      { kind: 'Trial', name: 'trial-a', experiment: 'mnist' },
      { kind: 'TrialComponent', name: 'c' }
    ]);
    await act(() => app.commands.execute(CommandIDs.addChart));
    await act(() => app.commands.execute(CommandIDs.addChart));
    const paths = server.requests.map(r => r.path);
    expect(paths.filter(path => path === 'info')).toHaveLength(1);
    expect(paths.filter(path => path === 'table')).toHaveLength(2);
    expect(server.requests[0].body).toEqual({
      selection: { trials: ['trial-a'], components: ['c'] },
      limit: PAGE_SIZE
    });
    const charts = added.filter(
      widget =>
        widget instanceof MainAreaWidget &&
        widget.content instanceof ChartsWidget
    );
    expect(charts).toHaveLength(2);
    await waitFor(() =>
      expect(
        server.requests.filter(r => r.path === 'chart').length
      ).toBeGreaterThan(0)
    );
    const chart = server.requests.find(r => r.path === 'chart');
    expect(chart?.body).toMatchObject({
      chart_type: 'scatter',
      data_type: 'summary',
      selection: { trials: ['trial-a'], components: ['c'] }
    });
    act(() => added.forEach(widget => widget.dispose()));
  });

  it('put their labels and their tabs through the translator', async () => {
    const { app, added } = setUp(
      [
        { kind: 'Trial', name: 'trial-a', experiment: 'mnist' },
        { kind: 'TrialComponent', name: 'c' }
      ],
      bracketing
    );
    const { commands } = app;
    expect(commands.label(CommandIDs.openInList)).toBe(
      '⟨Open in trial component list⟩'
    );
    expect(commands.label(CommandIDs.addChart)).toBe('⟨Add chart⟩');
    expect(commands.label(CommandIDs.copyName)).toBe('⟨Copy name⟩');
    await act(() => app.commands.execute(CommandIDs.addChart));
    const contents = added.map(widget => (widget as MainAreaWidget).content);
    const list = contents.find(
      content => content instanceof TrialComponentList
    ) as TrialComponentList;
    const charts = contents.find(
      content => content instanceof ChartsWidget
    ) as ChartsWidget;
    expect(list.title.label).toBe('⟨Compare: trial-a, c⟩');
    expect(charts.title.label).toBe('⟨Charts: trial-a, c⟩');
    expect(added.map(widget => widget.title.label)).toEqual([
      '⟨Compare: trial-a, c⟩',
      '⟨Charts: trial-a, c⟩'
    ]);
    // The list itself speaks the translator's language.
    expect(list.node.textContent).toContain('⟨2 trial components⟩');
    act(() => added.forEach(widget => widget.dispose()));
  });
});
