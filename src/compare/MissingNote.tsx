/**
 * The note of a list or chart tab whose saved selection names what the store no longer has (an
 * experiment deleted, another store configured): what was left out, and that the rest is shown.
 */
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import React from 'react';
import { ISelectedRow } from '../model';

/** "experiment ‘a’", "trial ‘b’", "trial component ‘c’", in the user's language. */
export function rowText(row: ISelectedRow, trans: TranslationBundle): string {
  switch (row.kind) {
    case 'Experiment':
      return trans.__('experiment ‘%1’', row.name);
    case 'Trial':
      return trans.__('trial ‘%1’', row.name);
    case 'TrialComponent':
      return trans.__('trial component ‘%1’', row.name);
  }
}

export function MissingNote(props: {
  missing: readonly ISelectedRow[];
  /** Nothing of the selection is left. */
  gone: boolean;
  translator?: ITranslator;
}): JSX.Element {
  const trans = (props.translator ?? nullTranslator).load('smx_lab');
  const names = props.missing.map(row => rowText(row, trans)).join(', ');
  return (
    <div className="smx-MissingNote" role="status">
      {props.gone
        ? trans.__(
            'Nothing of this list is in the store any more (%1): it may have been deleted, or another store is configured.',
            names
          )
        : trans.__(
            'Not in the store any more, left out: %1. The list shows the rest.',
            names
          )}
    </div>
  );
}
