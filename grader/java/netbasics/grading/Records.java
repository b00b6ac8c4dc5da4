package netbasics.grading;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;

/**
 * The records of a script's contract (its {@code Retry}, {@code Reply}, ...) live in the script's own
 * class loader, so tests build and read them by reflection, by component name.
 */
public final class Records {

    private Records() {}

    /** A new record of {@code type}, through its canonical constructor. */
    public static Object create(Class<?> type, Object... components) {
        if (!type.isRecord()) {
            throw new AssertionError(type.getSimpleName() + " must be a record, as the stub declares it.");
        }
        Class<?>[] types = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getType).toArray(Class<?>[]::new);
        try {
            Constructor<?> canonical = type.getDeclaredConstructor(types);
            canonical.setAccessible(true);
            return canonical.newInstance(components);
        } catch (ReflectiveOperationException | IllegalArgumentException e) {
            throw new AssertionError("cannot create " + type.getSimpleName() + Arrays.toString(components)
                    + ": keep the record's components as the stub declares them", e);
        }
    }

    /** The value of the component {@code name} of {@code record}. */
    @SuppressWarnings("unchecked")
    public static <T> T get(Object record, String name) {
        try {
            var accessor = record.getClass().getDeclaredMethod(name);
            accessor.setAccessible(true);
            return (T) accessor.invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(record.getClass().getSimpleName() + " must have the component " + name
                    + ", as the stub declares it", e);
        }
    }
}
