package dev.vicinity.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The fields of an inbound frame's top-level object, in insertion order: two small arrays instead of a
 * {@link LinkedHashMap} (a table and an entry per field), which is most of what a request frame costs
 * to read. A frame has a handful of fields; past {@link #ARRAY_LIMIT} the map moves into a
 * {@link LinkedHashMap}, so a hostile frame with thousands of fields costs no more than before. Behaves
 * as a {@link LinkedHashMap} (insertion order, a put of a present key keeps its place, null values
 * allowed). Not thread-safe, like the tree it belongs to.
 */
final class SmallFieldMap extends AbstractMap<String, JsonNode> {
    static final int ARRAY_LIMIT = 16;

    private String[] keys = new String[8];
    private JsonNode[] values = new JsonNode[8];
    private int size;
    private int modCount;
    /** Set once the map outgrew the arrays; from then on every call goes to it. */
    private @Nullable LinkedHashMap<String, JsonNode> big;

    private int indexOf(@Nullable Object key) {
        for (int i = 0; i < size; i++) {
            if (keys[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int size() {
        return big != null ? big.size() : size;
    }

    @Override
    public boolean containsKey(@Nullable Object key) {
        return big != null ? big.containsKey(key) : indexOf(key) >= 0;
    }

    @Override
    public @Nullable JsonNode get(@Nullable Object key) {
        if (big != null) {
            return big.get(key);
        }
        int i = indexOf(key);
        return i < 0 ? null : values[i];
    }

    @Override
    public @Nullable JsonNode put(String key, JsonNode value) {
        Objects.requireNonNull(key, "key");
        if (big != null) {
            return big.put(key, value);
        }
        int i = indexOf(key);
        if (i >= 0) {
            JsonNode old = values[i];
            values[i] = value;
            return old;
        }
        if (size == ARRAY_LIMIT) {
            LinkedHashMap<String, JsonNode> m = new LinkedHashMap<>();
            for (int j = 0; j < size; j++) {
                m.put(keys[j], values[j]);
            }
            m.put(key, value);
            big = m;
            modCount++;
            return null;
        }
        if (size == keys.length) {
            keys = java.util.Arrays.copyOf(keys, size * 2);
            values = java.util.Arrays.copyOf(values, size * 2);
        }
        keys[size] = key;
        values[size] = value;
        size++;
        modCount++;
        return null;
    }

    @Override
    public @Nullable JsonNode remove(@Nullable Object key) {
        if (big != null) {
            return big.remove(key);
        }
        int i = indexOf(key);
        if (i < 0) {
            return null;
        }
        JsonNode old = values[i];
        removeAt(i);
        return old;
    }

    private void removeAt(int i) {
        int tail = size - i - 1;
        System.arraycopy(keys, i + 1, keys, i, tail);
        System.arraycopy(values, i + 1, values, i, tail);
        size--;
        keys[size] = null;
        values[size] = null;
        modCount++;
    }

    @Override
    public void clear() {
        if (big != null) {
            big.clear();
            return;
        }
        java.util.Arrays.fill(keys, 0, size, null);
        java.util.Arrays.fill(values, 0, size, null);
        size = 0;
        modCount++;
    }

    @Override
    public Set<Entry<String, JsonNode>> entrySet() {
        if (big != null) {
            return big.entrySet();
        }
        return new AbstractSet<>() {
            @Override
            public int size() {
                return SmallFieldMap.this.size();
            }

            @Override
            public Iterator<Entry<String, JsonNode>> iterator() {
                if (big != null) {
                    return big.entrySet().iterator();
                }
                return new Iterator<>() {
                    private int next;
                    private int last = -1;
                    private int expected = modCount;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    public Entry<String, JsonNode> next() {
                        if (expected != modCount) {
                            throw new ConcurrentModificationException();
                        }
                        if (next >= size) {
                            throw new NoSuchElementException();
                        }
                        last = next++;
                        int at = last;
                        String k = keys[at];
                        return new SimpleEntry<>(k, values[at]) {
                            @Override
                            public JsonNode setValue(JsonNode value) {
                                // By key, not by position: a removal may have shifted the arrays since.
                                if (containsKey(k)) {
                                    put(k, value);
                                }
                                return super.setValue(value);
                            }
                        };
                    }

                    @Override
                    public void remove() {
                        if (last < 0) {
                            throw new IllegalStateException();
                        }
                        if (expected != modCount) {
                            throw new ConcurrentModificationException();
                        }
                        removeAt(last);
                        next = last;
                        last = -1;
                        expected = modCount;
                    }
                };
            }
        };
    }
}
