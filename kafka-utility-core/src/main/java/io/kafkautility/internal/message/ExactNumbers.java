package io.kafkautility.internal.message;

import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ValueNode;

import java.math.BigDecimal;

/**
 * The reader's node factory: a fraction or exponent number becomes a {@code DoubleNode} when the double spells the
 * same decimal (as before, and what handlers expect), and a {@code DecimalNode} holding the exact value when it
 * would not ({@code 1.0000000000000001}, {@code 1e-400}, {@code 1e400}), so that schema validation sees the number
 * that was written, as JSON Schema's arbitrary-precision numbers require. Used with
 * {@code USE_BIG_DECIMAL_FOR_FLOATS}. Stateless; thread-safe.
 */
final class ExactNumbers extends JsonNodeFactory {

    private static final long serialVersionUID = 1L;

    ExactNumbers() {
        super(true);
    }

    @Override
    public ValueNode numberNode(BigDecimal v) {
        if (v == null) {
            return nullNode();
        }
        double d = v.doubleValue();
        if (Double.isFinite(d)) {
            int exponent = v.precision() - v.scale(); // the decimal exponent, roughly
            if (v.precision() <= 15 && exponent > -290 && exponent < 290) {
                return DoubleNode.valueOf(d); // at most 15 significant digits: the double reads back as this decimal
            }
            if (new BigDecimal(Double.toString(d)).compareTo(v) == 0) {
                return DoubleNode.valueOf(d); // e.g. 17 digits that a double printed
            }
        }
        return DecimalNode.valueOf(v);
    }
}
