#!/usr/bin/env bash
# Runs an ecomon config on a Slurm cluster: a job array of N shards (each `ecomon run CONFIG --shard
# I/N`: its share of the scene tasks, written to the shared output folder), a second array of N
# (the same command, once every scene task is done: its share of the season tile tasks, each year's
# bands of run.tile_rows rows) and the reduce (a plain `ecomon run CONFIG`: takes the shards' tasks,
# assembles each year's tiles into its COGs, derives the reports). When `ecomon plan` shares whole
# years (years enough to go round the shards, alike in size: an archive reprocessed), each shard of
# the first array makes its years' tiles itself, and there is no second array. Slurm starts each
# only when the one before succeeded (--dependency=afterok) and cancels it otherwise
# (--kill-on-invalid-dep=yes): a failed shard never publishes a partial county table.
#
#   scripts/slurm/submit.sh CONFIG N [sbatch options, e.g. --partition=compute --cpus-per-task=8]
#
# The config, its input folder and its output folder must be on a filesystem every node sees (NFS,
# Lustre ...), at the same path. Submitting again after a failure runs only what is missing: a shard
# skips the tasks whose files are there. A shard's exit code: 0 done (a scene that cannot be read is
# a task done with that result: the reduce reports it), 2 a configuration error (fix it, do not
# retry), 75 retry (a full disk, an I/O error), 130/143 stopped. ECOMON names the binary (default:
# ecomon on PATH, else this checkout's build/pipeline/ecomon). Prints the job ids.
set -euo pipefail
if [ $# -lt 2 ] || ! [[ "$2" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 CONFIG N [sbatch options]   (N: the number of shards, at least 1)" >&2
  exit 2
fi
config="$(realpath "$1")"
shards="$2"
shift 2
[ -f "$config" ] || { echo "$0: $config: no such config" >&2; exit 2; }
ecomon="${ECOMON:-$(command -v ecomon || echo "$(cd "$(dirname "$0")/../.." && pwd)/build/pipeline/ecomon")}"
[ -x "$ecomon" ] || { echo "$0: $ecomon: not an executable (set ECOMON)" >&2; exit 2; }
# Each job uses the cores Slurm gave it (--cpus-per-task), all of the node's without.
threads='--threads ${SLURM_CPUS_PER_TASK:-0}'
# The shares, as every shard will compute them (the dry run: it reads the scenes' metadata, writes
# nothing; a configuration error stops here, before anything is submitted).
plan=$("$ecomon" plan "$config" --shards "$shards" --format json) || { echo "$0: ecomon plan $config failed" >&2; exit 2; }
by_year=no
if grep -q '"shared_by_year": true' <<<"$plan"; then by_year=yes; fi
shard_job=$(sbatch --parsable --array="0-$((shards - 1))" --job-name=ecomon-shard "$@" \
  --wrap "exec $(printf %q "$ecomon") run $(printf %q "$config") $threads --shard \${SLURM_ARRAY_TASK_ID}/$shards")
shard_job="${shard_job%%;*}"
if [ "$by_year" = yes ]; then
  reduce_job=$(sbatch --parsable --dependency="afterok:$shard_job" --kill-on-invalid-dep=yes --job-name=ecomon-reduce "$@" \
    --wrap "exec $(printf %q "$ecomon") run $(printf %q "$config") $threads --wait")
  reduce_job="${reduce_job%%;*}"
  echo "shards: job $shard_job (array 0-$((shards - 1)), whole years: each shard makes its years' tiles too);" \
    "reduce: job $reduce_job (runs when every shard succeeded)"
  exit 0
fi
tile_job=$(sbatch --parsable --array="0-$((shards - 1))" --dependency="afterok:$shard_job" --kill-on-invalid-dep=yes \
  --job-name=ecomon-tiles "$@" \
  --wrap "exec $(printf %q "$ecomon") run $(printf %q "$config") $threads --shard \${SLURM_ARRAY_TASK_ID}/$shards")
tile_job="${tile_job%%;*}"
reduce_job=$(sbatch --parsable --dependency="afterok:$tile_job" --kill-on-invalid-dep=yes --job-name=ecomon-reduce "$@" \
  --wrap "exec $(printf %q "$ecomon") run $(printf %q "$config") $threads --wait")
reduce_job="${reduce_job%%;*}"
echo "shards: job $shard_job (array 0-$((shards - 1))); tiles: job $tile_job (array 0-$((shards - 1)), after the shards);" \
  "reduce: job $reduce_job (runs when every shard and tile succeeded)"
