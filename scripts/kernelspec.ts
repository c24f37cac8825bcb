/**
 * npm run kernelspec: write the project-local tslab kernelspec (.jupyter/kernels/tslab) and say
 * how to point Jupyter at it, for working on the notebooks interactively.
 */
import { repoRoot } from '../lib/results/paths';
import { runCommand } from './cli';
import { jupyterDir, writeKernelspec } from './jupyter';

const USAGE = `usage: kernelspec     (npm run kernelspec)
Writes the project's tslab kernelspec into .jupyter/kernels/tslab and prints how to open the
notebooks with it in JupyterLab or Jupyter Notebook (JUPYTER_PATH). No options.`;

runCommand({ name: 'kernelspec', usage: USAGE, options: {} }, () => {
  const root = repoRoot();
  console.log(`kernelspec written: ${writeKernelspec(root)}`);
  console.log('Open the notebooks with it (no global install):');
  console.log(`  export JUPYTER_PATH=${jupyterDir(root)}`);
  console.log('  jupyter notebook notebooks/      # or: jupyter lab notebooks/');
  console.log('Notebooks import the compiled library (../dist/lib): run `npm run build` after changing lib/.');
});
