#!/usr/bin/env bash
# Writes RELIABILITY.md: every RELIABILITY line printed by the last test run (failsafe/surefire output files), one row
# per scenario, with the test class that printed it. Run after `mvn -B verify` (or `-Pchaos`), from the repository
# root: bash scripts/reliability-table.sh [output-file]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-RELIABILITY.md}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
# "<class> <line>" for every RELIABILITY line; a scenario printed twice keeps its last line
find . -path '*/target/*-reports/*-output.txt' -print0 | sort -z | while IFS= read -r -d '' f; do
  cls=$(basename "$f" -output.txt); cls=${cls##*.}
  grep -aoE '^RELIABILITY [A-Za-z][^ ]* .*' "$f" | sed "s/^/$cls /" || true
done | awk '{ key=$3; last[key]=$0; if (!(key in order)) { order[key]=++n; keys[n]=key } }
            END { for (i=1; i<=n; i++) print last[keys[i]] }' > "$tmp"
{
  echo "# Reliability ledger"
  echo
  echo "Every fault, bad-input and security scenario of the suite (issue #9) with the last line it printed"
  echo "(\`RELIABILITY <test> produced=.. acked=.. ambiguous=.. consumed=.. lost=.. duplicates=..\`). Every scenario"
  echo "asserts lost = 0 and unexpected = 0, except the negative controls, whose test asserts that the checker flags"
  echo "them (duplicates or lost > 0). Regenerate: \`mvn -B verify\` (add \`-Pchaos\` for the soak), then"
  echo "\`bash scripts/reliability-table.sh\`."
  echo
  echo "Last generated: $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) CPUs."
  echo
  echo "| scenario | test class | produced | acked | ambiguous | failed | consumed | lost | duplicates | unexpected | outage ms | recovery ms | kind |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  while read -r cls _ name rest; do
    val() { echo " $rest " | grep -oE " $1=[-0-9]+" | head -n1 | cut -d= -f2; }
    kind=scenario
    case "$name" in
      *egativeControl*|*non-idempotent*|*NegativeControl*) kind="negative control" ;;
    esac
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$cls" \
      "$(val produced)" "$(val acked)" "$(val ambiguous)" "$(val failed)" "$(val consumed)" "$(val lost)" \
      "$(val duplicates)" "$(val unexpected)" "$(val outage_ms)" "$(val recovery_ms)" "$kind"
  done < "$tmp"
  echo
  echo "Raw lines:"
  echo
  echo '```'
  cut -d' ' -f2- "$tmp"
  echo '```'
} > "$out"
echo "wrote $out ($(wc -l < "$tmp") scenarios)"
