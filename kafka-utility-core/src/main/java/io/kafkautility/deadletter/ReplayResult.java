package io.kafkautility.deadletter;

import java.util.List;

/**
 * What a replay did.
 *
 * @param selected        records the selection matched
 * @param replayed        re-published now (0 on a dry run)
 * @param alreadyReplayed matched but replayed before (skipped)
 * @param refused         matched but without an allowed target (original topic not matching the dead-letter topic,
 *                        and no explicit target)
 * @param dryRun          whether nothing was re-published on purpose
 * @param replayIds       the replay ids re-published (or that would be, on a dry run)
 */
public record ReplayResult(long selected, long replayed, long alreadyReplayed, long refused, boolean dryRun,
                           List<String> replayIds) {

    public ReplayResult {
        replayIds = List.copyOf(replayIds);
    }
}
