#!/usr/bin/env bash
# Runs the acceptance suite once per Terraform or OpenTofu binary given, and
# checks each run with tools/testmatrix: every test passes, or skips for one of
# the documented version reasons (SKIP_REASON). Logs go to bin/matrix/.
#   scripts/testacc-versions.sh BIN...
# OpenTofu (a binary whose name starts with "tofu") needs two settings under
# terraform-plugin-testing: a CLI configuration file that exists (without one,
# tofu warns on stdout and the library cannot read its version) and a provider
# address that tofu accepts. PARALLEL is go test -parallel (default 8: the
# tests mostly wait on terraform and the sandbox).
set -uo pipefail
cd "$(dirname "$0")/.."
: "${SKIP_REASON:?SKIP_REASON must say which skips are allowed}"
GO=${GO:-go}
PARALLEL=${PARALLEL:-8}
mkdir -p bin/matrix
empty_rc=$PWD/bin/matrix/empty.tfrc
: > "$empty_rc"

status=0
for bin in "$@"; do
  env=(TF_ACC=1 "TF_ACC_TERRAFORM_PATH=$bin")
  name=terraform
  if [[ $(basename "$bin") == tofu* ]]; then
    name=opentofu
    env+=("TF_CLI_CONFIG_FILE=$empty_rc" TF_ACC_PROVIDER_NAMESPACE=hashicorp TF_ACC_PROVIDER_HOST=registry.opentofu.org)
  fi
  version=$(env "${env[@]}" "$bin" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p')
  if [[ -z $version ]]; then
    echo "--- $bin: cannot tell its version" >&2
    status=1
    continue
  fi
  label="Terraform $version"
  [[ $name == opentofu ]] && label="OpenTofu $version"
  log=bin/matrix/$name-$version
  echo "--- acceptance tests with $label ($bin)"
  start=$(date +%s)
  env "${env[@]}" "$GO" test -count=1 -parallel "$PARALLEL" -timeout 60m -json ./internal/provider/... > "$log.json"
  "$GO" run ./tools/testmatrix -label "$label" -skip-reason "$SKIP_REASON" < "$log.json" | tee "$log.txt" || status=1
  echo "($label: $(( $(date +%s) - start ))s)"
done
echo "(go test -json logs in bin/matrix/)"
exit $status
