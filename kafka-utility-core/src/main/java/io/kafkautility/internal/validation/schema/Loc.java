package io.kafkautility.internal.validation.schema;

/** A JSON Pointer (RFC 6901) built only while an error report is collected: a parent and one token. Immutable. */
final class Loc {

    static final Loc ROOT = new Loc(null, null);

    private final Loc parent;
    private final String token;

    private Loc(Loc parent, String token) {
        this.parent = parent;
        this.token = token;
    }

    Loc property(String name) {
        return new Loc(this, name);
    }

    Loc index(int i) {
        return new Loc(this, Integer.toString(i));
    }

    @Override
    public String toString() {
        if (parent == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        append(b);
        return b.toString();
    }

    private void append(StringBuilder b) {
        if (parent == null) {
            return;
        }
        parent.append(b);
        b.append('/');
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '~') {
                b.append("~0");
            } else if (c == '/') {
                b.append("~1");
            } else {
                b.append(c);
            }
        }
    }
}
