/** The Experiments panel: a Lumino widget in the left area holding the React browser. */
import { ReactWidget } from '@jupyterlab/ui-components';
import { Signal } from '@lumino/signaling';
import React from 'react';
import { SmxLabClient } from '../api';
import { LocationModel, SelectionModel } from '../model';
import { beakerIcon } from '../icons';
import { Browser } from './Browser';

export const PANEL_ID = 'smx-lab-experiments';

export interface IExperimentsPanelOptions {
  client: SmxLabClient;
  openComponent: (name: string) => void;
  pageSize?: number;
}

export class ExperimentsPanel extends ReactWidget {
  readonly location = new LocationModel();
  readonly selection = new SelectionModel();
  private _refreshRequested = new Signal<this, void>(this);
  private _pageSize: number;
  private _maxPageSize: number;

  constructor(private readonly options: IExperimentsPanelOptions) {
    super();
    this.id = PANEL_ID;
    this.addClass('smx-ExperimentsPanel');
    this.title.icon = beakerIcon;
    this.title.caption = 'Experiments';
    this._pageSize = options.pageSize ?? 100;
    this._maxPageSize = this._pageSize;
    // The server's page cap lets a far scroll ask for many rows at once.
    options.client.info().then(
      info => {
        this._maxPageSize = info.page_size_cap;
        this.update();
      },
      () => undefined
    );
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
    this._refreshRequested.emit();
  }

  protected render(): JSX.Element {
    return (
      <Browser
        client={this.options.client}
        location={this.location}
        selection={this.selection}
        pageSize={Math.min(this._pageSize, this._maxPageSize)}
        maxPageSize={this._maxPageSize}
        refreshRequested={this._refreshRequested}
        onOpenComponent={this.options.openComponent}
      />
    );
  }
}
