package io.cellwatch.bench.engines;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

import org.apache.flink.api.common.state.AggregatingState;
import org.apache.flink.api.common.state.AggregatingStateDescriptor;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReducingState;
import org.apache.flink.api.common.state.ReducingStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;

/**
 * The keyed state of one key, on the heap, for driving Flink CEP's {@code SharedBuffer} without a cluster. Objects
 * are held by reference and never serialized, as in Flink's heap state backend, so the CEP figures are a lower
 * bound of what CEP costs in a job (no serialization, no operator, no network). The shared buffer asks only for
 * map state; anything else is refused.
 */
final class HeapKeyedStateStore implements KeyedStateStore {

    @Override
    public <UK, UV> MapState<UK, UV> getMapState(final MapStateDescriptor<UK, UV> descriptor) {
        return new HeapMapState<>();
    }

    @Override
    public <T> ValueState<T> getState(final ValueStateDescriptor<T> descriptor) {
        throw unsupported(descriptor.getName());
    }

    @Override
    public <T> ListState<T> getListState(final ListStateDescriptor<T> descriptor) {
        throw unsupported(descriptor.getName());
    }

    @Override
    public <T> ReducingState<T> getReducingState(final ReducingStateDescriptor<T> descriptor) {
        throw unsupported(descriptor.getName());
    }

    @Override
    public <I, A, O> AggregatingState<I, O> getAggregatingState(final AggregatingStateDescriptor<I, A, O> descriptor) {
        throw unsupported(descriptor.getName());
    }

    @Override
    public <T> org.apache.flink.api.common.state.v2.ValueState<T> getValueState(
        final org.apache.flink.api.common.state.v2.ValueStateDescriptor<T> descriptor) {
        throw unsupported(descriptor.getStateId());
    }

    @Override
    public <T> org.apache.flink.api.common.state.v2.ListState<T> getListState(
        final org.apache.flink.api.common.state.v2.ListStateDescriptor<T> descriptor) {
        throw unsupported(descriptor.getStateId());
    }

    @Override
    public <UK, UV> org.apache.flink.api.common.state.v2.MapState<UK, UV> getMapState(
        final org.apache.flink.api.common.state.v2.MapStateDescriptor<UK, UV> descriptor) {
        throw unsupported(descriptor.getStateId());
    }

    @Override
    public <T> org.apache.flink.api.common.state.v2.ReducingState<T> getReducingState(
        final org.apache.flink.api.common.state.v2.ReducingStateDescriptor<T> descriptor) {
        throw unsupported(descriptor.getStateId());
    }

    @Override
    public <I, A, O> org.apache.flink.api.common.state.v2.AggregatingState<I, O> getAggregatingState(
        final org.apache.flink.api.common.state.v2.AggregatingStateDescriptor<I, A, O> descriptor) {
        throw unsupported(descriptor.getStateId());
    }

    @Override
    public String getBackendTypeIdentifier() {
        return "heap (benchmark)";
    }

    private static UnsupportedOperationException unsupported(final String name) {
        return new UnsupportedOperationException("the CEP benchmark's state store holds map state only, asked for "
            + name);
    }

    /** A HashMap as map state. */
    private static final class HeapMapState<K, V> implements MapState<K, V> {
        private final Map<K, V> map = new HashMap<>();

        @Override
        public V get(final K key) {
            return map.get(key);
        }

        @Override
        public void put(final K key, final V value) {
            map.put(key, value);
        }

        @Override
        public void putAll(final Map<K, V> values) {
            map.putAll(values);
        }

        @Override
        public void remove(final K key) {
            map.remove(key);
        }

        @Override
        public boolean contains(final K key) {
            return map.containsKey(key);
        }

        @Override
        public Iterable<Map.Entry<K, V>> entries() {
            return map.entrySet();
        }

        @Override
        public Iterable<K> keys() {
            return map.keySet();
        }

        @Override
        public Iterable<V> values() {
            return map.values();
        }

        @Override
        public Iterator<Map.Entry<K, V>> iterator() {
            return map.entrySet().iterator();
        }

        @Override
        public boolean isEmpty() {
            return map.isEmpty();
        }

        @Override
        public void clear() {
            map.clear();
        }
    }
}
