/**
 * The Kubernetes route (cluster/k8s/, docs/scale-out.md): every object validates against the
 * Kubernetes API's schemas (npm `kubernetes-models`, generated from the API's OpenAPI: types,
 * enums, required fields); the GPU overlay is rendered as kustomize renders it (its RFC 6902
 * patch applied with npm `rfc6902`; compared with `kubectl kustomize` where kubectl is
 * installed) and validates too; and the fields the sweep relies on hold: an Indexed Job whose
 * shard is JOB_COMPLETION_INDEX and whose SHARDS equals completions, the results volume mounted
 * where --results-dir and ZGR_CACHE_E3_VAE_TRAINING point. No cluster and no network are needed.
 * (kubernetes-models, like kubectl's client-side validation, does not reject unknown field
 * names; the checks below pin every field the sweep depends on by its path.)
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyPatch, type Operation } from 'rfc6902';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../../lib/results/paths';

const K8S = path.join(repoRoot(), 'cluster', 'k8s');

type Manifest = { apiVersion: string; kind: string; metadata: { name: string }; [field: string]: unknown };
type Container = {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
  volumeMounts?: { name: string; mountPath: string; subPath?: string }[];
};
type PodSpec = {
  restartPolicy?: string;
  containers: Container[];
  volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[];
  tolerations?: unknown[];
};
type JobManifest = Manifest & {
  spec: { completionMode?: string; completions?: number; parallelism?: number; template: { spec: PodSpec } };
};
type Kustomization = {
  resources?: string[];
  patches?: { path: string; target: { group?: string; version?: string; kind: string; name: string } }[];
};

/** Every YAML document of a file. */
function readYaml(file: string): unknown[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8')).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    return doc.toJS();
  });
}

/** Validate one object against the API schema of its apiVersion and kind; throws the validator's message. */
function validate(object: Manifest, where: string): void {
  // "batch/v1" → kubernetes-models/batch/v1/Job; core "v1" → kubernetes-models/v1/PersistentVolumeClaim
  const module = ['kubernetes-models', ...object.apiVersion.split('/'), object.kind].join('/');
  let Model: new (data: unknown) => { validate(): void };
  try {
    Model = (require(module) as Record<string, typeof Model>)[object.kind];
  } catch (err) {
    assert.fail(`${where}: no schema for ${object.apiVersion} ${object.kind} (${module}: ${(err as Error).message})`);
  }
  try {
    new Model(object).validate();
  } catch (err) {
    throw new Error(`${where}: ${object.kind} ${object.metadata?.name}: ${(err as Error).message}`);
  }
}

/** What `kustomize build DIR` gives for our kustomizations: resources (recursively) with their patches applied. */
function render(dir: string): Manifest[] {
  const k = readYaml(path.join(dir, 'kustomization.yaml'))[0] as Kustomization;
  const objects: Manifest[] = [];
  for (const r of k.resources ?? []) {
    const p = path.join(dir, r);
    objects.push(...(fs.statSync(p).isDirectory() ? render(p) : (readYaml(p) as Manifest[])));
  }
  for (const patch of k.patches ?? []) {
    const ops = readYaml(path.join(dir, patch.path))[0] as Operation[];
    const { group = '', version, kind, name } = patch.target;
    const targets = objects.filter(
      (o) =>
        o.kind === kind &&
        o.metadata.name === name &&
        (version == null || o.apiVersion === (group ? `${group}/${version}` : version)),
    );
    assert.equal(
      targets.length,
      1,
      `${dir}: patch ${patch.path} must match one object (${kind} ${name}), matched ${targets.length}`,
    );
    const errors = applyPatch(targets[0], ops).filter((e) => e != null);
    assert.deepEqual(errors, [], `${dir}: patch ${patch.path} does not apply`);
  }
  return objects;
}

const job = (objects: Manifest[], name: string) => {
  const j = objects.find((o) => o.kind === 'Job' && o.metadata.name === name) as JobManifest | undefined;
  assert.ok(j, `no Job ${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return j;
};
const envOf = (c: Container, name: string) => c.env?.find((e) => e.name === name);

describe("Kubernetes manifests (cluster/k8s): schemas, overlay, the sweep's contract", () => {
  let base: Manifest[];
  let gpu: Manifest[];
  let figures: JobManifest;
  before(() => {
    base = render(path.join(K8S, 'base'));
    gpu = render(path.join(K8S, 'gpu'));
    figures = readYaml(path.join(K8S, 'figures-job.yaml'))[0] as JobManifest;
  });

  it(
    'every object of the base, the GPU overlay and the figures Job validates against the ' + 'Kubernetes API schemas',
    () => {
      assert.deepEqual(base.map((o) => `${o.kind}/${o.metadata.name}`).sort(), [
        'Job/zgr-sweep',
        'PersistentVolumeClaim/zgr-results',
      ]);
      for (const [where, objects] of [
        ['base', base],
        ['gpu', gpu],
        ['figures-job.yaml', [figures]],
      ] as const) {
        for (const o of objects) validate(o, where);
      }
    },
  );

  it(
    'the validator rejects a wrong enum, a wrong type and a missing required field (so the ' + 'check above can fail)',
    () => {
      const broken: [string, (j: JobManifest) => void, RegExp][] = [
        [
          'completionMode "Indexd"',
          (j) => (j.spec.completionMode = 'Indexd'),
          /completionMode must be equal to one of the allowed values/,
        ],
        [
          'completions "16" as a string',
          (j) => ((j.spec as Record<string, unknown>).completions = '16'),
          /completions must be integer/,
        ],
        [
          'no containers',
          (j) => delete (j.spec.template.spec as Partial<PodSpec>).containers,
          /must have required property 'containers'|required property containers/,
        ],
      ];
      for (const [what, breakIt, message] of broken) {
        const j = structuredClone(job(base, 'zgr-sweep'));
        breakIt(j);
        assert.throws(() => validate(j, what), message, what);
      }
    },
  );

  it(
    'the sweep is an Indexed Job: pod I of N runs --shard $JOB_COMPLETION_INDEX/$SHARDS with ' +
      'SHARDS = completions, restartPolicy Never, replaced per shard',
    () => {
      for (const objects of [base, gpu]) {
        const { spec } = job(objects, 'zgr-sweep');
        assert.equal(spec.completionMode, 'Indexed');
        const [c] = spec.template.spec.containers;
        assert.equal(
          envOf(c, 'SHARDS')?.value,
          String(spec.completions),
          'SHARDS must equal completions: Kubernetes does not pass the count to the pods',
        );
        const command = c.args!.join(' ');
        assert.match(command, /train-vae\.js --sweep --shard "\$JOB_COMPLETION_INDEX\/\$SHARDS" --workers "\$WORKERS"/);
        assert.ok(envOf(c, 'ZGR_PROFILE')?.value, 'the profile is set');
        assert.deepEqual(envOf(c, 'WORKERS')?.valueFrom, {
          resourceFieldRef: { containerName: c.name, resource: 'requests.cpu' },
        });
        assert.equal(spec.template.spec.restartPolicy, 'Never', 'backoffLimitPerIndex needs restartPolicy Never');
      }
    },
  );

  it(
    'the sweep and the figures Job share the results claim, mounted where --results-dir and ' +
      'ZGR_CACHE_E3_VAE_TRAINING point',
    () => {
      const claim = base.find((o) => o.kind === 'PersistentVolumeClaim')!;
      assert.deepEqual(
        (claim.spec as { accessModes: string[] }).accessModes,
        ['ReadWriteMany'],
        'pods on several nodes write into it at once',
      );
      const mountOf = (j: JobManifest, c: Container) => {
        const volume = j.spec.template.spec.volumes!.find(
          (v) => v.persistentVolumeClaim?.claimName === claim.metadata.name,
        );
        assert.ok(volume, `${j.metadata.name}: no volume of claim ${claim.metadata.name}`);
        return c.volumeMounts!.filter((m) => m.name === volume.name);
      };
      const sweep = job(base, 'zgr-sweep');
      const [train] = sweep.spec.template.spec.containers;
      const [results] = mountOf(sweep, train);
      assert.match(train.args!.join(' '), new RegExp(`--results-dir ${results.mountPath}( |$)`));
      const [draw] = figures.spec.template.spec.containers;
      const mounts = mountOf(figures, draw);
      assert.equal(envOf(draw, 'ZGR_CACHE_E3_VAE_TRAINING')?.value, mounts.find((m) => m.subPath == null)?.mountPath);
      assert.equal(
        envOf(draw, 'ZGR_PROFILE')?.value,
        envOf(train, 'ZGR_PROFILE')?.value,
        'the figures Job draws the profile the sweep ran',
      );
      assert.ok(
        mounts.some((m) => m.mountPath === '/app/figures'),
        'the figures land in the volume',
      );
      assert.match(
        draw.args!.join(' '),
        new RegExp(
          /e3-summary\.js --profile "\$ZGR_PROFILE" /.source +
            /--results-dir "\$ZGR_CACHE_E3_VAE_TRAINING" && exec \S+ figures 06 07/.source,
        ),
      );
    },
  );

  it(
    "the GPU overlay adds one nvidia.com/gpu per pod, the gpu image and the GPU taint's " +
      'toleration, and changes nothing else',
    () => {
      const [b, g] = [job(base, 'zgr-sweep'), job(gpu, 'zgr-sweep')];
      const [cb, cg] = [b.spec.template.spec.containers[0], g.spec.template.spec.containers[0]];
      assert.equal(cg.resources?.limits?.['nvidia.com/gpu'], '1');
      assert.match(cg.image, /:gpu$/);
      assert.ok(g.spec.template.spec.tolerations?.length);
      assert.equal(envOf(cg, 'TF_FORCE_GPU_ALLOW_GROWTH')?.value, 'true');
      // undo the overlay's four changes: what is left must be the base
      const undone = structuredClone(g);
      const c = undone.spec.template.spec.containers[0];
      c.image = cb.image;
      delete c.resources!.limits!['nvidia.com/gpu'];
      c.env = c.env!.filter((e) => e.name !== 'TF_FORCE_GPU_ALLOW_GROWTH');
      delete undone.spec.template.spec.tolerations;
      assert.deepEqual(undone, b);
    },
  );

  it('kustomize renders the overlays as this test does (kubectl kustomize, where kubectl is installed)', (t) => {
    const probe = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
    if (probe.error != null || probe.status !== 0) {
      t.skip('kubectl is not installed: the rendering above stands alone');
      return;
    }
    for (const [dir, ours] of [
      ['base', base],
      ['gpu', gpu],
    ] as const) {
      const out = spawnSync('kubectl', ['kustomize', path.join(K8S, dir)], { encoding: 'utf8' });
      assert.equal(out.status, 0, out.stderr);
      const theirs = parseAllDocuments(out.stdout).map((d) => d.toJS() as Manifest);
      const byName = (objects: Manifest[]) =>
        Object.fromEntries(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
      assert.deepEqual(byName(theirs), byName(ours), `kubectl kustomize ${dir} differs from the test's rendering`);
    }
  });
});
