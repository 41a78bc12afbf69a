#!/usr/bin/env bash
# The synthesized templates of both stages, checked as CloudFormation will take them:
#   - two synths of the unchanged app give byte-identical templates (cdk diff stays clean, and a deploy
#     re-runs the deadline job only when the job changed);
#   - cfn-lint reports no error (ignored warnings and their reasons: .cfnlintrc.yaml), also on prod with the
#     optional edge (CloudFront and WAF) on.
set -euo pipefail
cd "$(dirname "$0")/.."
export CDK_DISABLE_CLI_TELEMETRY=true
command -v cfn-lint >/dev/null || { echo "cfn-lint not found: it comes with the machine image (pip install cfn-lint elsewhere)"; exit 1; }

# The same context as the run's one synth (scripts/synth-once.ts), so the two copies can be compared.
mapfile -t context < <(node --input-type=module -e "const { SYNTH_CONTEXT } = await import('./scripts/synth-once.ts'); console.log(SYNTH_CONTEXT.join('\\n'))")
synth() { ./node_modules/.bin/cdk synth --quiet -c "stage=$1" "${context[@]}" -o "$2" "${@:3}" >"$2.log" 2>&1 || { cat "$2.log"; return 1; }; }
lint() {
  if cfn-lint "$2"; then echo "$1: cfn-lint clean"; else
    code=$?
    # cfn-lint's exit code is a bit field: 2 errors, 4 warnings, 8 informational. Only errors fail.
    if (( code & 2 )); then status=1; else echo "$1: cfn-lint warnings only (exit $code)"; fi
  fi
}
status=0
# The first copy of each stage is the run's one synth (scripts/synth-once.ts: the artifacts tests and the
# bundle sizes read the same); the second is made now, to compare.
copies=$(node scripts/synth-once.ts dev prod) || { echo "the synth failed"; exit 1; }
mapfile -t first_copies <<<"$copies"
for i in 0 1; do
  stage=$([ $i = 0 ] && echo dev || echo prod)
  first=${first_copies[$i]} second=.local/templates/$stage-2
  rm -rf "$second"; mkdir -p .local/templates
  synth "$stage" "$second"
  if cmp -s "$first/Pistus-$stage.template.json" "$second/Pistus-$stage.template.json"; then
    echo "$stage: two synths, identical templates"
  else
    echo "$stage: two synths differ:"; { diff "$first/Pistus-$stage.template.json" "$second/Pistus-$stage.template.json" || true; } | head -20 || true
    status=1
  fi
  lint "$stage" "$first/Pistus-$stage.template.json"
done
edge=.local/templates/prod-edge
rm -rf "$edge"
synth prod "$edge" -c edge=true
lint "prod with the edge" "$edge/Pistus-prod.template.json"
exit $status
