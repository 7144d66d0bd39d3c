#!/usr/bin/env bash
# Drop-in check: for every published artifact, a fresh user project (dropin/pom.xml) that depends on that artifact and
# a logger alone, built twice, without and with kafka-utility-bom: its dependencies must converge (enforcer
# dependencyConvergence + requireUpperBoundDeps) and its checker (dropin/src/<artifact>/) must run without a linkage
# error. Installs the published artifacts into the local repository first (tests skipped: `mvn verify` runs them).
set -euo pipefail
cd "$(dirname "$0")/.."
ARTIFACTS=(kafka-utility-schemas kafka-utility-core client-document-service client-query-service client-llm-service
  response-consumer kafka-utility-testkit)

echo "== installing the published artifacts (and the BOM) into the local repository"
mvn -B -q install -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
  -pl kafka-utility-bom,$(IFS=,; echo "${ARTIFACTS[*]}")

status=0
for artifact in "${ARTIFACTS[@]}"; do
  for mode in alone bom; do
    args=(-B -q -f dropin/pom.xml -Ddropin.artifact="$artifact")
    [ "$mode" = bom ] && args+=(-Pbom)
    log="dropin/target-$artifact-$mode.log"
    mkdir -p dropin
    if mvn "${args[@]}" clean verify > "$log" 2>&1 && grep -q "DROPIN $artifact OK" "$log"; then
      jars=$(mvn -B -q -f dropin/pom.xml -Ddropin.artifact="$artifact" $([ "$mode" = bom ] && echo -Pbom) \
        dependency:list -DoutputFile=/dev/stdout -DexcludeTransitive=false 2>/dev/null | grep -c ':jar:' || true)
      echo "DROPIN $artifact ($mode): converges, runs; $jars jars on its class path"
    else
      echo "DROPIN $artifact ($mode): FAILED, see $log"
      grep -E "ERROR|Error|Exception" "$log" | head -20 || true
      status=1
    fi
  done
done
exit $status
