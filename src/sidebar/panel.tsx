/** The Experiments panel: a Lumino widget in the left area holding the React browser. */
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import React from 'react';
import { beakerIcon } from '../icons';
import { LocationModel, SelectionModel } from '../model';
import type { IExperimentsPanel, ISmxLabClient } from '../tokens';
import { Browser } from './Browser';

export const PANEL_ID = 'smx-lab-experiments';

export interface IExperimentsPanelOptions {
  client: ISmxLabClient;
  openComponent: (name: string) => void;
  pageSize?: number;
  translator?: ITranslator;
}

export class ExperimentsPanel extends ReactWidget implements IExperimentsPanel {
  /** Where the panel is: Home, an experiment, a trial or the unassigned components. */
  readonly location: LocationModel;
  /** The rows selected in the current listing. */
  readonly selection = new SelectionModel();
  private _translator: ITranslator;
  // Refreshes asked for by command; the browser loads again on every change of the count.
  private _refreshes = 0;
  private _pageSize: number;
  private _maxPageSize: number;
  // Nothing is asked of the store before the panel is first opened (an AWS call costs money).
  private _opened = false;

  constructor(private readonly options: IExperimentsPanelOptions) {
    super();
    this._translator = options.translator ?? nullTranslator;
    const trans = this._translator.load('smx_lab');
    this.location = new LocationModel({ translator: this._translator });
    this.id = PANEL_ID;
    this.addClass('smx-ExperimentsPanel');
    this.title.icon = beakerIcon;
    this.title.caption = trans.__('Experiments');
    this._pageSize = options.pageSize ?? 100;
    this._maxPageSize = this._pageSize;
  }

  get pageSize(): number {
    return this._pageSize;
  }

  set pageSize(value: number) {
    if (value !== this._pageSize) {
      this._pageSize = value;
      this.update();
    }
  }

  /** Loads the current level again from the store. */
  refresh(): void {
    this._refreshes++;
    this.update();
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    if (!this._opened) {
      this._opened = true;
      this.update();
      // The server's page cap lets a far scroll ask for many rows at once.
      this.options.client.info().then(
        info => {
          this._maxPageSize = info.page_size_cap;
          this.update();
        },
        () => undefined
      );
    }
  }

  protected render(): JSX.Element | null {
    if (!this._opened) {
      return null;
    }
    return (
      <Browser
        client={this.options.client}
        location={this.location}
        selection={this.selection}
        pageSize={Math.min(this._pageSize, this._maxPageSize)}
        maxPageSize={this._maxPageSize}
        refreshes={this._refreshes}
        onOpenComponent={this.options.openComponent}
        translator={this._translator}
      />
    );
  }
}
