# syntax=docker/dockerfile:1
#
# zgr-companion in a container: regenerate the figures, open the notebooks in JupyterLab, run
# the tests, or check that the GPU is used. Commands (docker/entrypoint.sh):
#   figures (default)  npm run reproduce, writing into /app/figures (mount it from the host)
#   lab                JupyterLab on port 8888, the notebooks in /app/notebooks
#   test               the test suite
#   gpu-check          active backend and device, a large matmul timed; non-zero exit when a
#                      GPU variant fell back to the CPU
#
# VARIANT (build argument):
#   gpu     (default) CUDA 11.8 + cuDNN 8 runtime, @tensorflow/tfjs-node-gpu (libtensorflow
#           2.9.1 loads CUDA 11 + cuDNN 8 only; with CUDA 12/13 libraries TF silently uses the CPU)
#   webgpu  Debian bookworm + libvulkan1, npm `webgpu` (Dawn) + @tensorflow/tfjs-backend-webgpu
#   cpu     Debian bookworm; tfjs-node when its binary can be downloaded, else the wasm backend
#
#   docker build -t zgr-companion .                                   # gpu
#   docker build --build-arg VARIANT=cpu -t zgr-companion:cpu .       # cpu
#   docker run --gpus all --rm --user "$(id -u):$(id -g)" -v "$PWD/figures:/app/figures" zgr-companion
#
# Base images are build arguments so that they can be substituted (a mirror, a local image):
# scripts/docker-smoke.sh builds the cpu variant from locally made images that way.

ARG VARIANT=gpu

# nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04, pinned by its digest (the multi-arch index).
# To re-pin: docker buildx imagetools inspect nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04
ARG GPU_BASE_IMAGE=nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04@sha256:85fb7ac694079fff1061a0140fd5b5a641997880e12112d92589c3bbb1e8b7ca
# Debian 12 for the cpu and webgpu variants
ARG DEBIAN_BASE_IMAGE=debian:bookworm-slim
# Node 20 is copied from this image: /usr/local/bin/node and /usr/local/lib/node_modules/npm
# (the official node images' layout; works on Ubuntu 22.04 and Debian 12 alike)
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS node

# ---- one base stage per VARIANT: the base image and what is special about it ----------------
FROM ${GPU_BASE_IMAGE} AS base-gpu
# libtensorflow's kernels are PTX for compute capability 8.0: Ada (8.9) and Hopper (9.0)
# JIT-compile them at first use (minutes); the driver caches the result here. Mount a volume
# on /var/cache/zgr/cuda to keep it between runs.
ENV ZGR_EXPECT_GPU=1 \
    CUDA_CACHE_PATH=/var/cache/zgr/cuda \
    CUDA_CACHE_MAXSIZE=4294967296 \
    CUDA_MODULE_LOADING=LAZY \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility

FROM ${DEBIAN_BASE_IMAGE} AS base-webgpu
# graphics: the NVIDIA container toolkit then mounts the driver's Vulkan ICD, which Dawn uses;
# webgpu is opt-in (lib/backend.ts): this image asks for it
ENV ZGR_EXPECT_GPU=1 \
    ZGR_BACKEND=webgpu \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics

FROM ${DEBIAN_BASE_IMAGE} AS base-cpu
ENV ZGR_EXPECT_GPU=0

# ---- the image: the chosen base + system packages, Node, Jupyter, the project -----------------
FROM base-${VARIANT} AS app
ARG VARIANT
# pip: JupyterLab 4 + the plotly renderer extension from PyPI into /opt/jupyter (what users get).
# debian: the distribution's Jupyter packages (JupyterLab where the release has it, else the
# classic notebook server) — for builds without PyPI, such as scripts/docker-smoke.sh.
ARG JUPYTER=pip
ARG JUPYTERLAB_VERSION=4.2.5
ARG PLOTLY_VERSION=5.24.1
# apt: Debian's chromium; playwright: the Chromium build that matches playwright-core in
# package-lock.json (Ubuntu's chromium is a snap, unusable in a container); auto: apt on
# Debian, playwright elsewhere.
ARG CHROMIUM=auto
# every @tensorflow/* package at one version (package.json pins 4.22.0; two tfjs-core copies clash)
ARG TFJS_VERSION=4.22.0
ARG WEBGPU_VERSION=0.6.2
ARG DEBIAN_FRONTEND=noninteractive

ENV ZGR_VARIANT=${VARIANT} \
    LANG=C.UTF-8 \
    PATH=/opt/jupyter/bin:/app/node_modules/.bin:$PATH \
    PLAYWRIGHT_BROWSERS_PATH=/opt/ms-playwright \
    ZGR_CHROMIUM=/usr/local/bin/zgr-chromium \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

COPY docker/install.sh /usr/local/lib/zgr/install.sh
RUN sh /usr/local/lib/zgr/install.sh system
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN sh /usr/local/lib/zgr/install.sh node
RUN sh /usr/local/lib/zgr/install.sh jupyter

# the project, built as the unprivileged user that runs it
WORKDIR /app
COPY --chown=zgr:zgr package.json package-lock.json ./
# the workspace's manifest (the package @zgr/estimators, built from lib/package by npm run build)
COPY --chown=zgr:zgr packages/estimators/package.json packages/estimators/package.json
USER zgr
RUN sh /usr/local/lib/zgr/install.sh npm
USER root
RUN sh /usr/local/lib/zgr/install.sh chromium
USER zgr
COPY --chown=zgr:zgr . .
RUN npm run build
USER root
RUN sh /usr/local/lib/zgr/install.sh finish

COPY docker/kernels/tslab/kernel.json /usr/local/share/jupyter/kernels/tslab/kernel.json
COPY docker/entrypoint.sh /usr/local/bin/zgr-entrypoint
# the commit the image was built from, recorded in every result's and figure's provenance (the
# image has no .git): build with --build-arg ZGR_COMMIT=$(git rev-parse HEAD)
ARG ZGR_COMMIT
ENV ZGR_COMMIT=${ZGR_COMMIT}

USER zgr
ENV HOME=/home/zgr
EXPOSE 8888
# tini reaps zombies and (-g) passes signals to the whole process group: Ctrl-C stops Jupyter
# kernels and the notebook runner's children too.
ENTRYPOINT ["/usr/bin/tini", "-g", "--", "/usr/local/bin/zgr-entrypoint"]
CMD ["figures"]
