package io.kafkautility.internal.validation.schema;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * One schema flattened for a single walk of a value ({@link SchemaWalk}): the keywords that look only at the value
 * itself (plus the in-place applicators {@code anyOf}, {@code if} and the like, run on the value as a whole), and the
 * plans of its children, by property name and for array items. {@code $ref}s are followed at planning time; a schema
 * that reaches itself through {@code $ref} alone (a recursive schema) is not flattened: its plan runs the whole schema
 * on the value. Immutable; built once per schema, lazily.
 */
final class WalkPlan implements io.kafkautility.internal.message.TreeReader.NodeCheck {

    final CompiledSchema.Keyword[] local;
    private final Map<String, WalkPlan> properties;
    private final WalkPlan additional; // for names not listed; null: anything
    final boolean additionalFalse;
    final WalkPlan items; // null: anything

    private WalkPlan(CompiledSchema.Keyword[] local, Map<String, WalkPlan> properties, WalkPlan additional,
                     boolean additionalFalse, WalkPlan items) {
        this.local = local;
        this.properties = properties;
        this.additional = additional;
        this.additionalFalse = additionalFalse;
        this.items = items;
    }

    @Override
    public boolean allows(String name) {
        return !additionalFalse || properties.containsKey(name);
    }

    @Override
    public WalkPlan items() {
        return items;
    }

    @Override
    public boolean test(JsonNode complete) {
        for (CompiledSchema.Keyword k : local) {
            if (!k.test(complete, false)) {
                return false;
            }
        }
        return true;
    }

    /** @return the plan of a property's value, or null when anything goes */
    @Override
    public WalkPlan property(String name) {
        WalkPlan p = properties.get(name);
        return p != null ? p : additional;
    }

    /** @return whether the name is one the schema lists (for additionalProperties: false) */
    boolean lists(String name) {
        return properties.containsKey(name);
    }

    static WalkPlan of(CompiledSchema schema) {
        return new Planner().plan(schema);
    }

    /** Plans with memory: one plan per schema, cycles through $ref cut. */
    private static final class Planner {
        private final Map<CompiledSchema, WalkPlan> done = new IdentityHashMap<>();
        private final Map<CompiledSchema, Boolean> inProgress = new IdentityHashMap<>();

        WalkPlan plan(CompiledSchema schema) {
            WalkPlan existing = done.get(schema);
            if (existing != null) {
                return existing;
            }
            if (inProgress.containsKey(schema)) {
                return whole(schema); // recursion: check the whole schema at this value
            }
            inProgress.put(schema, Boolean.TRUE);
            List<CompiledSchema.Keyword> local = new ArrayList<>();
            List<CompiledSchema.Properties> props = new ArrayList<>();
            List<CompiledSchema.Items> items = new ArrayList<>();
            if (!flatten(schema, local, props, items, new IdentityHashMap<>())) {
                inProgress.remove(schema);
                WalkPlan w = whole(schema);
                done.put(schema, w);
                return w;
            }
            WalkPlan plan;
            if (props.size() > 1 || items.size() > 1) {
                // several property or items keywords at one place (through $ref): check them whole, rare
                local.addAll(props);
                local.addAll(items);
                plan = new WalkPlan(local.toArray(new CompiledSchema.Keyword[0]), Map.of(), null, false, null);
            } else {
                Map<String, WalkPlan> children = new HashMap<>();
                WalkPlan additional = null;
                boolean additionalFalse = false;
                if (props.size() == 1) {
                    CompiledSchema.Properties p = props.get(0);
                    for (Map.Entry<String, CompiledSchema> e : p.properties().entrySet()) {
                        children.put(e.getKey(), plan(e.getValue()));
                    }
                    additional = p.additional() == null ? null : plan(p.additional());
                    additionalFalse = p.additionalFalse();
                }
                WalkPlan itemPlan = items.isEmpty() ? null : plan(items.get(0).items());
                plan = new WalkPlan(local.toArray(new CompiledSchema.Keyword[0]), Map.copyOf(children), additional,
                        additionalFalse, itemPlan);
            }
            inProgress.remove(schema);
            done.put(schema, plan);
            return plan;
        }

        private static WalkPlan whole(CompiledSchema schema) {
            return new WalkPlan(new CompiledSchema.Keyword[]{new Whole(schema)}, Map.of(), null, false, null);
        }

        /** @return false if the $refs loop back (the schema is recursive through $ref alone) */
        private static boolean flatten(CompiledSchema schema, List<CompiledSchema.Keyword> local,
                                       List<CompiledSchema.Properties> props, List<CompiledSchema.Items> items,
                                       Map<CompiledSchema, Boolean> seen) {
            if (seen.put(schema, Boolean.TRUE) != null) {
                return false;
            }
            for (CompiledSchema.Keyword k : schema.keywords()) {
                if (k instanceof CompiledSchema.Ref r) {
                    if (!flatten(r.target(), local, props, items, seen)) {
                        return false;
                    }
                } else if (k instanceof CompiledSchema.Properties p) {
                    props.add(p);
                } else if (k instanceof CompiledSchema.Items i) {
                    items.add(i);
                } else {
                    local.add(k);
                }
            }
            return true;
        }
    }

    /** The whole schema checked at one value (recursive schemas). */
    private static final class Whole extends CompiledSchema.Keyword {
        private final CompiledSchema schema;

        Whole(CompiledSchema schema) {
            super("$ref");
            this.schema = schema;
        }

        @Override
        boolean test(JsonNode n, boolean tolerant) {
            return schema.isValid(n, tolerant);
        }
    }
}
