import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { Widget } from '@lumino/widgets';
import { LabIcon } from '@jupyterlab/ui-components';
import beakerSvg from '../style/icons/beaker.svg';

export const beakerIcon = new LabIcon({ name: 'smx-lab:beaker', svgstr: beakerSvg });

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'smx-lab:plugin',
  description: 'The Experiments panel: browse and compare machine-learning experiments.',
  autoStart: true,
  optional: [ILayoutRestorer],
  activate: (app: JupyterFrontEnd, restorer: ILayoutRestorer | null) => {
    const panel = new Widget();
    panel.id = 'smx-lab-experiments';
    panel.title.icon = beakerIcon;
    panel.title.caption = 'Experiments';
    panel.node.textContent = 'Experiments';
    app.shell.add(panel, 'left', { rank: 600 });
    restorer?.add(panel, panel.id);
  }
};

export default plugin;
