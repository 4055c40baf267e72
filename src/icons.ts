import { LabIcon } from '@jupyterlab/ui-components';
import beakerSvg from '../style/icons/beaker.svg';

export const beakerIcon = new LabIcon({
  name: 'smx-lab:beaker',
  svgstr: beakerSvg
});
