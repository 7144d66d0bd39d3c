package dropin;

import java.io.InputStream;

/** kafka-utility-schemas alone: every schema the catalog names and the reply's Avro schema are on the class path. */
public final class Check {
    public static void main(String[] args) throws Exception {
        for (String resource : new String[] {"/schemas/catalog.json", "/schemas/common.v1.schema.json",
                "/schemas/rag.document.processed.v1.schema.json", "/avro/rag-response.avsc"}) {
            try (InputStream in = Check.class.getResourceAsStream(resource)) {
                if (in == null || in.readAllBytes().length == 0) {
                    throw new AssertionError(resource + " missing");
                }
            }
        }
        System.out.println("DROPIN kafka-utility-schemas OK");
    }
}
