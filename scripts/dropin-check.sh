#!/usr/bin/env bash
# Drop-in check: for every published artifact, a fresh user project (dropin/pom.xml) that depends on that artifact and
# a logger alone, built twice, without and with kafka-utility-bom (the Spring Boot starter a third time, in a Boot build): its dependencies must converge (enforcer
# dependencyConvergence + requireUpperBoundDeps) and its checker (dropin/src/<artifact>/) must run without a linkage
# error. Installs the published artifacts into the local repository first (tests skipped: `mvn verify` runs them).
set -euo pipefail
cd "$(dirname "$0")/.."
ARTIFACTS=(kafka-utility-schemas kafka-utility-core client-document-service client-query-service client-llm-service
  response-consumer kafka-utility-testkit kafka-utility-spring-boot-starter)

echo "== installing the published artifacts (and the BOM) into the local repository"
mvn -B -q install -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
  -pl kafka-utility-bom,$(IFS=,; echo "${ARTIFACTS[*]}")

status=0
for artifact in "${ARTIFACTS[@]}"; do
  modes=(alone bom)
  # the starter also in a Spring Boot 3 and a Spring Boot 4 build: kafka-utility-bom imported before
  # spring-boot-dependencies (on Boot 4 with its health API: the starter registers its Boot 4 indicator)
  [ "$artifact" = kafka-utility-spring-boot-starter ] && modes+=(boot boot4 boot-pinned)
  for mode in "${modes[@]}"; do
    args=(-B -q -f dropin/pom.xml -Ddropin.artifact="$artifact")
    [ "$mode" != alone ] && args+=(-P"$mode")
    log="dropin/target-$artifact-$mode.log"
    mkdir -p dropin
    if [ "$mode" = boot-pinned ]; then
      # Boot's kafka-clients 3.9 without our BOM: the enforcer would stop the build first (skipped here); the
      # application must then refuse to start, saying how to fix the build, instead of failing later in a poll loop
      if ! mvn "${args[@]}" -Denforcer.skip clean verify > "$log" 2>&1 \
          && grep -q "kafka-utility needs kafka-clients 4.1 or newer but 3.9" "$log"; then
        echo "DROPIN $artifact ($mode): refuses to start on Boot's kafka-clients 3.9, with the fix in the message"
      else
        echo "DROPIN $artifact ($mode): FAILED, expected a refusal to start, see $log"
        status=1
      fi
      continue
    fi
    if mvn "${args[@]}" clean verify > "$log" 2>&1 && grep -q "DROPIN $artifact OK" "$log"; then
      jars=$(mvn -B -q -f dropin/pom.xml -Ddropin.artifact="$artifact" $([ "$mode" != alone ] && echo -P"$mode") \
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
