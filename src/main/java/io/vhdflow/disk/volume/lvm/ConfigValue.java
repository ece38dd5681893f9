package io.vhdflow.disk.volume.lvm;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A value of LVM's text configuration format: a string, an integer, an array, or a section. */
sealed interface ConfigValue {

    record Str(String value) implements ConfigValue {
    }

    record Num(long value) implements ConfigValue {
    }

    record Arr(List<ConfigValue> items) implements ConfigValue {
    }

    /** {@code name { key = value ... }}; keys keep their order. */
    record Section(Map<String, ConfigValue> entries) implements ConfigValue {

        Optional<Section> section(String key) {
            return entries.get(key) instanceof Section s ? Optional.of(s) : Optional.empty();
        }

        Optional<String> string(String key) {
            return entries.get(key) instanceof Str s ? Optional.of(s.value()) : Optional.empty();
        }

        Optional<Long> number(String key) {
            return entries.get(key) instanceof Num n ? Optional.of(n.value()) : Optional.empty();
        }

        Optional<List<ConfigValue>> array(String key) {
            return entries.get(key) instanceof Arr a ? Optional.of(a.items()) : Optional.empty();
        }

        /** The strings of an array such as {@code status = ["READ", "WRITE", "VISIBLE"]}. */
        List<String> strings(String key) {
            return array(key).map(items -> items.stream().filter(v -> v instanceof Str)
                    .map(v -> ((Str) v).value()).toList()).orElse(List.of());
        }
    }
}
