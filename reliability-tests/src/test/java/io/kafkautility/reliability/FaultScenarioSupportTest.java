package io.kafkautility.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkautility.reliability.FaultScenarioSupport.Deliveries;
import io.kafkautility.testkit.fault.ReliabilityLedger;
import org.junit.jupiter.api.Test;

/** The checks of the fault scenarios can fail: a document re-sent under a new id is flagged, a redelivery is not. */
class FaultScenarioSupportTest {

    @Test
    void aDocumentDeliveredUnderASecondIdIsAnEffectiveDuplicateButARedeliveryOfTheSameIdIsNot() {
        ReliabilityLedger ledger = ReliabilityLedger.create("support");
        Deliveries deliveries = new Deliveries(ledger);
        deliveries.record(FaultScenarioSupport.event("id-1", "doc-1"));
        deliveries.record(FaultScenarioSupport.event("id-1", "doc-1")); // redelivery: same id
        deliveries.record(FaultScenarioSupport.event("id-2", "doc-2"));
        assertThat(deliveries.documentsUnderSeveralIds()).isZero();
        assertThat(ledger.check().duplicates()).isEqualTo(1);

        deliveries.record(FaultScenarioSupport.event("id-3", "doc-1")); // blind re-send under a new id
        assertThat(deliveries.documentsUnderSeveralIds()).isEqualTo(1);
    }

    @Test
    void eventsCarryTheGivenIdAsTheirStableMessageId() {
        assertThat(FaultScenarioSupport.event("x-42", "doc-7").id()).isEqualTo("x-42");
        assertThat(FaultScenarioSupport.event("x-42", "doc-7").data().get("documentId").asText()).isEqualTo("doc-7");
    }
}
