/**
 * npm run kernelspec: write the project-local tslab kernelspec (.jupyter/kernels/tslab) and say
 * how to point Jupyter at it, for working on the notebooks interactively.
 */
import { repoRoot } from '../lib/results/paths';
import { jupyterDir, writeKernelspec } from './jupyter';

const root = repoRoot();
console.log(`kernelspec written: ${writeKernelspec(root)}`);
console.log('Open the notebooks with it (no global install):');
console.log(`  export JUPYTER_PATH=${jupyterDir(root)}`);
console.log('  jupyter notebook notebooks/      # or: jupyter lab notebooks/');
console.log('Notebooks import the compiled library (../dist/lib): run `npm run build` after changing lib/.');
